"""Learner controls after enrolling: a new pace from next week on (recorded), and leaving the curriculum
(the enrolment ends, everything in it is kept, the learner can enrol again)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from freezegun import freeze_time

from curriculum.models import Week
from mentoring.services import mentees_assign
from notifications.models import Email
from progress.models import Enrolment, ScheduleChange, Standing, WeekProgress
from progress.schedule import COMPLETED, Shift, build_schedule, replan_shift
from progress.scope import enrolments_mentored_by
from progress.selectors import schedule_for
from progress.services import (
    enrolment_create,
    enrolment_leave,
    enrolment_pace_change,
    enrolment_pause,
    schedule_replan,
    week_progress_set,
)
from reminders.selectors import reminder_candidate_id_pages
from tests.outbox import outbox_sent_here

START = date(2026, 11, 2)  # a Monday
WEEK_5 = date(2026, 11, 30)  # week 5 starts at pace 1
MID_WEEK_5 = WEEK_5 + timedelta(days=2)


def complete(enrolment: Enrolment, *numbers: int) -> None:
    for number in numbers:
        week_progress_set(enrolment=enrolment, week=Week.objects.get(number=number), status="completed")


@pytest.fixture
def enrolment(learner, mentor):
    with freeze_time(START):
        enrolment = enrolment_create(learner=learner, start_date=START)
    mentees_assign(mentor=mentor, enrolment_ids=[enrolment.pk])
    enrolment.refresh_from_db()
    return enrolment


def assert_standing_fresh(enrolment: Enrolment) -> None:
    enrolment.refresh_from_db()
    stored = Standing.objects.get(pk=enrolment.pk)
    schedule = schedule_for(enrolment)
    assert (stored.state, stored.current_week, stored.weeks_behind, stored.changes_on) == (
        schedule.state,
        schedule.current_week,
        schedule.weeks_behind,
        schedule.changes_on,
    )


# --- the rule (pure) -------------------------------------------------------------------------------


def plan(shifts, today=MID_WEEK_5, statuses=None):
    return build_schedule(
        total_weeks=52, start_date=START, pace=Decimal("1"), today=today, statuses=statuses, shifts=shifts
    )


def test_a_pace_shift_keeps_the_earlier_weeks_and_spaces_the_later_ones_at_the_new_pace():
    before = plan([])
    after = plan([Shift(5, WEEK_5, pace=Decimal("0.5"))])
    assert [week.starts_on for week in after.weeks[:5]] == [week.starts_on for week in before.weeks[:5]]
    assert after.week(5).ends_on == WEEK_5 + timedelta(days=13)
    assert after.week(6).starts_on == WEEK_5 + timedelta(days=14)
    assert after.week(52).ends_on == WEEK_5 + timedelta(days=48 * 14 - 1)
    assert (before.pace, after.pace) == (Decimal("1"), Decimal("0.5"))


def test_a_later_shift_with_no_pace_follows_the_pace_in_force_and_one_with_a_pace_sets_it():
    paced = Shift(5, WEEK_5, pace=Decimal("2"))
    resumed = Shift(9, WEEK_5 + timedelta(days=30))  # e.g. an old resumption row, recorded without a pace
    schedule = plan([paced, resumed], today=WEEK_5 + timedelta(days=31))
    assert schedule.week(10).starts_on - schedule.week(9).starts_on in (timedelta(days=3), timedelta(days=4))
    assert schedule.pace == Decimal("2")
    faster_again = plan([paced, resumed, Shift(12, WEEK_5 + timedelta(days=60), pace=Decimal("1"))])
    assert faster_again.week(13).starts_on - faster_again.week(12).starts_on == timedelta(days=7)


def test_a_catch_up_replan_from_an_earlier_week_keeps_the_new_pace():
    """A re-plan replaces the shifts from its week on, so it carries the pace in force itself."""
    paced = plan([Shift(5, WEEK_5, pace=Decimal("0.5"))], today=WEEK_5 + timedelta(days=40))
    assert paced.is_behind
    shift = replan_shift(paced, week_start=WEEK_5 + timedelta(days=35))
    assert shift is not None
    assert shift.pace == Decimal("0.5")
    after = plan([Shift(5, WEEK_5, pace=Decimal("0.5")), shift], today=WEEK_5 + timedelta(days=40))
    first = after.week(shift.from_week)
    assert after.week(shift.from_week + 1).starts_on - first.starts_on == timedelta(days=14)


# --- the service -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_changing_pace_re_plans_from_next_week_records_the_change_and_refreshes_the_standing(
    enrolment, learner
):
    with freeze_time(MID_WEEK_5):
        complete(enrolment, 1, 2)  # weeks 3 and 4 are overdue
        before = schedule_for(enrolment)
        change = enrolment_pace_change(enrolment=enrolment, pace=Decimal("0.5"), changed_by=learner)
        after = schedule_for(enrolment)
        assert (change.reason, change.pace, change.from_week, change.starts_on) == (
            "pace",
            Decimal("0.5"),
            6,
            WEEK_5 + timedelta(weeks=1),
        )
        assert change.changed_by == learner
        assert after.weeks[:5] == before.weeks[:5]  # this week and the earlier ones keep their dates
        assert after.week(7).starts_on == WEEK_5 + timedelta(weeks=3)
        assert after.weeks[-1].ends_on > before.weeks[-1].ends_on
        assert after.weeks_behind == before.weeks_behind == 2  # a pace is not a catch-up: overdue stays
        assert after.pace == Decimal("0.5")
        enrolment.refresh_from_db()
        assert enrolment.pace == Decimal("1")  # the pace at enrolment; the change is a schedule change
        assert_standing_fresh(enrolment)


@pytest.mark.django_db
def test_a_pace_change_before_the_start_changes_the_whole_plan(learner):
    with freeze_time(START - timedelta(days=3)):
        enrolment = enrolment_create(learner=learner, start_date=START)
        change = enrolment_pace_change(enrolment=enrolment, pace=Decimal("2"), changed_by=learner)
        schedule = schedule_for(enrolment)
    assert (change.from_week, change.starts_on) == (1, START)
    assert schedule.week(1).starts_on == START
    assert schedule.week(2).starts_on == START + timedelta(days=4)  # 3.5 days, rounded half to even


@pytest.mark.django_db
def test_a_re_plan_after_a_pace_change_keeps_the_new_pace(enrolment, learner):
    with freeze_time(MID_WEEK_5):
        enrolment_pace_change(enrolment=enrolment, pace=Decimal("0.5"), changed_by=learner)
    with freeze_time(MID_WEEK_5 + timedelta(days=30)):
        schedule_replan(enrolment=enrolment, changed_by=learner)
        schedule = schedule_for(enrolment)
        first = schedule.first_uncompleted
        assert schedule.pace == Decimal("0.5")
        assert schedule.week(first.number + 1).starts_on - first.starts_on == timedelta(days=14)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("pace", "message"),
    [(Decimal("1"), "That is already your pace."), (Decimal("3"), "Choose a pace from 0.25 to 2")],
)
def test_a_pace_that_is_the_same_or_out_of_range_is_refused_with_nothing_recorded(
    enrolment, learner, pace, message
):
    with freeze_time(MID_WEEK_5), pytest.raises(ValidationError) as error:
        enrolment_pace_change(enrolment=enrolment, pace=pace, changed_by=learner)
    assert message in str(error.value.message_dict["pace"])
    assert not ScheduleChange.objects.exists()


@pytest.mark.django_db
def test_a_paused_enrolment_keeps_its_pace_until_resumed(enrolment, learner):
    with freeze_time(MID_WEEK_5):
        enrolment_pause(enrolment=enrolment)
        with pytest.raises(ValidationError, match="resume it first"):
            enrolment_pace_change(enrolment=enrolment, pace=Decimal("0.5"), changed_by=learner)


# --- leaving ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_leaving_ends_the_enrolment_keeps_its_data_and_tells_the_mentor_once(enrolment, mentor):
    with freeze_time(MID_WEEK_5):
        complete(enrolment, 1, 2, 3)
        with outbox_sent_here():
            enrolment_leave(enrolment=enrolment)
        with pytest.raises(ValidationError, match="already ended"):
            enrolment_leave(enrolment=enrolment)
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.ended_on) == ("left", MID_WEEK_5)
    assert WeekProgress.objects.filter(enrolment=enrolment, status=COMPLETED).count() == 3
    [message] = mail.outbox
    assert message.to == [mentor.email]
    assert "left the curriculum" in message.subject
    assert Email.objects.filter(key=f"left:{enrolment.pk}").count() == 1
    assert not enrolments_mentored_by(mentor=mentor).exists()
    with freeze_time(MID_WEEK_5 + timedelta(days=40)):
        assert (
            schedule_for(enrolment).weeks_behind == 1
        )  # week 4 only: time stood still from the day they left
        assert_standing_fresh(enrolment)


@pytest.mark.django_db
def test_a_learner_who_left_gets_no_reminders_and_can_enrol_again(enrolment, learner):
    with freeze_time(MID_WEEK_5):
        enrolment_leave(enrolment=enrolment)
        assert enrolment.pk not in {pk for page in reminder_candidate_id_pages() for pk in page}
        again = enrolment_create(learner=learner, start_date=WEEK_5 + timedelta(days=7))
    assert again.pk != enrolment.pk
    assert Enrolment.objects.filter(learner=learner).count() == 2


@pytest.mark.django_db
def test_no_progress_is_recorded_on_an_enrolment_that_was_left(enrolment):
    enrolment_leave(enrolment=enrolment)
    with pytest.raises(ValidationError, match="enrol again"):
        complete(enrolment, 4)


# --- pages -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_settings_page_changes_the_pace_and_says_the_new_finish(client, enrolment, learner):
    client.force_login(learner)
    with freeze_time(MID_WEEK_5):
        page = client.get(reverse("progress:settings"))
        assert b"At this pace you finish on" in page.content
        response = client.post(reverse("progress:pace"), {"pace": "0.5"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("progress:settings")
    assert b"Your pace is now 0.5 curriculum weeks a week from week 6" in response.content
    assert ScheduleChange.objects.get().pace == Decimal("0.5")


@pytest.mark.django_db
@pytest.mark.parametrize("posted", [{"pace": "3"}, {"pace": "fast"}, {}, {"pace": "1"}])
def test_a_bad_pace_gets_a_form_error_and_changes_nothing(client, enrolment, learner, posted):
    client.force_login(learner)
    with freeze_time(MID_WEEK_5):
        response = client.post(reverse("progress:pace"), posted)
    assert response.status_code == 400
    assert b'role="alert"' in response.content
    assert not ScheduleChange.objects.exists()


@pytest.mark.django_db
def test_the_mentor_sees_the_pace_change_among_the_schedule_changes(client, enrolment, learner, mentor):
    with freeze_time(MID_WEEK_5):
        enrolment_pace_change(enrolment=enrolment, pace=Decimal("0.75"), changed_by=learner)
        client.force_login(mentor)
        page = client.get(reverse("mentoring:learner", args=[enrolment.pk])).content.decode()
    assert "Pace changed to 0.75" in page
    assert "pace 0.75" in page


@pytest.mark.django_db
def test_leaving_asks_for_confirmation_then_the_dashboard_offers_to_enrol_again(client, enrolment, learner):
    client.force_login(learner)
    page = client.get(reverse("progress:leave"))
    assert b"Everything you did is kept" in page.content
    refused = client.post(reverse("progress:leave"), {})
    assert refused.status_code == 400
    assert b"Tick the box to confirm" in refused.content
    enrolment.refresh_from_db()
    assert enrolment.status == "active"

    done = client.post(reverse("progress:leave"), {"confirm": "on"}, follow=True)
    assert b"You left the curriculum on" in done.content
    assert b"Enrol again" in done.content
    enrol_page = client.get(reverse("progress:enrol"))
    assert enrol_page.status_code == 200
    assert b"what you did then is kept" in enrol_page.content
    week = client.post(reverse("learner:week", args=[4]), {"status": "completed", "notes": ""})
    assert week.status_code == 400
    assert b"enrol again to record progress" in week.content


# --- API -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_api_changes_the_pace_and_refuses_a_bad_one_with_field_messages(client, enrolment, learner):
    client.force_login(learner)
    with freeze_time(MID_WEEK_5):
        bad = client.post("/api/v1/me/enrolment/pace/", {"pace": "9"}, content_type="application/json")
        assert bad.status_code == 400
        assert "pace" in bad.json()
        ok = client.post("/api/v1/me/enrolment/pace/", {"pace": "0.5"}, content_type="application/json")
    assert ok.status_code == 200
    assert ok.json()["pace"] == "0.50"
    assert ScheduleChange.objects.get().changed_by == learner


@pytest.mark.django_db
def test_the_api_leaves_once_and_then_answers_400(client, enrolment, learner):
    client.force_login(learner)
    first = client.post("/api/v1/me/enrolment/leave/")
    assert first.status_code == 200
    assert first.json()["status"] == "left"
    assert client.post("/api/v1/me/enrolment/leave/").status_code == 400


@pytest.mark.django_db
def test_anonymous_visitors_cannot_change_a_pace_or_leave(client, enrolment):
    assert client.post("/api/v1/me/enrolment/pace/", {"pace": "0.5"}).status_code in (401, 403)
    assert client.post("/api/v1/me/enrolment/leave/").status_code in (401, 403)
    assert client.post(reverse("progress:leave"), {"confirm": "on"}).status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == "active"


@pytest.mark.django_db
@pytest.mark.parametrize("pace", [Decimal("2"), Decimal("0.25")])
def test_a_faster_or_slower_pace_never_moves_the_learner_out_of_this_week(enrolment, learner, pace):
    """Found by a new user: at pace 2 on the fifth day of week 5, week 5 (now 3.5 days long) was over
    and the learner found themselves in week 6 although the help said "from this week on"."""
    with freeze_time(WEEK_5 + timedelta(days=4)):
        before = schedule_for(enrolment)
        enrolment_pace_change(enrolment=enrolment, pace=pace, changed_by=learner)
        after = schedule_for(enrolment)
    assert (before.current_week, after.current_week) == (5, 5)
    assert after.week(5) == before.week(5)
    assert after.week(6).starts_on == before.week(6).starts_on


@pytest.mark.django_db
def test_a_pace_change_in_the_last_week_is_refused(learner):
    with freeze_time(START + timedelta(weeks=51, days=1)):
        enrolment = enrolment_create(learner=learner, start_date=START)
    with freeze_time(START + timedelta(weeks=51, days=2)), pytest.raises(ValidationError, match="last week"):
        enrolment_pace_change(enrolment=enrolment, pace=Decimal("2"), changed_by=learner)
