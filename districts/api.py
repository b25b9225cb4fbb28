"""Read-only API of the units registry: /api/v1/units/ and /api/v1/units/<slug>/."""

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from .api_permissions import HasStaffScope
from .models import Unit, UnitType, XAccount


class UnitSerializer(serializers.ModelSerializer):
    type = serializers.CharField(source="unit_type", read_only=True)
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    handles = serializers.SerializerMethodField()

    class Meta:
        model = Unit
        fields = ["slug", "type", "name_en", "name_hi", "parent", "handles", "lgd_code", "is_active"]
        read_only_fields = fields

    def get_handles(self, unit) -> list[str]:
        return [a.handle for a in unit.accounts.all()]


@extend_schema_view(
    list=extend_schema(summary="Units (state, zones, ranges, districts, commissionerates, ...)", parameters=[
        OpenApiParameter("type", str, enum=UnitType.values, description="Only units of this type."),
    ]),
    retrieve=extend_schema(summary="One unit by slug", responses={
        200: UnitSerializer, 404: OpenApiResponse(description="No unit has this slug."),
    }),
)
class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [HasStaffScope]
    serializer_class = UnitSerializer
    lookup_field = "slug"
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        qs = Unit.objects.select_related("parent").prefetch_related(
            Prefetch("accounts", XAccount.objects.filter(is_active=True).order_by("kind", "handle"))
        )
        unit_type = self.request.query_params.get("type")
        if unit_type in UnitType.values:
            qs = qs.filter(unit_type=unit_type)
        return qs
