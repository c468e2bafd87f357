"""Benchmark: the whole weekly reminder run for N learners (default 100,000) on PostgreSQL.

    .venv/bin/python bench/reminders.py                 # seed 100,000 learners, then time the run
    .venv/bin/python bench/reminders.py -n 10000        # a smaller run while iterating
    .venv/bin/python bench/reminders.py --reuse         # keep the learners already seeded
    .venv/bin/python bench/reminders.py --workers 2     # batches spread over 2 processes (as on 2 workers)
    .venv/bin/python bench/reminders.py --locmem        # Django's locmem e-mail backend, as until 2026-11-26
    .venv/bin/python bench/reminders.py --rounds 1      # one timed run (default 3 rounds: their median)
    .venv/bin/python bench/reminders.py --without messages   # without a speed-only piece (speed_pieces.py)
    .venv/bin/python bench/reminders.py --serialize     # each message also written out as SMTP does

It uses its own database, `lms_bench_reminders` on 127.0.0.1:5432 (BENCH_DATABASE_URL to change it),
which it creates and migrates, so it never touches the development or test databases. Seeding uses
COPY (psycopg 3): users, enrolments with start dates spread over a year (active, paused, completed;
every cadence; several time zones; some at half pace; some idle for weeks) and their completed weeks,
then their stored standings (progress.standings.standings_rebuild_all), from which reminders select.
Each round starts with every learner's weekly time come (`User.reminder_due_at`): the run also moves
each one's on to next week (one UPDATE per batch and distinct next time), so a second run finds nobody.

The timed part is what the beat task, its batches and the outbox do: page through the candidates by
keyset, and for each page (`reminders.selectors.BATCH_SIZE`) call the batch service in-process
(selection, the outbox keys already there, rendering, one INSERT into the outbox of rows claimed by
this process), which sends them after its commit (building each MIME message, marking sent). Prints
seconds and reminders/s, then times a second run, which must send nothing; three rounds by default, each
from an empty outbox, and their median (the machines are noisy: one run moves by a tenth). Target
(issue 16): 100,000 learners in ≤ 15 s in one process.

The e-mail backend is `bench/mail_backend.py`: Django's locmem backend (each message's `message()`
built, the message kept in `mail.outbox`) without the deep copy of every message that locmem makes for
tests, a cost of the test backend that no real backend has (1.9 s of the run). Until 2026-11-26 the
benchmark used locmem itself; `--locmem` measures that way. Neither serializes the messages as SMTP
does (`message().as_bytes()`, about 0.09 ms a message more), nor talks to a mail server.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from multiprocessing import get_context

from common import ROOT, copy_rows, ensure_database, use_bench_database

BENCH_DB_URL = use_bench_database("lms_bench_reminders")
os.environ["EMAIL_BACKEND"] = (
    "django.core.mail.backends.locmem.EmailBackend"
    if "--locmem" in sys.argv
    else "mail_backend.CheckingEmailBackend"
)
if "--serialize" in sys.argv:
    os.environ["BENCH_SERIALIZE"] = "1"  # read by bench/mail_backend.py
os.environ["CELERY_BROKER_URL"] = ""  # nothing leaves this process

TIMEZONES = ["UTC", "Europe/London", "Europe/Paris", "America/New_York", "Asia/Kolkata", "Asia/Tokyo"]
SEED = 20261130


def seed(count: int) -> None:
    from django.db import connection

    from accounts.models import User
    from curriculum.models import Week
    from progress.models import Enrolment, WeekProgress
    from progress.schedule import build_schedule
    from progress.standings import standings_rebuild_all

    rng = random.Random(SEED)
    now = datetime.now(UTC)
    today = now.date()
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE accounts_user, progress_enrolment, progress_weekprogress, progress_schedulechange, "
            "notifications_email RESTART IDENTITY CASCADE"
        )
    password = "!unusable"
    zones = [rng.choice(TIMEZONES) for _ in range(count + 1)]  # each learner's, and their schedule's
    copy_rows(
        User,
        (
            {
                "time_zone": zones[n],
                "password": password,
                "username": f"bench{n}",
                "email": f"bench{n}@example.com",
                "first_name": f"Learner {n}",
                "date_joined": now,
            }
            for n in range(1, count + 1)
        ),
    )
    week_ids = dict(Week.objects.values_list("number", "id"))
    enrolments = []
    progress = []
    for n in range(1, count + 1):
        start = today - timedelta(days=rng.randint(-14, 380))
        pace = Decimal("0.5") if rng.random() < 0.1 else Decimal("1")
        status = rng.choices(["active", "paused", "completed"], weights=[90, 5, 5])[0]
        cadence = rng.choices(["weekly", "when_behind", "off"], weights=[75, 15, 10])[0]
        idle = timedelta(days=rng.choice([0, 1, 3, 6, 10, 20, 40]), hours=rng.randint(0, 23))
        enrolments.append(
            {
                "learner_id": n,
                "start_date": start,
                "pace": pace,
                "timezone": zones[n],
                "status": status,
                "paused_on": today - timedelta(days=3) if status == "paused" else None,
                "reminder_cadence": cadence,
                "calendar_token": f"bench-{n}",
                "last_activity_at": now - idle,
                "created_at": datetime(start.year, start.month, start.day, tzinfo=UTC) - timedelta(days=2),
            }
        )
        schedule = build_schedule(start_date=start, pace=pace, today=today, total_weeks=len(week_ids))
        current = schedule.current_week or 0
        done = len(week_ids) if status == "completed" else max(0, current - rng.choice([0, 0, 0, 1, 1, 2, 4]))
        for number in range(1, done + 1):
            progress.append(
                {
                    "enrolment_id": n,
                    "week_id": week_ids[number],
                    "status": "completed",
                    "started_at": now,
                    "completed_at": now,
                    "updated_at": now,
                }
            )
    copy_rows(Enrolment, enrolments)
    copy_rows(WeekProgress, progress)
    with connection.cursor() as cursor:
        # Statistics first: without them the planner scans every progress row for each batch (566 s).
        cursor.execute("ANALYZE")
    began = time.perf_counter()
    standings = standings_rebuild_all()  # what the data migration and every write keep up to date
    print(f"{standings:,} standings computed in {time.perf_counter() - began:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"seeded {count:,} learners, {len(progress):,} completed weeks")


def _send_pages(pages: list[list[int]], as_of_iso: str) -> tuple[int, float]:
    """Send these pages of enrolments (one process's share); returns the number of e-mails sent and
    the seconds of it spent in the outbox's sending (MIME messages, marking sent; the claim, where the
    rows were not inserted claimed)."""
    from django.core import mail
    from django.db import connection

    from notifications import outbox, services
    from reminders.services import reminder_batch_enqueue

    sending = 0.0
    emails_send, send_inserted = outbox.emails_send, services.emails_send_inserted

    def timed(function):  # type: ignore[no-untyped-def]
        def measured(*args, **kwargs):  # type: ignore[no-untyped-def]
            nonlocal sending
            began = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                sending += time.perf_counter() - began

        return measured

    # measured, not changed: the sending task's work, or the batch's own after its commit
    outbox.emails_send = timed(emails_send)  # type: ignore[assignment]
    services.emails_send_inserted = timed(send_inserted)  # type: ignore[assignment]
    as_of = datetime.fromisoformat(as_of_iso)
    sent = 0
    try:
        for enrolment_ids in pages:
            reminder_batch_enqueue(enrolment_ids=enrolment_ids, as_of=as_of)  # and sends: eager, autocommit
            sent += len(getattr(mail, "outbox", []))
            getattr(mail, "outbox", []).clear()  # locmem would otherwise keep every message in memory
    finally:
        outbox.emails_send, services.emails_send_inserted = emails_send, send_inserted  # type: ignore[assignment]
    connection.close()
    return sent, sending


CPU = {"seconds": 0.0}
"""This process's CPU time in the last timed run (workers=1): the Python side, steadier than the wall time
on a shared machine; PostgreSQL's work is not in it."""


