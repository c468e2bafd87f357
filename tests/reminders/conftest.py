"""Learners crafted for a given Monday, and a way to run the whole reminder job in-process."""

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta

import pytest

from curriculum.models import Week
from progress.models import Enrolment, WeekProgress
from progress.standings import standing_refresh, standings_refresh_due
from reminders.selectors import reminder_candidate_id_pages
from reminders.tasks import send_reminder_batch
from tests.factories import UserFactory
from tests.outbox import outbox_sent_here

RUN = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
"""A Monday at 08:00 UTC: the default beat time."""
START = date(2026, 11, 2)
"""Four weeks before RUN: on RUN, week 5 is the current week."""


def make_enrolment(
    name: str,
    *,
    start: date = START,
    completed: Iterable[int] = range(1, 5),
    status: str = Enrolment.Status.ACTIVE,
    cadence: str = Enrolment.ReminderCadence.WEEKLY,
    inactive_for: timedelta = timedelta(days=2),
    timezone: str = "UTC",
    now: datetime = RUN,
) -> Enrolment:
    """An enrolment of `name`@example.com, with weeks `completed`, last active `inactive_for` ago."""
    learner = UserFactory(username=name, first_name=name.replace("_", " ").title())
    enrolment = Enrolment.objects.create(
        learner=learner,
        start_date=start,
        status=status,
        paused_on=start + timedelta(days=10) if status == Enrolment.Status.PAUSED else None,
        reminder_cadence=cadence,
        timezone=timezone,
        last_activity_at=now - inactive_for,
    )
    Enrolment.objects.filter(pk=enrolment.pk).update(
        created_at=datetime.combine(start - timedelta(days=3), time(9), tzinfo=UTC)
    )
    weeks = Week.objects.filter(number__in=list(completed))
    WeekProgress.objects.bulk_create(
        WeekProgress(enrolment=enrolment, week=week, status=WeekProgress.Status.COMPLETED) for week in weeks
    )
    standing_refresh(enrolment_ids=[enrolment.pk], now=now)  # written past the services: refresh it
    enrolment.refresh_from_db()
    return enrolment


@pytest.fixture
def enrol(db) -> Callable[..., Enrolment]:
    return make_enrolment


def run_reminders(as_of: datetime = RUN, batch_size: int = 500) -> int:
    """What the beat task, its batches and the outbox do, in this process: returns the number of
    reminders enqueued (and sent, to mail.outbox)."""
    standings_refresh_due(now=as_of)
    with outbox_sent_here():
        return sum(
            send_reminder_batch(enrolment_ids, as_of.isoformat())
            for enrolment_ids in reminder_candidate_id_pages(due_by=as_of, batch_size=batch_size)
        )
