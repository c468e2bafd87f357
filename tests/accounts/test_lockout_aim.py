"""A stranger cannot lock someone out: failed passwords slow the address they come from (2, 4, 8 …
seconds), while the owner's right password from another address still logs in — at once, or within
ACCOUNT_MAX_WAIT seconds when the guesses come from many addresses (accounts.login_delays)."""

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time
from rest_framework.authtoken.models import Token

from accounts.login_delays import ACCOUNT_FREE, ACCOUNT_MAX_WAIT, PAIR_FREE
from lms.throttles import WriteRateThrottle
from tests.factories import PASSWORD

TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture
def victim(learner):
    EmailAddress.objects.create(user=learner, email=learner.email, verified=True, primary=True)
    return learner


def token_from(address: str, email: str, password: str):
    return Client(REMOTE_ADDR=address).post(
        TOKEN_URL, {"email": email, "password": password}, content_type="application/json"
    )


@pytest.fixture(autouse=True)
def _no_request_throttle(monkeypatch):
    """The token endpoint's own request rate (10 a minute per caller) is another limit, tested elsewhere."""
    rates = {**WriteRateThrottle.THROTTLE_RATES, "tokens": "1000/min"}
    monkeypatch.setattr(WriteRateThrottle, "THROTTLE_RATES", rates)


@pytest.mark.django_db
def test_a_strangers_failures_slow_the_stranger_not_the_owner(victim):
    with freeze_time("2026-12-06 10:00:00") as clock:
        codes = [token_from("203.0.113.9", victim.email, f"guess-{n}").status_code for n in range(PAIR_FREE)]
        assert codes == [400] * PAIR_FREE
        waits = []
        for _ in range(4):  # each further guess waits longer: a delay, not a lock
            refused = token_from("203.0.113.9", victim.email, "guess")
            assert refused.status_code == 429
            waits.append(int(refused["Retry-After"]))
            clock.tick(waits[-1])
            assert token_from("203.0.113.9", victim.email, "guess").status_code == 400
        assert waits == [2, 4, 8, 16]

        # The owner, from their own address, right after the stranger: in at once, by API and by form.
        assert token_from("198.51.100.7", victim.email, PASSWORD).status_code == 201
        browser = Client(REMOTE_ADDR="198.51.100.8")
        response = browser.post(reverse("account_login"), {"login": victim.email, "password": PASSWORD})
        assert response.status_code == 302
        assert "_auth_user_id" in browser.session


@pytest.mark.django_db
def test_guesses_from_many_addresses_delay_the_owner_a_bounded_time(victim):
    with freeze_time("2026-12-06 10:00:00") as clock:
        for n in range(ACCOUNT_FREE + 10):  # a spread-out guesser: one guess from each address
            clock.tick(ACCOUNT_MAX_WAIT)  # each waits its turn
            assert token_from(f"203.0.113.{n}", victim.email, "guess").status_code == 400
        refused = token_from("198.51.100.7", victim.email, PASSWORD)
        assert refused.status_code == 429
        assert 0 < int(refused["Retry-After"]) <= ACCOUNT_MAX_WAIT
        clock.tick(int(refused["Retry-After"]))
        assert token_from("198.51.100.7", victim.email, PASSWORD).status_code == 201
        assert Token.objects.filter(user=victim).exists()
