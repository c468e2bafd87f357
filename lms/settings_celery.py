"""Celery's settings and its workers' (beat's heartbeat, the code exercises' sandbox), kept apart from
lms/settings.py so that each settings module stays readable; lms/settings.py imports them all."""

from pathlib import Path
from typing import Any

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
# Without a broker the app still works: tasks run in-process, right away.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or "") or None
CELERY_RESULT_EXPIRES = 3600
# Tasks are idempotent, so they may be acknowledged late: a worker that dies mid-task has its
# task delivered again instead of lost.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Queueing from a request gives up within about a second when the broker does not answer (the callers
# log it and the periodic sweeps queue the work again): a web request never hangs on the broker.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, Any] = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=600)
}
if CELERY_BROKER_URL == "filesystem://":
    # The run command's broker, which needs no server: messages are files in this directory, shared by
    # the dev server and the worker (with beat) it starts beside it (scripts/run.sh). No results kept.
    CELERY_FILESYSTEM_BROKER_DIR = env.path(
        "CELERY_FILESYSTEM_BROKER_DIR", default=BASE_DIR / ".celery-broker"
    )
    for _folder in ("queue", "control"):
        Path(CELERY_FILESYSTEM_BROKER_DIR, _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS.update(
        data_folder_in=str(Path(CELERY_FILESYSTEM_BROKER_DIR, "queue")),
        data_folder_out=str(Path(CELERY_FILESYSTEM_BROKER_DIR, "queue")),
        control_folder=str(Path(CELERY_FILESYSTEM_BROKER_DIR, "control")),
    )
    if CELERY_RESULT_BACKEND == CELERY_BROKER_URL:
        CELERY_RESULT_BACKEND = None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = env.str("TIME_ZONE", default="UTC")  # as TIME_ZONE
# Django's database holds the schedule (editable in admin); a tick the broker refused is sent again
# once it is back (lms.beat), BEAT_SEND_RETRY_SECONDS apart.
CELERY_BEAT_SCHEDULER = "lms.beat:CatchUpScheduler"
BEAT_SEND_RETRY_SECONDS = env.float("BEAT_SEND_RETRY_SECONDS", default=15.0)
# Beat's heartbeat (lms.health): a no-op task it sends this often; the health check says "down" when
# beat has sent nothing for HEALTH_BEAT_MAX_AGE_SECONDS. Beat stores each run as it sends the task.
BEAT_HEARTBEAT_SECONDS = env.float("BEAT_HEARTBEAT_SECONDS", default=60.0)
CELERY_BEAT_SCHEDULE = {
    "lms-beat-heartbeat": {"task": "lms.beat_heartbeat", "schedule": BEAT_HEARTBEAT_SECONDS}
}
HEALTH_BEAT_MAX_AGE_SECONDS = env.int("HEALTH_BEAT_MAX_AGE_SECONDS", default=300)
CELERY_BEAT_SYNC_EVERY = 1
# Celery's Django fix-up closes the database connection before and after every task unless this is
# set: two new connections per task cut the grading rate by ~4x (bench/grading.py). With it, a worker
# process reconnects every N tasks; tasks that need a healthy connection check it at their start
# (assessments.tasks: close_old_connections, which honours CONN_MAX_AGE and CONN_HEALTH_CHECKS).
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=1000)
# Learners' code runs on its own queue (exercises/README.md): sandbox workers use `-Q sandbox`.
CELERY_TASK_ROUTES = {"exercises.tasks.*": {"queue": "sandbox"}}
SANDBOX_BWRAP = env.str("SANDBOX_BWRAP", default="/usr/bin/bwrap")
# The unprivileged host user of a worker process's runs: BASE + pid % COUNT (exercises/sandbox.py).
SANDBOX_UID_BASE = env.int("SANDBOX_UID_BASE", default=200000)
SANDBOX_UID_COUNT = env.int("SANDBOX_UID_COUNT", default=50000)
# A run claimed longer ago is taken over (its worker died): longer than the longest run.
SANDBOX_STALE_CLAIM_SECONDS = env.int("SANDBOX_STALE_CLAIM_SECONDS", default=90)
