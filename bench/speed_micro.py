"""One reminder batch, timed again and again, with or without speed-only pieces (bench/speed_pieces.py):
an A/B that a shared machine does not drown. The whole-run benchmark (bench/reminders.py) moved by a
half between two runs of the same code at load 7-11; the fastest of several repetitions of one batch
moves by a few per cent.

    .venv/bin/python bench/speed_micro.py                       # after bench/reminders.py -n 20000
    .venv/bin/python bench/speed_micro.py --without messages    # the same without a piece
    .venv/bin/python bench/speed_micro.py --reps 9 --page 2

On the `lms_bench_reminders` database (BENCH_DATABASE_URL to change it), after bench/reminders.py
has seeded it: each repetition empties the outbox and the notices, makes every learner due, and runs
one page of candidates (`reminders.selectors.BATCH_SIZE`) through `reminder_batch_enqueue` as the
batch task does: choosing, composing, the notice and outbox INSERTs, then sending each e-mail (the
benchmarks' in-process backend; with `--serialize`, written out as SMTP does) and marking it sent.
Prints the fastest and the median repetition (wall and this process's CPU), and the garbage
collector's collections and time during the batch.
"""

import argparse
import gc
import os
import statistics
import sys
import time

from common import use_bench_database

URL = use_bench_database("lms_bench_reminders")
os.environ["EMAIL_BACKEND"] = "mail_backend.CheckingEmailBackend"
os.environ["CELERY_BROKER_URL"] = ""
if "--serialize" in sys.argv:
    os.environ["BENCH_SERIALIZE"] = "1"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--without", action="append", default=[])
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--page", type=int, default=1, help="which page of candidates (1: the first)")
    parser.add_argument("--serialize", action="store_true")
    options = parser.parse_args()

    import django

    django.setup()
    from django.core import mail
    from django.db import connection
    from django.utils import timezone
    from speed_pieces import switch_off

    from reminders.selectors import reminder_candidate_id_pages
    from reminders.services import reminder_batch_enqueue

    switch_off(options.without)
    collections = {"count": 0, "seconds": 0.0}
    started: list[float] = []

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started.append(time.perf_counter())
        elif started:
            collections["count"] += 1
            collections["seconds"] += time.perf_counter() - started.pop()

    walls, cpus, gcs, sent = [], [], [], 0
    for _ in range(options.reps + 1):  # the first warms the process up and is not counted
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE notifications_email, notifications_notice RESTART IDENTITY")
            cursor.execute("UPDATE accounts_user SET reminder_due_at = now() - interval '1 minute'")
        as_of = timezone.now()
        pages = reminder_candidate_id_pages(due_by=as_of)
        for _ in range(options.page):
            ids = next(pages)
        collections.update(count=0, seconds=0.0)
        gc.callbacks.append(on_gc)
        wall, cpu = time.perf_counter(), time.process_time()
        reminder_batch_enqueue(enrolment_ids=ids, as_of=as_of)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        gc.callbacks.remove(on_gc)
        sent = len(getattr(mail, "outbox", []))
        getattr(mail, "outbox", []).clear()
        walls.append(wall)
        cpus.append(cpu)
        gcs.append((collections["count"], collections["seconds"]))
    walls, cpus, gcs = walls[1:], cpus[1:], gcs[1:]
    print(
        f"without {','.join(options.without) or 'nothing':<12} batch of {len(ids)} ({sent} sent): "
        f"wall min {min(walls) * 1000:7.1f} ms, median {statistics.median(walls) * 1000:7.1f} ms; "
        f"CPU min {min(cpus) * 1000:7.1f} ms, median {statistics.median(cpus) * 1000:7.1f} ms; "
        f"gc {statistics.median(c for c, _ in gcs):.0f} collections, "
        f"{statistics.median(s for _, s in gcs) * 1000:.1f} ms; load {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
