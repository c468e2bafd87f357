"""Two-factor authentication in Chromium: a mentor required to enrol a second factor is held on its
set-up until they activate an authenticator app (the code computed from the secret the page shows),
then logs in again with a recovery code; a TOTP log-in; a security key and a passkey through Chromium's
virtual authenticator (WebAuthn over CDP). allauth's WebAuthn scripts are static files under the
site's Content-Security-Policy (any refusal fails the test); every page passes axe and fits 375 px."""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from playwright.sync_api import Browser, Page, expect

from tests.e2e.test_journeys import DESKTOP, check, log_in, verified
from tests.factories import PASSWORD, MentorFactory, UserFactory


def current_code(secret: str) -> str:
    """The code an authenticator app shows now, taken with at least 8 seconds of its 30 left: typed and
    sent in the browser, it must still be the server's current one (allauth accepts no other)."""
    if 30 - time.time() % 30 < 8:
        time.sleep(30 - time.time() % 30 + 0.5)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture(autouse=True)
def _site(settings, live_server):
    settings.SITE_URL = live_server.url
    # WebAuthn's origin is http://localhost here (a secure context for the browser; production: https).
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()


def confirm_access(page: Page) -> None:
    """Changing a second factor asks for the password again (allauth's reauthentication), however
    recent the log-in."""
    expect(page.get_by_role("heading", name="Confirm Access")).to_be_visible()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()


def password_step(page: Page, base: str, email: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("curriculum_tx")
def test_a_mentor_enrols_an_authenticator_app_before_anything_else(browser: Browser, live_server, settings):
    settings.MFA_REQUIRED_FOR_STAFF_AND_MENTORS = True
    base = live_server.url
    mentor = verified(MentorFactory(email="mona@example.com"))
    page = browser.new_context(viewport=DESKTOP).new_page()

    log_in(page, base, mentor.email, PASSWORD)
    expect(page).to_have_url(base + "/accounts/2fa/")
    expect(page.get_by_text("Set up two-factor authentication first")).to_be_visible()
    check(page, "mfa-required")
    for url in ("/mentoring/", "/mentoring/workspace/", "/admin/", "/notices/"):
        page.goto(base + url)
        expect(page).to_have_url(base + "/accounts/2fa/")

    page.get_by_role("link", name="Activate").click()
    check(page, "mfa-confirm-access")
    confirm_access(page)
    expect(page.get_by_role("heading", name="Activate Authenticator App")).to_be_visible()
    check(page, "mfa-activate-totp")
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill(current_code(secret))
    page.get_by_role("button", name="Activate").click()

    expect(page.get_by_role("heading", name="Recovery Codes")).to_be_visible()
    check(page, "mfa-recovery-codes")
    recovery_code = page.locator("#recovery_codes").input_value().split()[0]
    page.goto(base + "/mentoring/")
    expect(page).to_have_url(base + "/mentoring/")

    # Next time: the password, then a recovery code (once).
    log_out(page)
    password_step(page, base, mentor.email)
    expect(page).to_have_url(base + "/accounts/2fa/authenticate/")
    check(page, "mfa-authenticate")
    page.get_by_label("Code").fill(recovery_code)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    page.goto(base + "/mentoring/")
    expect(page).to_have_url(base + "/mentoring/")


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("curriculum_tx")
def test_a_totp_log_in(browser: Browser, live_server):
    base = live_server.url
    learner = verified(UserFactory(email="tom@example.com"))
    secret = generate_totp_secret()
    TOTP.activate(learner, secret)
    page = browser.new_context(viewport=DESKTOP).new_page()

    password_step(page, base, learner.email)
    expect(page).to_have_url(base + "/accounts/2fa/authenticate/")
    page.get_by_label("Code").fill("123456" if current_code(secret) != "123456" else "654321")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("Incorrect code.")).to_be_visible()
    page.get_by_label("Code").fill(current_code(secret))
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(base + "/enrol/")


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("curriculum_tx")
def test_a_security_key_and_a_passkey_with_the_virtual_authenticator(browser: Browser, live_server):
    base = live_server.url
    learner = verified(UserFactory(email="kim@example.com"))
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    authenticator = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )

    log_in(page, base, learner.email, PASSWORD)
    page.goto(base + "/accounts/2fa/webauthn/add/")
    confirm_access(page)
    expect(page.get_by_role("heading", name="Add Security Key")).to_be_visible()
    check(page, "mfa-add-security-key")
    page.get_by_label("Name").fill("My laptop")
    page.get_by_label("Passwordless").check()
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_role("heading", name="Recovery Codes")).to_be_visible()
    assert Authenticator.objects.filter(user=learner, type="webauthn").count() == 1
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator["authenticatorId"]})
    assert len(credentials["credentials"]) == 1
    page.goto(base + "/accounts/2fa/webauthn/")
    check(page, "mfa-security-keys")

    # The password, then the security key.
    log_out(page)
    password_step(page, base, learner.email)
    expect(page).to_have_url(base + "/accounts/2fa/authenticate/")
    page.get_by_role("button", name="Use a security key").click()
    expect(page).to_have_url(base + "/enrol/")

    # The passkey alone, from the log-in page.
    log_out(page)
    page.goto(base + "/accounts/login/")
    page.get_by_role("button", name="Use a passkey instead").click()
    expect(page).to_have_url(base + "/enrol/")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
