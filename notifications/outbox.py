"""The outbox's sending side, run by the worker: claim rows, build their messages, send them over one
connection, mark each sent as soon as the mail server accepted it, or failed. Other apps never call this:
they enqueue through `notifications.services`.

At most one message is sent twice when a worker dies: each row is marked "sent" (its own UPDATE, in
autocommit) right after the mail server accepted it and before the next message is sent, so only the
message in flight can be accepted without its mark. A claim lasts EMAIL_OUTBOX_STALE_CLAIM_SECONDS and
the sending process renews it every third of that, so a dead worker's rows are taken over soon while a
live one's never are; a process that finds its claim gone (it stalled longer than that) stops."""

import hashlib
import json
import logging
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.utils import DNS_NAME
from django.db import DatabaseError, connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from notifications.messages import OutboxMessage
from notifications.models import Email
from notifications.policy import claimable, stale_claim

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outgoing:
    """What a claimed row needs to be sent (plain values: a batch of 500 builds no model instances), with
    its key (the message's Message-ID) and when this process claimed it (its claim, checked when marked)."""

    pk: int
    key: str
    to: str
    subject: str
    text: str
    html: str
    headers: Mapping[str, str]
    claimed_at: datetime


def emails_claim(*, email_ids: Sequence[int], now: datetime | None = None) -> list[Outgoing]:
    """Take these rows for this worker, when nobody sent them or is sending them; returns the rows taken
    (with what is needed to send them), in id order.

    One statement: an UPDATE … RETURNING of the claimable rows among these that a subquery locked with
    SELECT … FOR UPDATE SKIP LOCKED (rows another worker holds are skipped, not waited for; once it
    commits they are no longer claimable)."""
    now = now or timezone.now()
    locked = (
        Email.objects.select_for_update(skip_locked=True)
        .filter(claimable(now=now), id__in=list(email_ids))
        .order_by("id")
    )
    if connection.vendor != "postgresql":  # (SQLite, for development: no row locks, no UPDATE … FROM)
        return _claim_in_two_queries(locked, now=now)
    table = connection.ops.quote_name(Email._meta.db_table)
    with transaction.atomic():  # (the locking subquery wants a transaction; the statement is one)
        locking_sql, locking_params = locked.values("id").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS e SET status = %s, claimed_at = %s, attempts = e.attempts + 1"
                f" FROM ({locking_sql}) AS claimed WHERE e.id = claimed.id"
                ' RETURNING e.id, e.key, e."to", e.subject, e.text, e.html, e.headers',
                [Email.Status.SENDING, now, *locking_params],
            )
            rows = cursor.fetchall()
    return sorted(
        (
            Outgoing(pk, key, to, subject, text, html, _headers(headers), now)
            for pk, key, to, subject, text, html, headers in rows
        ),
        key=lambda row: row.pk,
    )


def _claim_in_two_queries(locked: QuerySet[Email], *, now: datetime) -> list[Outgoing]:
    with transaction.atomic():
        rows = [
            Outgoing(*values, claimed_at=now)
            for values in locked.values_list("id", "key", "to", "subject", "text", "html", "headers")
        ]
        if rows:
            Email.objects.filter(id__in=[row.pk for row in rows]).update(
                status=Email.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
            )
    return rows


def _headers(value: Any) -> Mapping[str, str]:
    """The headers column as read by a raw cursor (Django reads jsonb as text, its JSONField decodes it)."""
    return json.loads(value) if isinstance(value, str) else dict(value or {})


