"""Reads of quizzes and submissions. `submissions_visible_to` is the one place that scopes submissions."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from accounts.models import User
from assessments.attempts import attempts_counting, counts
from assessments.models import Answer, Choice, Question, Quiz, QuizRecord, Submission
from progress.scope import enrolments_mentored_by, enrolments_read_by


def submissions_visible_to(*, user: User) -> QuerySet[Submission]:
    """Learners see their own submissions; mentors also those made under the enrolments they mentor now
    or mentored until they ended (progress.scope.enrolments_read_by: never a learner's work under another
    mentor or another enrolment); staff all. Reviewing is `can_review`'s: current enrolments only."""
    submissions = Submission.objects.select_related("quiz__week", "learner")
    if not user.is_authenticated:
        return submissions.none()
    if user.is_staff:
        return submissions
    if user.is_mentor:
        mentored = enrolments_read_by(mentor=user).values("pk")
        return submissions.filter(Q(enrolment_id__in=mentored) | Q(learner=user))
    return submissions.filter(learner=user)


def can_review(*, user: User, submission: Submission) -> bool:
    """Free-text answers are graded by staff, or by the mentor of the enrolment the submission was made
    under while they mentor it."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return (
        submission.enrolment_id is not None
        and enrolments_mentored_by(mentor=user).filter(pk=submission.enrolment_id).exists()
    )


def submissions_needing_review_for(*, mentor: User) -> QuerySet[Submission]:
    """Submissions under the enrolments the mentor mentors now with free-text answers waiting, oldest
    first."""
    return (
        Submission.objects.select_related("quiz__week", "learner")
        .filter(
            status=Submission.Status.NEEDS_REVIEW,
            enrolment_id__in=enrolments_mentored_by(mentor=mentor).values("pk"),
        )
        .order_by("submitted_at", "id")
    )


def questions_with_choices() -> QuerySet[Question]:
    return Question.objects.order_by("order", "id").prefetch_related(
        Prefetch("choices", queryset=Choice.objects.order_by("order", "id"))
    )


def quiz_for_week(*, week_number: int) -> Quiz | None:
    """The week's published quiz (the first, if there are several) with its questions and choices loaded."""
    return (
        Quiz.objects.filter(week__number=week_number, is_published=True)
        .select_related("week")
        .prefetch_related(Prefetch("questions", queryset=questions_with_choices()))
        .order_by("id")
        .first()
    )


def quizzes_published() -> QuerySet[Quiz]:
    return (
        Quiz.objects.filter(is_published=True)
        .select_related("week")
        .prefetch_related(Prefetch("questions", queryset=questions_with_choices()))
        .order_by("week__number", "id")
    )


def attempts_used(*, learner: User, quiz: Quiz) -> int:
    """The learner's attempts at the quiz that count now (`assessments.attempts`)."""
    return attempts_counting(learner_id=learner.pk).filter(quiz=quiz).count()


def submission_with_answers(*, user: User, submission_id: int) -> Submission:
    """A submission the user may see, its answers with questions and choices loaded (five queries).

    Raises Submission.DoesNotExist for a submission that does not exist or is not visible to the user.
    """
    answers = Answer.objects.select_related("question").prefetch_related(
        Prefetch("question__choices", queryset=Choice.objects.order_by("order", "id"))
    )
    return (
        submissions_visible_to(user=user)
        .select_related("quiz__week")
        .prefetch_related(Prefetch("answers", queryset=answers.order_by("question__order", "question_id")))
        .get(pk=submission_id)
    )


def pending_submission_ids(*, submitted_before: datetime, limit: int = 5000) -> list[int]:
    """Submissions still pending that were submitted before the given time (for the sweep)."""
    return list(
        Submission.objects.filter(status=Submission.Status.PENDING, submitted_at__lt=submitted_before)
        .order_by("submitted_at")
        .values_list("id", flat=True)[:limit]
    )


@dataclass(frozen=True)
class MissedQuestion:
    order: int
    prompt: str
    answers: int
    missed: int

    @property
    def missed_percent(self) -> int:
        return round(100 * self.missed / self.answers) if self.answers else 0


def most_missed_questions(*, quiz: Quiz, limit: int = 10) -> list[MissedQuestion]:
    """The quiz's questions ordered by how often graded answers got them wrong (for content editors)."""
    rows = (
        Answer.objects.filter(question__quiz=quiz, is_correct__isnull=False)
        .values("question__order", "question__prompt")
        .annotate(answers=Count("id"), missed=Count("id", filter=Q(is_correct=False)))
        .filter(missed__gt=0)
        .order_by("-missed", "question__order")[:limit]
    )
    return [
        MissedQuestion(row["question__order"], row["question__prompt"], row["answers"], row["missed"])
        for row in rows
    ]


def quizzes_unpassed_by(*, learner_id: int) -> QuerySet[Quiz]:
    """The one rule of "not passed": the published quizzes of which no attempt of the learner's that
    counts (`assessments.attempts`: under their current enrolment) passed, whether they tried or not."""
    passed = Submission.objects.filter(counts(), learner_id=learner_id, passed=True, quiz_id=OuterRef("pk"))
    return Quiz.objects.filter(is_published=True).filter(~Exists(passed))


def unpassed_quiz_weeks_for(*, learner_id: int) -> set[int]:
    """Weeks with a published quiz that the learner has not passed."""
    return set(quizzes_unpassed_by(learner_id=learner_id).values_list("week__number", flat=True))


