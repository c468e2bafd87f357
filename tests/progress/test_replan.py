"""Re-plans: completed weeks take no slot, a preview before anything changes, ahead pulls forward, undo."""

from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

import pytest
from django.urls import reverse
from freezegun import freeze_time
from hypothesis import given, settings
from hypothesis import strategies as st

from curriculum.models import Week
from progress.models import Enrolment, ScheduleChange
from progress.schedule import COMPLETED, Shift, build_schedule, replan_shift, same_weekday_on_or_before
from progress.selectors import schedule_for
from progress.services import (
    enrolment_create,
    enrolment_pause,
    enrolment_resume,
    schedule_replan,
    schedule_replan_preview,
    schedule_replan_undo,
    week_progress_set,
)

START = date(2026, 11, 2)  # a Monday
WEEK_5 = date(2026, 11, 30)  # week 5 starts


def complete(enrolment: Enrolment, *numbers: int) -> None:
    for number in numbers:
        week_progress_set(enrolment=enrolment, week=Week.objects.get(number=number), status="completed")


@pytest.fixture
def enrolment(learner):
    with freeze_time(START):
        return enrolment_create(learner=learner, start_date=START)


# --- the rule (pure) -------------------------------------------------------------------------------


def test_a_skipped_week_takes_no_slot_and_the_next_weeks_move_up():
    plan = build_schedule(
        total_weeks=52,
        start_date=START,
        pace=Decimal("1"),
        today=WEEK_5,
        statuses={1: COMPLETED, 4: COMPLETED},
        shifts=[Shift(2, WEEK_5, frozenset({4}))],
    )
    assert plan.week(2).starts_on == WEEK_5
    assert plan.week(3).starts_on == WEEK_5 + timedelta(weeks=1)
    assert not plan.week(4).has_slot
    assert plan.week(4).starts_on == plan.week(4).ends_on == WEEK_5 + timedelta(weeks=2)
    assert plan.week(5).starts_on == WEEK_5 + timedelta(weeks=2)
    assert plan.week(5).has_slot
    assert plan.week(52).ends_on == WEEK_5 + timedelta(weeks=50, days=-1)
    assert plan.current_week == 2
    assert plan.state == "on_track"


def test_a_week_without_a_slot_is_never_current_and_only_overdue_if_reopened():
    shifts = [Shift(2, WEEK_5, frozenset({4}))]
    for offset in range(0, 30):
        plan = build_schedule(
            total_weeks=52, start_date=START, pace=Decimal("1"), today=WEEK_5 + timedelta(days=offset),
            statuses={1: COMPLETED, 4: COMPLETED}, shifts=shifts,
        )  # fmt: skip
        assert plan.current_week != 4
        assert not plan.week(4).is_overdue
    reopened = build_schedule(
        total_weeks=52,
        start_date=START, pace=Decimal("1"), today=WEEK_5 + timedelta(weeks=3), statuses={1: COMPLETED},
        shifts=shifts,
    )  # fmt: skip
    assert reopened.week(4).is_overdue  # due with the week its slot would have preceded


def test_the_re_plan_of_the_issue_finishes_a_week_earlier_than_one_that_keeps_a_slot_for_week_4():
    """Week 4 completed, weeks 2-3 overdue: the re-plan gives week 4 no slot of its own."""
    statuses = {1: COMPLETED, 4: COMPLETED}
    before = build_schedule(
        total_weeks=52, start_date=START, pace=Decimal("1"), today=WEEK_5, statuses=statuses
    )
    assert [week.number for week in before.overdue] == [2, 3]
    shift = replan_shift(before, week_start=WEEK_5)
    assert shift == Shift(2, WEEK_5, frozenset({4}), pace=Decimal("1"))
    after = build_schedule(
        total_weeks=52, start_date=START, pace=Decimal("1"), today=WEEK_5, statuses=statuses, shifts=[shift]
    )
    keeping_a_slot = build_schedule(
        total_weeks=52,
        start_date=START,
        pace=Decimal("1"),
        today=WEEK_5,
        statuses=statuses,
        shifts=[Shift(2, WEEK_5)],
    )
    assert after.weeks[-1].ends_on == keeping_a_slot.weeks[-1].ends_on - timedelta(weeks=1)
    assert not after.is_behind


