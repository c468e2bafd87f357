"""The quiz results page and the one rounding rule for percentages (issue 18, item 4)."""

import csv
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from assessments import autograding, services
from assessments.grading import percent_rounded, percent_text
from assessments.models import Choice, Question, Quiz
from tests.assessments.conftest import enrol, half_answers, make_quiz, perfect_answers


def attempt(learner, quiz, answers):
    submission = services.submission_create(learner=learner, quiz=quiz, answers=answers)
    return autograding.submission_grade(submission_id=submission.pk)


def page_of(client: Client, submission) -> str:
    return client.get(reverse("assessments:submission-detail", args=[submission.pk])).content.decode()


@pytest.mark.django_db
def test_try_again_only_while_attempts_are_left(client, learner):
    quiz = make_quiz(week=1, max_attempts=2)
    client.force_login(learner)
    first = attempt(learner, quiz, half_answers(quiz))
    assert "Try again" in page_of(client, first)
    last = attempt(learner, quiz, half_answers(quiz))
    for submission in (first, last):
        page = page_of(client, submission)
        assert "Try again" not in page
        assert "You have used all your attempts at this quiz." in page


@pytest.mark.django_db
def test_no_try_again_once_passed(client, learner):
    quiz = make_quiz(week=1)
    client.force_login(learner)
    failed = attempt(learner, quiz, half_answers(quiz))
    attempt(learner, quiz, perfect_answers(quiz))
    page = page_of(client, failed)
    assert "Try again" not in page
    assert "used all your attempts" not in page


@pytest.mark.django_db
def test_a_failed_score_is_not_green(client, learner):
    quiz = make_quiz(week=1)
    client.force_login(learner)
    assert 'class="progress bad"' in page_of(client, attempt(learner, quiz, half_answers(quiz)))
    assert 'class="progress"' in page_of(client, attempt(learner, quiz, perfect_answers(quiz)))


@pytest.mark.django_db
def test_correct_lines_list_the_correct_choices_without_a_stray_separator(client, learner):
    quiz = make_quiz(week=1, max_attempts=1)
    client.force_login(learner)
    page = page_of(client, attempt(learner, quiz, half_answers(quiz)))  # the last attempt: keys shown
    assert "Correct: True</p>" in page  # true/false: the correct choice is not the last one
    assert "Correct: Option B</p>" in page
    assert "Correct: Option X; Option Y</p>" in page


def test_the_rounding_rule():
    assert percent_rounded(Decimal(100) / 6) == Decimal("16.67")
    assert percent_rounded(100 / 6) == Decimal("16.67")
    assert percent_rounded(Decimal("2.675")) == Decimal("2.68")  # half up, not banker's
    assert percent_rounded(None) is None
    assert [percent_text(v) for v in (Decimal("16.666"), Decimal("50.00"), 100, Decimal("12.50"), None)] == [
        "16.67",
        "50",
        "100",
        "12.5",
        "",
    ]


def one_in_six_quiz() -> Quiz:
    """Six one-point questions: one right answer scores 1/6 = 16.67 %."""
    quiz = make_quiz(week=4)
    quiz.questions.all().delete()
    for order in range(1, 7):
        question = Question.objects.create(quiz=quiz, order=order, kind="true_false", prompt=f"Q{order}")
        Choice.objects.create(question=question, order=1, text="True", is_correct=True)
        Choice.objects.create(question=question, order=2, text="False", is_correct=False)
    return quiz


@pytest.mark.django_db
def test_learner_pages_mentor_pages_csv_and_api_agree_on_rounding(client, learner, mentor):
    enrolment = enrol(learner, mentor=mentor)
    quiz = one_in_six_quiz()
    answers = {}
    for question in quiz.questions.prefetch_related("choices"):
        wanted = "True" if question.order == 1 else "False"
        answers[question.pk] = next(c.pk for c in question.choices.all() if c.text == wanted)
    submission = attempt(learner, quiz, answers)
    assert submission.percent == Decimal("16.67")

    client.force_login(learner)
    assert "16.67%" in page_of(client, submission)
    assert "16.67%" in client.get(reverse("assessments:submission-list")).content.decode()
    assert client.get(reverse("api-submission-detail", args=[submission.pk])).json()["percent"] == "16.67"

    mentor_client = Client()
    mentor_client.force_login(mentor)
    learner_page = mentor_client.get(reverse("mentoring:learner", args=[enrolment.pk])).content.decode()
    assert "16.67%" in learner_page
    assert "17%" not in learner_page
    dashboard = mentor_client.get(reverse("mentoring:dashboard")).content.decode()
    assert "avg 16.67%" in dashboard
    table = list(
        csv.DictReader(io.StringIO(mentor_client.get(reverse("mentoring:dashboard-csv")).content.decode()))
    )
    assert (table[0]["quiz_average"], table[0]["last_attempt_percent"]) == ("16.67", "16.67")
    assert table[0]["last_quiz_best_percent"] == "16.67"
    assert table[0]["last_quiz_best_percent"] == "16.67"
    api = mentor_client.get("/api/v1/mentor/learners/").json()["results"][0]["quiz"]
    assert (api["average_percent"], api["last_percent"], api["last_best_percent"]) == (16.67, 16.67, 16.67)


@pytest.mark.django_db
def test_the_mentor_table_shows_the_last_attempt_and_the_best_as_separate_facts(learner, mentor):
    enrol(learner, mentor=mentor)
    quiz = make_quiz(week=4)
    attempt(learner, quiz, perfect_answers(quiz))  # 100 %, passed
    wrong = half_answers(quiz)
    attempt(learner, quiz, wrong)  # then 50 %, failed
    client = Client()
    client.force_login(mentor)
    dashboard = " ".join(client.get(reverse("mentoring:dashboard")).content.decode().split())
    assert (
        f'{quiz.title}: last attempt 50% · best 100% · <span class="tag ok">quiz passed</span>' in dashboard
    )
    row = client.get("/api/v1/mentor/learners/").json()["results"][0]["quiz"]
    assert (row["last_percent"], row["last_best_percent"], row["last_status"]) == (50.0, 100.0, "passed")
