"""Reads of code exercises: who sees which runs (the one scoping rule), a learner's standing at an
exercise (with the quiz's one status rule), what a viewer sees of a run's results, and what other apps
show (the week page, the mentor's learner page, the sweep)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext, ngettext

from accounts.models import User
from assessments.grading import Attempt, quiz_status
from exercises.models import Draft, Exercise, Run
from progress.scope import enrolments_read_by


def exercises_visible_to(*, user: User) -> QuerySet[Exercise]:
    """Published exercises; staff also see unpublished ones."""
    exercises = Exercise.objects.select_related("week")
    return exercises if user.is_authenticated and user.is_staff else exercises.filter(is_published=True)


def runs_visible_to(*, user: User) -> QuerySet[Run]:
    """Learners see their own runs; mentors also the submissions made under the enrolments they mentor
    now or mentored until they ended (progress.scope.enrolments_read_by); staff all."""
    runs = Run.objects.select_related("exercise__week", "learner")
    if not user.is_authenticated:
        return runs.none()
    if user.is_staff:
        return runs
    if user.is_mentor:
        mentored = enrolments_read_by(mentor=user).values("pk")
        return runs.filter(Q(enrolment_id__in=mentored, kind=Run.Kind.SUBMISSION) | Q(learner=user))
    return runs.filter(learner=user)


def as_attempt(run: Run) -> Attempt:
    """A submission as the quiz's one status rule reads it (a run with its result is "graded")."""
    status = "graded" if run.status == Run.Status.DONE else "pending"
    return Attempt(status=status, percent=run.percent, passed=run.passed)


@dataclass(frozen=True)
class ExerciseSummary:
    exercise: Exercise
    status: str
    """assessments.grading.quiz_status of the submissions: not_taken, pending, passed or failed."""
    attempts_used: int
    best_percent: object
    last_run: Run | None

    @property
    def attempts_left(self) -> int:
        return max(0, self.exercise.max_attempts - self.attempts_used)

    @property
    def best_text(self) -> str:
        """ "best 87.5%" (the best attempt's score as Django's floatformat:"-2" writes it)."""
        return gettext("best %(percent)s%%") % {"percent": floatformat(self.best_percent, "-2")}

    @property
    def attempts_used_text(self) -> str:
        """ "2 of 3 attempts used", in the reader's language (plural by the attempts allowed)."""
        allowed = self.exercise.max_attempts
        return ngettext(
            "%(used)s of %(count)s attempt used", "%(used)s of %(count)s attempts used", allowed
        ) % {
            "used": self.attempts_used,
            "count": allowed,
        }


def summarise(exercise: Exercise, submissions: Sequence[Run]) -> ExerciseSummary:
    """A learner's standing at an exercise from their submissions (oldest first); runs that could not
    run (the sandbox was down) are no attempt."""
    counted = [run for run in submissions if run.status != Run.Status.FAILED]
    percents = [run.percent for run in counted if run.percent is not None]
    return ExerciseSummary(
        exercise=exercise,
        status=quiz_status([as_attempt(run) for run in counted]),
        attempts_used=len(counted),
        best_percent=max(percents) if percents else None,
        last_run=submissions[-1] if submissions else None,
    )


def has_published_exercises() -> Exists:
    """On week rows: the week has a published exercise (the learner's week page reads the exercises
    only then)."""
    return Exists(Exercise.objects.filter(week_id=OuterRef("pk"), is_published=True))


def exercise_summaries_for(*, learner: User, week_number: int | None = None) -> list[ExerciseSummary]:
    """The published exercises (of one week, or all), each with the learner's standing. Two queries."""
    exercises = Exercise.objects.filter(is_published=True).select_related("week")
    if week_number is not None:
        exercises = exercises.filter(week__number=week_number)
    exercise_list = list(exercises)
    submissions: dict[int, list[Run]] = {exercise.pk: [] for exercise in exercise_list}
    if learner.is_authenticated and exercise_list:
        for run in Run.objects.filter(
            learner=learner, kind=Run.Kind.SUBMISSION, exercise__in=exercise_list
        ).order_by("created_at", "id"):
            submissions[run.exercise_id].append(run)
    return [summarise(exercise, submissions[exercise.pk]) for exercise in exercise_list]


def exercise_summary_for(*, learner: User, exercise: Exercise) -> ExerciseSummary:
    runs = list(
        Run.objects.filter(learner=learner, exercise=exercise, kind=Run.Kind.SUBMISSION).order_by(
            "created_at", "id"
        )
    )
    return summarise(exercise, runs)


def draft_of(*, learner: User, exercise: Exercise) -> Draft | None:
    """The learner's saved draft of the exercise, if any."""
    return exercise.drafts.filter(learner=learner).first() if learner.is_authenticated else None


def draft_code_for(*, learner: User, exercise: Exercise) -> str:
    """The code the learner's editor opens with: their draft, else the starter."""
    draft = (
        exercise.drafts.filter(learner=learner).values_list("code", flat=True).first()
        if learner.is_authenticated
        else None
    )
    return exercise.starter_code if draft is None else draft