paces = st.sampled_from([Decimal(p) for p in ("0.25", "0.5", "0.75", "1", "1.25", "1.5", "2")])


@settings(max_examples=300, deadline=None)
@given(
    pace=paces,
    days_in=st.integers(min_value=0, max_value=500),
    completed=st.sets(st.integers(min_value=1, max_value=52), max_size=51),
)
def test_a_re_plan_gives_the_earliest_finish_for_the_weeks_left(pace, days_in, completed):
    """Whatever is completed, the re-plan's unfinished weeks follow each other from this week on with no
    gap, completed ones take no slot, and the plan ends when the weeks left are done at the pace."""
    statuses = dict.fromkeys(completed, COMPLETED)
    today = START + timedelta(days=days_in)
    before = build_schedule(total_weeks=52, start_date=START, pace=pace, today=today, statuses=statuses)
    week_start = same_weekday_on_or_before(today, START.weekday())
    shift = replan_shift(before, week_start=week_start)
    assert shift is not None
    after = build_schedule(
        total_weeks=52, start_date=START, pace=pace, today=today, statuses=statuses, shifts=[shift]
    )

    left = [week for week in after.weeks if week.number >= shift.from_week and not week.is_completed]
    assert left[0] == after.first_uncompleted
    assert left[0].number == before.first_uncompleted.number
    assert left[0].starts_on == week_start
    if before.planned_week:
        assert after.state != "ahead"  # pulled forward: the first unfinished week is the planned one
    for earlier, later in pairwise(left):
        assert later.starts_on == earlier.ends_on + timedelta(days=1)
    assert all(week.has_slot for week in left)
    assert not any(week.has_slot for week in after.weeks[shift.from_week :] if week.is_completed)
    same_pace_from_here = build_schedule(start_date=week_start, pace=pace, today=today, total_weeks=len(left))
    assert after.weeks[-1].ends_on == max(left[-1].ends_on, after.weeks[-1].starts_on)
    assert left[-1].ends_on == same_pace_from_here.weeks[-1].ends_on
    for number in range(1, shift.from_week):  # the weeks before it (all completed) stay where they were
        assert after.week(number).starts_on == before.week(number).starts_on


# --- the services ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_preview_shows_the_new_finish_and_what_moves_and_changes_nothing(enrolment):
    complete(enrolment, 1, 4)
    with freeze_time(WEEK_5):
        preview = schedule_replan_preview(enrolment=enrolment)
    assert not ScheduleChange.objects.exists()
    assert (preview.change.from_week, preview.change.starts_on, preview.skipped) == (2, WEEK_5, [4])
    assert preview.finish_before == START + timedelta(weeks=52, days=-1)
    assert preview.finish_after == WEEK_5 + timedelta(weeks=50, days=-1)
    assert not preview.forward
    assert [before.number for before, _ in preview.moves] == list(range(2, 53))


@pytest.mark.django_db
def test_a_learner_ahead_pulls_the_plan_forward(enrolment):
    complete(enrolment, 1, 2, 3, 4)
    with freeze_time(START + timedelta(days=8)):  # week 2, and four weeks done
        preview = schedule_replan_preview(enrolment=enrolment)
        assert preview.forward
        change = preview.change
        assert (change.from_week, change.starts_on, change.skipped_weeks) == (
            3,
            START + timedelta(weeks=1),
            [3, 4],
        )
        assert change.first_week_with_slot == 5
        assert preview.finish_after == preview.finish_before - timedelta(weeks=3)
        schedule_replan(enrolment=enrolment, changed_by=enrolment.learner)
        plan = schedule_for(enrolment)
    assert (plan.state, plan.planned_week, plan.current_week) == ("on_track", 5, 5)
    assert plan.week(5).starts_on == START + timedelta(weeks=1)


@pytest.mark.django_db
def test_a_re_plan_made_after_the_preview_changed_is_refused(enrolment):
    complete(enrolment, 1)
    with freeze_time(WEEK_5):
        seen = schedule_replan_preview(enrolment=enrolment).change
    with freeze_time(WEEK_5 + timedelta(weeks=1)), pytest.raises(Exception, match="changed since") as refused:
        schedule_replan(
            enrolment=enrolment, changed_by=enrolment.learner, confirming=(seen.from_week, seen.starts_on)
        )
    assert refused.value.code == "stale"
    assert not ScheduleChange.objects.exists()


