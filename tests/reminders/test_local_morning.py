"""Each learner's weekly reminder goes at their own weekday and hour in their own zone (a stored next
time, moved on by every run and by every change of zone, day or hour), exactly once a week."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from freezegun import freeze_time

from accounts.models import User
from accounts.preferences import user_locale_set
from accounts.weekly import weekly_due_on_change, weekly_slot_on_or_after
from notifications.models import Email
from reminders.tasks import send_weekly_reminders
from tests.outbox import outbox_sent_here
from tests.reminders.conftest import make_enrolment

SUNDAY_NOON = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
AUCKLAND_MONDAY_8 = datetime(2026, 12, 6, 19, 0, tzinfo=UTC)  # NZDT, UTC+13
LOS_ANGELES_MONDAY_8 = datetime(2026, 12, 7, 16, 0, tzinfo=UTC)  # PST, UTC-8


def learner_in(name: str, zone: str, *, hour: int = 8, at: datetime = SUNDAY_NOON) -> User:
    """A learner on week 5 of a schedule in `zone`, who set their zone and weekly hour at `at`."""
    enrolment = make_enrolment(name, start=date(2026, 11, 2), timezone=zone, now=at)
    learner = enrolment.learner
    user_locale_set(
        user=learner, time_zone=zone, language="", weekly_email_weekday=0, weekly_email_hour=hour, now=at
    )
    return learner


def beats(start: datetime, end: datetime) -> list[datetime]:
    """The beat's instants from `start` to `end` (inclusive), hourly (every slot is on the hour; the
    real beat's quarter hours in between find nobody due: the test would only be four times slower)."""
    count = int((end - start) / timedelta(hours=1))
    return [start + timedelta(hours=step) for step in range(count + 1)]


def run_beats(start: datetime, end: datetime, *, before_each=None) -> None:
    for moment in beats(start, end):
        if before_each:
            before_each(moment)
        with freeze_time(moment), outbox_sent_here():
            send_weekly_reminders()


def reminders_to(user: User) -> list[Email]:
    return list(Email.objects.filter(recipient=user, kind__startswith="reminder_").order_by("created_at"))


def test_the_slot_is_monday_eight_in_the_persons_zone():
    slot = weekly_slot_on_or_after(moment=SUNDAY_NOON, zone="Pacific/Auckland", weekday=0, hour=8)
    assert slot == AUCKLAND_MONDAY_8
    slot = weekly_slot_on_or_after(moment=SUNDAY_NOON, zone="America/Los_Angeles", weekday=0, hour=8)
    assert slot == LOS_ANGELES_MONDAY_8
    # across a daylight-saving change the local hour holds: 15 March 2027 is after the US spring forward
    slot = weekly_slot_on_or_after(
        moment=datetime(2027, 3, 10, tzinfo=UTC), zone="America/Los_Angeles", weekday=0, hour=8
    )
    assert slot == datetime(2027, 3, 15, 15, 0, tzinfo=UTC)  # PDT, UTC-7


@pytest.mark.django_db
def test_auckland_and_los_angeles_are_each_reminded_at_their_own_monday_eight_once():
    auckland = learner_in("aroha", "Pacific/Auckland")
    los_angeles = learner_in("luis", "America/Los_Angeles")
    run_beats(SUNDAY_NOON, datetime(2026, 12, 8, 12, 0, tzinfo=UTC))
    assert [email.created_at for email in reminders_to(auckland)] == [AUCKLAND_MONDAY_8]
    assert [email.created_at for email in reminders_to(los_angeles)] == [LOS_ANGELES_MONDAY_8]
    assert sorted(message.to[0] for message in mail.outbox) == [auckland.email, los_angeles.email]
    auckland.refresh_from_db()
    los_angeles.refresh_from_db()
    assert auckland.reminder_due_at == AUCKLAND_MONDAY_8 + timedelta(weeks=1)
    assert los_angeles.reminder_due_at == LOS_ANGELES_MONDAY_8 + timedelta(weeks=1)


@pytest.mark.django_db
def test_a_chosen_weekday_and_hour_in_the_persons_zone():
    learner = learner_in("wen", "Asia/Tokyo")
    user_locale_set(
        user=learner,
        time_zone="Asia/Tokyo",
        language="",
        weekly_email_weekday=User.Weekday.WEDNESDAY,
        weekly_email_hour=19,
        now=SUNDAY_NOON,
    )
    assert learner.reminder_due_at == datetime(2026, 12, 9, 10, 0, tzinfo=UTC)  # Wednesday 19:00 JST


