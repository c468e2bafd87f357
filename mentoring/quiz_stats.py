"""Quiz results as mentors need them, for many learners at once (aggregated in SQL: one query)."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, FloatField, Max, Prefetch, Q, QuerySet
from django.db.models.functions import Cast

from assessments.models import Answer, Quiz, Submission


@dataclass
class QuizStats:
    average_percent: float | None = None
    """The mean of the learner's best graded score on each quiz taken."""
    last_quiz: str | None = None
    last_percent: float | None = None
    last_passed: bool | None = None
    failed_quizzes: list[str] = field(default_factory=list)
    """Quizzes graded at least once and never passed."""
    pending_reviews: int = 0


def quiz_stats_for(*, learner_ids: Iterable[int] | QuerySet) -> dict[int, QuizStats]:
    """One aggregate row per learner and quiz taken, as plain tuples (titles from the ~52 quizzes)."""
    per_quiz = (
        Submission.objects.filter(
            learner_id__in=learner_ids if isinstance(learner_ids, QuerySet) else list(learner_ids)
        )
        .values("learner_id", "quiz_id")
        .annotate(
            # As a float in SQL: no Decimal conversion for each of the ~20 rows per learner.
            best=Cast(Max("percent", filter=Q(status=Submission.Status.GRADED)), FloatField()),
            passes=Count("id", filter=Q(passed=True)),
            waiting=Count("id", filter=Q(status=Submission.Status.NEEDS_REVIEW)),
            latest=Max("id"),  # ids grow with time: the newest attempt, without parsing 10,000s of datetimes
        )
        .values_list("learner_id", "quiz_id", "best", "passes", "waiting", "latest")
        .order_by()
    )
    grouped: dict[int, list[tuple]] = defaultdict(list)
    for row in per_quiz:
        grouped[row[0]].append(row)
    titles = dict(Quiz.objects.values_list("id", "title")) if grouped else {}
    stats = {}
    for learner_id, quizzes in grouped.items():
        graded = [quiz for quiz in quizzes if quiz[2] is not None]
        _, last_quiz, last_best, last_passes, _, _ = max(quizzes, key=lambda quiz: quiz[5])
        stats[learner_id] = QuizStats(
            average_percent=round(sum(quiz[2] for quiz in graded) / len(graded), 1) if graded else None,
            last_quiz=titles[last_quiz],
            last_percent=last_best,
            last_passed=bool(last_passes) if last_best is not None else None,
            failed_quizzes=[titles[quiz[1]] for quiz in graded if not quiz[3]],
            pending_reviews=sum(quiz[4] for quiz in quizzes),
        )
    return stats


def unpassed_quiz_weeks_for(*, learner_id: int) -> set[int]:
    """Weeks with a published quiz that the learner has not passed."""
    passed = Submission.objects.filter(learner_id=learner_id, passed=True).values("quiz_id")
    return set(
        Quiz.objects.filter(is_published=True).exclude(pk__in=passed).values_list("week__number", flat=True)
    )


def submissions_with_answers_for(*, learner_id: int) -> QuerySet[Submission]:
    """A learner's submissions, newest first, with answers, questions and choices (four queries)."""
    answers = Answer.objects.select_related("question").prefetch_related("question__choices")
    return (
        Submission.objects.filter(learner_id=learner_id)
        .select_related("quiz")
        .prefetch_related(Prefetch("answers", queryset=answers))
        .order_by("-submitted_at")
    )


@dataclass(frozen=True)
class WeakSpot:
    question_id: int
    prompt: str
    week_number: int
    topic: str
    attempts: int
    missed: int


def weak_spots_for(*, learner_id: int, limit: int = 10) -> list[WeakSpot]:
    """The questions (and their weeks' topics) this learner missed most often in graded attempts."""
    rows = (
        Answer.objects.filter(submission__learner_id=learner_id, is_correct__isnull=False)
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