def message_id_for(key: str) -> str:
    """The e-mail's Message-ID, the same for every sending of its key (its row): a mail client folds the
    rare second copy of a message a dying worker sent. From the key's hash (keys name users and rows) and
    the site's host name, so it is the same whichever worker sends it."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"<outbox.{digest}@{urlsplit(settings.SITE_URL).hostname or DNS_NAME}>"


def message_for(email: Outgoing) -> OutboxMessage:
    message = OutboxMessage(
        subject=email.subject,
        body=email.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        headers={"Message-ID": message_id_for(email.key), **(email.headers or {})},
    )
    if email.html:
        message.attach_alternative(email.html, "text/html")
    return message


@dataclass(frozen=True)
class SendResult:
    claimed: int
    sent: int


class Claim:
    """This process's claim on the rows it is sending: when it was made or last renewed, which rows it
    still holds. Renewed every third of the stale-claim time, so that nobody takes over a live sender."""

    def __init__(self, rows: Sequence[Outgoing]) -> None:
        self.at = rows[0].claimed_at  # (a claim, or a claimed INSERT, gives its rows one time)
        self.held = {row.pk for row in rows}
        self.renew_every = stale_claim().total_seconds() / 3
        self.renewed = time.monotonic()

    def renew_if_due(self, rows: Sequence[Outgoing]) -> None:
        """Renew the claim on these rows (the ones not sent yet) if a third of the stale-claim time has
        passed; rows another worker took over meanwhile are no longer held."""
        if time.monotonic() - self.renewed < self.renew_every:
            return
        ids = [row.pk for row in rows if row.pk in self.held]
        now = timezone.now()
        with transaction.atomic():
            mine = Email.objects.filter(id__in=ids, status=Email.Status.SENDING, claimed_at=self.at)
            self.held = set(mine.select_for_update().values_list("id", flat=True))
            Email.objects.filter(id__in=list(self.held)).update(claimed_at=now)
        self.at, self.renewed = now, time.monotonic()

    def mark_sent(self, cursor: Any, pk: int) -> bool:
        """Mark this row sent, now (its own statement: committed before the next message is sent), and
        clear its body if it held a secret; False if the claim was no longer this process's (it
        stalled; another worker sends the rest). A failed row keeps its body for the retry."""
        cursor.execute(
            MARK_SENT, [Email.Status.SENT, timezone.now(), SECRET_SENT, pk, Email.Status.SENDING, self.at]
        )
        return cursor.rowcount == 1

    def mark_failed(self, pk: int, error: BaseException) -> None:
        self._mine([pk]).update(status=Email.Status.FAILED, last_error=repr(error)[:2000])

    def release(self, ids: list[int]) -> None:
        """Queued again, the claim not counted as an attempt (they were never tried)."""
        self._mine(ids).update(status=Email.Status.QUEUED, attempts=F("attempts") - 1)

    def _mine(self, ids: list[int]) -> QuerySet[Email]:
        return Email.objects.filter(id__in=ids, status=Email.Status.SENDING, claimed_at=self.at)


SECRET_SENT = "(Not kept: this e-mail held a credential, cleared once the mail server accepted it.)"
"""What the body of an e-mail that held a secret (`Email.holds_secret`: a password-reset link, a
sign-in code) says once it is sent: the credential is not kept at rest beyond its delivery."""

MARK_SENT = (
    f"UPDATE {Email._meta.db_table} SET status = %s, sent_at = %s, last_error = '',"
    " text = CASE WHEN holds_secret THEN %s ELSE text END,"
    " html = CASE WHEN holds_secret THEN '' ELSE html END"
    " WHERE id = %s AND status = %s AND claimed_at = %s"
)


@contextmanager
def marks_not_waiting_for_the_disk(cursor: Any) -> Iterator[None]:
    """PostgreSQL, outside a transaction (a worker's): the marks commit without waiting for their WAL to
    reach the disk (`synchronous_commit = off` for this session while it sends; reset after). A mark is
    committed, visible to every other session, and survives this worker being killed as soon as its
    UPDATE returns; only a crash of the database server itself may lose the last ~0.6 s of marks (the WAL
    writer flushes every 200 ms). Waiting for the disk cost 2-4 ms a message here: 13,449 reminders'
    marks 28-52 s instead of under one (BENCHMARKS.md)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    cursor.execute("SET synchronous_commit = off")
    try:
        yield
    finally:
        try:
            cursor.execute("RESET synchronous_commit")
        except DatabaseError:  # the connection broke: it is closed anyway, with its settings
            logger.debug("Could not reset synchronous_commit", exc_info=True)


def emails_send(*, email_ids: Sequence[int]) -> SendResult:
    """Send the rows among these that can be claimed, each at most once, over one connection.

    On an error the rows sent so far are recorded as sent, the failing one as failed (with the error),
    the rest released (queued again, the claim not counted as an attempt), and the error re-raised so
    that the task retries, with backoff, what is left.
    """
    return emails_send_claimed(claimed=emails_claim(email_ids=email_ids))


def emails_send_claimed(*, claimed: Sequence[Outgoing]) -> SendResult:
    """Send rows this process has claimed (`emails_send`'s sending, with its handling of errors), each
    marked sent as soon as the mail server accepted it."""
    if not claimed:
        return SendResult(claimed=0, sent=0)
    claim = Claim(claimed)
    sent = 0
    mail = get_connection()
    index = 0
    try:
        mail.open()
        with connection.cursor() as cursor, marks_not_waiting_for_the_disk(cursor):
            for index, email in enumerate(claimed):
                claim.renew_if_due(claimed[index:])
                if email.pk not in claim.held:
                    continue  # another worker took it over while this one stalled
                mail.send_messages([message_for(email)])
                if not claim.mark_sent(cursor, email.pk):
                    logger.warning(
                        "E-mail %s: claim lost while sending; another worker sends the rest", email.pk
                    )
                    claim.held.clear()
                    continue
                sent += 1
    except Exception as error:
        failing = claimed[index]
        claim.mark_failed(failing.pk, error)
        logger.warning("E-mail %s to %s failed: %r", failing.pk, failing.to, error)
        claim.release([email.pk for email in claimed[index + 1 :]])
        raise
    finally:
        mail.close()
    return SendResult(claimed=len(claimed), sent=sent)
