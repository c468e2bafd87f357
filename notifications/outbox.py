"""The outbox's sending side, run by the worker: claim rows, build their messages, send them over one
connection, mark them sent or failed, and re-send from admin. Other apps never call this: they enqueue
through `notifications.services`."""

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.mail import get_connection
from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from lms.lookups import AnyOf
from notifications.messages import OutboxMessage
from notifications.models import Email
from notifications.policy import SENT_CHUNK, claimable

logger = logging.getLogger(__name__)


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
