"""The API's schema describes the quiz endpoints; listings are paginated."""

import pytest
import yaml
from django.urls import reverse

from assessments import services
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
