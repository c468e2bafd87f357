"""Writes for reminders: claim, send and record a batch; unsubscribe.

Exactly once, in two steps:
1. *Record*: one `ReminderLog` row per due (enrolment, week, kind), inserted with ON CONFLICT DO
   NOTHING. The unique constraint means a reminder exists once, however many runs try.
2. *Claim*: inside a transaction, lock the claimable rows with SELECT … FOR UPDATE SKIP LOCKED and mark
   them "sending". A concurrent run skips rows another run has locked and, once that run commits, sees
   them "sending" or "sent": only the run that claimed a row sends it.

Claimable: "pending" (recorded, never claimed), "failed" with attempts left, and "sending" claimed more
than STALE_CLAIM ago (a worker died between claim and send). A worker that dies after the mail server
accepted a message but before its row was marked "sent" has it sent again once the claim is stale:
at-least-once for crashes, exactly once otherwise; the window is one batch.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from progress.models import Enrolment
from progress.services import enrolment_update_settings
from reminders.emails import ReminderComposer
from reminders.models import ReminderLog
from reminders.selectors import DueReminder, curriculum_weeks, quiz_summaries_for_batch, reminders_due

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
STALE_CLAIM = timedelta(minutes=getattr(settings, "REMINDERS_STALE_CLAIM_MINUTES", 10))
"""Longer than a batch takes to send, about the broker's visibility timeout (a dead worker's task
comes back after it), so a redelivered batch can take over a dead worker's claims."""


@dataclass(frozen=True)
class BatchResult:
    due: int
    claimed: int
    sent: int


def claimable(*, now: datetime) -> Q:
    return (
        Q(status=ReminderLog.Status.PENDING)
        | Q(status=ReminderLog.Status.FAILED, attempts__lt=MAX_ATTEMPTS)
        | Q(status=ReminderLog.Status.SENDING, claimed_at__lt=now - STALE_CLAIM)
    )


def reminder_logs_claim(*, due: Sequence[DueReminder]) -> dict[int, ReminderLog]:
    """Record the due reminders and claim the ones nobody sent or is sending: enrolment id → claimed row.

    Three queries per batch (insert, locked select, update), whatever its size.
    """
    if not due:
        return {}
    ReminderLog.objects.bulk_create(
        [ReminderLog(enrolment_id=item.enrolment.pk, week=item.week, kind=item.kind) for item in due],
        ignore_conflicts=True,
    )
    wanted = {item.key for item in due}
    now = timezone.now()
    with transaction.atomic():
        candidates = (
            ReminderLog.objects.select_for_update(skip_locked=True)
            .filter(claimable(now=now))
            .filter(
                enrolment_id__in={item.enrolment.pk for item in due},
                week__in={item.week for item in due},
                kind__in={item.kind for item in due},
            )
            .only("id", "enrolment_id", "week", "kind", "attempts")
        )
        claimed = [row for row in candidates if (row.enrolment_id, row.week, row.kind) in wanted]
        ReminderLog.objects.filter(id__in=[row.pk for row in claimed]).update(
            status=ReminderLog.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    return {row.enrolment_id: row for row in claimed}


def _record_outcome(*, sent: list[int], failed: int | None, error: str, released: list[int]) -> None:
    now = timezone.now()
    if sent:
        ReminderLog.objects.filter(id__in=sent).update(
            status=ReminderLog.Status.SENT, sent_at=now, last_error=""
        )
    if failed is not None:
        ReminderLog.objects.filter(id=failed).update(
            status=ReminderLog.Status.FAILED, last_error=error[:2000]
        )
    if released:
        # Never tried in this attempt: back to pending, and the claim does not count as an attempt.
        ReminderLog.objects.filter(id__in=released).update(
            status=ReminderLog.Status.PENDING, attempts=F("attempts") - 1
        )


def reminder_batch_send(*, enrolment_ids: Sequence[int], as_of: datetime | None = None) -> BatchResult:
    """Send the reminders due at `as_of` to these enrolments, each at most once, over one connection.

    On a send error the rows sent so far are recorded as sent, the failing one as failed, the rest
    released, and the error re-raised so that the task retries (with backoff) what is left.
    """
    as_of = as_of or timezone.now()
    due = reminders_due(enrolment_ids=enrolment_ids, as_of=as_of)
    claimed = reminder_logs_claim(due=due)
    if not claimed:
        return BatchResult(due=len(due), claimed=0, sent=0)
    claimed_due = [item for item in due if item.enrolment.pk in claimed]
    composer = ReminderComposer(weeks=curriculum_weeks(), quizzes=quiz_summaries_for_batch(due=claimed_due))
    to_send = [(claimed[item.enrolment.pk], item) for item in claimed_due]
    sent: list[int] = []
    connection = get_connection()
    try:
        connection.open()
        for log, item in to_send:
            connection.send_messages([composer.message_for(item)])
            sent.append(log.pk)
    except Exception as error:
        failing, _ = to_send[len(sent)]
        remaining = [log.pk for log, _ in to_send[len(sent) + 1 :]]
        _record_outcome(sent=sent, failed=failing.pk, error=repr(error), released=remaining)
        logger.warning("Reminder for enrolment %s failed: %r", failing.enrolment_id, error)
        raise
    finally:
        connection.close()
    _record_outcome(sent=sent, failed=None, error="", released=[])
    return BatchResult(due=len(due), claimed=len(claimed), sent=len(sent))


def reminders_unsubscribe(*, enrolment: Enrolment) -> Enrolment:
    """Turn the enrolment's reminders off (idempotent): what the one-click link and header do."""
    if enrolment.reminder_cadence == Enrolment.ReminderCadence.OFF:
        return enrolment
    return enrolment_update_settings(
        enrolment=enrolment,
        timezone_name=enrolment.timezone,
        reminder_cadence=Enrolment.ReminderCadence.OFF,
    )
