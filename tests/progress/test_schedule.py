"""The pure schedule function: dates, current week, overdue, pace, pauses, re-plans."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from progress.schedule import (
    COMPLETED,
    IN_PROGRESS,
    Shift,
    build_schedule,
    same_weekday_on_or_before,
)

MONDAY = date(2026, 11, 2)


def schedule(today: date, **kwargs):
    kwargs.setdefault("start_date", MONDAY)
    kwargs.setdefault("pace", Decimal("1"))
    kwargs.setdefault("total_weeks", 52)
    return build_schedule(today=today, **kwargs)


def test_week_one_starts_on_the_start_date_and_lasts_seven_days():
    plan = schedule(MONDAY)
    assert plan.current_week == 1
    assert plan.week(1).starts_on == MONDAY
    assert plan.week(1).ends_on == MONDAY + timedelta(days=6)
    assert plan.week(52).starts_on == MONDAY + timedelta(weeks=51)
    assert plan.state == "on_track"
    assert len(plan.weeks) == 52


def test_before_the_start_there_is_no_current_week():
    plan = schedule(MONDAY - timedelta(days=1))
    assert plan.current_week is None
    assert plan.state == "not_started"
    assert plan.label == "Starts soon"


def test_four_weeks_later_the_learner_is_in_week_five_and_behind_by_four():
    plan = schedule(MONDAY + timedelta(weeks=4))
    assert plan.current_week == 5
    assert [week.number for week in plan.overdue] == [1, 2, 3, 4]
    assert plan.state == "behind"
    assert plan.label == "Behind by 4 weeks"


def test_completed_weeks_are_not_overdue_and_a_week_is_overdue_only_after_its_last_day():
    statuses = {1: COMPLETED, 2: COMPLETED, 3: IN_PROGRESS}
    plan = schedule(MONDAY + timedelta(weeks=3), statuses=statuses)
    assert [week.number for week in plan.overdue] == [3]
    assert plan.label == "Behind by 1 week"
    on_last_day = schedule(MONDAY + timedelta(days=6))
    assert on_last_day.overdue == []


def test_the_schedule_crosses_the_year_boundary():
    start = date(2026, 12, 28)
    plan = schedule(date(2027, 1, 4), start_date=start)
    assert plan.week(1).ends_on == date(2027, 1, 3)
    assert plan.week(2).starts_on == date(2027, 1, 4)
    assert plan.current_week == 2
    assert plan.week(52).ends_on == date(2027, 12, 26)


def test_half_pace_gives_each_week_two_calendar_weeks():
    plan = schedule(MONDAY + timedelta(weeks=3), pace=Decimal("0.5"))
    assert plan.week(2).starts_on == MONDAY + timedelta(weeks=2)
    assert plan.week(1).ends_on == MONDAY + timedelta(days=13)
    assert plan.current_week == 2
    assert plan.week(52).ends_on == MONDAY + timedelta(weeks=104) - timedelta(days=1)
    assert [week.number for week in plan.overdue] == [1]


def test_double_pace_alternates_three_and_four_day_weeks_without_drift():
    plan = schedule(MONDAY, pace=Decimal("2"))
    assert plan.week(3).starts_on == MONDAY + timedelta(days=7)
    assert plan.week(52).ends_on == MONDAY + timedelta(days=26 * 7 - 1)


def test_a_paused_enrolment_stands_still_on_the_day_it_was_paused():
    paused_on = MONDAY + timedelta(days=10)
    plan = schedule(MONDAY + timedelta(weeks=20), paused_on=paused_on)
    assert plan.state == "paused"
    assert plan.current_week == 2
    assert [week.number for week in plan.overdue] == [1]


def test_a_shift_moves_the_remaining_weeks_and_keeps_the_earlier_ones():
    today = MONDAY + timedelta(weeks=6)
    plan = schedule(today, shifts=[Shift(3, today)], statuses={1: COMPLETED, 2: COMPLETED})
    assert plan.week(2).starts_on == MONDAY + timedelta(weeks=1)
    assert plan.week(3).starts_on == today
    assert plan.week(4).starts_on == today + timedelta(weeks=1)
    assert plan.current_week == 3
    assert plan.state == "on_track"


def test_a_later_shift_replaces_earlier_shifts_from_its_week_on():
    first, second = Shift(10, date(2027, 3, 1)), Shift(5, date(2027, 4, 5))
    plan = schedule(date(2027, 4, 5), shifts=[first, second])
    assert plan.week(10).starts_on == date(2027, 4, 5) + timedelta(weeks=5)


def test_everything_completed_is_completed():
    plan = schedule(MONDAY + timedelta(weeks=60), statuses=dict.fromkeys(range(1, 53), COMPLETED))
    assert plan.state == "completed"
    assert plan.current_week == 52
    assert plan.first_uncompleted is None


def test_pace_must_be_positive():
    with pytest.raises(ValueError, match="pace"):
        schedule(MONDAY, pace=Decimal("0"))


@pytest.mark.parametrize(
    ("day", "expected"), [(date(2026, 11, 25), date(2026, 11, 23)), (date(2026, 11, 23), date(2026, 11, 23))]
)
def test_same_weekday_on_or_before(day, expected):
    assert same_weekday_on_or_before(day, 0) == expected


@pytest.mark.parametrize("pace", ["0.25", "0.5", "0.75", "0.8", "1", "1.25", "1.5", "2"])
def test_week_starts_match_exact_decimal_rounding(pace):
    plan = schedule(MONDAY, pace=Decimal(pace))
    for week in plan.weeks:
        exact = (Decimal(week.number - 1) * 7 / Decimal(pace)).to_integral_value()  # halves to even
        assert week.starts_on == MONDAY + timedelta(days=int(exact))


paces = st.sampled_from([Decimal(p) for p in ("0.25", "0.33", "0.5", "0.75", "1", "1.25", "1.5", "2")])
days = st.integers(min_value=-60, max_value=900).map(lambda offset: MONDAY + timedelta(days=offset))
shift_lists = st.lists(st.builds(Shift, st.integers(min_value=1, max_value=52), days), max_size=3)


def facts(plan):
    return (plan.planned_week, plan.current_week, plan.weeks_behind, plan.weeks_ahead, plan.state, plan.label)


@settings(max_examples=300, deadline=None)
@given(
    pace=paces,
    today=days,
    completed=st.sets(st.integers(min_value=1, max_value=52)) | st.just(set(range(1, 53))),
    shifts=shift_lists,
    paused_on=st.none() | days,
)
def test_a_schedule_changes_by_itself_only_on_its_changes_on_date(pace, today, completed, shifts, paused_on):
    """What a stored standing relies on: nothing changes before `changes_on` (then a week starts)."""
    statuses = dict.fromkeys(completed, COMPLETED)
    paused_on = min(paused_on, today) if paused_on else None  # a pause starts today or before
    plan = schedule(today, pace=pace, statuses=statuses, shifts=shifts, paused_on=paused_on)
    later = plan.changes_on - timedelta(days=1) if plan.changes_on else today + timedelta(days=400)
    for day in {today + timedelta(days=1), later, today + (later - today) // 2}:
        if today <= day <= later:
            assert facts(schedule(day, pace=pace, statuses=statuses, shifts=shifts, paused_on=paused_on)) == (
                facts(plan)
            )
    if plan.changes_on:
        assert plan.changes_on > today


def test_a_learner_who_finished_weeks_ahead_of_the_plan_is_ahead_and_works_on_the_first_open_week():
    plan = schedule(MONDAY + timedelta(days=2), statuses=dict.fromkeys(range(1, 23), COMPLETED))
    assert (plan.planned_week, plan.current_week) == (1, 23)
    assert (plan.state, plan.weeks_ahead, plan.label) == ("ahead", 21, "Ahead by 21 weeks")
    assert plan.weeks_behind == 0


def test_finishing_this_week_early_is_on_track_and_a_gap_is_not_ahead():
    this_week_done = schedule(MONDAY + timedelta(weeks=2), statuses=dict.fromkeys([1, 2, 3], COMPLETED))
    assert (this_week_done.state, this_week_done.current_week, this_week_done.weeks_ahead) == (
        "on_track",
        3,
        0,
    )
    with_gap = schedule(MONDAY + timedelta(weeks=2), statuses=dict.fromkeys([1, 2, 5, 6], COMPLETED))
    assert (with_gap.state, with_gap.current_week) == ("on_track", 3)


def test_weeks_done_before_the_start_make_the_learner_ahead():
    plan = schedule(MONDAY - timedelta(days=3), statuses=dict.fromkeys([1, 2], COMPLETED))
    assert (plan.planned_week, plan.current_week, plan.state, plan.weeks_ahead) == (None, 3, "ahead", 2)


def test_a_paused_schedule_never_changes_by_itself_and_others_change_when_a_week_starts():
    assert schedule(MONDAY + timedelta(weeks=3), paused_on=MONDAY + timedelta(days=9)).changes_on is None
    assert schedule(MONDAY + timedelta(days=3)).changes_on == MONDAY + timedelta(weeks=1)
    assert schedule(MONDAY + timedelta(weeks=60)).changes_on is None  # after the last week


def test_the_number_of_weeks_is_the_callers():
    assert len(schedule(MONDAY, total_weeks=10).weeks) == 10
    with pytest.raises(ValueError, match="at least one week"):
        schedule(MONDAY, total_weeks=0)
