"""/healthz for load balancers and /metrics for Prometheus.

/healthz answers 503 only when this process cannot serve (no database, or a configured broker that does
not answer). Everything a restart of the web server would not cure is "degraded" with 200: a worker or
beat that has not shown itself alive (seva.heartbeat), an account whose last successful poll is older
than HEALTH_INGEST_STALE_SECONDS (two poll intervals), an outbox backlog or dead letters."""

import time

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q, Sum
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from complaints import metrics

from . import heartbeat


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
        since_poll = (now - a["last_poll_at"]).total_seconds() if a["last_poll_at"] else None
        accounts.append({"handle": a["handle"], "lag_seconds": a["lag_seconds"], "last_success_age_seconds": age,
                         "seconds_since_last_poll": since_poll, "paused_reason": a["paused_reason"],
                         "rate_limited_until": a["rate_limited_until"], "last_error": a["last_error"],
                         "possible_gap": a["possible_gap"]})
    return accounts, data["outbox"], data["last_sent_at"]


def _late(account):
    """Why an account's ingest is not healthy, or "" (never polled, paused, or no success for too long)."""
    if account["paused_reason"]:
        return f"paused: {account['paused_reason']}"
    age = account["last_success_age_seconds"]
    if age is None:
        return "no successful poll yet"
    if age > settings.HEALTH_INGEST_STALE_SECONDS:
        why = f"no successful poll for {age:.0f} s"
        if account["rate_limited_until"]:
            why += f", rate-limited until {account['rate_limited_until']:%H:%M:%S} UTC"
        elif account["last_error"]:
            why += f" ({account['last_error']})"
        return why
    return ""


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
    if checks["broker"]["ok"]:
        checks["worker"] = _check(heartbeat.worker)
        checks["beat"] = _check(heartbeat.beat)
    if checks["database"]["ok"]:
        try:
            accounts, outbox, last_sent = _ingest_and_outbox()
        except Exception as exc:
            checks["ingest"] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
        else:
            late = {a["handle"]: why for a in accounts if (why := _late(a))}
            checks["ingest"] = {"ok": not late, "accounts": accounts, "late": late,
                                "late_after_seconds": settings.HEALTH_INGEST_STALE_SECONDS}
            backlog = outbox.get("pending", 0) + outbox.get("sending", 0)
            checks["outbox"] = {"ok": backlog <= settings.HEALTH_OUTBOX_BACKLOG and not outbox.get("dead", 0),
                                "backlog": backlog, "last_sent_at": last_sent, **outbox}
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
    from twitter_ingest.models import Mention, Outbox

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
    accounts, outbox, last_sent = _ingest_and_outbox()
    family("ingest_lag_seconds", "gauge", "Seconds from the newest mention's tweet time to its filing, last poll.",
           [({"account": a["handle"]}, a["lag_seconds"]) for a in accounts])
    family("ingest_last_success_age_seconds", "gauge", "Seconds since the last successful poll.",
           [({"account": a["handle"]}, a["last_success_age_seconds"]) for a in accounts])
    family("seconds_since_last_poll", "gauge", "Seconds since the last poll of the account, successful or not.",
           [({"account": a["handle"]}, a["seconds_since_last_poll"]) for a in accounts])
    family("ingest_late", "gauge", "1 when the account has had no successful poll for two poll intervals.",
           [({"account": a["handle"]}, 1 if _late(a) else 0) for a in accounts])
    family("outbox_pending", "gauge", "Tweets waiting to be sent.", [({}, outbox.get("pending", 0) + outbox.get("sending", 0))])
    family("outbox_dead", "gauge", "Tweets that failed permanently.", [({}, outbox.get("dead", 0))])
    family("outbox_held", "gauge", "Replies held for a person to edit or post by hand.",
           [({}, outbox.get("held", 0) + outbox.get("manual", 0))])
    family("outbox_backlog", "gauge", "Outbox rows not sent, by status.",
           [({"status": k}, outbox.get(k, 0)) for k in ("pending", "sending", "held", "manual", "dead")])
    family("seconds_since_last_sent_reply", "gauge", "Seconds since the outbox last sent a tweet.",
           [({}, (now - last_sent).total_seconds() if last_sent else None)])
    family("outbox_lookback_reads_total", "counter",
           "X reads spent checking whether an earlier attempt already posted a tweet before posting it again.",
           [({}, Outbox.objects.aggregate(n=Sum("lookback_reads"))["n"] or 0)])
    from twitter_ingest import ledger
    from twitter_ingest.health import stream_summary

    # Stream mode only: the stream process's own record (twitter_ingest.stream_state), read from the database.
    streamed = stream_summary(now)
    label = {"account": streamed["handle"]} if streamed else {}
    family("stream_connected", "gauge", "1 while the Activity API stream is connected and heard from (stream mode).",
           [(label, 1 if streamed["connected"] else 0)] if streamed else [])
    family("stream_reconnects_total", "counter",
           "Times the stream process connected again after its first attempt (stream mode).",
           [(label, streamed["reconnects_total"])] if streamed else [])
    family("stream_fallback", "gauge", "1 while the stream is silent and the beat polls as in poll mode (stream mode).",
           [(label, 1 if streamed["fallback"] else 0)] if streamed else [])

    budget = ledger.budget_state(now)
    family("x_spend_month_usd", "gauge", "USD spent on the X API this UTC month (the X bill).",
           [({}, float(budget["spent"]))])
    family("x_budget_share", "gauge", "Share of X_MONTHLY_BUDGET_USD spent this month (0.8 warns, 1 holds status "
           "replies); absent without a budget.", [({}, float(budget["share"]))] if budget["share"] is not None else [])
    broker = _check(_broker)
    worker = _check(heartbeat.worker) if broker["ok"] else broker
    beat = _check(heartbeat.beat) if broker["ok"] else broker
    family("worker_up", "gauge", "1 when the Celery worker has shown itself alive (heartbeat or ping).",
           [({}, 1 if worker["ok"] else 0)])
    family("beat_up", "gauge", "1 when Celery beat has ticked within three heartbeats.", [({}, 1 if beat["ok"] else 0)])
    breaches = Q(action__in=settings.METRICS_SLA_EVENT_ACTIONS) | Q(action="escalation_step", data__breach=True)
    family("sla_breaches_total", "counter", "Deadlines missed: each complaint's deadline counted once, when the "
           "escalation ladder first took it up or marked it.", [({}, Event.objects.filter(breaches).count())])
    family("sla_overdue", "gauge", "Open complaints past their deadline now.",
           [({}, Complaint.objects.overdue(now).count())])
    family("lookups_total", "counter", "Public tracking lookups, by outcome.",
           [({"outcome": k}, v) for k, v in metrics.lookups().items()])
    return HttpResponse("\n".join(out) + "\n", content_type="text/plain; version=0.0.4; charset=utf-8")
