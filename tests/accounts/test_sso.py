"""Single sign-on against a real OpenID Connect provider (tests/oidc_provider/, run as its own process):
sign up, log in again, enter an existing account only with an address both sides verified, refuse
otherwise; connect and disconnect providers in Settings; providers offered only once configured."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.contrib.sites.models import Site
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from tests.factories import PASSWORD, UserFactory
from tests.identity_provider import (
    CONNECTING,
    EXISTING,
    NEWCOMER,
    OTHER_ADDRESS,
    PROVIDER_ID,
    PROVIDER_NAME,
    RETURNING,
    TAKEN,
    UNCONFIRMED_HERE,
    UNVERIFIED,
    sso_sign_in,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sso_settings")]


def logged_in_user(client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def account_with(email: str, *, verified: bool = True) -> User:
    user = UserFactory(email=email)
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    return user


def test_a_newcomer_signs_up_through_the_provider(client, identity_provider):
    response = sso_sign_in(client, identity_provider, NEWCOMER)

    assert response.status_code == 302
    assert response.url == reverse("learner:dashboard")
    user = logged_in_user(client)
    assert user is not None
    assert user.email == NEWCOMER.email
    assert user.display_name == NEWCOMER.name  # the name the provider gave
    assert not user.has_usable_password()  # the provider is their way in (they may set a password)
    assert EmailAddress.objects.get(user=user).verified  # the provider verified it
    account = SocialAccount.objects.get(user=user)
    assert account.provider == PROVIDER_ID
    assert account.extra_data["userinfo"]["email"] == NEWCOMER.email
    assert client.get(reverse("progress:enrol")).status_code == 200  # a learner's first page
    # Their weekly e-mails' first times: the next Monday 08:00 in their zone, not "due at once".
    first = user.reminder_due_at
    assert first is not None
    assert user.digest_due_at == first
    local = first.astimezone(ZoneInfo(user.time_zone))
    assert (local.weekday(), local.hour, local.minute) == (0, 8, 0)
    assert user.date_joined < first <= user.date_joined + timedelta(days=7)


def test_a_newcomer_keeps_their_browsers_language(identity_provider):
    """As the sign-up form does: what is written for them while they are away is in it."""
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="es-ES,es;q=0.9")
    with CaptureQueriesContext(connection) as queries:
        assert sso_sign_in(client, identity_provider, NEWCOMER).status_code == 302
    user = logged_in_user(client)
    assert user is not None
    assert user.language == "es"
    # in the row allauth inserts; the only UPDATE of it that follows is the log-in's last_login
    updates = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith('UPDATE "accounts_user"')
    ]
    assert len(updates) == 1
    assert updates[0].startswith('UPDATE "accounts_user" SET "last_login" = ')
    assert ", " not in updates[0].split(" WHERE ")[0]  # no other column


def test_they_log_in_again_to_the_same_account(client, identity_provider):
    sso_sign_in(client, identity_provider, RETURNING)
    first = logged_in_user(client)
    client.post(reverse("account_logout"))
    assert logged_in_user(client) is None

    response = sso_sign_in(client, identity_provider, RETURNING)

    assert response.status_code == 302
    assert logged_in_user(client) == first
    assert User.objects.filter(email=RETURNING.email).count() == 1
    assert SocialAccount.objects.filter(user=first).count() == 1


def test_an_address_both_sides_verified_enters_the_existing_account(client, identity_provider):
    existing = account_with(EXISTING.email)

    sso_sign_in(client, identity_provider, EXISTING)

    assert logged_in_user(client) == existing
    assert SocialAccount.objects.get(provider=PROVIDER_ID, user=existing)  # connected for next time
    existing.refresh_from_db()
    assert existing.check_password(PASSWORD)  # their password still works
    assert User.objects.filter(email__iexact=EXISTING.email).count() == 1


def test_an_address_the_provider_did_not_verify_takes_over_nothing(client, identity_provider):
    existing = account_with(UNVERIFIED.email)

    response = sso_sign_in(client, identity_provider, UNVERIFIED)

    assert logged_in_user(client) is None
    assert not SocialAccount.objects.exists()
    assert User.objects.filter(email__iexact=UNVERIFIED.email).get() == existing
    existing.refresh_from_db()
    assert existing.check_password(PASSWORD)
    # Refused without saying the address has an account (its owner is told by e-mail instead).
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")


def test_an_address_not_verified_here_takes_over_nothing(client, identity_provider):
    """Someone may have signed up with another person's address and never confirmed it: the person's
    provider verified it, but this account never did."""
    squatter = account_with(UNCONFIRMED_HERE.email, verified=False)

    sso_sign_in(client, identity_provider, UNCONFIRMED_HERE)

    assert logged_in_user(client) is None
    assert not SocialAccount.objects.exists()
    assert User.objects.filter(email__iexact=UNCONFIRMED_HERE.email).get() == squatter
    squatter.refresh_from_db()
    assert squatter.check_password(PASSWORD)


def test_a_different_address_is_a_new_account_not_anyone_elses(client, identity_provider):
    existing = account_with("otto@example.com")  # the same person perhaps, but nothing proves it

    sso_sign_in(client, identity_provider, OTHER_ADDRESS)

    newcomer = logged_in_user(client)
    assert newcomer is not None
    assert newcomer != existing
    assert newcomer.email == OTHER_ADDRESS.email
    assert not SocialAccount.objects.filter(user=existing).exists()


def test_a_learner_connects_and_disconnects_the_provider_in_settings(client, identity_provider, learner):
    EmailAddress.objects.create(user=learner, email=learner.email, verified=True, primary=True)
    client.force_login(learner)
    connections = reverse("socialaccount_connections")
    page = client.get(connections).content.decode()
    assert PROVIDER_NAME in page  # offered for connecting

    response = sso_sign_in(client, identity_provider, CONNECTING, process="connect")

    assert response.status_code == 302
    assert response.url == connections
    account = SocialAccount.objects.get(user=learner)
    assert account.uid
    assert logged_in_user(client) == learner
    # The provider's (different) address does not replace the learner's.
    learner.refresh_from_db()
    assert learner.email != CONNECTING.email
    # The API lists it for its owner.
    [listed] = client.get("/api/v1/me/sign-in/").json()["providers"]
    assert listed["provider"] == PROVIDER_ID
    assert listed["name"] == PROVIDER_NAME
    assert listed["id"] == account.pk

    response = client.post(connections, {"account": account.pk})
    assert response.status_code == 302
    assert not SocialAccount.objects.filter(user=learner).exists()


def test_a_provider_account_is_connected_to_one_account_only(client, identity_provider, learner):
    sso_sign_in(client, identity_provider, TAKEN)
    owner = logged_in_user(client)
    client.post(reverse("account_logout"))
    client.force_login(learner)

    sso_sign_in(client, identity_provider, TAKEN, process="connect")

    assert SocialAccount.objects.get().user == owner
    assert logged_in_user(client) == learner


def test_the_last_way_in_cannot_be_disconnected(client, identity_provider):
    sso_sign_in(client, identity_provider, NEWCOMER)
    user = logged_in_user(client)
    account = SocialAccount.objects.get(user=user)

    response = client.post(reverse("socialaccount_connections"), {"account": account.pk})

    assert response.status_code == 200
    assert "no password" in response.content.decode().lower()
    assert SocialAccount.objects.filter(pk=account.pk).exists()


@pytest.mark.usefixtures("settings")
def test_the_log_in_page_offers_a_provider_only_once_it_is_configured(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        name: {key: value for key, value in config.items() if key != "APPS"}
        for name, config in settings.SOCIALACCOUNT_PROVIDERS.items()
    }
    page = client.get(reverse("account_login")).content.decode()
    assert "GitHub" not in page
    assert "Google" not in page
    assert PROVIDER_NAME not in page
    csp = client.get(reverse("account_login"))["Content-Security-Policy"]
    assert "form-action 'self';" in csp + ";"

    # GitHub from the environment's settings, Google from admin's "Social applications".
    settings.SOCIALACCOUNT_PROVIDERS["github"]["APPS"] = [{"client_id": "gh", "secret": "s", "key": ""}]
    app = SocialApp.objects.create(provider="google", name="Google", client_id="g", secret="s")
    app.sites.add(Site.objects.get_current())

    response = client.get(reverse("account_login"))
    page = response.content.decode()
    assert 'href="/accounts/github/login/?process=login"' in page
    assert 'href="/accounts/google/login/?process=login"' in page
    # Their sign-in forms redirect to the providers, which the page's policy allows.
    form_action = next(
        part for part in response["Content-Security-Policy"].split(";") if "form-action" in part
    )
    assert "https://github.com" in form_action
    assert "https://accounts.google.com" in form_action
