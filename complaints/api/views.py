"""The REST API. Every read starts from scoping.visible_complaints(request.user); every change is a
lifecycle call with request.user as the actor (the lifecycle checks the right again). A complaint the
user may not see is a 404, never a 403, so that the API does not reveal that it exists."""

from datetime import timedelta

from django.db.models import Prefetch
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import filters, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints import codes, lifecycle, metrics, public, redaction, scoping, stats
from complaints.models import Category, Complaint, Event, Message
from districts.api_permissions import HasStaffScope
from districts.models import Unit

from . import serializers as s
from .errors import BadCode, canonical_code, exception_handler, lifecycle_errors
from .filters import ComplaintFilter
from .pagination import ComplaintCursor
from .permissions import IsHQ
from .throttling import TrackThrottle

CODE_PARAM = OpenApiParameter(
    "code", OpenApiTypes.STR, OpenApiParameter.PATH,
    description="Tracking code in any form people type it (any case, spaces, no dashes, Devanagari digits).",
)
ERRORS = {
    400: OpenApiResponse(description="Bad values: field errors, or a malformed tracking code / a typo in it."),
    403: OpenApiResponse(s.ErrorSerializer, description="Not allowed for this login."),
    404: OpenApiResponse(s.ErrorSerializer, description="No such complaint, or not visible to this login."),
}
CONFLICT = {409: OpenApiResponse(s.ErrorSerializer, description="Illegal transition or stale version.")}
# A body that none of the parsers can read (a multipart part without a media type, say).
UNREADABLE = {415: OpenApiResponse(s.ErrorSerializer, description="The body's media type cannot be read.")}


class ApiView:
    def get_exception_handler(self):
        return exception_handler


def _action_schema(body, summary):
    return extend_schema(
        summary=summary, parameters=[CODE_PARAM], request=body,
        responses={200: s.ComplaintSerializer, **ERRORS, **CONFLICT, **UNREADABLE},
    )


