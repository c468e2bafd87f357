"""GET /api/v1/me/: who the session or token belongs to, and nothing else."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


@pytest.mark.django_db
def test_it_says_who_the_session_belongs_to(client, learner):
    client.force_login(learner)
    assert client.get(reverse("api-me")).json() == {
        "id": learner.pk,
        "email": learner.email,
        "display_name": str(learner),
        "roles": ["learner"],
    }


@pytest.mark.django_db
def test_it_names_the_roles_of_mentors_and_staff(client, mentor, staff):
    client.force_login(mentor)
    assert client.get(reverse("api-me")).json()["roles"] == ["learner", "mentor"]
    client.force_login(staff)
    assert "staff" in client.get(reverse("api-me")).json()["roles"]


@pytest.mark.django_db
def test_it_answers_a_token_and_refuses_anonymous_callers(learner):
    api = APIClient()
    assert api.get(reverse("api-me")).status_code == 401
    token = Token.objects.create(user=learner)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get(reverse("api-me")).json()["id"] == learner.pk


@pytest.mark.django_db
def test_it_reads_only_the_session_and_the_user(client, learner, django_assert_max_num_queries):
    client.force_login(learner)
    with django_assert_max_num_queries(2):
        assert client.get(reverse("api-me")).status_code == 200
