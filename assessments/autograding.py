"""Automatic grading of pending submissions: the grading worker's hot path (`tasks.grade_submission`).

The rules are `grading.py`'s pure functions; this module loads what they need as plain values, locks
the submissions, and writes the results with a few set-based statements, in batches when many wait (a
class submitting at a deadline). Every write of a grading refreshes the learners' quiz records
(`records.quiz_record_refresh`) in the same transaction.
"""

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from uuid import UUID

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from assessments import grading
from assessments.attempts import counts
from assessments.models import Answer, Choice, Question, Submission
from assessments.records import quiz_record_refresh
from assessments.review import attempts_state_of
from assessments.signals import submission_graded_announce

logger = logging.getLogger(__name__)

# quiz id -> (answer_key_version, question id -> key). Per process; a renewed version (any edit of
# the quiz's questions or choices, see apps.answer_key_changed) makes the next grading reload it.
KEY_CACHE: dict[int, tuple[UUID, dict[int, grading.QuestionKey]]] = {}


def question_keys_of(*, quiz_id: int, version: UUID, question_ids: list[int]) -> list[grading.QuestionKey]:
    """The keys of these questions of the quiz, from the process's cache while the quiz is unchanged."""
    cached = KEY_CACHE.get(quiz_id)
    if cached is None or cached[0] != version:
        all_ids = Question.objects.filter(quiz_id=quiz_id).order_by().values_list("id", flat=True)
        cached = KEY_CACHE[quiz_id] = (version, {key.id: key for key in question_keys(list(all_ids))})
    keys = cached[1]
    if not all(question_id in keys for question_id in question_ids):  # moved to another quiz since
        return question_keys(question_ids)
    return [keys[question_id] for question_id in question_ids]


def question_keys(question_ids: Iterable[int]) -> list[grading.QuestionKey]:
    """The pure grader's view of these questions, read as plain values (two queries, no model instances)."""
    ids = list(question_ids)
    correct: dict[int, set[int]] = {}
    for question_id, choice_id in (
        Choice.objects.filter(question_id__in=ids, is_correct=True)
        .order_by()
        .values_list("question_id", "id")
    ):
        correct.setdefault(question_id, set()).add(choice_id)
    rows = (
        Question.objects.filter(pk__in=ids)
        .order_by()
        .values_list("id", "kind", "points", "numeric_answer", "numeric_tolerance", "accepted_answers")
    )
    return [
        grading.QuestionKey(
            id=pk,
            kind=kind,
            points=points,
            correct_choice_ids=frozenset(correct.get(pk, ())),
            numeric_answer=numeric_answer,
            numeric_tolerance=numeric_tolerance,
            accepted_answers=tuple(accepted or ()),
        )
        for pk, kind, points, numeric_answer, numeric_tolerance, accepted in rows
    ]


# What grading reads of the submission and its quiz (the learner: to refresh their quiz record).
GRADING_FIELDS = (
    "id",
    "learner_id",
    "enrolment_id",  # whose attempts it is judged among (assessments.attempts)
    "status",
    "graded_at",
    "quiz__pass_mark_percent",
    "quiz__answer_key_version",
    # whether the learner may now see the correct answers (review.learner_review): the cards' cue
    *("quiz__review_right_wrong", "quiz__review_correct_answers", "quiz__review_explanations"),
    "quiz__max_attempts",
)


def _with_grading_fields() -> QuerySet[Submission]:
    return Submission.objects.select_related("quiz").only(*GRADING_FIELDS)


def _submission_locked(submission_id: int) -> Submission | None:
    """The submission with `GRADING_FIELDS`, its row locked for the caller's transaction (waiting for
    whoever holds it); None when it no longer exists."""
    return _with_grading_fields().select_for_update(of=("self",)).filter(pk=submission_id).first()


GRADING_BATCH_LIMIT = 100
"""At most this many pending submissions are graded in one transaction by one task. In a burst (a class
submitting at a deadline) one task grades many at the cost of a few statements, and the tasks queued
behind find theirs graded with one query; the first learner of a batch waits a few milliseconds more."""


def submission_grade(*, submission_id: int, now: datetime | None = None) -> Submission | None:
    """Grade a pending submission exactly once, waiting for whoever is grading it now.

    The row is locked (select_for_update) for the whole grading, so a concurrent call waits for the
    first and then finds the submission no longer pending: it changes nothing and returns the graded
    submission. Returns None when the submission no longer exists. (The worker's task grades with
    `pending_submissions_grade`, which does not wait; both grade through `submissions_grade_locked`.)
    """
    with transaction.atomic():
        submission = _submission_locked(submission_id)
        if submission is None or submission.status != Submission.Status.PENDING:
            return submission
        submissions_grade_locked([submission], now=now)
    return submission


