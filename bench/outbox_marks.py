"""Where an outbox mark's time goes: each row marked "sent" right after the mail server took its message
(issue 37), measured against what it could cost at least, on rows of `bench/reminders.py`'s database.

    .venv/bin/python bench/reminders.py -n 20000 --rounds 1   # once: the learners and their reminders
    .venv/bin/python bench/outbox_marks.py                    # then: 2,000 rows, 5 rounds, interleaved

Each variant sends the same 2,000 claimed reminders through the benchmark's in-process mail backend and
prints the median time a message over the rounds (the machine is shared: compare medians of one run):

- `build`: the message built and handed to the backend, no mark (what the loop costs without marks);
- `mark`: the outbox's own mark (`Claim.mark_sent`: Django's cursor, one UPDATE in autocommit);
- `prepared`: the same UPDATE from psycopg's own cursor, server-side parameters, prepared once;
- `pipeline`: psycopg's pipeline mode, the mark of message k travelling while message k+1 is built, and
  waited for before message k+1 is handed over (at most one accepted message unmarked, as now);
- `round trip`: a `SELECT 1` per message instead of the mark (the floor of any per-message mark);
- `narrow insert`: an INSERT of (id, time) into a two-column table per message (a separate "sent" table).

and the WAL a mark writes (the wide row's new version and its index entries, against the narrow insert).
"""

import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

from common import use_bench_database

use_bench_database("lms_bench_reminders")
os.environ["EMAIL_BACKEND"] = "mail_backend.CheckingEmailBackend"
os.environ["CELERY_BROKER_URL"] = ""

ROWS = 2_000
ROUNDS = 5
NARROW = "bench_outbox_sent"


def main() -> None:
    import django

    django.setup()
    from django.core import mail
    from django.core.mail import get_connection
    from django.db import connection
    from django.utils import timezone

    from notifications import outbox
    from notifications.models import Email

    ids = list(Email.objects.order_by("id").values_list("id", flat=True)[:ROWS])
    if len(ids) < ROWS:
        sys.exit(f"{len(ids)} e-mails in the outbox: run bench/reminders.py --rounds 1 first")
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {NARROW} (id bigint PRIMARY KEY, sent_at timestamptz)")

    def claimed() -> list[outbox.Outgoing]:
        Email.objects.filter(id__in=ids).update(status="queued", claimed_at=None, sent_at=None, attempts=0)
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {NARROW}")
        return outbox.emails_claim(email_ids=ids)

    Loop = Callable[[Any, outbox.Claim, Sequence[outbox.Outgoing], Any], None]

    def build(cursor: Any, claim: outbox.Claim, rows: Sequence[outbox.Outgoing], backend: Any) -> None:
        for row in rows:
            backend.send_messages([outbox.message_for(row)])

    def mark(cursor: Any, claim: outbox.Claim, rows: Sequence[outbox.Outgoing], backend: Any) -> None:
        for row in rows:
            backend.send_messages([outbox.message_for(row)])
            assert claim.mark_sent(cursor, row.pk)

    def params(claim: outbox.Claim, pk: int) -> list[Any]:
        return [Email.Status.SENT, timezone.now(), outbox.SECRET_SENT, pk, Email.Status.SENDING, claim.at]

    def prepared(cursor: Any, claim: outbox.Claim, rows: Sequence[outbox.Outgoing], backend: Any) -> None:
        raw = connection.connection.cursor()
        for row in rows:
            backend.send_messages([outbox.message_for(row)])
            raw.execute(outbox.MARK_SENT, params(claim, row.pk), prepare=True)
            assert raw.rowcount == 1

    def pipeline(cursor: Any, claim: outbox.Claim, rows: Sequence[outbox.Outgoing], backend: Any) -> None:
        pg = connection.connection
        raw = pg.cursor()
        with pg.pipeline() as pipe:
            for index, row in enumerate(rows):
                message = outbox.message_for(row)
                built = message.message()
                message.message = lambda built=built: built  # type: ignore[method-assign]
                if index:
                    pipe.sync()  # the previous mark committed before this message is handed over
                    assert raw.rowcount == 1
                backend.send_messages([message])
                raw.execute(outbox.MARK_SENT, params(claim, row.pk), prepare=True)
            pipe.sync()

    def round_trip(cursor: Any, claim: outbox.Claim, rows: Sequence[outbox.Outgoing], backend: Any) -> None:
        raw = connection.connection.cursor()
        for row in rows:
            backend.send_messages([outbox.message_for(row)])
            raw.execute("SELECT 1", prepare=True)

    def narrow(cursor: Any, claim: outbox.Claim, rows: Sequence[outbox.Outgoing], backend: Any) -> None:
        raw = connection.connection.cursor()
        for row in rows:
            backend.send_messages([outbox.message_for(row)])
            raw.execute(f"INSERT INTO {NARROW} VALUES (%s, %s)", [row.pk, timezone.now()], prepare=True)

    loops: dict[str, Loop] = {
        "build": build,
        "mark": mark,
        "prepared": prepared,
        "pipeline": pipeline,
        "round trip": round_trip,
        "narrow insert": narrow,
    }
    times: dict[str, list[float]] = {name: [] for name in loops}
    wal: dict[str, float] = {}
    for _ in range(ROUNDS):
        for name, loop in loops.items():
            rows = claimed()
            backend = get_connection()
            with connection.cursor() as cursor, outbox.marks_not_waiting_for_the_disk(cursor):
                cursor.execute("SELECT pg_current_wal_insert_lsn()")
                (before,) = cursor.fetchone()
                began = time.perf_counter()
                loop(cursor, outbox.Claim(rows), rows, backend)
                times[name].append((time.perf_counter() - began) / len(rows) * 1000)
                cursor.execute("SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), %s)", [before])
                wal[name] = float(cursor.fetchone()[0]) / len(rows)
            getattr(mail, "outbox", []).clear()
    for name, each in times.items():
        rounds = " ".join(f"{value:.3f}" for value in each)
        print(f"{name:>14}: {statistics.median(each):.3f} ms a message ({rounds}); WAL {wal[name]:,.0f} B")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {NARROW}")


if __name__ == "__main__":
    main()
