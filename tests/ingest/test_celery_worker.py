"""A real Celery worker with the Redis broker runs the poll task against the simulated API; a 429 makes the
task re-queue itself for the reset time (no sleeping in the worker)."""

import subprocess
import time
import uuid

import pytest
import redis
from celery import Celery

from .processes import PYTHON, ROOT, counts, database_url, env_for, prepare

pytestmark = [pytest.mark.slow, pytest.mark.redis]
BROKER = "redis://127.0.0.1:6379/1"


def test_worker_polls_and_reschedules_after_429(tmp_path):
    redis.Redis.from_url(BROKER).ping()
    from twitter_ingest.fake_api import FakeXServer

    queue = f"ingest-test-{uuid.uuid4().hex[:8]}"
    with database_url(tmp_path) as url, FakeXServer() as server:
        for i in range(30):
            server.fake.add_tweet({"author": f"citizen{i}", "text": f"@Uppolice worker test {i} in Chinhat"})
        server.fake.faults.append({"route": "mentions", "status": 429, "reset_in": 2})
        env = env_for(url, X_API_BASE_URL=server.url, X_BEARER_TOKEN="test", CELERY_BROKER_URL=BROKER,
                      CELERY_TASK_ALWAYS_EAGER="false")
        prepare(env)
        worker = subprocess.Popen(
            [PYTHON, "-m", "celery", "-A", "seva", "worker", "-Q", queue, "-P", "solo", "--without-heartbeat",
             "--without-mingle", "--without-gossip", "-l", "WARNING"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            app = Celery(broker=BROKER)
            app.send_task("twitter_ingest.tasks.poll_all", queue=queue)
            deadline, result = time.monotonic() + 120, {}  # a worker starts slowly on a busy machine
            while time.monotonic() < deadline:
                time.sleep(2)
                result = counts(env)
                if result["complaints"] == 30:
                    break
        finally:
            worker.terminate()
            output = worker.communicate(timeout=20)[0]
        assert result["complaints"] == 30 and result["mentions"] == 30, (result, output)
        mention_calls = [p for m, p in server.fake.requests if p.endswith("/mentions")]
        assert len(mention_calls) == 2, output        # the 429, then the re-queued poll after the reset

