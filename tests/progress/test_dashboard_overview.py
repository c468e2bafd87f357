"""The dashboard reads the curriculum as values and shows a few weeks (`progress.dashboard`): what it
shows must be what the schedule pages' full overview (`learner_overview`, every week a model row)
says, in every state a learner can be in."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from freezegun import freeze_time

from curriculum.models import Week
from progress.dashboard import dashboard_overview
from progress.scope import enrolment_latest_with_changes_for
from progress.selectors import learner_overview
from progress.services import (
    enrolment_create,
    enrolment_pace_change,
    enrolment_pause,
    schedule_replan,
    week_progress_set,
)

TODAY = date(2026, 11, 26)


def _facts(row):  # type: ignore[no-untyped-def]
    if row is None:
        return None
    week = row.week
    return (week.pk, week.number, week.topic, week.focus_area, week.objectives, week.phase_id, row.planned)


def _mark(enrolment, numbers, status="completed") -> None:  # type: ignore[no-untyped-def]
    for week in Week.objects.filter(number__in=list(numbers)):
        week_progress_set(enrolment=enrolment, week=week, status=status)


SITUATIONS = {
    "not_started: starts next week": {"start": TODAY + timedelta(days=5)},
    "on_track: on track in week 3": {"start": TODAY - timedelta(weeks=2), "completed": range(1, 3)},
    "behind: behind by 4, one in progress": {
        "start": TODAY - timedelta(weeks=6),
        "completed": [1, 2],
        "in_progress": [3],
    },
    "ahead: ahead by 10": {"start": TODAY - timedelta(weeks=1), "completed": range(1, 13)},
    "paused: paused while behind": {"start": TODAY - timedelta(weeks=5), "completed": [1], "pause": True},
    "on_track: re-planned after falling behind": {
        "start": TODAY - timedelta(weeks=8),
        "completed": [1, 3],
        "replan": True,
    },
    "on_track: at half pace from this week": {
        "start": TODAY - timedelta(weeks=3),
        "completed": [1, 2, 3],
        "pace": "0.5",
    },
    "completed: every week completed": {"start": TODAY - timedelta(weeks=50), "completed": range(1, 53)},
    "behind: past the last week at pace 2": {
        "start": TODAY - timedelta(weeks=40),
        "completed": range(1, 50),
        "pace0": "2",
    },
}


@pytest.mark.django_db
@pytest.mark.parametrize("situation", SITUATIONS)
@freeze_time(TODAY)
def test_the_dashboard_shows_what_the_full_overview_says(learner, situation):
    given = SITUATIONS[situation]
    pace = Decimal(given.get("pace0", "1"))
    enrolment = enrolment_create(learner=learner, start_date=given["start"], pace=pace)
    _mark(enrolment, given.get("completed", []))
    _mark(enrolment, given.get("in_progress", []), status="in_progress")
    if given.get("replan"):
        schedule_replan(enrolment=enrolment, changed_by=learner, today=TODAY)
    if given.get("pace"):
        enrolment_pace_change(
            enrolment=enrolment, pace=Decimal(given["pace"]), changed_by=learner, today=TODAY
        )
    if given.get("pause"):
        enrolment_pause(enrolment=enrolment, today=TODAY)
    # The dashboard's enrolment and schedule changes, read together as its page reads them.
    found = enrolment_latest_with_changes_for(learner=learner)
    assert found is not None
    enrolment, changes = found

    full = learner_overview(enrolment=enrolment, today=TODAY)
    shown = dashboard_overview(enrolment=enrolment, changes=changes, today=TODAY)

    assert shown.schedule == full.schedule
    assert shown.schedule.state == situation.split(":")[0]
    assert shown.total_weeks == len(full.rows) == 52
    assert shown.percent_complete == full.percent_complete
    assert _facts(shown.first_row) == _facts(full.rows[0])
    assert _facts(shown.current_row) == _facts(full.current_row)
    assert _facts(shown.next_row) == _facts(full.next_row)
    assert [_facts(row) for row in shown.overdue_rows] == [_facts(row) for row in full.overdue_rows]
    assert [(p.phase.pk, p.phase.number, p.phase.title, p.completed, p.total) for p in shown.phases] == [
        (p.phase.pk, p.phase.number, p.phase.title, p.completed, p.total) for p in full.phases
    ]
    assert shown.undoable_replan == full.undoable_replan
    assert [
        (change.pk, change.shift, change.reason, change.created_at, change.changed_by_id)
        for change in changes
    ] == [
        (change.pk, change.shift, change.reason, change.created_at, change.changed_by_id)
        for change in full.changes
    ]