@pytest.mark.django_db
def test_moving_west_after_the_reminder_does_not_send_a_second_one_that_week():
    learner = learner_in("aroha", "Pacific/Auckland")
    run_beats(SUNDAY_NOON, AUCKLAND_MONDAY_8 + timedelta(minutes=30))
    assert len(reminders_to(learner)) == 1
    # An hour later (Sunday noon in Los Angeles) she moves there: this week's Monday 08:00 in Los
    # Angeles comes 21 hours after the reminder she had — the next is the Monday after.
    user_locale_set(
        user=learner,
        time_zone="America/Los_Angeles",
        language="",
        weekly_email_weekday=0,
        weekly_email_hour=8,
        now=AUCKLAND_MONDAY_8 + timedelta(hours=1),
    )
    assert learner.reminder_due_at == LOS_ANGELES_MONDAY_8 + timedelta(weeks=1)
    run_beats(AUCKLAND_MONDAY_8 + timedelta(hours=1), LOS_ANGELES_MONDAY_8 + timedelta(hours=2))
    run_beats(LOS_ANGELES_MONDAY_8 + timedelta(days=6), LOS_ANGELES_MONDAY_8 + timedelta(weeks=1, hours=1))
    assert [email.created_at for email in reminders_to(learner)] == [
        AUCKLAND_MONDAY_8,
        LOS_ANGELES_MONDAY_8 + timedelta(weeks=1),
    ]


@pytest.mark.django_db
def test_moving_the_hour_earlier_on_the_morning_itself_sends_now_rather_than_skip_the_week():
    learner = learner_in("luis", "America/Los_Angeles")
    six_am = LOS_ANGELES_MONDAY_8 - timedelta(hours=2)
    with freeze_time(six_am):  # the run before: Sunday last week
        User.objects.filter(pk=learner.pk).update(reminder_ran_at=LOS_ANGELES_MONDAY_8 - timedelta(weeks=1))
        learner.refresh_from_db()
        user_locale_set(
            user=learner,
            time_zone="America/Los_Angeles",
            language="",
            weekly_email_weekday=0,
            weekly_email_hour=5,
            now=six_am,
        )
    assert learner.reminder_due_at == LOS_ANGELES_MONDAY_8 - timedelta(hours=3)  # past: the next beat
    run_beats(six_am, LOS_ANGELES_MONDAY_8 + timedelta(hours=4))
    assert [email.created_at for email in reminders_to(learner)] == [six_am]


@pytest.mark.django_db
def test_moving_the_hour_later_after_the_reminder_waits_for_next_week():
    learner = learner_in("luis", "America/Los_Angeles")
    run_beats(LOS_ANGELES_MONDAY_8 - timedelta(hours=1), LOS_ANGELES_MONDAY_8 + timedelta(hours=1))
    user_locale_set(
        user=learner,
        time_zone="America/Los_Angeles",
        language="",
        weekly_email_weekday=0,
        weekly_email_hour=10,
        now=LOS_ANGELES_MONDAY_8 + timedelta(hours=1),
    )
    run_beats(LOS_ANGELES_MONDAY_8 + timedelta(hours=1), LOS_ANGELES_MONDAY_8 + timedelta(hours=4))
    assert [email.created_at for email in reminders_to(learner)] == [LOS_ANGELES_MONDAY_8]
    assert learner.reminder_due_at == LOS_ANGELES_MONDAY_8 + timedelta(weeks=1, hours=2)


def test_a_change_never_lands_within_six_days_of_the_last_run_nor_skips_more_than_a_slot():
    """Property over zones, hours and moments: the next time after a change is at least six days after
    the last run, and at most two weeks after it (the next slot of the new settings after that)."""
    zones = ["Pacific/Auckland", "America/Los_Angeles", "Asia/Kolkata", "Europe/London", "UTC"]
    last = AUCKLAND_MONDAY_8
    for zone in zones:
        for hour in (0, 5, 8, 23):
            for weekday in range(7):
                for hours_later in range(0, 24 * 8, 7):
                    now = last + timedelta(hours=hours_later)
                    due = weekly_due_on_change(
                        now=now, last_ran_at=last, zone=zone, weekday=weekday, hour=hour
                    )
                    assert due >= last + timedelta(days=6)
                    assert due >= now - timedelta(days=1)
                    assert due <= max(now, last + timedelta(days=6)) + timedelta(days=7)
