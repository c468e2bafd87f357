"""The writes other apps call: enqueue an e-mail (once per key), notify a person (a notice and its
e-mail), re-send failed e-mails (admin). The worker's side — claim, send, mark — is `outbox`; the
numbers and the claimable rule are `policy`.

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

Claimable: "queued", "failed" with attempts left, and "sending" claimed (or last renewed) longer ago
than settings.EMAIL_OUTBOX_STALE_CLAIM_SECONDS (a worker died between claim and send). Each row is marked
"sent" as soon as the mail server accepted it, so a worker that dies has at most the one message it was
sending sent again once its claim is stale: at-least-once for crashes, at most one duplicate per crash,
exactly once otherwise (`outbox`).
"""

import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from notifications.bulk_insert import array_columns, insert_new_rows
from notifications.kinds import default_delivery
from notifications.models import Delivery, Email, Notice, NoticePreference
from notifications.outbox import Outgoing, emails_send_claimed
from notifications.policy import RETRYABLE_ERRORS, SUBJECT_MAX, TASK_SIZE

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class EmailDraft:
    """An e-mail to enqueue: everything the outbox needs, already composed by the sender.
    `holds_secret`: its body is a credential (`Email.holds_secret`): cleared once sent, never shown."""

    recipient_id: int | None
    to: str
    kind: str
    key: str
    subject: str
    text: str
    html: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    notice: str = ""
    link: str = ""
    holds_secret: bool = False

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
            "holds_secret": self.holds_secret,
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


DRAFT_FIELDS = (
    *("recipient_id", "to", "kind", "key", "subject", "text", "html", "headers", "notice", "link"),
    "holds_secret",
)


def emails_enqueue(*, drafts: Sequence[EmailDraft], sending_here: bool = False) -> list[int]:
    """Many at once, in one INSERT … ON CONFLICT DO NOTHING: keys already there are left as they are
    (sending them is the business of whoever enqueued them, or of the sweep).

    Returns the ids of the rows this call inserted, whose sending is scheduled after the caller's
    transaction commits, TASK_SIZE a task. `sending_here` (PostgreSQL; for a caller whose own
    transaction this is, see `notify_many`): the rows are inserted already claimed by this process
    ("sending", attempts 1) and it sends them itself right after the commit (`emails_send_inserted`), without
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
            transaction.on_commit(lambda: emails_send_inserted(claimed))
            return ids
    else:
        keys = [draft.key for draft in drafts]
        existing = set(Email.objects.filter(key__in=keys).values_list("key", flat=True))
        Email.objects.bulk_create([draft.row() for draft in drafts], ignore_conflicts=True)
        new = Email.objects.filter(key__in=[key for key in keys if key not in existing])
        ids = list(new.order_by("id").values_list("id", flat=True))
    emails_send_after_commit(email_ids=ids)
    return ids


def _insert_returning_new_rows(drafts: Sequence[EmailDraft], *, claimed: bool) -> dict[int, Outgoing]:
    """PostgreSQL: the drafts' rows in one INSERT (`insert_new_rows`); the new ones by id, in id order,
    as what sending them needs. `claimed`: inserted claimed by this process ("sending", claimed now,
    attempts 1: the claim `emails_claim` would make), else "queued"."""
    rows = [draft.values() for draft in drafts]
    columns = array_columns(rows, DRAFT_FIELDS)
    columns["headers"] = ("jsonb", [json.dumps(row["headers"]) for row in rows])
    now = timezone.now()
    fixed = {"status": Email.Status.QUEUED, "attempts": 0, "last_error": "", "created_at": now}
    if claimed:
        fixed |= {"status": Email.Status.SENDING, "attempts": 1, "claimed_at": now}
    by_key = {row["key"]: row for row in rows}
    new = ((pk, by_key[key]) for pk, key in insert_new_rows(Email, columns=columns, fixed=fixed))
    return {
        pk: Outgoing(pk, row["key"], row["to"], row["subject"], row["text"], row["html"], row["headers"], now)
        for pk, row in new
    }


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
    # services ↔ tasks, on purpose: the sweep and digest tasks call these services, and these services
    # queue the sending task. Imported here, when first queuing, so that neither module needs the other
    # at import time.
    from notifications.tasks import send_emails

    ids = list(email_ids)
    queued = 0
    for start in range(0, len(ids), TASK_SIZE):
        try:
            send_emails.delay(ids[start : start + TASK_SIZE])
            queued += 1
        except Exception as error:
            # The broker is unreachable (or, without one, the eager send failed and wants a retry).
            logger.error("Could not queue %s e-mails (%r); the sweep will retry", len(ids) - start, error)
            break
    return queued


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
            user_id__in={user_id for user_id, _ in pairs}, kind__in={kind for _, kind in pairs}
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
            insert_new_rows(
                Notice, columns=array_columns(notices, NOTICE_FIELDS), fixed={"created_at": timezone.now()}
            )
        else:
            Notice.objects.bulk_create(
                [draft.notice(delivery) for draft, delivery in chosen], ignore_conflicts=True
            )
        emails_enqueue(
            drafts=[draft.email() for draft, delivery in chosen if delivery == Delivery.EMAIL],
            sending_here=sending_here,
        )


def emails_send_inserted(claimed: Sequence[Outgoing]) -> None:
    """Send rows inserted claimed by this process (`emails_enqueue(sending_here=True)`), after their
    commit. A mail-server or network error leaves them as a sending task's failure does (those sent
    recorded, the failing one failed, the rest queued) and queues the task, whose retries back off."""
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
