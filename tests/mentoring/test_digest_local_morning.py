"""The mentors' weekly digest comes at each mentor's own Monday 08:00 (or chosen weekday and hour) in
their own zone, from the quarter-hourly beat and their stored next time, once a week; a change of zone
mid-week neither skips nor doubles it."""

from datetime import UTC, date, datetime, timedelta

import pytest
from freezegun import freeze_time

from accounts.preferences import user_locale_set
from mentoring.tasks import send_mentor_digests
from notifications.models import Email
from tests.factories import MentorFactory, UserFactory
from tests.mentoring.conftest import enrol
from tests.outbox import outbox_sent_here

SUNDAY_NOON = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
AUCKLAND_MONDAY_8 = datetime(2026, 12, 6, 19, 0, tzinfo=UTC)  # NZDT, UTC+13
LOS_ANGELES_MONDAY_8 = datetime(2026, 12, 7, 16, 0, tzinfo=UTC)  # PST, UTC-8


def mentor_in(name: str, zone: str, *, at: datetime = SUNDAY_NOON):
    """A mentor in `zone` (set at `at`) with one active mentee."""
    mentor = MentorFactory(username=name)
    with freeze_time(at):
        enrol(UserFactory(username=f"{name}_mentee"), mentor=mentor, start=date(2026, 11, 30))
        user_locale_set(
            user=mentor, time_zone=zone, language="", weekly_email_weekday=0, weekly_email_hour=8, now=at
        )
    return mentor


def run_beats(start: datetime, end: datetime) -> None:
    """The beat hourly from `start` to `end` (every slot is on the hour)."""
    moment = start
    while moment <= end:
        with freeze_time(moment), outbox_sent_here():
            send_mentor_digests()
        moment += timedelta(hours=1)


def digest_times(mentor) -> list[datetime]:
    digests = Email.objects.filter(recipient=mentor, kind="mentor_digest").order_by("created_at")
    return list(digests.values_list("created_at", flat=True))


@pytest.mark.django_db
def test_auckland_and_los_angeles_mentors_each_get_the_digest_at_their_own_monday_eight_once():
    auckland = mentor_in("aroha", "Pacific/Auckland")
    los_angeles = mentor_in("luis", "America/Los_Angeles")
    run_beats(SUNDAY_NOON, datetime(2026, 12, 8, 12, 0, tzinfo=UTC))
    assert digest_times(auckland) == [AUCKLAND_MONDAY_8]
    assert digest_times(los_angeles) == [LOS_ANGELES_MONDAY_8]
    los_angeles.refresh_from_db()
    assert los_angeles.digest_due_at == LOS_ANGELES_MONDAY_8 + timedelta(weeks=1)


@pytest.mark.django_db
def test_a_mentor_moving_west_after_the_digest_gets_no_second_one_that_week():
    mentor = mentor_in("aroha", "Pacific/Auckland")
    run_beats(SUNDAY_NOON, AUCKLAND_MONDAY_8 + timedelta(minutes=30))
    user_locale_set(
        user=mentor,
        time_zone="America/Los_Angeles",
        language="",
        weekly_email_weekday=0,
        weekly_email_hour=8,
        now=AUCKLAND_MONDAY_8 + timedelta(hours=1),
    )
    run_beats(AUCKLAND_MONDAY_8 + timedelta(hours=1), LOS_ANGELES_MONDAY_8 + timedelta(weeks=1, hours=1))
    assert digest_times(mentor) == [AUCKLAND_MONDAY_8, LOS_ANGELES_MONDAY_8 + timedelta(weeks=1)]
