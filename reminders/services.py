"""Writes for reminders: compose a batch's reminders and put them in the outbox; unsubscribe.

Exactly once is the outbox's (notifications/README.md): each reminder is a notice whose key message (the
subject) shows in the product, and an e-mail as the learner's preference says, both under the key
`reminder:<enrolment>:<week>:<kind>`, so a second run, a duplicated beat or a retried batch finds it
there and neither composes nor sends it again; the outbox claims, sends, retries and sweeps.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from accounts.preferences import Stream, weekly_stream_ran
from cards.selectors import day_end_of, due_counts_for
from lms.collector import fewer_collections
from notifications.selectors import notified_keys_existing
from notifications.services import notify_many
from progress.models import Enrolment
from progress.services import enrolment_update_settings
from reminders.emails import ReminderComposer
from reminders.selectors import DueReminder, curriculum_weeks, quiz_summaries_for_batch, reminders_due


@dataclass(frozen=True)
class BatchResult:
    due: int
    enqueued: int


@fewer_collections()  # a batch allocates ~10^5 short-lived containers: lms/collector.py
def reminder_batch_enqueue(*, enrolment_ids: Sequence[int], as_of: datetime | None = None) -> BatchResult:
    """Put the reminders due at `as_of` to these enrolments in the outbox, each once, and move their
    learners' next reminder time to next week's slot (accounts.preferences.weekly_stream_ran).

    Those already notified (an earlier run) are neither loaded nor composed again: one indexed query
    on the keys tells which (`reminders_due`), a second one catches a key a stale standing could not
    name. The rest are composed, their notices inserted in one statement and the e-mails of those who want
    them in another. Outside a caller's transaction (the batch task) the e-mails are inserted claimed and
    sent from here once they commit; inside one, the outbox's task sends them, 500 a task, after it
    commits (notifications.services.notify_many).
    """
    as_of = as_of or timezone.now()
    checked: set[str] = set()
    sent: set[str] = set()

    def already_sent(keys: list[str]) -> set[str]:
        checked.update(keys)
        sent.update(notified_keys_existing(keys=keys))
        return sent

    due = reminders_due(enrolment_ids=enrolment_ids, as_of=as_of, skip_keys=already_sent)
    result = _compose_and_enqueue(due, checked=checked, sent=sent, as_of=as_of)
    # Last, once the reminders are in the outbox: a batch that died before this is run again by the next
    # beat (its learners are still due) and finds its e-mails there. One UPDATE per distinct next time.
    weekly_stream_ran(
        stream=Stream.REMINDER,
        user_ids=Enrolment.objects.filter(pk__in=list(enrolment_ids)).values("learner_id"),
        ran_at=as_of,
    )
    return result


def _compose_and_enqueue(
    due: list[DueReminder], *, checked: set[str], sent: set[str], as_of: datetime
) -> BatchResult:
    unchecked = [item.key for item in due if item.key not in checked]
    if unchecked:
        sent.update(notified_keys_existing(keys=unchecked))
    new = [item for item in due if item.key not in sent]
    result = BatchResult(due=len(due) + len(sent - {item.key for item in due}), enqueued=len(new))
    if not new:
        return result
    # A learner's day ends at the next midnight of their time zone: reckoned once per zone.
    day_ends = {zone: day_end_of(Enrolment(timezone=zone)) for zone in {item.timezone for item in new}}
    cards_due = due_counts_for(day_ends={item.learner_id: day_ends[item.timezone] for item in new})
    composer = ReminderComposer(
        weeks=curriculum_weeks(), quizzes=quiz_summaries_for_batch(due=new), cards_due=cards_due, run=as_of
    )
    notify_many(drafts=[composer.draft_for(item, key=item.key) for item in new])
    return result


def reminders_unsubscribe(*, enrolment: Enrolment) -> Enrolment:
    """Turn the enrolment's reminders off (idempotent): what the one-click link and header do."""
    if enrolment.reminder_cadence == Enrolment.ReminderCadence.OFF:
        return enrolment
    return enrolment_update_settings(
        enrolment=enrolment,
        timezone_name=enrolment.timezone,
        reminder_cadence=Enrolment.ReminderCadence.OFF,
    )
