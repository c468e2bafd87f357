"""The groups the mentor workspace charts and the table filters by: where a learner stands (ahead, on
track, 1, 2, 3+ weeks to catch up), who was active in each of the last weeks, quiz results per phase."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import (
    Q,
    QuerySet,
)
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from assessments.selectors import (
    quiz_phase_results_for_learners,
    submitted_between,
    weeks_submitted_by_learner,
)
from cohorts.selectors import in_cohort
from progress import predicates
from progress.activity import progress_marked_between, week_back, weeks_back, weeks_marked_by_learner
from progress.models import Enrolment, Standing

# The mentor workspace's charts: each segment is one of these conditions on the table's rows, so that a
# chart's count and the table it links to are the same query's (mentoring.workspace).
State = Standing.State
STANDING_GROUPS: dict[str, tuple[str | Promise, Q]] = {
    "ahead": (_("Ahead"), predicates.behind_by(0) & Q(standing__state=Standing.State.AHEAD)),
    "on_track": (_("On track"), predicates.behind_by(0) & Q(standing__state=Standing.State.ON_TRACK)),
    "behind_1": (_("1 week to catch up"), predicates.behind_by(1)),
    "behind_2": (_("2 weeks to catch up"), predicates.behind_by(2)),
    "behind_3": (_("3+ weeks to catch up"), predicates.behind_by(3, or_more=True)),
    "other": (
        _("Paused, starting or done"),
        predicates.behind_by(0)
        & Q(
            standing__state__in=[Standing.State.PAUSED, Standing.State.NOT_STARTED, Standing.State.COMPLETED]
        ),
    ),
}


ACTIVITY_WEEKS = 12
"""The workspace's activity chart: the last 12 weeks, as 7-day spans ending now."""


def active_in_week(weeks_ago: int, now: datetime) -> Q:
    """Rows whose learner marked a week or submitted a quiz in the 7 days `weeks_ago` weeks back (0: the
    last 7 days)."""
    start, end = week_back(now, weeks_ago)
    return Q(progress_marked_between(start, end)) | Q(submitted_between(start, end))


@dataclass(frozen=True)
class Segment:
    """A part of the table a chart links to (at most one of the first three), and the group: for staff,
    a mentor's learners; for anyone, a cohort's."""

    standing: str | None = None
    active_week: int | None = None
    quiz_phase: int | None = None
    mentor_id: int | None = None
    cohort_id: int | None = None

    @property
    def query(self) -> dict[str, str]:
        """The segment as the page's query-string parameters."""
        names = {
            "standing": self.standing,
            "active": self.active_week,
            "quiz_phase": self.quiz_phase,
            "mentor": self.mentor_id,
            "cohort": self.cohort_id,
        }
        return {name: str(value) for name, value in names.items() if value is not None}


@dataclass
class PhaseQuizResults:
    passed: int = 0
    """Learner-quiz pairs passed."""
    failed: int = 0
    """Learner-quiz pairs failed (graded, not passed, nothing waiting)."""
    learners_failing: set[int] = field(default_factory=set)

    @property
    def pass_rate(self) -> int | None:
        decided = self.passed + self.failed
        return round(100 * self.passed / decided) if decided else None


def active_weeks_by_learner(*, rows: QuerySet[Enrolment], now: datetime) -> dict[int, set[int]]:
    """Learner id → the weeks back (0: the last 7 days, up to ACTIVITY_WEEKS - 1) in which the learner
    of one of `rows` was active, by `active_in_week`'s rule (marked a week, or submitted a quiz): two
    grouped queries for the whole group, where `active_in_week` per row and week would be 24 subqueries
    a row."""
    windows = weeks_back(now, ACTIVITY_WEEKS)
    active = weeks_marked_by_learner(enrolment_ids=rows.values("pk"), windows=windows)
    submitted = weeks_submitted_by_learner(learner_ids=rows.values("learner_id"), windows=windows)
    for learner_id, weeks in submitted.items():
        active.setdefault(learner_id, set()).update(weeks)
    return active


def quiz_results_by_phase(*, learner_ids: QuerySet[Any]) -> dict[int, PhaseQuizResults]:
    """Phase number → the quiz results of the learners in `learner_ids` (a subquery) in that phase:
    quizzes passed and failed (`grading.quiz_status`), read from their stored quiz records. One query."""
    results: dict[int, PhaseQuizResults] = {}
    for learner_id, phases in quiz_phase_results_for_learners(learner_ids=learner_ids).items():
        for number, (passed, failed) in phases.items():
            phase = results.setdefault(number, PhaseQuizResults())
            phase.passed += passed
            phase.failed += failed
            if failed:
                phase.learners_failing.add(learner_id)
    return results


def segment_filter(
    rows: QuerySet[Enrolment], *, user: User, segment: Segment, now: datetime
) -> QuerySet[Enrolment]:
    if segment.mentor_id is not None and user.is_staff:
        rows = rows.filter(mentor_id=segment.mentor_id)
    if segment.cohort_id is not None:
        rows = rows.filter(in_cohort(segment.cohort_id))
    if segment.standing in STANDING_GROUPS:
        rows = rows.filter(STANDING_GROUPS[segment.standing][1])
    if segment.active_week is not None and 0 <= segment.active_week < ACTIVITY_WEEKS:
        rows = rows.filter(active_in_week(segment.active_week, now))
    if segment.quiz_phase is not None:
        results = quiz_results_by_phase(learner_ids=rows.values("learner_id"))
        failing = results.get(segment.quiz_phase, PhaseQuizResults()).learners_failing
        rows = rows.filter(learner_id__in=sorted(failing))
    return rows
