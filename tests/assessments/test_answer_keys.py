"""Answer keys (correct choices, accepted and numeric answers, explanations) reach a learner once graded."""

import pytest
from django.urls import reverse

from assessments import autograding, services
from tests.assessments.conftest import KEY_MARKERS, make_quiz, perfect_answers


def assert_no_key(text: str) -> None:
    for marker in [*KEY_MARKERS, "is_correct", "accepted_answers", "numeric_answer", "explanation"]:
        assert marker.lower() not in text.lower(), marker


@pytest.mark.django_db
def test_the_quiz_page_has_no_answer_key(client, quiz, learner):
    client.force_login(learner)
    page = client.get(reverse("assessments:quiz-take", args=[1])).content.decode()
    assert "Option B" in page  # the choices are there…
    assert_no_key(page)  # …but not which is correct, nor any explanation


@pytest.mark.django_db
def test_the_quiz_api_has_no_answer_key(client, quiz, learner):
    client.force_login(learner)
    listing = client.get(reverse("api-quiz-list"), {"week": 1})
    assert listing.status_code == 200
    assert listing.json()["results"][0]["questions"][0]["choices"]
    assert_no_key(listing.content.decode())
    assert_no_key(client.get(reverse("api-quiz-detail", args=[quiz.pk])).content.decode())


@pytest.mark.django_db
def test_a_pending_submission_shows_no_key_then_the_graded_one_does(client, quiz, learner):
    submission = services.submission_create(learner=learner, quiz=quiz, answers=perfect_answers(quiz))
    client.force_login(learner)
    page_url = reverse("assessments:submission-detail", args=[submission.pk])
    api_url = reverse("api-submission-detail", args=[submission.pk])
    assert_no_key(client.get(page_url).content.decode())
    pending = client.get(api_url)
    assert all(answer["key"] is None for answer in pending.json()["answers"])
    assert "EXPLAIN" not in pending.content.decode()

    autograding.submission_grade(submission_id=submission.pk)
    page = client.get(page_url).content.decode()
    assert "EXPLAIN-SINGLE" in page
    assert "Passed" in page
    graded = client.get(api_url).json()
    keys = {answer["kind"]: answer["key"] for answer in graded["answers"]}
    assert keys["single"]["explanation"] == "EXPLAIN-SINGLE"
    assert keys["short_text"]["accepted_answers"] == ["Accepted-Token-XYZ"]
    assert graded["percent"] == "100.00"


@pytest.mark.django_db
def test_a_submission_waiting_for_review_shows_no_key(client, learner):
    quiz = make_quiz(week=2, free_text=True)
    submission = services.submission_create(learner=learner, quiz=quiz, answers=perfect_answers(quiz))
    autograding.submission_grade(submission_id=submission.pk)
    client.force_login(learner)
    page = client.get(reverse("assessments:submission-detail", args=[submission.pk])).content.decode()
    assert "Waiting for review" in page
    assert "EXPLAIN" not in page
    assert "42.125" not in page
    assert "Accepted-Token-XYZ" not in page  # the key's spelling; the learner typed it in lower case
    result = client.get(reverse("api-submission-detail", args=[submission.pk]))
    assert "EXPLAIN" not in result.content.decode()
    assert all(answer["key"] is None and answer["is_correct"] is None for answer in result.json()["answers"])
