"""The Celery application; configuration comes from Django settings (CELERY_* names)."""

import os

from celery import Celery, Task
from celery.signals import task_prerun
from django.db import close_old_connections

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


def connection_checked(task: Task, **kwargs: object) -> None:
    """Like at the start of a web request: drop a broken or too old database connection before the task
    uses it (the worker keeps connections across tasks, CELERY_DB_REUSE_MAX; with CONN_HEALTH_CHECKS the
    next query checks the connection it keeps). Not for eager calls, which run inside the caller's
    connection (and maybe its transaction)."""
    if not task.request.is_eager:
        close_old_connections()


def check_connection_before(*tasks: Task) -> None:
    """Run `connection_checked` before each of these tasks (a `task_prerun` receiver per task)."""
    for task in tasks:
        task_prerun.connect(connection_checked, sender=task, weak=False)
