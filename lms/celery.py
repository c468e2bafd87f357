"""The Celery application; configuration comes from Django settings (CELERY_* names)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings")

app = Celery("lms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="lms.ping")
def ping() -> str:
    """Answers 'pong': used to check that a worker is reachable and returns results."""
    return "pong"


@app.task(name="lms.beat_heartbeat", ignore_result=True)
def beat_heartbeat() -> None:
    """Sent by beat every BEAT_HEARTBEAT_SECONDS: its stored last run tells how long ago beat last ran
    (lms.health). Does nothing else."""
