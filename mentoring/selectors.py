"""Reads for mentors: their mentees (and only theirs), at-risk flags, feedback, phase reviews.

The mentor table reads stored rows — each enrolment's `progress.Standing` and its learner's
`assessments.QuizRecord` — and filters, sorts and paginates them in SQL: no schedule is computed
for a list.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext, ngettext

from accounts.models import PERSON_NAME_FIELDS, display_name_of
from assessments.selectors import (
    unpassed_quiz_weeks_for,
)
from curriculum.models import Week
from mentoring.models import PhaseReview, WeekFeedback
from progress.models import Enrolment
from progress.scope import CURRENT_STATUSES
from progress.selectors import LearnerOverview, learner_overview
from projects.selectors import sign_off_projects_missing


@dataclass(frozen=True)
class FeedbackItem:
    """A message on a learner's week, as their week page shows it."""

    body: str
    from_learner: bool
    created_at: datetime
    author: str
    """The author's display name ("" once their account is gone)."""


def feedback_for(*, enrolment: Enrolment, week: Week) -> list[FeedbackItem]:
    """The mentor's feedback on the learner's week and the learner's replies, oldest first (one query,
    read as values: the learner's week page asks on every visit)."""
    rows = (
        WeekFeedback.objects.filter(enrolment_id=enrolment.pk, week_id=week.pk)
        .order_by("created_at", "id")
        .values_list(
            "body", "from_learner", "created_at", *(f"author__{field}" for field in PERSON_NAME_FIELDS)
        )
    )
    return [
        FeedbackItem(body, from_learner, created_at, display_name_of(author_fields))
        for body, from_learner, created_at, *author_fields in rows
    ]


@dataclass(frozen=True)
class PhaseReviewItem:
    """A phase review as the learner's and the mentor's pages show it."""

    phase_number: int
    phase_title: str
    decision: str
    comments: str
    created_at: datetime
    reviewer: str
    """The reviewer's display name ("" once their account is gone)."""

    @property
    def is_signed_off(self) -> bool:
        return self.decision == PhaseReview.Decision.SIGNED_OFF

    @property
    def decision_label(self) -> str:
        return str(PhaseReview.Decision(self.decision).label)


def phase_reviews_for(*, enrolment: Enrolment) -> dict[int, PhaseReviewItem]:
    """The latest review of each phase, keyed by phase number, in phase order (one query, read as
    values: the dashboard asks on every visit, and most learners have none)."""
    rows = (
        PhaseReview.objects.filter(enrolment_id=enrolment.pk)
        .order_by("created_at", "id")
        .values_list(
            "phase__number", "phase__title", "decision", "comments", "created_at",
            *(f"reviewer__{field}" for field in PERSON_NAME_FIELDS),
        )
    )  # fmt: skip
    latest: dict[int, PhaseReviewItem] = {}
    for number, title, decision, comments, created_at, *reviewer_fields in rows:
        latest[number] = PhaseReviewItem(
            number, title, decision, comments, created_at, display_name_of(reviewer_fields)
        )
    return dict(sorted(latest.items()))


def phases_ready_for_review(
    *, enrolment: Enrolment, overview: LearnerOverview | None = None
) -> dict[int, list[str]]:
    """For each phase, what still stops a sign-off (empty list: ready): its sign-off project not accepted
    (projects: weeks 22, 38, 51), weeks not completed, quizzes not passed.

    Pass the learner's `overview` when the page has it: its rows already hold every week's phase and
    status (three queries fewer), and, read with `projects.selectors.week_project_annotations` and
    `assessments.selectors.week_quiz_annotations`, the state of each week's project and quiz (two fewer).
    """
    if overview is None:
        overview = learner_overview(enrolment=enrolment)
    if overview.rows and all("quiz_unpassed" in row.week.__dict__ for row in overview.rows):
        unpassed = {row.week.number for row in overview.rows if row.week.quiz_unpassed}  # type: ignore[attr-defined]
    else:
        unpassed = unpassed_quiz_weeks_for(learner_id=enrolment.learner_id)
    projects_missing = sign_off_projects_missing(
        enrolment_id=enrolment.pk, weeks=[row.week for row in overview.rows]
    )
    numbers_of: dict[int, list[int]] = {item.phase.number: [] for item in overview.phases}
    completed = set()
    for row in overview.rows:
        numbers_of[row.week.phase.number].append(row.week.number)
        if row.planned.is_completed:
            completed.add(row.week.number)
    blockers: dict[int, list[str]] = {}
    for phase_number, numbers in numbers_of.items():
        missing = [n for n in numbers if n not in completed]
        failing = [n for n in numbers if n in unpassed]
        reasons = []
        if phase_number in projects_missing:
            project_weeks = projects_missing[phase_number]
            reasons.append(
                ngettext(
                    "project not accepted yet: week %(weeks)s",
                    "projects not accepted yet: weeks %(weeks)s",
                    len(project_weeks),
                )
                % {"weeks": ", ".join(map(str, project_weeks))}
            )
        if missing:
            reasons.append(
                ngettext("week not completed: %(weeks)s", "weeks not completed: %(weeks)s", len(missing))
                % {"weeks": ", ".join(map(str, missing))}
            )
        if failing:
            reasons.append(
                ngettext(
                    "quiz not passed: week %(weeks)s", "quizzes not passed: weeks %(weeks)s", len(failing)
                )
                % {"weeks": ", ".join(map(str, failing))}
            )
        blockers[phase_number] = reasons
    return blockers


def reply_refusal(*, enrolment: Enrolment, mentor_has_commented: bool) -> str | None:
    """Why the learner may not answer their mentor's feedback on a week, or None when they may: the one
    rule that the week page (whether to offer the form) and `services.feedback_reply_create` (whether
    to save) both ask. Only on a current enrolment with a mentor who has commented on the week."""
    if enrolment.status not in CURRENT_STATUSES:
        return gettext("Only the learner can reply on their own weeks.")
    if enrolment.mentor_id is None:
        return gettext("You have no mentor to reply to.")
    if not mentor_has_commented:
        return gettext("There is no feedback on this week to reply to yet.")
    return None
