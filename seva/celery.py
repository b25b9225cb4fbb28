"""The Celery app. Production runs `celery -A seva worker` and `celery -A seva beat` against Redis;
the embedded default runs the same tasks in-process (CELERY_TASK_ALWAYS_EAGER)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seva.settings")

app = Celery("seva")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The heartbeat task and beat's scheduler live beside the health checks that read them.
from seva import heartbeat  # noqa: E402,F401
