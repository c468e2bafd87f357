"""The API's schema describes the quiz endpoints; listings are paginated."""

import pytest
import yaml
from django.urls import reverse

from assessments import autograding, services
from tests.assessments.conftest import make_quiz, perfect_answers


@pytest.mark.django_db
def test_the_schema_describes_requests_and_responses(client, learner):
    client.force_login(learner)
    response = client.get(reverse("api-schema"))
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    paths = schema["paths"]
    post = paths["/api/v1/submissions/"]["post"]
    assert post["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/SubmissionCreate")
    assert "201" in post["responses"]
    assert "/api/v1/quizzes/" in paths
    result = schema["components"]["schemas"]["SubmissionResult"]["properties"]["answers"]
    assert result["items"]["$ref"].endswith("/AnswerResult")
    assert "is_correct" not in schema["components"]["schemas"]["Choice"]["properties"]


@pytest.mark.django_db
def test_my_submissions_are_paginated_newest_first(client, learner):
    quiz = make_quiz(week=2, max_attempts=3)
    ids = [
        services.submission_create(learner=learner, quiz=quiz, answers=perfect_answers(quiz)).pk
        for _ in range(3)
    ]
    client.force_login(learner)
    page = client.get(reverse("api-submission-list"), {"page": 1}).json()
    assert page["count"] == 3
    assert [row["id"] for row in page["results"]] == ids[::-1]
    assert page["results"][0]["week"] == 2


@pytest.mark.django_db
def test_the_quiz_list_filters_by_week(client, learner):
    client.force_login(learner)
    response = client.get(reverse("api-quiz-list"), {"week": 7}).json()
    assert [quiz["week"] for quiz in response["results"]] == [7]
    assert len(client.get(reverse("api-quiz-list")).json()["results"]) == 50  # one page of 52 quizzes


@pytest.mark.django_db
def test_no_answer_key_reaches_a_mentor_before_the_review_grades_it(learner, mentor):
    from rest_framework.test import APIClient

    from tests.assessments.conftest import KEY_MARKERS, enrol

    enrolment = enrol(learner, mentor=mentor)
    quiz = make_quiz(week=4, free_text=True)
    submission = services.submission_create(learner=learner, quiz=quiz, answers=perfect_answers(quiz))
    autograding.submission_grade(submission_id=submission.pk)
    api = APIClient()
    api.force_authenticate(mentor)
    before = [
        api.get(f"/api/v1/mentor/learners/{enrolment.pk}/submissions/"),
        api.get(f"/api/v1/submissions/{submission.pk}/"),
    ]
    for response in before:
        assert response.status_code == 200
        assert not [marker for marker in KEY_MARKERS if marker in response.content.decode()]
    essay = next(a for a in before[1].json()["answers"] if a["kind"] == "free_text")
    assert essay["needs_review"] is True
    reviewed = api.post(
        f"/api/v1/submissions/{submission.pk}/answers/{essay['id']}/review/", {"points": 4}, format="json"
    )
    assert reviewed.status_code == 200
    assert "EXPLAIN-SINGLE" in reviewed.content.decode()  # graded now: the keys are part of the result
    again = api.post(
        f"/api/v1/submissions/{submission.pk}/answers/{essay['id']}/review/", {"points": 1}, format="json"
    )
    assert again.status_code == 400
    assert "not waiting for a review" in str(again.json())


@pytest.mark.django_db
def test_text_no_database_can_hold_is_a_400(client, learner):
    from rest_framework.test import APIClient

    quiz = make_quiz(week=5, free_text=True)
    answers = perfect_answers(quiz, free_text="nul \x00 inside")
    api = APIClient()
    api.force_authenticate(learner)
    response = api.post(reverse("api-submission-list"), {"quiz": quiz.pk, "answers": answers}, format="json")
    assert response.status_code == 400
    assert "answers" in response.json()
    assert not quiz.submissions.exists()
