"""A quiz with one question of every kind, whose answer-key strings are unique markers, and helpers."""

from decimal import Decimal

import pytest

from assessments.models import Choice, Question, Quiz
from curriculum.models import Week
from progress.models import Enrolment

# Strings that only the answer key contains: a page or response showing one of them leaks the key.
KEY_MARKERS = ["EXPLAIN-SINGLE", "EXPLAIN-NUMERIC", "ACCEPTED-TOKEN-XYZ", "42.125"]


def make_quiz(
    *, week: int = 1, published: bool = True, max_attempts: int = 3, free_text: bool = False
) -> Quiz:
    """Six points: single 1, multiple 2 (two correct of three), true/false 1, numeric 1, short text 1."""
    Quiz.objects.filter(week__number=week).delete()  # the starter quiz: the tests need their own key
    quiz = Quiz.objects.create(
        week=Week.objects.get(number=week), title=f"Test quiz {week}", is_published=published,
        max_attempts=max_attempts, pass_mark_percent=70,
    )  # fmt: skip
    single = Question.objects.create(
        quiz=quiz, order=1, kind="single", prompt="Pick B", points=1, explanation="EXPLAIN-SINGLE"
    )
    Choice.objects.create(question=single, order=1, text="Option A", is_correct=False)
    Choice.objects.create(question=single, order=2, text="Option B", is_correct=True)
    multiple = Question.objects.create(quiz=quiz, order=2, kind="multiple", prompt="Pick X and Y", points=2)
    Choice.objects.create(question=multiple, order=1, text="Option X", is_correct=True)
    Choice.objects.create(question=multiple, order=2, text="Option Y", is_correct=True)
    Choice.objects.create(question=multiple, order=3, text="Option Z", is_correct=False)
    true_false = Question.objects.create(
        quiz=quiz, order=3, kind="true_false", prompt="Sky is blue", points=1
    )
    Choice.objects.create(question=true_false, order=1, text="True", is_correct=True)
    Choice.objects.create(question=true_false, order=2, text="False", is_correct=False)
    Question.objects.create(
        quiz=quiz, order=4, kind="numeric", prompt="A number", points=1,
        numeric_answer=Decimal("42.125"), numeric_tolerance=Decimal("0.01"), explanation="EXPLAIN-NUMERIC",
    )  # fmt: skip
    Question.objects.create(
        quiz=quiz,
        order=5,
        kind="short_text",
        prompt="A word",
        points=1,
        accepted_answers=["Accepted-Token-XYZ"],
    )
    if free_text:
        Question.objects.create(quiz=quiz, order=6, kind="free_text", prompt="Explain yourself", points=4)
    return quiz


def questions(quiz: Quiz) -> dict[str, Question]:
    return {q.kind: q for q in quiz.questions.prefetch_related("choices")}


def choice(question: Question, text: str) -> int:
    return next(c.pk for c in question.choices.all() if c.text == text)


def perfect_answers(quiz: Quiz, *, free_text: str = "Because.") -> dict[int, object]:
    q = questions(quiz)
    answers: dict[int, object] = {
        q["single"].pk: choice(q["single"], "Option B"),
        q["multiple"].pk: [choice(q["multiple"], "Option X"), choice(q["multiple"], "Option Y")],
        q["true_false"].pk: choice(q["true_false"], "True"),
        q["numeric"].pk: "42.13",
        q["short_text"].pk: "  accepted-token-xyz ",
    }
    if "free_text" in q:
        answers[q["free_text"].pk] = free_text
    return answers


def half_answers(quiz: Quiz) -> dict[int, object]:
    """Single wrong, multiple X only (1 of 2), true/false right, numeric wrong, short text right: 3/6."""
    q = questions(quiz)
    return {
        q["single"].pk: choice(q["single"], "Option A"),
        q["multiple"].pk: [choice(q["multiple"], "Option X")],
        q["true_false"].pk: choice(q["true_false"], "True"),
        q["numeric"].pk: "40",
        q["short_text"].pk: "ACCEPTED-token-XYZ",
    }


def enrol(learner, *, mentor=None) -> Enrolment:
    from django.utils import timezone

    from progress.services import enrolment_create

    enrolment = enrolment_create(learner=learner, start_date=timezone.now().date())
    if mentor is not None:
        enrolment.mentor = mentor
        enrolment.save(update_fields=["mentor"])
    return enrolment


@pytest.fixture
def quiz(db):
    return make_quiz(week=1)
