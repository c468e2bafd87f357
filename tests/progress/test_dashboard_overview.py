"""The dashboard's overview reads plain values for the weeks it lists and one full week: it must say
what the full overview (the schedule page's) says, in every state, by the same schedule rule."""

from datetime import date, timedelta

import pytest
from django.db.models import Value
from freezegun import freeze_time

from curriculum.models import Week
from progress.models import WeekProgress
from progress.selectors import dashboard_overview, learner_overview
from progress.services import enrolment_create, schedule_replan, week_progress_set

START = date(2026, 11, 2)  # a Monday


def assert_same(enrolment, today: date) -> None:
    full = learner_overview(enrolment=enrolment, today=today)
    brief = dashboard_overview(enrolment=enrolment, today=today, week_annotations={"marker": Value(7)})
    assert brief.schedule == full.schedule
    assert [row.planned for row in brief.rows] == [row.planned for row in full.rows]
    assert [(row.week.pk, row.week.number, row.week.topic, row.week.phase_id) for row in brief.rows] == [
        (row.week.pk, row.week.number, row.week.topic, row.week.phase_id) for row in full.rows
    ]
    assert [(p.phase.pk, p.phase.number, p.phase.title, p.completed, p.total) for p in brief.phases] == [
        (p.phase.pk, p.phase.number, p.phase.title, p.completed, p.total) for p in full.phases
    ]
    assert brief.percent_complete == full.percent_complete
    assert [row.week.number for row in brief.overdue_rows] == [row.week.number for row in full.overdue_rows]
    assert brief.undoable_replan == full.undoable_replan
    # The week shown in full (this week; week 1 before the start) is a Week with its annotations.
    shown = brief.current_row or brief.rows[0]
    assert isinstance(shown.week, Week)
    assert shown.week.marker == 7  # type: ignore[union-attr]
    assert shown.week.focus_area == Week.objects.get(number=shown.week.number).focus_area
    assert shown.week.phase.title == full.rows[shown.week.number - 1].week.phase.title


@pytest.mark.django_db
def test_the_dashboard_overview_says_what_the_full_overview_says_in_every_state(learner):
    with freeze_time(START - timedelta(days=5)):
        enrolment = enrolment_create(learner=learner, start_date=START)
    assert_same(enrolment, START - timedelta(days=1))  # not started: week 1 in full
    assert_same(enrolment, START)  # on track in week 1
    weeks = {week.number: week for week in Week.objects.all()}
    for number in (1, 2):
        week_progress_set(enrolment=enrolment, week=weeks[number], status=WeekProgress.Status.COMPLETED)
    week_progress_set(enrolment=enrolment, week=weeks[3], status=WeekProgress.Status.IN_PROGRESS)
    assert_same(enrolment, START + timedelta(days=3))  # ahead
    assert_same(enrolment, START + timedelta(weeks=6))  # behind, weeks overdue
    with freeze_time(START + timedelta(weeks=6)):
        schedule_replan(enrolment=enrolment, changed_by=learner, today=START + timedelta(weeks=6))
    enrolment.refresh_from_db()
    assert_same(enrolment, START + timedelta(weeks=6, days=2))  # re-planned: the change can be undone
    for number in weeks:
        week_progress_set(enrolment=enrolment, week=weeks[number], status=WeekProgress.Status.COMPLETED)
    assert_same(enrolment, START + timedelta(weeks=60))  # every week done


@pytest.mark.django_db
def test_the_dashboard_overview_reads_only_the_learners_own_statuses(learner, other_learner):
    with freeze_time(START):
        mine = enrolment_create(learner=learner, start_date=START)
        theirs = enrolment_create(learner=other_learner, start_date=START)
    week_one = Week.objects.get(number=1)
    week_progress_set(enrolment=theirs, week=week_one, status=WeekProgress.Status.COMPLETED)
    overview = dashboard_overview(enrolment=mine, today=START + timedelta(days=8))
    assert not overview.rows[0].planned.is_completed
    assert [row.week.number for row in overview.overdue_rows] == [1]
