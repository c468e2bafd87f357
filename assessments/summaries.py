"""A learner's summary of each quiz (status, best and last score, attempts left, the links to take it
or read the result): one query for all 52, or for the quizzes of many learners."""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Final, Literal

from django.db.models import FilteredRelation, Q, QuerySet
from django.urls import reverse
from django.utils.translation import ngettext

from accounts.models import User
from assessments import grading
from assessments.attempts import counting_enrolment_id, counts
from assessments.models import Quiz, Submission
from curriculum.models import Week


@dataclass(frozen=True)
class QuizSummary:
    quiz_id: int
    title: str
    week_number: int
    status: str
    """One of: not_taken, pending, needs_review, passed, failed."""
    best_percent: Decimal | None
    attempts_used: int
    max_attempts: int
    last_submission_id: int | None
    last_percent: Decimal | None = None
    """The latest attempt's score (None while it is graded or reviewed, or before any attempt)."""

    # The URLs are reversed when a page shows them (one or two quizzes), not for all 52 summaries.
    @property
    def take_url(self) -> str:
        return reverse("assessments:quiz-take", args=[self.week_number])

    @property
    def last_submission_url(self) -> str | None:
        if self.last_submission_id is None:
            return None
        return reverse("assessments:submission-detail", args=[self.last_submission_id])

    @property
    def attempts_left(self) -> int:
        return max(0, self.max_attempts - self.attempts_used)

    @property
    def tag_tone(self) -> str:
        return grading.QUIZ_STATUS_TAGS[self.status][0]

    @property
    def tag_label(self) -> str:
        return str(grading.QUIZ_STATUS_TAGS[self.status][1])

    @property
    def attempts_used_text(self) -> str:
        """ "1 of 3 attempts used", in the reader's language (for Jinja2 templates, where makemessages
        reads no plural)."""
        allowed = self.max_attempts
        return ngettext(
            "%(used)s of %(count)s attempt used", "%(used)s of %(count)s attempts used", allowed
        ) % {
            "used": self.attempts_used,
            "count": allowed,
        }


COUNTING: Final = "counting"
"""`enrolment_id` of the summaries: the attempts that count now (`assessments.attempts`), at the price
of a query; a page that shows an enrolment passes its id (an earlier enrolment's page, its own)."""

UnderEnrolment = int | None | Literal["counting"]


def _enrolment_of(learner: User, enrolment_id: UnderEnrolment) -> int | None:
    return counting_enrolment_id(learner_id=learner.pk) if enrolment_id == COUNTING else enrolment_id  # type: ignore[return-value]


def quiz_summaries_for(*, learner: User, enrolment_id: UnderEnrolment = COUNTING) -> dict[int, QuizSummary]:
    """Week number → the learner's state on that week's published quiz, from the attempts made under
    `enrolment_id` (None: outside any), in one query whatever the data
    (the published quizzes, each joined with the learner's own submissions: a LEFT JOIN through a
    FilteredRelation, so a quiz never tried still comes, once, with no submission).

    Status: `grading.quiz_status` (the one definition of passed and failed). Read as plain values, not
    model instances: the learner's schedule and progress pages need all of them.
    """
    published = Quiz.objects.filter(is_published=True)
    rows = _published_with_mine(learner, _enrolment_of(learner, enrolment_id), published).order_by(
        "week__number", "id"
    )
    return _summaries(rows.values_list("id", "title", "week__number", "max_attempts", *_MINE))


def quiz_summary_for(
    *, learner: User, week: Week, enrolment_id: UnderEnrolment = COUNTING
) -> QuizSummary | None:
    """The learner's state on that week's published quiz (None: the week has none) under the enrolment,
    in one query (by the week's id: the dashboard and the week page have the week, so no join to it)."""
    published = Quiz.objects.filter(is_published=True, week_id=week.pk)
    quizzes = _published_with_mine(learner, _enrolment_of(learner, enrolment_id), published)
    rows = quizzes.order_by("id").values_list("id", "title", "max_attempts", *_MINE)
    summaries = _summaries((quiz_id, title, week.number, *rest) for quiz_id, title, *rest in rows)
    return summaries.get(week.number)


