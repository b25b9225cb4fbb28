"""Open311 GeoReport v2 read endpoints (JSON only).

Mapping: service = complaint class (Category); service request = complaint, service_request_id = its
public request id (Complaint.public_id: random and unrelated to the tracking code, which is the
complainant's key and never appears here; whoever holds a code may still look a request up by it);
status open/closed; agency_responsible = the unit it is with; status_notes = the public action-taken
report. Restricted complaints and rejected mentions (not complaints) are never listed. The
complaint text is published as `description` only when settings.OPEN311_PUBLISH_TEXT is on (default
off): a tweet is public, but text taken down from a phone call may carry personal details. Both texts
come from complaints.public, which replaces one holding personal data by a neutral line.
"""

import operator
import uuid
from datetime import timedelta
from functools import reduce

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints import codes, public
from complaints.api.throttling import Open311Throttle
from complaints.models import OPEN_STATUSES, Category, Complaint, Status
from districts.models import Unit, UnitType

DEFAULT_WINDOW = timedelta(days=90)  # the GeoReport v2 default when no dates are given


def _iso(dt):
    return timezone.localtime(dt).isoformat() if dt else None


def _error(status, description):
    return Response([{"code": status, "description": description}], status=status)


def _state_name():
    state = Unit.objects.filter(unit_type=UnitType.STATE).only("name_en").first()
    return state.name_en if state else ""


def public_requests():
    return (Complaint.objects.filter(is_restricted=False).exclude(status=Status.REJECTED)
            .select_related("unit", "category"))


def as_request(complaint, *, state_name="", publish_text=False):
    return {
        "service_request_id": str(complaint.public_id),
        "status": "open" if complaint.status in OPEN_STATUSES else "closed",
        "status_notes": public.public_report(complaint),
        "service_name": complaint.category.name_en if complaint.category_id else "",
        "service_code": complaint.category.slug if complaint.category_id else "",
        "description": public.public_text(complaint) if publish_text else "",
        "agency_responsible": complaint.unit.name_en if complaint.unit_id else state_name,
        "service_notice": "",
        "requested_datetime": _iso(complaint.received_at),
        "updated_datetime": _iso(complaint.updated_at),
        "expected_datetime": None,
        "address": "",
        "address_id": "",
        "zipcode": "",
        "lat": None,
        "long": None,
        "media_url": "",
    }


class Open311View(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [Open311Throttle]
    renderer_classes = [JSONRenderer]

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        detail = response.data.get("detail") if isinstance(response.data, dict) else None
        if detail is not None:
            response.data = [{"code": response.status_code, "description": str(detail)}]
        return response


@extend_schema(exclude=True)
class ServicesView(Open311View):
    def get(self, request):
        return Response([
            {"service_code": c.slug, "service_name": c.name_en, "description": c.description or c.name_hi,
             "metadata": False, "type": "realtime", "keywords": "", "group": "police"}
            for c in Category.objects.filter(is_active=True)
        ])


def request_filter(raw):
    """The lookup for one service_request_id: a public request id, or a tracking code in any form people
    type it (whoever holds a code may look their complaint up). Raises ValueError for anything else."""
    raw = raw.strip()
    try:
        return {"public_id": uuid.UUID(raw)}
    except ValueError:
        pass
    try:
        return {"tracking_code": codes.normalise(raw)}
    except codes.CodeError:
        raise ValueError(f"service_request_id {raw[:40]!r} is neither a request id nor a tracking code.") from None


def _csv(value):
    return [v.strip() for v in (value or "").split(",") if v.strip()][:50]


@extend_schema(exclude=True)
class RequestsView(Open311View):
    def get(self, request):
        params = request.query_params
        qs = public_requests()
        wanted_ids = _csv(params.get("service_request_id"))
        if wanted_ids:
            try:
                lookups = [Q(**request_filter(raw)) for raw in wanted_ids]
            except ValueError as exc:
                return _error(400, str(exc))
            qs = qs.filter(reduce(operator.or_, lookups))
        else:
            start = end = None
            for name in ("start_date", "end_date"):
                if params.get(name):
                    try:
                        parsed = parse_datetime(params[name].strip())
                    except ValueError:
                        parsed = None
                    if parsed is None:
                        return _error(400, f"{name} must be an ISO 8601 date and time, like 2026-11-01T00:00:00+05:30.")
                    if timezone.is_naive(parsed):
                        parsed = timezone.make_aware(parsed)
                    start, end = (parsed, end) if name == "start_date" else (start, parsed)
            if start is None and end is None:
                start = timezone.now() - DEFAULT_WINDOW
            if start is not None:
                qs = qs.filter(received_at__gte=start)
            if end is not None:
                qs = qs.filter(received_at__lte=end)
            service_codes = _csv(params.get("service_code"))
            if service_codes:
                qs = qs.filter(category__slug__in=service_codes)
            states = set(_csv(params.get("status")))
            if states - {"open", "closed"}:
                return _error(400, "status is open, closed or both (open,closed).")
            if states == {"open"}:
                qs = qs.filter(status__in=OPEN_STATUSES)
            elif states == {"closed"}:
                qs = qs.exclude(status__in=OPEN_STATUSES)
        limit = int(getattr(settings, "OPEN311_MAX_REQUESTS", 200))
        publish = bool(getattr(settings, "OPEN311_PUBLISH_TEXT", False))
        state_name = _state_name()
        return Response([as_request(c, state_name=state_name, publish_text=publish)
                         for c in qs.order_by("-received_at", "-id")[:limit]])


@extend_schema(exclude=True)
class RequestView(Open311View):
    def get(self, request, code):
        try:
            lookup = request_filter(code)
        except ValueError as exc:
            return _error(400, str(exc))
        complaint = public_requests().filter(**lookup).first()
        if complaint is None:
            return _error(404, "No service request has this id.")
        publish = bool(getattr(settings, "OPEN311_PUBLISH_TEXT", False))
        return Response([as_request(complaint, state_name=_state_name(), publish_text=publish)])
