"""Password guessing: limited per account and per client address, the same for the log-in form and the
API's token endpoint, whatever X-Forwarded-For says (security finding 1)."""

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time
from rest_framework.authtoken.models import Token

from tests.factories import PASSWORD

TOKEN_URL = "/api/v1/auth/token/"
LIMIT = 5  # failures per account and address before the delays start (accounts.login_delays.PAIR_FREE)


@pytest.fixture
def victim(learner):
    EmailAddress.objects.create(user=learner, email=learner.email, verified=True, primary=True)
    return learner


def token_attempt(client: Client, email: str, password: str, forwarded_for: str):
    return client.post(
        TOKEN_URL,
        {"email": email, "password": password},
        content_type="application/json",
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def form_attempt(client: Client, email: str, password: str, forwarded_for: str):
    return client.post(
        reverse("account_login"), {"login": email, "password": password}, HTTP_X_FORWARDED_FOR=forwarded_for
    )


ATTEMPTS = {"token endpoint": token_attempt, "log-in form": form_attempt}


@pytest.mark.django_db
@pytest.mark.parametrize("attempt", ATTEMPTS.values(), ids=ATTEMPTS.keys())
@freeze_time("2026-12-06 10:00:00")  # all at once: the delays (2, 4 … s after a failure) never pass
def test_twenty_guesses_from_twenty_forwarded_addresses_are_locked_out_after_the_limit(victim, attempt):
    """X-Forwarded-For is not the address (no trusted proxy): all twenty come from one, which is slowed
    down after the limit — for this account, even with the right password (tests/accounts/
    test_lockout_aim.py: not from another address)."""
    client = Client()
    codes = [attempt(client, victim.email, f"guess-{n}", f"203.0.113.{n}").status_code for n in range(20)]
    assert 429 not in codes[:LIMIT]
    assert codes[LIMIT:] == [429] * (20 - LIMIT)
    locked = attempt(client, victim.email, PASSWORD, "198.51.100.7")  # the right password, same address
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) > 0
    assert not Token.objects.filter(user=victim).exists()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_api_and_the_form_share_one_count_per_account(victim):
    api, browser = Client(), Client()
    for n in range(3):
        assert token_attempt(api, victim.email, "wrong", f"203.0.113.{n}").status_code == 400
    for n in range(2):
        assert form_attempt(browser, victim.email, "wrong", f"198.51.100.{n}").status_code == 200
    assert token_attempt(api, victim.email, PASSWORD, "192.0.2.1").status_code == 429
    assert form_attempt(browser, victim.email, PASSWORD, "192.0.2.2").status_code == 429
    body = token_attempt(api, victim.email, PASSWORD, "192.0.2.3").json()
    assert set(body) == {"detail"}
    assert "Too many failed log-in attempts" in body["detail"]


@pytest.mark.django_db
def test_a_right_password_does_not_use_up_the_limit(victim):
    client = Client()
    for _ in range(LIMIT + 2):
        assert token_attempt(client, victim.email, PASSWORD, "203.0.113.1").status_code == 201


@pytest.mark.django_db
def test_other_accounts_are_not_locked_by_guesses_at_one(victim, other_learner):
    client = Client()
    for _ in range(LIMIT + 1):
        token_attempt(client, victim.email, "wrong", "203.0.113.1")
    EmailAddress.objects.create(user=other_learner, email=other_learner.email, verified=True, primary=True)
    assert token_attempt(Client(), other_learner.email, PASSWORD, "203.0.113.2").status_code == 201


@pytest.mark.django_db
def test_the_client_address_is_the_socket_unless_proxies_are_trusted(rf, settings):
    """DRF's throttles and allauth's limits identify the client the same way."""
    from allauth.account.adapter import get_adapter
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9, 192.0.2.1")
    assert api_settings.NUM_PROXIES == 0
    assert SimpleRateThrottle.get_ident(SimpleRateThrottle.__new__(SimpleRateThrottle), request) == "10.0.0.2"
    assert get_adapter(request).get_client_ip(request) == "10.0.0.2"
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    assert (
        SimpleRateThrottle.get_ident(SimpleRateThrottle.__new__(SimpleRateThrottle), request) == "192.0.2.1"
    )
    assert get_adapter(request).get_client_ip(request) == "192.0.2.1"
