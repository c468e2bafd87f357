"""Writes for the outbox: enqueue an e-mail (once per key), claim and send, re-send.

Exactly once, in two steps:
1. *Enqueue*: the sender gives a key; the row is inserted under a unique constraint on it, so an e-mail
   exists once however many runs, retries or duplicated tasks enqueue it. Sending is scheduled after the
   enqueuing transaction commits.
2. *Claim*: inside a transaction, lock the claimable rows with SELECT … FOR UPDATE SKIP LOCKED and mark
   them "sending". A concurrent worker skips rows another has locked and, once that one commits, sees
   them "sending" or "sent": only the worker that claimed a row sends it. A batch committing its own
   rows inserts them claimed by itself and sends them after the commit (`emails_enqueue(sending_here)`).

In-product notices (`notify`): a `Notice` per key for the recipient, and its e-mail through the same
outbox, now or in the weekly digest, as the recipient's preference for the kind says.

Claimable: "queued", "failed" with attempts left, and "sending" claimed longer ago than
settings.EMAIL_OUTBOX_STALE_CLAIM_SECONDS (a worker died between claim and send). A worker that dies
after the mail server accepted a message but before its row was marked "sent" has it sent again once
the claim is stale: at-least-once for crashes, exactly once otherwise; the window is SENT_CHUNK messages.
"""

import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from celery.exceptions import Retry
from django.conf import settings
from django.core.mail import get_connection
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import RedisError

from lms.lookups import AnyOf
from notifications.kinds import default_delivery
from notifications.messages import OutboxMessage
from notifications.models import Delivery, Email, Notice, NoticePreference

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
"""Claims of one row before it stays "failed" (admin → re-send starts over)."""
TASK_SIZE = 500
"""Ids per sending task: one task sends them over one connection."""
SENT_CHUNK = 100
"""Rows are marked "sent" every SENT_CHUNK messages: what a worker killed mid-task may send twice."""
SUBJECT_MAX = 300


def stale_claim() -> timedelta:
    """How long a "sending" row is left to the worker that claimed it (the one setting). Longer than a
    task takes to send TASK_SIZE messages; about the broker's visibility timeout, so that a redelivered
    task can take over a dead worker's claims."""
    return timedelta(seconds=settings.EMAIL_OUTBOX_STALE_CLAIM_SECONDS)


@dataclass(frozen=True)
class EmailDraft:
    """An e-mail to enqueue: everything the outbox needs, already composed by the sender."""

    recipient_id: int
    to: str
    kind: str
    key: str
    subject: str
    text: str
    html: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    notice: str = ""
    link: str = ""

    def values(self) -> dict[str, Any]:
        """The outbox row's fields (DRAFT_FIELDS), as stored: what `row()` and the batch INSERT write."""
        return {
            "recipient_id": self.recipient_id,
            "to": self.to,
            "kind": self.kind,
            "key": self.key,
            "subject": one_line(with_site_name(self.subject)),
            "text": self.text,
            "html": self.html,
            "headers": dict(self.headers),
            "notice": self.notice,
            "link": self.link,
        }

    def row(self) -> Email:
        return Email(**self.values())


def with_site_name(subject: str) -> str:
    """Every subject names the site, as allauth's account e-mails do (accounts.adapter)."""
    prefix = f"[{settings.SITE_NAME}] " if settings.SITE_NAME else ""
    return subject if subject.startswith(prefix) else prefix + subject


def one_line(subject: str) -> str:
    """A subject is one header line: no line breaks (Django refuses them), at most SUBJECT_MAX characters."""
    return " ".join(subject.split())[:SUBJECT_MAX]


class Recipient(Protocol):
    pk: Any
    email: str


def email_enqueue(
    *,
    recipient: Recipient,
    kind: str,
    key: str,
    subject: str,
    text: str,
    html: str = "",
    headers: Mapping[str, str] | None = None,
    notice: str = "",
    link: str = "",
) -> Email:
    """Put an e-mail to `recipient` (a user) in the outbox, once per `key`; sent after the caller's
    transaction commits. A second enqueue with the same key changes nothing and returns the first row.

    `notice` (optional) is a short text the recipient also sees in the product, leading to `link`.
    """
    draft = EmailDraft(
        recipient_id=recipient.pk,
        to=recipient.email,
        kind=kind,
        key=key,
        subject=subject,
        text=text,
        html=html,
        headers=headers or {},
        notice=notice,
        link=link,
    )
    defaults = {name: value for name, value in draft.values().items() if name != "key"}
    email, created = Email.objects.get_or_create(key=key, defaults=defaults)
    if created:
        emails_send_after_commit(email_ids=[email.pk])
    return email


