"""Tokens for scripts: obtained with the e-mail address and password, rotated, revoked, throttled."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from lms.throttles import WriteRateThrottle
from tests.assessments.conftest import enrol
from tests.factories import PASSWORD
from tests.outbox import outbox_sent_here

URL = "/api/v1/auth/token/"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def verified(learner):
    EmailAddress.objects.create(user=learner, email=learner.email, verified=True, primary=True)
    return learner


def obtain(api: APIClient, email: str, password: str = PASSWORD):
    return api.post(URL, {"email": email, "password": password}, format="json")


@pytest.mark.django_db
def test_a_script_gets_a_token_and_reads_its_schedule_with_it(api, verified):
    enrol(verified)
    response = obtain(api, verified.email.upper())  # e-mail addresses are case-insensitive
    assert response.status_code == 201, response.json()
    token = response.json()["token"]
    script = APIClient()
    script.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    schedule = script.get("/api/v1/me/schedule/")
    assert schedule.status_code == 200
    assert len(schedule.json()["weeks"]) == 52


@pytest.mark.django_db
def test_obtaining_again_rotates_the_token(api, verified):
    first = obtain(api, verified.email).json()["token"]
    second = obtain(api, verified.email).json()["token"]
    assert first != second
    assert list(Token.objects.values_list("key", flat=True)) == [second]
    script = APIClient()
    script.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    response = script.get("/api/v1/me/enrolment/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {"detail": "Invalid token."}


@pytest.mark.django_db
def test_a_token_is_revoked_with_delete(api, verified):
    token = obtain(api, verified.email).json()["token"]
    script = APIClient()
    script.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert script.delete(URL).status_code == 204
    assert not Token.objects.exists()
    response = script.get("/api/v1/quizzes/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    response = api.delete(URL)  # anonymous: nothing to revoke
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"email": "learner@example.com", "password": "wrong"}, "non_field_errors"),
        ({"email": "nobody@example.com", "password": PASSWORD}, "non_field_errors"),
        ({"email": "not an address", "password": PASSWORD}, "email"),
        ({"email": "learner@example.com"}, "password"),
        ({"email": ["learner@example.com"], "password": PASSWORD}, "email"),
    ],
)
def test_bad_credentials_are_400s_and_give_no_token(api, verified, payload, field):
    response = api.post(URL, payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Token.objects.exists()


@pytest.mark.django_db
def test_the_username_is_not_a_login(api, verified):
    assert obtain(api, verified.username).status_code == 400


@pytest.mark.django_db
def test_an_unverified_address_gets_no_token_when_verification_is_mandatory(api, learner, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    response = obtain(api, learner.email)
    assert response.status_code == 400
    assert "Verify your e-mail address" in str(response.json())
    assert not Token.objects.exists()


@pytest.mark.django_db
def test_an_inactive_account_gets_no_token(api, verified):
    verified.is_active = False
    verified.save()
    assert obtain(api, verified.email).status_code == 400


@pytest.mark.django_db
def test_token_requests_are_throttled(api, verified, monkeypatch):
    monkeypatch.setattr(WriteRateThrottle, "THROTTLE_RATES", {"writes": "100/min", "tokens": "3/min"})
    codes = [obtain(api, verified.email, "guess").status_code for _ in range(4)]
    assert codes == [400, 400, 400, 429]
    assert set(obtain(api, verified.email).json()) == {"detail"}  # even the right password waits


def token_works(token: str) -> bool:
    script = APIClient()
    script.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return script.get("/api/v1/me/enrolment/").status_code not in (401, 403)


@pytest.mark.django_db
def test_changing_the_password_revokes_the_token(api, verified, client):
    token = obtain(api, verified.email).json()["token"]
    assert token_works(token)
    client.force_login(verified)
    response = client.post(
        "/accounts/password/change/",
        {
            "oldpassword": PASSWORD,
            "password1": "a-brand-new-passphrase",
            "password2": "a-brand-new-passphrase",
        },
    )
    assert response.status_code == 302
    assert not token_works(token)
    assert not Token.objects.filter(user=verified).exists()
    assert token_works(obtain(api, verified.email, "a-brand-new-passphrase").json()["token"])


@pytest.mark.django_db
def test_resetting_the_password_revokes_the_token(api, verified, client):
    token = obtain(api, verified.email).json()["token"]
    with outbox_sent_here():  # (the reset e-mail goes through the outbox, sent after the commit)
        client.post("/accounts/password/reset/", {"email": verified.email})
    link = re.search(r"https?://[^/]+(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body).group(1)
    form_url = client.get(link).url
    response = client.post(
        form_url, {"password1": "a-brand-new-passphrase", "password2": "a-brand-new-passphrase"}
    )
    assert response.status_code == 302
    assert not token_works(token)


@pytest.mark.django_db
def test_a_password_set_in_admin_revokes_the_token(api, verified, staff, client):
    token = obtain(api, verified.email).json()["token"]
    client.force_login(staff)
    response = client.post(
        f"/admin/accounts/user/{verified.pk}/password/",
        {
            "password1": "a-brand-new-passphrase",
            "password2": "a-brand-new-passphrase",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not token_works(token)


@pytest.mark.django_db
def test_other_saves_keep_the_token_and_deactivation_stops_it(api, verified, client):
    token = obtain(api, verified.email).json()["token"]
    client.force_login(verified)  # a log-in saves last_login
    verified.first_name = "Ada"
    verified.save()
    assert token_works(token)
    verified.is_active = False
    verified.save()
    assert not token_works(token)