def timed_run(*, workers: int) -> tuple[float, int, float]:
    from django.db import connection
    from django.utils import timezone

    from reminders.selectors import reminder_candidate_id_pages

    started, cpu = time.perf_counter(), time.process_time()
    as_of = timezone.now().isoformat()
    pages = list(reminder_candidate_id_pages(due_by=datetime.fromisoformat(as_of)))
    if workers == 1:
        sent, sending = _send_pages(pages, as_of)
    else:
        connection.close()  # each forked worker opens its own
        with get_context("fork").Pool(workers) as pool:
            shares = [pages[index::workers] for index in range(workers)]
            results = pool.starmap(_send_pages, [(share, as_of) for share in shares])
        sent, sending = sum(r[0] for r in results), max(r[1] for r in results)
    CPU["seconds"] = time.process_time() - cpu
    return time.perf_counter() - started, sent, sending


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", "--learners", type=int, default=100_000)
    parser.add_argument("--reuse", action="store_true", help="keep the learners already seeded")
    parser.add_argument("--workers", type=int, default=1, help="processes sending batches (default 1)")
    parser.add_argument("--locmem", action="store_true", help="Django's locmem e-mail backend (deep copies)")
    parser.add_argument(
        "--rounds", type=int, default=3, help="timed runs, each from an empty outbox (default 3: the median)"
    )
    parser.add_argument(
        "--without",
        action="append",
        default=[],
        help="a speed-only piece switched off (bench/speed_pieces.py)",
    )
    parser.add_argument("--serialize", action="store_true", help="each message's bytes, as SMTP sends them")
    options = parser.parse_args()

    ensure_database(BENCH_DB_URL)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from speed_pieces import switch_off

    from accounts.models import User
    from curriculum.models import Week
    from notifications.models import Email

    switch_off(options.without)
    call_command("migrate", verbosity=0)
    if not Week.objects.exists():
        call_command("load_curriculum", str(ROOT / "fixtures" / "curriculum.json"), verbosity=0)
    if options.reuse and User.objects.count() == options.learners:
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE notifications_email, notifications_notice RESTART IDENTITY")
        print(f"reusing {options.learners:,} learners")
    else:
        began = time.perf_counter()
        seed(options.learners)
        print(f"seeding took {time.perf_counter() - began:.1f} s")

    runs = []
    for round_number in range(1, options.rounds + 1):
        with connection.cursor() as cursor:
            if round_number > 1:  # the week's run again, from an empty outbox
                cursor.execute("TRUNCATE notifications_email, notifications_notice RESTART IDENTITY")
            # Every learner's weekly time has come (the beat runs when the first has: here all at once,
            # the heaviest quarter hour), as an earlier round moved it on to next week.
            cursor.execute("UPDATE accounts_user SET reminder_due_at = now() - interval '1 minute'")
            # The seed's (or an earlier run's) dirty pages written out before the clock starts, not by
            # the checkpointer during the run: a weekly run does not follow a bulk load of 2.5 M rows.
            cursor.execute("CHECKPOINT")
        seconds, sent, sending = timed_run(workers=options.workers)
        sent_logs = Email.objects.filter(status="sent").values("kind").annotate(count=Count("id"))
        by_kind = dict(sent_logs.values_list("kind", "count"))
        print(
            f"round {round_number}: N={options.learners:,} learners, workers={options.workers}, "
            f"{os.environ['EMAIL_BACKEND']}, without {options.without or 'nothing'}, load "
            f"{os.getloadavg()[0]:.1f}:\n"
            f"  {sent:,} reminders in {seconds:.1f} s "
            f"= {sent / seconds:,.0f} reminders/s  {by_kind}\n"
            f"  of which the outbox's sending (MIME messages, mark sent): {sending:.1f} s; "
            f"choosing, composing and enqueueing: {seconds - sending:.1f} s; this process's CPU: "
            f"{CPU['seconds']:.1f} s"
        )
        again, resent, _ = timed_run(workers=options.workers)
        print(f"  second run: {resent} reminders in {again:.1f} s (must be 0)")
        runs.append(seconds)
    if len(runs) > 1:
        each = ", ".join(f"{seconds:.1f}" for seconds in runs)
        print(f"median of {len(runs)} rounds: {statistics.median(runs):.1f} s ({each})")


if __name__ == "__main__":
    main()