DRAFT_FIELDS = ("recipient_id", "to", "kind", "key", "subject", "text", "html", "headers", "notice", "link")


def emails_enqueue(*, drafts: Sequence[EmailDraft], sending_here: bool = False) -> list[int]:
    """Many at once, in one INSERT … ON CONFLICT DO NOTHING: keys already there are left as they are
    (sending them is the business of whoever enqueued them, or of the sweep).

    Returns the ids of the rows this call inserted, whose sending is scheduled after the caller's
    transaction commits, TASK_SIZE a task. `sending_here` (PostgreSQL; for a caller whose own
    transaction this is, see `notify_many`): the rows are inserted already claimed by this process
    ("sending", attempts 1) and it sends them itself right after the commit (`_send_inserted`), without
    the claim's UPDATE of every row; a process that dies in between leaves them to the sweep once the
    claim is stale, as it would a claim.
    """
    if not drafts:
        return []
    if connection.vendor == "postgresql":
        inserted = _insert_returning_new_rows(drafts, claimed=sending_here)
        ids = list(inserted)
        if sending_here:
            claimed = list(inserted.values())  # (in id order, as the ids)
            transaction.on_commit(lambda: _send_inserted(claimed))
            return ids
    else:
        keys = [draft.key for draft in drafts]
        existing = set(Email.objects.filter(key__in=keys).values_list("key", flat=True))
        Email.objects.bulk_create([draft.row() for draft in drafts], ignore_conflicts=True)
        new = Email.objects.filter(key__in=[key for key in keys if key not in existing])
        ids = list(new.order_by("id").values_list("id", flat=True))
    emails_send_after_commit(email_ids=ids)
    return ids


def _insert_returning_new_rows(drafts: Sequence[EmailDraft], *, claimed: bool) -> dict[int, "Outgoing"]:
    """PostgreSQL: the drafts' rows in one INSERT (`_insert_new_rows`); the new ones by id, in id order,
    as what sending them needs. `claimed`: inserted claimed by this process ("sending", claimed now,
    attempts 1: the claim `emails_claim` would make), else "queued"."""
    rows = [draft.values() for draft in drafts]
    columns = _array_columns(rows, DRAFT_FIELDS)
    columns["headers"] = ("jsonb", [json.dumps(row["headers"]) for row in rows])
    now = timezone.now()
    fixed = {"status": Email.Status.QUEUED, "attempts": 0, "last_error": "", "created_at": now}
    if claimed:
        fixed |= {"status": Email.Status.SENDING, "attempts": 1, "claimed_at": now}
    by_key = {row["key"]: row for row in rows}
    new = ((pk, by_key[key]) for pk, key in _insert_new_rows(Email, columns=columns, fixed=fixed))
    return {
        pk: Outgoing(pk, row["to"], row["subject"], row["text"], row["html"], row["headers"])
        for pk, row in new
    }


def _array_columns(
    rows: Sequence[Mapping[str, Any]], names: Sequence[str]
) -> dict[str, tuple[str, list[Any]]]:
    """Each named field of `rows` (the drafts' `values()`: no model instances, 500 a batch) as one
    array column for `_insert_new_rows`: the recipient's id as bigint, the others (the outbox's and the
    notices' text fields) as text."""
    return {
        name: ("bigint" if name == "recipient_id" else "text", [row[name] for row in rows]) for name in names
    }


def _insert_new_rows(
    model: type[Email] | type[Notice],
    *,
    columns: Mapping[str, tuple[str, list[Any]]],
    fixed: Mapping[str, Any],
) -> list[tuple[int, str]]:
    """PostgreSQL: INSERT … SELECT FROM unnest(one array per column) ON CONFLICT (key) DO NOTHING
    RETURNING id, key; the rows inserted, in id order. `columns`: column → (SQL type, one value per
    row; "jsonb" values as JSON text); `fixed`: column → the value of every row.

    A statement with one parameter per column instead of one per value (bulk_create's): it tells which
    rows are new without another query, and its arrays go in binary, apart from the SQL text."""
    quote = connection.ops.quote_name
    names = [*columns, *fixed]
    element = {"jsonb": "text"}  # JSON goes as text and is cast in the SELECT
    unnest = ", ".join(f"%b::{element.get(kind, kind)}[]" for kind, _ in columns.values())
    selected = ", ".join(
        f"u.c{n}::jsonb" if kind == "jsonb" else f"u.c{n}" for n, (kind, _) in enumerate(columns.values())
    )
    aliases = ", ".join(f"c{n}" for n in range(len(columns)))
    constants = ", ".join("%s" for _ in fixed)
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(name) for name in names)})"
        f" SELECT {selected}, {constants} FROM unnest({unnest}) AS u({aliases})"
        f" ON CONFLICT ({quote('key')}) DO NOTHING RETURNING id, {quote('key')}"
    )
    with _server_binding_cursor() as cursor:
        # The SELECT's constants come before the FROM's arrays in the statement, so in the parameters.
        cursor.execute(sql, [*fixed.values(), *(values for _, values in columns.values())])
        return sorted(cursor.fetchall())


