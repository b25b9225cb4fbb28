"""/healthz for load balancers and /metrics for Prometheus.

/healthz answers 503 only when this process cannot serve (no database, or a configured broker that does
not answer); a stale poller or an outbox backlog is reported as "degraded" with 200, because restarting
the web server would not cure either."""

import time

from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import metrics


def _database():
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True, "vendor": connection.vendor, "ms": round((time.monotonic() - started) * 1000, 1)}


def _broker():
    url = settings.CELERY_BROKER_URL
    if settings.CELERY_TASK_ALWAYS_EAGER or url.startswith("memory"):
        return {"ok": True, "mode": "in-process"}
    import redis

    started = time.monotonic()
    redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    return {"ok": True, "mode": "redis", "ms": round((time.monotonic() - started) * 1000, 1)}


def _ingest_and_outbox():
    from twitter_ingest.health import summary

    data = summary(runs_per_account=1)
    now = timezone.now()
    accounts = []
    for a in data["accounts"]:
        age = (now - a["last_success_at"]).total_seconds() if a["last_success_at"] else None
        accounts.append({"handle": a["handle"], "lag_seconds": a["lag_seconds"], "last_success_age_seconds": age,
                         "paused_reason": a["paused_reason"], "possible_gap": a["possible_gap"]})
    return accounts, data["outbox"]


def _check(fn):
    try:
        return fn()
    except Exception as exc:  # reported, not raised: the health page must answer
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}


@never_cache
@require_GET
def healthz(request):
    checks = {"database": _check(_database), "broker": _check(_broker)}
    status = "ok" if all(c["ok"] for c in checks.values()) else "fail"
    if checks["database"]["ok"]:
        try:
            accounts, outbox = _ingest_and_outbox()
        except Exception as exc:
            checks["ingest"] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
        else:
            stale_after = settings.HEALTH_INGEST_STALE_SECONDS
            stale = [a["handle"] for a in accounts
                     if a["paused_reason"] or a["last_success_age_seconds"] is None
                     or a["last_success_age_seconds"] > stale_after]
            checks["ingest"] = {"ok": not stale, "accounts": accounts, "stale": stale}
            backlog = outbox.get("pending", 0) + outbox.get("sending", 0)
            checks["outbox"] = {"ok": backlog <= settings.HEALTH_OUTBOX_BACKLOG and not outbox.get("dead", 0),
                                "backlog": backlog, **outbox}
        if status == "ok" and not all(c["ok"] for c in checks.values()):
            status = "degraded"
    return JsonResponse({"status": status, "checks": checks, "time": timezone.now()},
                        status=503 if status == "fail" else 200, json_dumps_params={"default": str})


def _line(name, value, labels=None):
    if value is None:
        return None
    label = ""
    if labels:
        parts = []
        for key, val in labels.items():
            escaped = str(val).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            parts.append(f'{key}="{escaped}"')
        label = "{" + ",".join(parts) + "}"
    return f"{name}{label} {float(value):g}"


@never_cache
@require_GET
def prometheus(request):
    token = settings.METRICS_TOKEN
    if token and request.headers.get("Authorization") != f"Bearer {token}":
        return HttpResponse("metrics need the bearer token\n", status=401, content_type="text/plain")
    from complaints.models import Complaint, Event
    from twitter_ingest.models import Mention

    p = settings.METRICS_PREFIX
    now = timezone.now()
    out = []

    def family(name, kind, help_text, samples):
        out.append(f"# HELP {p}_{name} {help_text}")
        out.append(f"# TYPE {p}_{name} {kind}")
        out.extend(line for line in (_line(f"{p}_{name}", v, lbl) for lbl, v in samples) if line)

    mentions = dict(Mention.objects.values_list("outcome").annotate(n=Count("id")).values_list("outcome", "n"))
    family("mentions_filed_total", "counter", "Mentions stored, by what they turned out to be.",
           [({"outcome": k}, v) for k, v in sorted(mentions.items())] or [({"outcome": "complaint"}, 0)])
    statuses = dict(Complaint.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    family("complaints", "gauge", "Complaints by status.", [({"status": k}, v) for k, v in sorted(statuses.items())])
    accounts, outbox = _ingest_and_outbox()
    family("ingest_lag_seconds", "gauge", "Seconds from the newest mention's tweet time to its filing, last poll.",
           [({"account": a["handle"]}, a["lag_seconds"]) for a in accounts])
    family("ingest_last_success_age_seconds", "gauge", "Seconds since the last successful poll.",
           [({"account": a["handle"]}, a["last_success_age_seconds"]) for a in accounts])
    family("outbox_pending", "gauge", "Tweets waiting to be sent.", [({}, outbox.get("pending", 0) + outbox.get("sending", 0))])
    family("outbox_dead", "gauge", "Tweets that failed permanently.", [({}, outbox.get("dead", 0))])
    family("outbox_held", "gauge", "Replies held for a person to edit or post by hand.",
           [({}, outbox.get("held", 0) + outbox.get("manual", 0))])
    family("sla_breaches_total", "counter", "Escalations raised by the SLA sweep.",
           [({}, Event.objects.filter(action__in=settings.METRICS_SLA_EVENT_ACTIONS).count())])
    family("sla_overdue", "gauge", "Open complaints past their deadline now.",
           [({}, Complaint.objects.overdue(now).count())])
    family("lookups_total", "counter", "Public tracking lookups, by outcome.",
           [({"outcome": k}, v) for k, v in metrics.lookups().items()])
    return HttpResponse("\n".join(out) + "\n", content_type="text/plain; version=0.0.4; charset=utf-8")
