"""Reads and checks for practising questions outside a quiz (the `cards` app's spaced repetition).

Nothing here writes to submissions or answers: practice never changes a grade, an attempt or a pass.
What a learner may see of a quiz's answer key is still `review.review_for`, the one rule.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext

from accounts.models import User
from assessments import grading
from assessments.autograding import question_keys
from assessments.models import Answer, Question, Submission
from assessments.review import NOTHING, Review, review_for
from assessments.services import clean_answer


def graded_submission(*, submission_id: int) -> Submission | None:
    """The submission with its quiz and learner when it is graded, else None."""
    return (
        Submission.objects.select_related("quiz", "learner")
        .filter(pk=submission_id, status=Submission.Status.GRADED)
        .first()
    )


def graded_attempts_of(*, learner_id: int, quiz_id: int) -> list[Submission]:
    return list(
        Submission.objects.select_related("quiz", "learner")
        .filter(learner_id=learner_id, quiz_id=quiz_id, status=Submission.Status.GRADED)
        .order_by("attempt_number")
    )


def missed_question_ids(*, submission_ids: list[int]) -> set[int]:
    """Questions answered wrong or partly wrong (`is_correct` false) in these submissions."""
    return set(
        Answer.objects.filter(submission_id__in=submission_ids, is_correct=False)
        .order_by()
        .values_list("question_id", flat=True)
    )


def quiz_review_for(*, learner: User, quiz_id: int) -> Review:
    """What the learner may see of the quiz's answer key now: `review_for` on their latest graded
    attempt (nothing without one)."""
    latest = (
        Submission.objects.select_related("quiz")
        .filter(learner=learner, quiz_id=quiz_id, status=Submission.Status.GRADED)
        .order_by("-attempt_number")
        .first()
    )
    return review_for(viewer=learner, submission=latest) if latest else NOTHING


def questions_seen_by(*, learner_id: int) -> QuerySet[Question]:
    """The questions the learner has answered in any attempt (seen), with their quiz's week."""
    answered = Answer.objects.filter(submission__learner_id=learner_id).values("question_id")
    return (
        Question.objects.filter(pk__in=answered)
        .select_related("quiz__week")
        .order_by("quiz__week__number", "order", "id")
    )


def question_for_practice(*, question_id: int) -> Question:
    return (
        Question.objects.select_related("quiz__week__phase").prefetch_related("choices").get(pk=question_id)
    )


def latest_feedback_for(*, learner_id: int, question_id: int) -> str:
    """The grader's latest feedback on the learner's answer to a (free-text) question, or "" (the
    grader's own words on an empty answer in the reader's language)."""
    feedback = (
        Answer.objects.filter(submission__learner_id=learner_id, question_id=question_id)
        .exclude(feedback="")
        .order_by("-submission__attempt_number")
        .values_list("feedback", flat=True)
        .first()
    )
    if feedback == grading.NO_ANSWER_FEEDBACK:
        return gettext(feedback)
    return feedback or ""


@dataclass(frozen=True)
class PracticeCheck:
    correct: bool | None
    """None: nothing to check automatically (free text, or no answer given)."""
    partly: bool = False


def practice_check(*, question: Question, value: object) -> PracticeCheck:
    """Check a practice answer with the quiz's own grader (`grading.grade`); nothing is saved.

    Raises ValidationError for an answer the quiz would refuse (an unknown choice, not a number…).
    An empty answer ("I don't know") counts as wrong on auto-graded kinds.
    """
    if question.kind == Question.Kind.FREE_TEXT:
        return PracticeCheck(correct=None)
    if value is None or value == "" or value == []:
        return PracticeCheck(correct=False)
    fields = clean_answer(question, value)
    given = grading.GivenAnswer(
        question.pk, frozenset(fields.get("selected_choice_ids", ())), str(fields.get("value", ""))
    )
    result = grading.grade([given], question_keys([question.pk]))
    graded = result.answers[question.pk]
    partly = not graded.is_correct and (graded.awarded_points or Decimal(0)) > 0
    return PracticeCheck(correct=bool(graded.is_correct), partly=partly)


def graded_submission_ids() -> list[int]:
    return list(
        Submission.objects.filter(status=Submission.Status.GRADED).order_by("id").values_list("id", flat=True)
    )
