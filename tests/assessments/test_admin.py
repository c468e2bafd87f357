"""Admin: quizzes with questions inline, questions with choices inline, and the rules on choices."""

import pytest
from django.urls import reverse

from assessments.models import Choice, Question
from tests.assessments.conftest import make_quiz


def question_form(question: Question, *, kind: str, choices: list[tuple[str, bool]], **fields) -> dict:
    existing = list(question.choices.all())
    data = {
        "quiz": question.quiz_id, "order": question.order, "kind": kind, "prompt": question.prompt,
        "points": question.points, "explanation": "", "numeric_answer": "", "numeric_tolerance": "0",
        "accepted_answers": "[]",
        "choices-TOTAL_FORMS": len(choices), "choices-INITIAL_FORMS": len(existing),
        "choices-MIN_NUM_FORMS": 0, "choices-MAX_NUM_FORMS": 1000,
    }  # fmt: skip
    for index, (text, correct) in enumerate(choices):
        data[f"choices-{index}-order"] = index + 1
        data[f"choices-{index}-text"] = text
        if correct:
            data[f"choices-{index}-is_correct"] = "on"
        data[f"choices-{index}-question"] = question.pk
        if index < len(existing):
            data[f"choices-{index}-id"] = existing[index].pk
    return {**data, **fields}


@pytest.fixture
def single(db):
    return make_quiz(week=2).questions.get(kind="single")


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "choices", "message"), [
    ("single", [("A", False), ("B", False)], "Mark exactly one choice as correct (0 marked)."),
    ("single", [("A", True), ("B", True)], "Mark exactly one choice as correct (2 marked)."),
    ("true_false", [("True", True), ("False", False), ("Maybe", False)], "exactly two choices"),
    ("multiple", [("A", False), ("B", False)], "Mark at least one choice as correct."),
    ("single", [("A", True)], "at least two choices"),
    ("numeric", [("A", True), ("B", False)], "Only choice questions have choices"),
])  # fmt: skip
def test_choice_rules_are_enforced_on_the_question_page(client, staff, single, kind, choices, message):
    client.force_login(staff)
    extra = {"numeric_answer": "1"} if kind == "numeric" else {}
    response = client.post(
        reverse("admin:assessments_question_change", args=[single.pk]),
        question_form(single, kind=kind, choices=choices, **extra),
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert single.choices.filter(is_correct=True).count() == 1


@pytest.mark.django_db
def test_a_valid_question_is_saved(client, staff, single):
    client.force_login(staff)
    response = client.post(
        reverse("admin:assessments_question_change", args=[single.pk]),
        question_form(single, kind="single", choices=[("A", True), ("B", False)]),
    )
    assert response.status_code == 302
    assert list(single.choices.values_list("text", "is_correct")) == [("A", True), ("B", False)]


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "fields", "message"), [
    ("numeric", {}, "A numeric question needs its answer."),
    ("short_text", {"accepted_answers": "[]"}, "A short-text question needs at least one answer."),
    ("short_text", {"accepted_answers": '{"a": 1}'}, "Give a JSON list of strings"),
])  # fmt: skip
def test_numeric_and_short_text_need_their_key(client, staff, single, kind, fields, message):
    client.force_login(staff)
    Choice.objects.filter(question=single).delete()
    response = client.post(
        reverse("admin:assessments_question_change", args=[single.pk]),
        question_form(single, kind=kind, choices=[], **fields),
    )
    assert message in response.content.decode()


@pytest.mark.django_db
def test_a_quiz_with_a_broken_question_cannot_be_published(client, staff, single):
    quiz = single.quiz
    single.choices.update(is_correct=False)
    client.force_login(staff)
    data = {
        "week": quiz.week_id, "title": quiz.title, "instructions": "", "pass_mark_percent": 70,
        "max_attempts": 3, "time_limit_minutes": "", "is_published": "on",
        "questions-TOTAL_FORMS": 0, "questions-INITIAL_FORMS": 0,
    }  # fmt: skip
    response = client.post(reverse("admin:assessments_quiz_change", args=[quiz.pk]), data)
    page = response.content.decode()
    assert "Fix these questions before publishing" in page
    assert "Question 1: Mark exactly one choice as correct (0 marked)." in page


@pytest.mark.django_db
def test_the_quiz_admin_lists_searches_and_links_questions(client, staff):
    quiz = make_quiz(week=2)
    client.force_login(staff)
    listing = client.get(reverse("admin:assessments_quiz_changelist"), {"q": "Test quiz 2"})
    assert "Test quiz 2" in listing.content.decode()
    page = client.get(reverse("admin:assessments_quiz_change", args=[quiz.pk])).content.decode()
    assert "Pick X and Y" in page
    assert reverse("admin:assessments_question_change", args=[quiz.questions.first().pk]) in page


@pytest.mark.django_db
def test_the_quiz_page_in_admin_lists_the_most_missed_questions(client, staff, learner):
    from decimal import Decimal

    from assessments.models import Answer, Quiz, Submission

    quiz = Quiz.objects.get(week__number=3)
    first, second = list(quiz.questions.order_by("order")[:2])
    for attempt, (first_right, second_right) in enumerate([(False, True), (False, False), (True, True)], 1):
        submission = Submission.objects.create(
            learner=learner, quiz=quiz, attempt_number=attempt, status=Submission.Status.GRADED
        )
        Answer.objects.create(
            submission=submission, question=first, is_correct=first_right, awarded_points=Decimal(0)
        )
        Answer.objects.create(
            submission=submission, question=second, is_correct=second_right, awarded_points=Decimal(0)
        )
    client.force_login(staff)
    page = client.get(f"/admin/assessments/quiz/{quiz.pk}/change/").content.decode()
    assert "Most missed questions" in page
    assert page.index("Question 1: 2 of 3 answers wrong (67%)") < page.index(
        "Question 2: 1 of 3 answers wrong (33%)"
    )
