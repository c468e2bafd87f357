"""One error shape everywhere, and no input that makes the API fail (500)."""

import pytest
from rest_framework.test import APIClient


@pytest.fixture
def api(learner):
    client = APIClient()
    client.force_authenticate(learner)
    return client


@pytest.mark.django_db
def test_a_malformed_body_is_a_400_with_a_detail(api, world):
    response = api.generic("PATCH", "/api/v1/me/progress/3/", '{"status": ', content_type="application/json")
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


@pytest.mark.django_db
def test_the_api_takes_json_only(api, world):
    response = api.patch("/api/v1/me/progress/3/", {"status": "completed"})  # multipart
    assert response.status_code == 415
    assert set(response.json()) == {"detail"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/weeks/99999999999999999999/",
        "/api/v1/phases/99999999999999999999/",
        "/api/v1/quizzes/99999999999999999999/",
        "/api/v1/submissions/99999999999999999999/",
        "/api/v1/me/progress/99999999999999999999/",
        "/api/v1/quizzes/?page=99999999999999999999",
    ],
)
def test_numbers_beyond_the_database_are_404s(api, world, url):
    response = api.get(url)
    assert response.status_code == 404
    assert set(response.json()) == {"detail"}


@pytest.mark.django_db
def test_a_huge_filter_value_is_an_empty_list(api):
    response = api.get("/api/v1/weeks/", {"phase__number": "99999999999999999999"})
    assert response.status_code == 200
    assert response.json()["count"] == 0


@pytest.mark.django_db
def test_service_refusals_are_400s_under_non_field_errors(api, world):
    response = api.post("/api/v1/me/enrolment/", {"start_date": "2026-11-30"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["This learner is already enrolled."]}
