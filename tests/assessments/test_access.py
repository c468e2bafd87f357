"""Who sees which submission: the owner, their mentor and staff; nobody else (404), anonymous → log in."""

import pytest
from django.urls import reverse

from assessments import services
from assessments.selectors import submissions_visible_to
from tests.assessments.conftest import enrol, make_quiz, perfect_answers

SEES = {"learner": True, "mentor": True, "staff": True, "other_learner": False, "other_mentor": False}


@pytest.fixture
def submission(learner, mentor, other_mentor, other_learner):
    enrol(learner, mentor=mentor)
    enrol(other_learner, mentor=other_mentor)
    quiz = make_quiz(week=2)
    return services.submission_create(learner=learner, quiz=quiz, answers=perfect_answers(quiz))


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "sees"), SEES.items())
def test_the_result_page_and_api_by_role(client, request, submission, role, sees):
    client.force_login(request.getfixturevalue(role))
    page = client.get(reverse("assessments:submission-detail", args=[submission.pk]))
    api = client.get(reverse("api-submission-detail", args=[submission.pk]))
    assert page.status_code == (200 if sees else 404)
    assert api.status_code == (200 if sees else 404)
    listed = client.get(reverse("api-submission-list")).json()["results"]
    assert (submission.pk in [row["id"] for row in listed]) is sees
    assert (
        f"/quizzes/submissions/{submission.pk}/"
        in client.get(reverse("assessments:submission-list")).content.decode()
    ) is sees


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "sees"), SEES.items())
def test_the_selector_scopes_by_role(request, submission, role, sees):
    assert (
        submissions_visible_to(user=request.getfixturevalue(role)).filter(pk=submission.pk).exists() is sees
    )


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in(client, submission):
    urls = [
        reverse("assessments:quiz-take", args=[2]),
        reverse("assessments:submission-list"),
        reverse("assessments:submission-detail", args=[submission.pk]),
        reverse("assessments:submission-review", args=[submission.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("account_login"))
    for url in [
        reverse("api-quiz-list"),
        reverse("api-submission-list"),
        reverse("api-submission-detail", args=[submission.pk]),
    ]:
        assert client.get(url).status_code in (401, 403), url
    assert client.post(reverse("api-submission-list"), {}, content_type="application/json").status_code in (
        401,
        403,
    )


@pytest.mark.django_db
def test_unknown_ids_and_weeks_are_404(client, learner):
    client.force_login(learner)
    assert client.get(reverse("assessments:submission-detail", args=[999999])).status_code == 404
    assert client.get("/quizzes/week/99/").status_code == 404
    assert client.get(reverse("api-quiz-detail", args=[999999])).status_code == 404
    assert client.get(reverse("api-quiz-list"), {"week": "abc"}).json()["results"] == []


@pytest.mark.django_db
def test_an_unpublished_quiz_is_not_shown(client, learner):
    quiz = make_quiz(week=2, published=False)
    client.force_login(learner)
    assert client.get(reverse("assessments:quiz-take", args=[2])).status_code == 404
    assert client.get(reverse("api-quiz-detail", args=[quiz.pk])).status_code == 404