def week_quiz_annotations(*, learner_id: int) -> dict[str, Exists]:
    """An expression for week rows: `quiz_unpassed`, the week has a published quiz the learner has not
    passed (`quizzes_unpassed_by`), so a page that reads the weeks needs no query more."""
    return {
        "quiz_unpassed": Exists(quizzes_unpassed_by(learner_id=learner_id).filter(week_id=OuterRef("pk")))
    }


def submissions_of_enrolment(*, enrolment_id: int) -> QuerySet[Submission]:
    """The submissions made under an enrolment (a mentor sees no other), newest first, with their quiz:
    one query. Each one's answers are on its own page (`submission-detail`)."""
    return (
        Submission.objects.filter(enrolment_id=enrolment_id).select_related("quiz").order_by("-submitted_at")
    )


@dataclass(frozen=True)
class WeakSpot:
    question_id: int
    prompt: str
    week_number: int
    topic: str
    attempts: int
    missed: int


def weak_spots_for(*, enrolment_id: int, limit: int = 10) -> list[WeakSpot]:
    """The questions (and their weeks' topics) missed most often in graded attempts under an enrolment."""
    rows = (
        Answer.objects.filter(submission__enrolment_id=enrolment_id, is_correct__isnull=False)
        .values(
            "question_id", "question__prompt", "question__quiz__week__number", "question__quiz__week__topic"
        )
        .annotate(attempts=Count("id"), missed=Count("id", filter=Q(is_correct=False)))
        .filter(missed__gt=0)
        .order_by("-missed", "question__quiz__week__number")[:limit]
    )
    return [
        WeakSpot(
            question_id=row["question_id"],
            prompt=row["question__prompt"],
            week_number=row["question__quiz__week__number"],
            topic=row["question__quiz__week__topic"],
            attempts=row["attempts"],
            missed=row["missed"],
        )
        for row in rows
    ]


# Lists of many learners (the mentor table) filter and sort on the stored `QuizRecord` through a join:
# these name its fields for a queryset whose rows have a `learner` (e.g. enrolments).
QUIZ_RECORD = "learner__quiz_record"
QUIZ_AVERAGE = f"{QUIZ_RECORD}__average_best_percent"


def has_failed_quiz() -> Q:
    """Rows whose learner has a failed quiz (`grading.quiz_status`)."""
    return Q(**{f"{QUIZ_RECORD}__failed_count__gt": 0})


def has_reviews_waiting() -> Q:
    return Q(**{f"{QUIZ_RECORD}__reviews_waiting__gt": 0})


def quiz_flags_of(failed_count: int | None, reviews_waiting: int | None) -> tuple[bool, bool]:
    """`has_failed_quiz` and `has_reviews_waiting` of one quiz record's values (None: no record), in
    Python: what a quiz record's refresh tells the apps that store flags from it."""
    return bool(failed_count and failed_count > 0), bool(reviews_waiting and reviews_waiting > 0)


def quiz_record_of(learner: User) -> QuizRecord | None:
    """The learner's stored quiz results (None before their first submission); loaded with
    `select_related(QUIZ_RECORD)` by lists, else one query."""
    try:
        return learner.quiz_record  # type: ignore[attr-defined, no-any-return]
    except QuizRecord.DoesNotExist:
        return None


def quiz_phase_results_for_learners(
    *, learner_ids: Iterable[int] | QuerySet[Any]
) -> dict[int, dict[int, tuple[int, int]]]:
    """Learner id → phase number → (quizzes passed, quizzes failed), from the stored quiz records
    (`grading.quiz_status` per quiz, as every page counts them): one query, no submission read."""
    return {
        learner_id: {int(phase): (passed, failed) for phase, (passed, failed) in results.items()}
        for learner_id, results in QuizRecord.objects.filter(learner_id__in=learner_ids).values_list(
            "learner_id", "phase_results"
        )
    }


def weeks_submitted_by_learner(
    *, learner_ids: QuerySet[Any], windows: list[tuple[datetime, datetime]]
) -> dict[int, set[int]]:
    """Learner id → the indexes of the `windows` ((start, end], as `submitted_between` takes them) in
    which they submitted a quiz attempt. One grouped query."""
    earliest = min(start for start, _ in windows)
    latest = max(end for _, end in windows)
    rows = (
        Submission.objects.filter(
            learner_id__in=learner_ids, submitted_at__gt=earliest, submitted_at__lte=latest
        )
        .values("learner_id")
        .annotate(
            **{
                f"window_{index}": Count("pk", filter=Q(submitted_at__gt=start, submitted_at__lte=end))
                for index, (start, end) in enumerate(windows)
            }
        )
    )
    return {row["learner_id"]: {i for i in range(len(windows)) if row[f"window_{i}"]} for row in rows}


def submitted_between(start: datetime, end: datetime) -> Exists:
    """Rows with a `learner_id` whose learner submitted a quiz attempt after `start`, up to `end`
    included (an activity)."""
    return Exists(
        Submission.objects.filter(
            learner_id=OuterRef("learner_id"), submitted_at__gt=start, submitted_at__lte=end
        )
    )


def submissions_waiting_for_review_in(
    *, enrolment_ids: Iterable[int] | QuerySet[Any]
) -> QuerySet[Submission]:
    """Submissions made under these enrolments (a subquery) with free-text answers waiting for review:
    the review queue of a group (the mentor workspace)."""
    return Submission.objects.filter(status=Submission.Status.NEEDS_REVIEW, enrolment_id__in=enrolment_ids)
