"""docker-compose.yml restarts a dead web server, worker or beat on its own: every one has a restart policy
and a health check, and the worker's and beat's health checks stop a hung process so that the policy
starts it again (Docker does not restart a container for being unhealthy)."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_web_worker_and_beat_restart_on_their_own():
    with open(ROOT / "docker-compose.yml", encoding="utf-8") as fh:
        services = yaml.safe_load(fh)["services"]
    for name in ("web", "worker", "beat"):
        assert services[name]["restart"] in ("always", "unless-stopped"), name
        assert services[name]["healthcheck"]["test"], name
    worker, beat = services["worker"]["healthcheck"]["test"][1], services["beat"]["healthcheck"]["test"][1]
    assert "celery -A seva inspect ping" in worker and "kill 1" in worker
    assert "python -m seva.heartbeat beat" in beat and "kill 1" in beat