def _server_binding_cursor() -> Any:
    """A cursor on the current connection (its transaction; Django's query logging and wrappers) that
    sends the parameters apart from the statement, the `%b` ones in binary. Django's cursors bind on
    the client, quoting every value into the SQL text: for the arrays of 500 e-mails' bodies that
    quoting took longer than the INSERT (a batch's arrays: 64 ms quoted, 10 ms in binary)."""
    import psycopg

    connection.ensure_connection()
    cursor = psycopg.Cursor(connection.connection)
    # (django-stubs type the argument as Django's wrapper; Django passes the driver's cursor, as here)
    if connection.queries_logged:
        return connection.make_debug_cursor(cursor)  # type: ignore[arg-type]
    return connection.make_cursor(cursor)  # type: ignore[arg-type]


def emails_send_after_commit(*, email_ids: Sequence[int]) -> None:
    """Queue the sending of these rows once the current transaction commits (now, outside one).

    A broker that cannot be reached loses nothing: the rows stay queued and the periodic sweep queues
    them again, so the caller's write still succeeds. (Not `send_emails.delay_on_commit()`: its
    on-commit callback would raise the broker error out of the committed transaction.)
    """
    ids = list(email_ids)
    if ids:
        transaction.on_commit(lambda: emails_schedule(email_ids=ids))


def emails_schedule(*, email_ids: Sequence[int]) -> int:
    """Queue one sending task per TASK_SIZE ids, now; returns how many tasks were queued."""
    from notifications.tasks import send_emails

    ids = list(email_ids)
    queued = 0
    for start in range(0, len(ids), TASK_SIZE):
        try:
            send_emails.delay(ids[start : start + TASK_SIZE])
            queued += 1
        except (KombuOperationalError, RedisError, OSError, Retry) as error:
            # The broker is unreachable (or, without one, the eager send failed and wants a retry).
            logger.error("Could not queue %s e-mails (%s); the sweep will retry", len(ids) - start, error)
            break
    return queued


def claimable(*, now: datetime) -> Q:
    return (
        Q(status=Email.Status.QUEUED)
        | Q(status=Email.Status.FAILED, attempts__lt=MAX_ATTEMPTS)
        | Q(status=Email.Status.SENDING, claimed_at__lt=now - stale_claim())
    )


@dataclass(frozen=True)
class Outgoing:
    """What a claimed row needs to be sent (plain values: a batch of 500 builds no model instances)."""

    pk: int
    to: str
    subject: str
    text: str
    html: str
    headers: Mapping[str, str]


def emails_claim(*, email_ids: Sequence[int], now: datetime | None = None) -> list[Outgoing]:
    """Take these rows for this worker, when nobody sent them or is sending them; returns the rows taken
    (with what is needed to send them), in id order.

    One statement: an UPDATE … RETURNING of the claimable rows among these that a subquery locked with
    SELECT … FOR UPDATE SKIP LOCKED (rows another worker holds are skipped, not waited for; once it
    commits they are no longer claimable)."""
    now = now or timezone.now()
    locked = (
        Email.objects.select_for_update(skip_locked=True)
        .filter(claimable(now=now), AnyOf(F("id"), list(email_ids)))
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
                ' RETURNING e.id, e."to", e.subject, e.text, e.html, e.headers',
                [Email.Status.SENDING, now, *locking_params],
            )
            rows = cursor.fetchall()
    return sorted(
        (
            Outgoing(pk, to, subject, text, html, _headers(headers))
            for pk, to, subject, text, html, headers in rows
        ),
        key=lambda row: row.pk,
    )


