"""A learner who failed a quiz: helpers to make graded attempts and cards."""

from datetime import datetime

from assessments import autograding
from assessments import services as assessment_services
from assessments.models import Quiz, Submission
from cards.models import Card
from cards.services import cards_add
from tests.assessments.conftest import half_answers


def graded_attempt(learner, quiz: Quiz, answers=None) -> Submission:
    """Submit and grade (the task's work, in-process); returns the graded submission."""
    submission = assessment_services.submission_create(
        learner=learner, quiz=quiz, answers=answers if answers is not None else half_answers(quiz)
    )
    graded = autograding.submission_grade(submission_id=submission.pk)
    assert graded is not None
    return graded


def card_for(learner, quiz: Quiz, *, kind: str = "single", now: datetime | None = None) -> Card:
    question = quiz.questions.get(kind=kind)
    cards_add(learner_id=learner.pk, question_ids=[question.pk], now=now)
    return Card.objects.get(learner=learner, question=question)