def pending_submissions_grade(
    *, submission_id: int, limit: int = GRADING_BATCH_LIMIT, now: datetime | None = None
) -> list[int]:
    """The grading task's work: this submission and up to `limit - 1` other pending submissions that no
    other transaction holds, graded in one transaction (automatically: a free-text answer then waits for
    its review). Returns the ids of the submissions it graded.

    Exactly once: a submission is graded only while locked and pending. One already graded (in a burst,
    usually by another task's batch) costs one query and no transaction. This task's own submission is
    waited for when another transaction holds it, as `submission_grade` does; the others are taken with
    SKIP LOCKED, newest first: their tasks are the furthest back in the queue, so the tasks that run next
    (the oldest submissions') rarely find theirs locked by this batch and wait.

    When the batch fails, nothing of it is saved and each of its submissions is graded alone, in its
    own transaction, so one faulty submission cannot hold the others back: their errors are logged and
    they stay pending for the sweep (`tasks.sweep_pending_submissions`); this task's own error is raised,
    for the task's retry.
    """
    if not Submission.objects.filter(pk=submission_id, status=Submission.Status.PENDING).exists():
        return []
    batch: list[Submission] = []
    try:
        with transaction.atomic():
            own = _submission_locked(submission_id)
            if own is None or own.status != Submission.Status.PENDING:
                return []
            others = (
                _with_grading_fields()
                .select_for_update(of=("self",), skip_locked=True)
                .filter(status=Submission.Status.PENDING)
                .exclude(pk=submission_id)
                .order_by("-pk")
            )
            batch = [own, *others[: limit - 1]]
            submissions_grade_locked(batch, now=now)
        return [submission.pk for submission in batch]
    except Exception:
        if len(batch) <= 1:
            raise
        logger.warning("A batch of %s gradings failed; grading each alone", len(batch), exc_info=True)
    graded, own_error = [], None
    for submission in batch:
        try:
            alone = submission_grade(submission_id=submission.pk, now=now)
            if alone is not None and alone.status != Submission.Status.PENDING:
                graded.append(submission.pk)
        except Exception as error:
            if submission.pk == submission_id:
                own_error = error
            else:
                logger.exception("Grading submission %s failed; the sweep will retry it", submission.pk)
    if own_error is not None:
        raise own_error
    return graded


def submissions_grade_locked(submissions: list[Submission], *, now: datetime | None = None) -> None:
    """Grade these pending submissions (each with `GRADING_FIELDS` and its quiz loaded), which the
    caller's transaction has locked; set the grading's results on the instances.

    Only the questions answered at submission time are graded, so editing the quiz later does not change
    the maximum score. This is the hot path of the grading worker (see bench/grading.py): whatever the
    number of submissions, one read of their answers, one UPDATE per distinct answer grade (usually two:
    right and wrong) and per distinct result, and one refresh of their learners' quiz records.
    """
    if not submissions:
        return
    answers_of: dict[int, list[tuple[int, int, list[int] | None, str]]] = {
        submission.pk: [] for submission in submissions
    }
    for submission_id, answer_id, question_id, choices, value in (
        Answer.objects.filter(submission_id__in=answers_of)
        .order_by()
        .values_list("submission_id", "id", "question_id", "selected_choice_ids", "value")
    ):
        answers_of[submission_id].append((answer_id, question_id, choices, value))
    graded_at = now or timezone.now()
    answer_grades: dict[tuple[Any, ...], list[int]] = {}
    results: dict[tuple[tuple[str, Any], ...], list[int]] = {}
    for submission in submissions:
        answers = answers_of[submission.pk]
        result = grading.grade(
            (
                grading.GivenAnswer(question, frozenset(choices or ()), value)
                for _, question, choices, value in answers
            ),
            question_keys_of(
                quiz_id=submission.quiz_id,
                version=submission.quiz.answer_key_version,
                question_ids=[question for _, question, _, _ in answers],
            ),
        )
        for answer_id, question_id, _, _ in answers:
            graded = result.answers[question_id]
            key = (graded.awarded_points, graded.is_correct, graded.needs_review, graded.feedback)
            answer_grades.setdefault(key, []).append(answer_id)
        fields: dict[str, Any] = {
            "score": result.score,
            "max_score": result.max_score,
            "percent": result.percent,
            "passed": result.passed(submission.quiz.pass_mark_percent),
            "status": Submission.Status.NEEDS_REVIEW if result.needs_review else Submission.Status.GRADED,
            "graded_at": None if result.needs_review else graded_at,
        }
        for name, field_value in fields.items():
            setattr(submission, name, field_value)
        results.setdefault(tuple(fields.items()), []).append(submission.pk)
    for (awarded_points, is_correct, needs_review, feedback), ids in answer_grades.items():
        Answer.objects.filter(pk__in=ids).update(
            awarded_points=awarded_points, is_correct=is_correct, needs_review=needs_review, feedback=feedback
        )
    for result_fields, ids in results.items():
        Submission.objects.filter(pk__in=ids).update(**dict(result_fields))
    attempts = quiz_record_refresh(learner_ids=[submission.learner_id for submission in submissions])
    # The record read the attempts that count (assessments.attempts); a submission whose enrolment
    # ended before its grading is judged among its own enrolment's attempts (learner_review asks).
    graded_ids = [submission.pk for submission in submissions if submission.is_graded]
    counted = set(Submission.objects.filter(counts(), pk__in=graded_ids).values_list("pk", flat=True))
    for submission in submissions:
        if submission.is_graded:
            tried = attempts[submission.learner_id].get(submission.quiz_id)
            state = attempts_state_of(tried) if tried is not None and submission.pk in counted else None
            submission_graded_announce(submission=submission, attempts=state)