def _claim_in_two_queries(locked: QuerySet[Email], *, now: datetime) -> list[Outgoing]:
    with transaction.atomic():
        rows = [
            Outgoing(*values)
            for values in locked.values_list("id", "to", "subject", "text", "html", "headers")
        ]
        if rows:
            Email.objects.filter(id__in=[row.pk for row in rows]).update(
                status=Email.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
            )
    return rows


def _headers(value: Any) -> Mapping[str, str]:
    """The headers column as read by a raw cursor (Django reads jsonb as text, its JSONField decodes it)."""
    return json.loads(value) if isinstance(value, str) else dict(value or {})


def message_for(email: Outgoing) -> OutboxMessage:
    message = OutboxMessage(
        subject=email.subject,
        body=email.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        headers=dict(email.headers or {}),
    )
    if email.html:
        message.attach_alternative(email.html, "text/html")
    return message


@dataclass(frozen=True)
class SendResult:
    claimed: int
    sent: int


def _mark_sent(ids: list[int]) -> None:
    if ids:
        Email.objects.filter(AnyOf(F("id"), ids)).update(
            status=Email.Status.SENT, sent_at=timezone.now(), last_error=""
        )


def emails_send(*, email_ids: Sequence[int]) -> SendResult:
    """Send the rows among these that can be claimed, each at most once, over one connection.

    On an error the rows sent so far are recorded as sent, the failing one as failed (with the error),
    the rest released (queued again, the claim not counted as an attempt), and the error re-raised so
    that the task retries, with backoff, what is left.
    """
    return emails_send_claimed(claimed=emails_claim(email_ids=email_ids))


def emails_send_claimed(*, claimed: Sequence[Outgoing]) -> SendResult:
    """Send rows this process has claimed (`emails_send`'s sending, with its handling of errors)."""
    if not claimed:
        return SendResult(claimed=0, sent=0)
    sent: list[int] = []
    unrecorded: list[int] = []
    connection = get_connection()
    try:
        connection.open()
        for email in claimed:
            connection.send_messages([message_for(email)])
            unrecorded.append(email.pk)
            if len(unrecorded) == SENT_CHUNK:
                _mark_sent(unrecorded)
                sent += unrecorded
                unrecorded = []
    except Exception as error:
        sent += unrecorded
        _mark_sent(unrecorded)
        if len(sent) < len(claimed):
            failing = claimed[len(sent)]
            Email.objects.filter(id=failing.pk).update(
                status=Email.Status.FAILED, last_error=repr(error)[:2000]
            )
            logger.warning("E-mail %s to %s failed: %r", failing.pk, failing.to, error)
        released = [email.pk for email in claimed[len(sent) + 1 :]]
        if released:
            Email.objects.filter(id__in=released).update(
                status=Email.Status.QUEUED, attempts=F("attempts") - 1
            )
        raise
    finally:
        connection.close()
    _mark_sent(unrecorded)
    sent += unrecorded
    return SendResult(claimed=len(claimed), sent=len(sent))


def _send_inserted(claimed: Sequence[Outgoing]) -> None:
    """Send rows inserted claimed by this process (`emails_enqueue(sending_here=True)`), after their
    commit. A mail-server or network error leaves them as a sending task's failure does (those sent
    recorded, the failing one failed, the rest queued) and queues the task, whose retries back off."""
    from notifications.tasks import RETRYABLE_ERRORS

    try:
        emails_send_claimed(claimed=claimed)
    except RETRYABLE_ERRORS as error:
        logger.warning("Sending %s e-mails stopped (%r); queued for the sending task", len(claimed), error)
        emails_schedule(email_ids=[email.pk for email in claimed])


def emails_resend(*, email_ids: Sequence[int]) -> int:
    """Give failed e-mails a new set of attempts and queue them (admin → "Re-send"); returns how many."""
    with transaction.atomic():
        ids = list(
            Email.objects.select_for_update()
            .filter(id__in=list(email_ids), status=Email.Status.FAILED)
            .values_list("id", flat=True)
        )
        Email.objects.filter(id__in=ids).update(status=Email.Status.QUEUED, attempts=0)
        emails_send_after_commit(email_ids=ids)
    return len(ids)