def failure_messages_shown(*, viewer: User, run: Run) -> bool:
    """Whether `viewer` (who may see the run) sees the assertion messages of its failed tests: always for
    examples (visible tests), for the learner's mentor and staff, and for the learner as the exercise's
    review option says (after each attempt, once passed or out of attempts, or never)."""
    if run.kind != Run.Kind.SUBMISSION or viewer.pk != run.learner_id:
        return True
    timing = run.exercise.review_failure_messages
    if timing == Exercise.ReviewTiming.AFTER_EACH_ATTEMPT:
        return True
    if timing == Exercise.ReviewTiming.NEVER:
        return False
    summary = exercise_summary_for(learner=run.learner, exercise=run.exercise)
    return summary.status == "passed" or summary.attempts_left == 0


def run_tests_for(*, viewer: User, run: Run) -> list[dict[str, object]]:
    """The run's per-test results as `viewer` sees them (messages hidden by the review option)."""
    shown = failure_messages_shown(viewer=viewer, run=run)
    tests = []
    for test in run.tests or []:
        message = test.get("message", "") if shown else ""
        tests.append({**test, "message": message})
    return tests


@dataclass(frozen=True)
class MissedExercise:
    """An exercise a learner missed, as the review cards take it (`missed_exercise_of`)."""

    learner_id: int
    exercise_id: int


def missed_exercise_of(*, run_id: int) -> MissedExercise | None:
    """The exercise of a submission, if it should come back in the learner's daily review: they have a
    submission that failed its hidden tests (a result, not a run the sandbox could not make) and the
    exercise is settled for them — passed since, or every attempt used. Like a quiz's missed questions,
    never while the learner is still working towards a grade on it. None otherwise."""
    run = (
        Run.objects.filter(pk=run_id, kind=Run.Kind.SUBMISSION).select_related("exercise", "learner").first()
    )
    if run is None:
        return None
    summary = exercise_summary_for(learner=run.learner, exercise=run.exercise)
    if summary.status != "passed" and summary.attempts_left > 0:
        return None
    missed = Run.objects.filter(
        learner_id=run.learner_id,
        exercise_id=run.exercise_id,
        kind=Run.Kind.SUBMISSION,
        status=Run.Status.DONE,
        passed=False,
    ).exists()
    return MissedExercise(run.learner_id, run.exercise_id) if missed else None


def missed_exercise_runs() -> list[int]:
    """One failed submission per learner and exercise (`missed_exercise_of` decides): the backfill."""
    return list(
        Run.objects.filter(kind=Run.Kind.SUBMISSION, status=Run.Status.DONE, passed=False)
        .order_by("learner_id", "exercise_id", "-id")
        .distinct("learner_id", "exercise_id")
        .values_list("pk", flat=True)
    )


@dataclass(frozen=True)
class ExerciseRetry:
    """What a review card of an exercise shows: the hidden tests the learner's last failed submission
    missed (descriptions only, never code) and their latest run since `since` (a retry), if any."""

    failed_tests: list[str]
    retry: Run | None

    @property
    def retry_passed(self) -> bool | None:
        """Whether the retry passed every test it ran (None without a finished retry)."""
        run = self.retry
        if run is None or run.status != Run.Status.DONE:
            return None
        return bool(run.tests_total) and run.tests_passed == run.tests_total


def exercise_retry_for(*, learner: User, exercise: Exercise, since: datetime) -> ExerciseRetry:
    """Two queries: the last failed submission's missed tests, the latest finished run after `since`."""
    failed = (
        Run.objects.filter(
            learner=learner, exercise=exercise, kind=Run.Kind.SUBMISSION, status=Run.Status.DONE, passed=False
        )
        .order_by("-created_at", "-id")
        .values_list("tests", flat=True)
        .first()
    )
    retry = (
        Run.objects.filter(
            learner=learner,
            exercise=exercise,
            kind__in=(Run.Kind.EXAMPLES, Run.Kind.SUBMISSION),
            finished_at__gt=since,
        )
        .exclude(status=Run.Status.FAILED)
        .order_by("-finished_at", "-id")
        .first()
    )
    tests = [test for test in failed or [] if isinstance(test, dict) and not test.get("passed")]
    return ExerciseRetry([str(test.get("description") or test.get("name") or "") for test in tests], retry)


def submissions_for_enrolment(*, enrolment_id: int, limit: int = 50) -> list[Run]:
    """The submissions made under an enrolment, newest first (its mentor's view of the learner)."""
    return list(
        Run.objects.filter(enrolment_id=enrolment_id, kind=Run.Kind.SUBMISSION)
        .select_related("exercise__week")
        .order_by("-created_at", "-id")[:limit]
    )


def run_ids_to_sweep(*, created_before: datetime, claimed_before: datetime) -> list[int]:
    """Runs still waiting since before `created_before`, or running under a claim older than
    `claimed_before` (their worker died)."""
    return list(
        Run.objects.filter(
            Q(status=Run.Status.PENDING, created_at__lt=created_before)
            | Q(status=Run.Status.RUNNING, claimed_at__lt=claimed_before)
        ).values_list("pk", flat=True)[:500]
    )
