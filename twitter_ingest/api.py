"""GET /api/v1/costs/?month=YYYY-MM: the month's X bill for HQ (ledger.month_report), amounts in USD as
strings so no float rounds them. The month is by UTC days, as X bills. GET /api/v1/ingest/rejected/: the input the
ingest could not file, each reason in the language asked for."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints.api.permissions import IsHQ

from . import health, ledger


def _money(value):
    return None if value is None else f"{value:.4f}"


class CostsView(APIView):
    permission_classes = [IsAuthenticated, IsHQ]

    @extend_schema(
        summary="The month's X bill (HQ only)",
        parameters=[OpenApiParameter("month", str, description="YYYY-MM (UTC); this month when left out")],
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        try:
            month = ledger.parse_month(request.query_params.get("month", ""))
        except ValueError:
            return Response({"month": [_("Give the month as YYYY-MM, e.g. 2026-12.")]}, status=400)
        report = ledger.month_report(month)
        budget = report["budget"]
        return Response({
            "month": report["month"],
            "currency": "USD",
            "total": _money(report["total"]),
            "by_kind": {kind: {"resources": row["resources"], "cost": _money(row["cost"]),
                               "repeats_not_billed": row["repeats"], "price": _money(ledger.price(kind))}
                        for kind, row in report["by_kind"].items()},
            "complaints_handled": report["handled"],
            "cost_per_complaint": _money(report["per_complaint"]),
            "forecast": _money(report["forecast"]),
            "budget": {"budget": _money(budget["budget"]), "spent_this_month": _money(budget["spent"]),
                       "share": None if budget["share"] is None else round(float(budget["share"]), 4),
                       "level": budget["level"]},
        })


class RejectedInputView(APIView):
    """GET /api/v1/ingest/rejected/?limit=N: the input lately rejected (HQ only), newest first. `reason` is
    in the language asked for (Accept-Language), `reason_code` the stable code to match on ("" for rows
    stored before the codes)."""

    permission_classes = [IsAuthenticated, IsHQ]

    @extend_schema(
        summary="Input the ingest could not file (HQ only)",
        parameters=[OpenApiParameter("limit", int, description="at most this many rows, 1-200 (50 when left out)")],
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        limit = request.query_params.get("limit", "50")
        if not limit.isdigit() or not 1 <= int(limit) <= 200:
            return Response({"limit": [_("Give the limit as a whole number from 1 to 200.")]}, status=400)
        rows = health.rejected(int(limit))
        return Response({"results": [{**row, "created_at": row["created_at"].isoformat()} for row in rows]})