# --- In-product notices ---------------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeDraft:
    """A notice to create, with the e-mail that goes with it (sent as the recipient's preference says)."""

    recipient_id: int
    to: str
    kind: str
    key: str
    text: str
    link: str
    subject: str
    email_text: str
    email_html: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)

    def notice_values(self, delivery: str) -> dict[str, Any]:
        """The notice's fields (NOTICE_FIELDS), as stored: what `notice()` and the batch INSERT write."""
        return {
            "recipient_id": self.recipient_id,
            "kind": self.kind,
            "key": self.key,
            "title": one_line(self.subject),
            "text": self.text,
            "link": self.link,
            "delivery": delivery,
        }

    def notice(self, delivery: str) -> Notice:
        return Notice(**self.notice_values(delivery))

    def email(self) -> EmailDraft:
        return EmailDraft(
            recipient_id=self.recipient_id,
            to=self.to,
            kind=self.kind,
            key=self.key,
            subject=self.subject,
            text=self.email_text,
            html=self.email_html,
            headers=self.headers,
            link=self.link,
        )


def deliveries_for(*, pairs: Iterable[tuple[int, str]]) -> dict[tuple[int, str], str]:
    """(recipient id, kind) → how the notice reaches them: their preference, else the kind's default,
    for each pair asked (not every recipient with every kind: a batch of 500 would be 250,000).
    One query whatever the number of recipients."""
    pairs = set(pairs)
    chosen = {
        (user_id, kind): delivery
        for user_id, kind, delivery in NoticePreference.objects.filter(
            AnyOf(F("user_id"), list({user_id for user_id, _ in pairs})), kind__in={kind for _, kind in pairs}
        ).values_list("user_id", "kind", "delivery")
    }
    return {pair: chosen.get(pair, default_delivery(pair[1])) for pair in pairs}


def notify(
    *,
    recipient: Recipient,
    kind: str,
    key: str,
    text: str,
    link: str,
    subject: str,
    email_text: str,
    email_html: str = "",
    headers: Mapping[str, str] | None = None,
) -> Notice:
    """Tell `recipient` (a user) something, once per `key`: a notice in the product (`text`, leading to
    `link`, a path on this site) and, as their preference for `kind` says, the e-mail (`subject`,
    `email_text`, `email_html`) through the outbox under the same key, now or in the weekly digest.

    Call it in the transaction of the write it is about. A second call with the same key (a retried task,
    a double submit) changes nothing and returns the first notice; the e-mail is sent after commit.
    """
    draft = NoticeDraft(
        recipient_id=recipient.pk,
        to=recipient.email,
        kind=kind,
        key=key,
        text=text,
        link=link,
        subject=subject,
        email_text=email_text,
        email_html=email_html,
        headers=headers or {},
    )
    delivery = deliveries_for(pairs=[(recipient.pk, kind)])[(recipient.pk, kind)]
    defaults = {name: value for name, value in draft.notice_values(delivery).items() if name != "key"}
    notice, created = Notice.objects.get_or_create(key=key, defaults=defaults)
    if created and delivery == Delivery.EMAIL:
        email_enqueue(
            recipient=recipient,
            kind=kind,
            key=key,
            subject=subject,
            text=email_text,
            html=email_html,
            headers=headers,
            link=link,
        )
    return notice


NOTICE_FIELDS = ("recipient_id", "kind", "key", "title", "text", "link", "delivery")


def notify_many(*, drafts: Sequence[NoticeDraft]) -> None:
    """`notify` for a batch (the weekly reminders): the preferences in one query, the notices in one
    INSERT … ON CONFLICT DO NOTHING, the e-mails of those who want them in one more (`emails_enqueue`).

    The notices and their e-mails are written in one transaction: a batch that stopped between the two
    would leave notices whose keys tell a second run that their e-mails were sent."""
    if not drafts:
        return
    deliveries = deliveries_for(pairs=[(draft.recipient_id, draft.kind) for draft in drafts])
    chosen = [(draft, deliveries[(draft.recipient_id, draft.kind)]) for draft in drafts]
    # Committed by this call (no caller's transaction): the e-mails go in claimed, sent from here after
    # the commit. In a caller's transaction they are queued: a claim's clock would run until it commits.
    sending_here = not connection.in_atomic_block
    with transaction.atomic():
        if (
            connection.vendor == "postgresql"
        ):  # 500 notices' texts: one statement of arrays (see emails_enqueue)
            notices = [draft.notice_values(delivery) for draft, delivery in chosen]
            _insert_new_rows(
                Notice, columns=_array_columns(notices, NOTICE_FIELDS), fixed={"created_at": timezone.now()}
            )
        else:
            Notice.objects.bulk_create(
                [draft.notice(delivery) for draft, delivery in chosen], ignore_conflicts=True
            )
        emails_enqueue(
            drafts=[draft.email() for draft, delivery in chosen if delivery == Delivery.EMAIL],
            sending_here=sending_here,
        )