_MINE = ("mine__id", "mine__submitted_at", "mine__status", "mine__percent", "mine__passed")


def _published_with_mine(learner: User, enrolment_id: int | None, quizzes: QuerySet[Quiz]) -> QuerySet[Quiz]:
    under = (
        Q(submissions__enrolment_id__isnull=True)
        if enrolment_id is None
        else Q(submissions__enrolment_id=enrolment_id)
    )
    return quizzes.annotate(
        mine=FilteredRelation("submissions", condition=Q(submissions__learner_id=learner.pk) & under)
    )


def _summaries(rows: Iterable[tuple[Any, ...]]) -> dict[int, QuizSummary]:
    """Week number → summary, from rows of (quiz id, title, week number, max attempts, and the
    learner's submission or Nones) in week order."""
    quizzes: dict[int, tuple[int, str, int]] = {}
    attempts: dict[int, list[tuple[tuple[datetime, int], int, grading.Attempt]]] = {}
    for quiz_id, title, number, max_attempts, submission_id, submitted_at, status, percent, passed in rows:
        quizzes.setdefault(number, (quiz_id, title, max_attempts))
        if submission_id is not None:
            order = (submitted_at, submission_id)
            attempts.setdefault(quiz_id, []).append(
                (order, submission_id, grading.Attempt(status, percent, passed))
            )
    summaries = {}
    for number, (quiz_id, title, max_attempts) in quizzes.items():
        tried = [(submission_id, attempt) for _, submission_id, attempt in sorted(attempts.get(quiz_id, []))]
        summaries[number] = _summary(quiz_id, title, number, max_attempts, tried)
    return summaries


def _summary(
    quiz_id: int, title: str, number: int, max_attempts: int, tried: list[tuple[int, grading.Attempt]]
) -> QuizSummary:
    graded = [a.percent for _, a in tried if a.status == Submission.Status.GRADED and a.percent is not None]
    return QuizSummary(
        quiz_id=quiz_id,
        title=title,
        week_number=number,
        status=grading.quiz_status([attempt for _, attempt in tried]),
        best_percent=max(graded) if graded else None,
        attempts_used=len(tried),
        max_attempts=max_attempts,
        last_submission_id=tried[-1][0] if tried else None,
        last_percent=tried[-1][1].percent if tried else None,
    )


def quiz_summaries_for_learners(*, pairs: Collection[tuple[int, int]]) -> dict[tuple[int, int], QuizSummary]:
    """(learner id, week number) → the learner's state on that week's published quiz, for each pair
    asked (the weekly reminders of a batch: each learner's own week), of the attempts that count: two
    queries whatever their number.
    Pairs whose week has no published quiz are left out. Only the pairs asked are summarised: every
    learner with every week of a batch was 50 times the work (1,000 learners over 50 weeks)."""
    quizzes: dict[int, Quiz] = {}
    published = Quiz.objects.filter(is_published=True, week__number__in={number for _, number in pairs})
    for quiz in published.select_related("week").order_by("week__number", "id"):
        quizzes.setdefault(quiz.week.number, quiz)
    wanted = {(learner_id, quizzes[number].pk) for learner_id, number in pairs if number in quizzes}
    attempts: dict[tuple[int, int], list[Submission]] = {}
    submissions = Submission.objects.filter(
        counts(), learner_id__in={learner_id for learner_id, _ in pairs}, quiz__in=list(quizzes.values())
    ).order_by("submitted_at", "id")
    for submission in submissions:
        if (submission.learner_id, submission.quiz_id) in wanted:
            attempts.setdefault((submission.learner_id, submission.quiz_id), []).append(submission)
    return {
        (learner_id, number): summarise(quizzes[number], attempts.get((learner_id, quizzes[number].pk), []))
        for learner_id, number in pairs
        if number in quizzes
    }


def summarise(quiz: Quiz, attempts: list[Submission]) -> QuizSummary:
    tried = [(s.pk, grading.Attempt(s.status, s.percent, s.passed)) for s in attempts]
    return _summary(quiz.pk, quiz.title, quiz.week.number, quiz.max_attempts, tried)
