"""What the running site depends on, checked: the database, the cache, the task broker, and how long
ago Celery beat last sent a task.

Served as JSON at /health/ (503 when a check fails; `?check=database,cache` for some of them) and run
by the compose healthchecks (`python -m lms.health beat`, exit status 1 when down). Nothing secret is
shown: a failure is named by its exception class, never its message (which can hold a URL with a
password). /healthz stays the cheap liveness answer for the proxy.

The beat sends `lms.beat_heartbeat` every BEAT_HEARTBEAT_SECONDS (CELERY_BEAT_SCHEDULE); django-celery-beat
stores each task's last run as it sends it (PeriodicTask.last_run_at; CELERY_BEAT_SYNC_EVERY = 1), so the
newest of them says when beat last ran.
"""

import json
import sys
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

Result = dict[str, Any]

BROKER_TIMEOUT_SECONDS = 2


def database_check() -> Result:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {}


def cache_check() -> Result:
    key, value = "lms:health", uuid.uuid4().hex
    cache.set(key, value, 30)
    if cache.get(key) != value:
        raise LookupError("the cache did not keep a value")
    return {}


def broker_check() -> Result:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"detail": "no broker: tasks run in-process"}
    from lms.celery import app

    options = {
        **settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        "socket_connect_timeout": BROKER_TIMEOUT_SECONDS,
        "socket_timeout": BROKER_TIMEOUT_SECONDS,
    }
    with app.connection_for_write(settings.CELERY_BROKER_URL, transport_options=options) as broker:
        broker.ensure_connection(max_retries=1, interval_start=0, timeout=BROKER_TIMEOUT_SECONDS)
        broker.default_channel  # noqa: B018 (opening a channel talks to the broker)
    return {}


def beat_check() -> Result:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"detail": "no beat: tasks run in-process"}
    from django.db.models import Max
    from django_celery_beat.models import PeriodicTask

    last = PeriodicTask.objects.filter(enabled=True).aggregate(last=Max("last_run_at"))["last"]
    if last is None:
        raise LookupError("beat has not run")
    age = max(0, round((timezone.now() - last).total_seconds()))
    result: Result = {"last_ran_seconds_ago": age}
    if age > settings.HEALTH_BEAT_MAX_AGE_SECONDS:
        result["status"] = "down"
    return result


CHECKS: dict[str, Callable[[], Result]] = {
    "database": database_check,
    "cache": cache_check,
    "broker": broker_check,
    "beat": beat_check,
}


def health_report(names: list[str] | None = None) -> Result:
    """{"status": "ok" | "down", "checks": {name: {"status", "seconds", …}}} for the named checks (all
    when none are named). Unknown names raise KeyError."""
    checks: dict[str, Result] = {}
    for name in names or list(CHECKS):
        check = CHECKS[name]
        started = time.monotonic()
        try:
            result = {"status": "ok", **check()}
        except Exception as error:  # whatever a client library raises, the check says "down"
            result = {"status": "down", "error": type(error).__name__}
        result["seconds"] = round(time.monotonic() - started, 3)
        checks[name] = result
    healthy = all(result["status"] == "ok" for result in checks.values())
    return {"status": "ok" if healthy else "down", "checks": checks}


def main(argv: list[str]) -> int:
    """`python -m lms.health [check …]`: prints the report, exit status 0 when every check is ok."""
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings")
    django.setup()
    unknown = [name for name in argv if name not in CHECKS]
    if unknown:
        print(f"health: unknown check {', '.join(unknown)} (known: {', '.join(CHECKS)})", file=sys.stderr)
        return 2
    report = health_report(argv or None)
    print(json.dumps(report))
    return 0 if report["status"] == "ok" else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