@pytest.mark.django_db
def test_the_last_re_plan_can_be_undone_but_not_a_resumption(enrolment):
    complete(enrolment, 1)
    with freeze_time(WEEK_5):
        before = schedule_replan_preview(enrolment=enrolment).before
        schedule_replan(enrolment=enrolment, changed_by=enrolment.learner)
        schedule_replan_undo(enrolment=enrolment)
        assert not ScheduleChange.objects.exists()
        assert schedule_replan_preview(enrolment=enrolment).before == before
        with pytest.raises(Exception, match="no re-plan to undo"):
            schedule_replan_undo(enrolment=enrolment)
        schedule_replan(enrolment=enrolment, changed_by=enrolment.learner)
        enrolment_pause(enrolment=enrolment)
    with freeze_time(WEEK_5 + timedelta(weeks=2)):
        enrolment_resume(enrolment=enrolment, changed_by=enrolment.learner)
        with pytest.raises(Exception, match="no re-plan to undo"):
            schedule_replan_undo(enrolment=enrolment)


@pytest.mark.django_db
def test_a_resumption_keeps_the_weeks_a_re_plan_skipped_without_a_slot(enrolment):
    from progress.selectors import schedule_for

    complete(enrolment, 1, 4)
    with freeze_time(WEEK_5):
        schedule_replan(enrolment=enrolment, changed_by=enrolment.learner)
        enrolment_pause(enrolment=enrolment)
    with freeze_time(WEEK_5 + timedelta(weeks=3)):
        enrolment_resume(enrolment=enrolment, changed_by=enrolment.learner)
        plan = schedule_for(enrolment)
    assert plan.current_week == 2
    assert not plan.week(4).has_slot
    assert plan.week(5).starts_on == plan.week(3).ends_on + timedelta(days=1)


# --- the pages -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_dashboard_offers_a_preview_and_the_preview_a_confirmation(client, learner, enrolment):
    complete(enrolment, 1, 4)
    client.force_login(learner)
    with freeze_time(WEEK_5):
        dashboard = client.get(reverse("learner:dashboard")).content.decode()
        assert f'href="{reverse("progress:replan")}"' in dashboard
        page = client.get(reverse("progress:replan")).content.decode()
        assert not ScheduleChange.objects.exists()
        assert "Week 2 starts on 30 November 2026" in page
        assert "You finish on <strong>14 November 2027</strong> instead of 31 October 2027." in page
        assert "Week 4 is already completed, so it takes no slot" in page
        response = client.post(
            reverse("progress:replan"), {"from_week": "2", "starts_on": WEEK_5.isoformat()}, follow=True
        )
    assert "Re-planned: week 2 starts on 30 November 2026." in response.content.decode()
    assert "Undo this re-plan" in response.content.decode()
    change = ScheduleChange.objects.get()
    assert (change.from_week, change.starts_on, change.skipped_weeks, change.changed_by) == (
        2,
        WEEK_5,
        [4],
        learner,
    )


@pytest.mark.django_db
def test_a_stale_confirmation_shows_the_new_preview(client, learner, enrolment):
    complete(enrolment, 1)
    client.force_login(learner)
    with freeze_time(WEEK_5 + timedelta(weeks=1)):
        response = client.post(
            reverse("progress:replan"), {"from_week": "2", "starts_on": WEEK_5.isoformat()}
        )
    assert response.url == reverse("progress:replan")
    assert not ScheduleChange.objects.exists()


@pytest.mark.django_db
def test_undo_from_the_dashboard(client, learner, enrolment):
    complete(enrolment, 1)
    client.force_login(learner)
    with freeze_time(WEEK_5):
        client.post(reverse("progress:replan"))
        response = client.post(reverse("progress:replan-undo"), follow=True)
    assert "The re-plan is undone" in response.content.decode()
    assert "Behind by 3 weeks" in response.content.decode()
    assert not ScheduleChange.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("data", [{"from_week": "x", "starts_on": "2026-13-40"}, {"from_week": "0"}])
def test_a_malformed_confirmation_is_not_a_500(client, learner, enrolment, data):
    complete(enrolment, 1)
    client.force_login(learner)
    with freeze_time(WEEK_5):
        response = client.post(reverse("progress:replan"), data)
    assert response.status_code == 302