@extend_schema_view(
    list=extend_schema(summary="Complaints visible to this login, newest first", responses={
        200: s.ComplaintSerializer(many=True),
        400: OpenApiResponse(description="A filter or the cursor has a bad value."), 403: ERRORS[403],
    }),
    retrieve=extend_schema(summary="One complaint with its thread and events", parameters=[CODE_PARAM],
                           responses={200: s.ComplaintDetailSerializer, **ERRORS}),
    create=extend_schema(summary="File a complaint by hand (HQ)", request=s.ComplaintCreateSerializer,
                         responses={201: s.ComplaintDetailSerializer, 400: OpenApiResponse(description="Bad values"),
                                    403: OpenApiResponse(s.ErrorSerializer),
                                    409: OpenApiResponse(
                                        s.DuplicateErrorSerializer,
                                        description="The tweet is already filed as a complaint this login may see."),
                                    **UNREADABLE}),
)
class ComplaintViewSet(ApiView, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [HasStaffScope]
    serializer_class = s.ComplaintSerializer
    pagination_class = ComplaintCursor
    filterset_class = ComplaintFilter
    filter_backends = [DjangoFilterBackend, filters.OrderingFilter]
    ordering_fields = ["received_at", "id"]
    ordering = ("-received_at", "-id")
    lookup_url_kwarg = "code"
    lookup_value_regex = "[^/]+"
    queryset = Complaint.objects.none()  # for the schema; get_queryset is what answers

    def get_queryset(self):
        # Related rows come in one small query per relation rather than as joins: with six joins,
        # PostgreSQL spends far longer planning the page's query (~25 ms at 1M rows) than running it.
        related = Complaint.objects.prefetch_related(
            "unit", "category", "police_station", "suggested_unit", "suggested_station", "noted_by", "duplicate_of",
            "same_tweet_as")
        return scoping.visible_complaints(self.request.user, related)

    def get_permissions(self):
        if self.action == "create":
            return [HasStaffScope(), IsHQ()]
        return super().get_permissions()

    def get_serializer_class(self):
        return s.ComplaintDetailSerializer if self.action == "retrieve" else s.ComplaintSerializer

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self.hidden_codes = redaction.hidden_codes(self.request.user, redaction.referenced_codes(page or ()))
        return page

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "hidden_codes": getattr(self, "hidden_codes", frozenset())}

    def get_object(self):
        code = canonical_code(self.kwargs[self.lookup_url_kwarg])
        queryset = self.get_queryset()
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                Prefetch("messages", Message.objects.select_related("unit")),
                Prefetch("events", Event.objects.select_related("unit")),
            )
        complaint = queryset.filter(tracking_code=code).first()
        if complaint is None:
            raise NotFound("No complaint with this code is visible to you.", "not_found")
        return complaint

    def _detail(self, complaint, status_code=status.HTTP_200_OK):
        user = self.request.user
        allowed = {
            a for a in scoping.allowed_actions(user, complaint)
            if a not in lifecycle.TRANSITIONS or complaint.status in lifecycle.TRANSITIONS[a][0]
        }
        hidden = redaction.hidden_codes(user, redaction.referenced_codes([complaint], complaint.events.all()))
        context = {"request": self.request, "allowed_actions": allowed, "hidden_codes": hidden}
        data = s.ComplaintDetailSerializer(complaint, context=context).data
        return Response(data, status=status_code)

    def retrieve(self, request, *args, **kwargs):
        return self._detail(self.get_object())

    def create(self, request, *args, **kwargs):
        body = s.ComplaintCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        fields = {k: v for k, v in body.validated_data.items() if v not in (None, "")}
        with lifecycle_errors():
            complaint = lifecycle.file_complaint(actor=request.user, **fields)
        return self._detail(self.get_queryset().get(pk=complaint.pk), status.HTTP_201_CREATED)

    # ---------------------------------------------------------------- actions

    def _act(self, request, body_class, change):
        complaint = self.get_object()
        body = body_class(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        with lifecycle_errors():
            change(complaint, data, request.user)
        fresh = self.get_queryset().filter(pk=complaint.pk).first() or complaint
        hidden = redaction.hidden_codes(request.user, redaction.referenced_codes([fresh]))
        return Response(s.ComplaintSerializer(fresh, context={"request": request, "hidden_codes": hidden}).data)

    @_action_schema(s.ForwardSerializer, "Forward to a unit")
    @action(detail=True, methods=["post"])
    def forward(self, request, code=None):
        return self._act(request, s.ForwardSerializer, lambda c, d, u: lifecycle.forward(
            c, d["unit"], actor=u, expected_version=d.get("expected_version"), note=d.get("note", "")))

    @_action_schema(s.NoteSerializer, "Record the unit's \"Noted\"")
    @action(detail=True, methods=["post"])
    def note(self, request, code=None):
        def change(c, d, u):
            by_unit = lifecycle.unit_by_slug(d["unit"]) if d.get("unit") else None
            lifecycle.note(c, by_unit=by_unit, actor=u, tweet_id=d.get("tweet_id", ""),
                           expected_version=d.get("expected_version"), note=d.get("note", ""))
        return self._act(request, s.NoteSerializer, change)

    @_action_schema(s.AssignStationSerializer, "Pass to a police station")
    @action(detail=True, methods=["post"], url_path="assign-station")
    def assign_station(self, request, code=None):
        return self._act(request, s.AssignStationSerializer, lambda c, d, u: lifecycle.assign_station(
            c, d["police_station"], actor=u, expected_version=d.get("expected_version"), note=d.get("note", "")))

    @_action_schema(s.ReportSerializer, "File the station's action-taken report")
    @action(detail=True, methods=["post"])
    def report(self, request, code=None):
        return self._act(request, s.ReportSerializer, lambda c, d, u: lifecycle.report(
            c, d["text"], actor=u, expected_version=d.get("expected_version")))

    @_action_schema(s.ResolveSerializer, "Resolve")
    @action(detail=True, methods=["post"])
    def resolve(self, request, code=None):
        return self._act(request, s.ResolveSerializer, lambda c, d, u: lifecycle.resolve(
            c, actor=u, report=d.get("report") or None, expected_version=d.get("expected_version"),
            note=d.get("note", "")))

    @_action_schema(s.ApproveReportSerializer,
                    "Approve the report waiting for the unit's supervising officer (their login only)")
    @action(detail=True, methods=["post"], url_path="approve-report")
    def approve_report(self, request, code=None):
        return self._act(request, s.ApproveReportSerializer, lambda c, d, u: lifecycle.approve_report(
            c, actor=u, expected_version=d.get("expected_version"), note=d.get("note", "")))

    @_action_schema(s.ReturnReportSerializer,
                    "Return the waiting report to the cell with a reason (the supervising officer's login only)")
    @action(detail=True, methods=["post"], url_path="return-report")
    def return_report(self, request, code=None):
        return self._act(request, s.ReturnReportSerializer, lambda c, d, u: lifecycle.return_report(
            c, d["reason"], actor=u, expected_version=d.get("expected_version")))

    @_action_schema(s.CloseSerializer, "Close with an outcome")
    @action(detail=True, methods=["post"])
    def close(self, request, code=None):
        return self._act(request, s.CloseSerializer, lambda c, d, u: lifecycle.close(
            c, d["outcome"], fir_number=d.get("fir_number", ""), actor=u,
            expected_version=d.get("expected_version"), note=d.get("note", "")))

    @_action_schema(s.OptionalReasonSerializer, "Reopen")
    @action(detail=True, methods=["post"])
    def reopen(self, request, code=None):
        return self._act(request, s.OptionalReasonSerializer, lambda c, d, u: lifecycle.reopen(
            c, actor=u, reason=d.get("reason", ""), expected_version=d.get("expected_version")))

    @_action_schema(s.HandTo112Serializer, "Record that Dial 112 was informed (who and when; the state stays)")
    @action(detail=True, methods=["post"], url_path="hand-to-112")
    def hand_to_112(self, request, code=None):
        return self._act(request, s.HandTo112Serializer, lambda c, d, u: lifecycle.hand_to_112(
            c, actor=u, reference=d.get("reference", ""), note=d.get("note", ""),
            expected_version=d.get("expected_version")))

    @_action_schema(s.TransferSerializer, "Transfer to another unit")
    @action(detail=True, methods=["post"])
    def transfer(self, request, code=None):
        return self._act(request, s.TransferSerializer, lambda c, d, u: lifecycle.transfer(
            c, d["unit"], actor=u, reason=d.get("reason", ""), expected_version=d.get("expected_version")))

    @_action_schema(s.MergeSerializer, "Merge into another complaint (mark as duplicate)")
    @action(detail=True, methods=["post"])
    def merge(self, request, code=None):
        def change(c, d, u):
            try:
                into_code = codes.normalise(d["into"])
            except codes.CodeError as exc:
                raise ValidationError({"into": [str(exc)]}) from exc
            into = scoping.visible_complaints(u).filter(tracking_code=into_code).first()
            if into is None:
                raise ValidationError({"into": ["No complaint with this code is visible to you."]})
            lifecycle.merge(c, into, actor=u, expected_version=d.get("expected_version"), note=d.get("note", ""))
        return self._act(request, s.MergeSerializer, change)

    @_action_schema(s.ReasonSerializer, "Reject: not a complaint")
    @action(detail=True, methods=["post"])
    def reject(self, request, code=None):
        return self._act(request, s.ReasonSerializer, lambda c, d, u: lifecycle.reject(
            c, d["reason"], actor=u, expected_version=d.get("expected_version")))

    @_action_schema(s.AddNoteSerializer, "Add an internal note (never public)")
    @action(detail=True, methods=["post"], url_path="add-note")
    def add_note(self, request, code=None):
        return self._act(request, s.AddNoteSerializer, lambda c, d, u: lifecycle.add_note(c, d["text"], actor=u))


@extend_schema_view(
    list=extend_schema(summary="The complaint classes"),
    retrieve=extend_schema(summary="One class by slug", responses={200: s.CategorySerializer, 404: ERRORS[404]}),
)
class CategoryViewSet(ApiView, viewsets.ReadOnlyModelViewSet):
    permission_classes = [HasStaffScope]
    serializer_class = s.CategorySerializer
    queryset = Category.objects.all()
    lookup_field = "slug"
    pagination_class = None
    filter_backends = []


class StatsView(ApiView, APIView):
    """The league table of units for a period (complaints.stats.league_table), limited to the units this
    login may see."""

    permission_classes = [HasStaffScope]

    @extend_schema(summary="League table of units for a period", parameters=[s.StatsQuerySerializer],
                   responses={200: s.StatsSerializer, 400: OpenApiResponse(description="Bad dates or unit")})
    def get(self, request):
        query = s.StatsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        end = query.validated_data.get("end") or timezone.localdate()
        start = query.validated_data.get("start") or end - timedelta(days=29)
        if start > end:
            raise ValidationError({"start": ["The start is after the end."]})
        if (end - start).days > 366 * 3:
            raise ValidationError({"start": ["At most three years at a time."]})
        units = Unit.objects.active().filter(unit_type__in=stats.RECEIVING_TYPES)
        visible = scoping.visible_unit_ids(request.user)
        if visible is not None:
            units = units.filter(pk__in=visible)
        if query.validated_data.get("unit"):
            root = Unit.objects.filter(slug=query.validated_data["unit"]).first()
            if root is None:
                raise ValidationError({"unit": ["Unknown unit."]})
            units = units.filter(pk__in=root.subtree_ids())
        rows = stats.league_table(start, end, units=list(units))
        payload = {"start": start, "end": end, "noted_target_minutes": stats.noted_target_minutes(), "units": rows}
        return Response(s.StatsSerializer(payload).data)


class PublicTrackView(ApiView, APIView):
    """The tracking page's content as JSON: public, throttled per client address like the page."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [TrackThrottle]

    def throttled(self, request, wait):
        metrics.count_lookup("throttled")
        super().throttled(request, wait)

    @extend_schema(summary="Public status of a complaint by its tracking code", parameters=[CODE_PARAM],
                   auth=[], responses={200: s.PublicComplaintSerializer,
                                       400: OpenApiResponse(s.ErrorSerializer, description="Malformed code or typo"),
                                       404: OpenApiResponse(s.ErrorSerializer, description="No complaint has this code"),
                                       429: OpenApiResponse(description="Too many lookups from this address")})
    def get(self, request, code):
        try:
            canonical = canonical_code(code)
        except BadCode as exc:
            metrics.count_lookup("typo" if exc.detail.code == "code_typo" else "malformed")
            raise
        complaint = Complaint.objects.with_related().filter(tracking_code=canonical).first()
        metrics.count_lookup("found" if complaint else "not_found")
        if complaint is None:
            raise NotFound("No complaint has this code.", "not_found")
        response = Response(public.as_dict(public.public_view(complaint)))
        response["Cache-Control"] = "public, max-age=30"
        return response
