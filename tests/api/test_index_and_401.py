"""/api/v1/ lists the API's sections; a missing or revoked token is a 401 that says how to authenticate."""

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from progress.services import enrolment_create


@pytest.mark.django_db
def test_the_api_root_lists_its_sections_and_every_link_answers(learner):
    api = APIClient()
    response = api.get("/api/v1/")
    assert response.status_code == 200
    index = response.json()
    assert set(index["sections"]) == {
        "auth", "curriculum", "me", "assessments", "mentor", "projects", "exercises", "staff"
    }  # fmt: skip
    assert index["docs"] == "http://testserver/api/docs/"
    assert index["sections"]["me"]["schedule"] == "http://testserver/api/v1/me/schedule/"
    api.force_authenticate(learner)
    enrolment_create(learner=learner, start_date=timezone.now().date())
    answers = {
        url: api.get(url).status_code for section in index["sections"].values() for url in section.values()
    }
    # Every link answers an enrolled learner, but the token (POSTed), the mentors' and staff's sections.
    not_for_a_get = {"http://testserver/api/v1/auth/token/": 405}
    mentors_only = dict.fromkeys(
        [*index["sections"]["mentor"].values(), *index["sections"]["staff"].values()], 403
    )
    assert len(mentors_only) >= 4
    assert answers == {url: not_for_a_get.get(url, mentors_only.get(url, 200)) for url in answers}


@pytest.mark.django_db
def test_no_token_is_a_401_with_www_authenticate():
    response = APIClient().get("/api/v1/me/schedule/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.django_db
def test_a_revoked_token_is_a_401_with_www_authenticate(learner):
    token = Token.objects.create(user=learner)
    script = APIClient()
    script.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert script.get("/api/v1/me/enrolment/").status_code == 404  # valid: not enrolled
    token.delete()
    response = script.get("/api/v1/me/enrolment/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.django_db
def test_a_logged_in_user_without_the_role_still_gets_403(client, learner):
    client.force_login(learner)
    assert client.get("/api/v1/mentor/learners/").status_code == 403
