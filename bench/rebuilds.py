"""Benchmark: the fanned-out rebuilds (`rebuild_standings`, `rebuild_quiz_records`) with 1 and 2 worker
processes, on a seeded database.

    .venv/bin/python bench/seed.py -n 10000                     # seed lms_bench first (bench/seed.py)
    .venv/bin/python bench/rebuilds.py                          # standings and quiz records, 1 and 2 workers
    .venv/bin/python bench/rebuilds.py --workers 2 --kinds standings
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/lms_bench100k .venv/bin/python bench/rebuilds.py

Uses the database bench/seed.py filled (`lms_bench`, or BENCH_DATABASE_URL), migrated first (the
rebuild runs' tables). Needs a Redis server: BENCH_BROKER_URL, else CELERY_BROKER_URL's server with
database 13 (a queue of its own: the bench purges it, and a test's worker must not take its tasks).
For each kind and each worker count it starts `celery worker --concurrency N` (prefork) on that
database, waits for it to answer, then times the command from its start to the run's end (cutting the
ranges, queueing them, the workers' ranges, the command's polling) and prints rows, seconds and
seconds per 1,000 rows, and the CPU seconds the worker's processes used (start-up included): with
no core free for a second process, two take as long as one. The worker is stopped after each
measurement, so each starts the same way.
"""

import argparse
import io
import os
import re
import resource
import subprocess
import sys
import time

from common import ROOT, use_bench_database

URL = use_bench_database("lms_bench")
BROKER = (
    os.environ.get("BENCH_BROKER_URL")
    or re.sub(r"/\d+$", "", os.environ.get("CELERY_BROKER_URL", "")) + "/13"
)
os.environ["CELERY_BROKER_URL"] = os.environ["CELERY_RESULT_BACKEND"] = BROKER
COMMANDS = {"standings": "rebuild_standings", "quiz_records": "rebuild_quiz_records"}


def start_worker(concurrency: int) -> subprocess.Popen[bytes]:
    from lms.celery import app

    app.control.purge()
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "lms", "worker", "--pool", "prefork",
         "--concurrency", str(concurrency), "--queues", "celery", "--loglevel", "WARNING",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env={**os.environ, "CONN_MAX_AGE": "60"},
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while len(app.control.ping(timeout=1.0)) < 1:
        if time.monotonic() > deadline or worker.poll() is not None:
            worker.kill()
            raise SystemExit("The worker did not start.")
    return worker


STORED_TABLES = ("progress_standing", "assessments_quizrecord", "mentoring_menteeflags", "accounts_user")


def vacuum_stored_rows() -> None:
    """Each rebuild leaves a dead version of every row it rewrote (and of the users the quiz records
    lock): without a VACUUM (autovacuum is off on the bench's server) every next measurement works
    through more of them, 43 → 49 → 56 s over three runs, which favoured whichever went first."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {', '.join(STORED_TABLES)}")


def children_cpu_seconds() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def measure(kind: str, concurrency: int) -> tuple[int, float, float]:
    """Rows, seconds, and the CPU seconds of the worker's processes (its start-up included: the pool's
    processes are reaped by the worker, the worker by this process once stopped)."""
    from django.core.management import call_command

    from progress.models import RebuildRun

    vacuum_stored_rows()
    cpu_before = children_cpu_seconds()
    worker = start_worker(concurrency)
    try:
        started = time.perf_counter()
        call_command(COMMANDS[kind], stdout=io.StringIO())
        seconds = time.perf_counter() - started
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    run = RebuildRun.objects.filter(kind=kind).latest("pk")
    return run.rows, seconds, children_cpu_seconds() - cpu_before


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument(
        "--kinds", nargs="+", choices=sorted(COMMANDS), default=sorted(COMMANDS, reverse=True)
    )
    args = parser.parse_args()
    if not BROKER.startswith("redis://"):
        raise SystemExit("Set BENCH_BROKER_URL (or CELERY_BROKER_URL) to a Redis server (redis://…).")
    import django

    django.setup()
    from django.core.management import call_command

    from progress.models import Enrolment

    call_command("migrate", verbosity=0)
    learners = Enrolment.objects.count()
    with open("/proc/loadavg") as loadavg:
        print(f"{URL.rsplit('/', 1)[1]}: {learners:,} enrolments; load average {loadavg.read().split()[0]}")
    print(
        f"{'kind':<13} {'workers':>7} {'rows':>9} {'seconds':>8} {'s / 1,000 rows':>15} {'worker CPU s':>12}"
    )
    for kind in args.kinds:
        for concurrency in args.workers:
            rows, seconds, cpu = measure(kind, concurrency)
            print(
                f"{kind:<13} {concurrency:>7} {rows:>9,} {seconds:>8.1f} {1000 * seconds / rows:>15.3f}"
                f" {cpu:>12.1f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
