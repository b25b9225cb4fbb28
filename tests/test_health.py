"""/healthz and /metrics report what an operator needs, from the real database."""

import pytest
from django.test import override_settings

from complaints import lifecycle
from complaints import metrics

pytestmark = pytest.mark.django_db


def test_healthz_ok_on_the_embedded_default(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200
    body = resp.json()
    assert body["checks"]["database"]["ok"] and body["checks"]["broker"]["mode"] == "in-process"
    # No poll has run yet, so ingest is reported stale: degraded, not failed.
    assert body["status"] in ("ok", "degraded")
    assert "outbox" in body["checks"]


@override_settings(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL="redis://127.0.0.1:1/0")
def test_healthz_fails_when_the_broker_is_down(client):
    resp = client.get("/healthz")
    assert resp.status_code == 503
    assert resp.json()["status"] == "fail" and not resp.json()["checks"]["broker"]["ok"]


def test_metrics_in_prometheus_text_format(client, make_complaint):
    make_complaint()
    metrics.count_lookup("found")
    resp = client.get("/metrics")
    assert resp.status_code == 200 and resp["Content-Type"].startswith("text/plain")
    text = resp.content.decode()
    for name in ("seva_mentions_filed_total", "seva_outbox_pending", "seva_outbox_dead", "seva_sla_breaches_total",
                 "seva_lookups_total", "seva_complaints", "seva_sla_overdue"):
        assert f"# TYPE {name} " in text
    assert 'seva_complaints{status="new"} 1' in text
    assert 'seva_lookups_total{outcome="found"}' in text
    for line in text.splitlines():
        assert line.startswith("#") or len(line.rsplit(" ", 1)) == 2


@override_settings(METRICS_TOKEN="s3cret")
def test_metrics_token(client):
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret").status_code == 200
