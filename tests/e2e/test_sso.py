"""Single sign-on in Chromium against the real test OpenID Connect provider (tests/oidc_provider/):
"Continue with …" on the log-in page, the provider's own log-in, back to the LMS as a new learner; the
Sign-in providers page. Under the site's Content-Security-Policy (the log-in form's redirect to the
provider needs its origin in form-action), axe and 375 px on every page of ours."""

from urllib.parse import urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from playwright.sync_api import Browser, expect

from accounts.models import User
from tests.e2e.test_journeys import DESKTOP, check
from tests.identity_provider import (
    BROWSER,
    PASSWORD,
    PROVIDER_NAME,
)


@pytest.fixture(autouse=True)
def other_hosts(context, live_server, identity_provider):
    """As tests/e2e/conftest.py's, with the identity provider as the one other host allowed."""
    allowed = {urlsplit(live_server.url).netloc, urlsplit(identity_provider.url).netloc}
    blocked: list[str] = []

    def route(route) -> None:  # type: ignore[no-untyped-def]
        url = route.request.url
        if urlsplit(url).scheme in ("http", "https", "ws", "wss") and urlsplit(url).netloc not in allowed:
            blocked.append(url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", route)
    yield blocked
    assert not blocked, "requests to other hosts: " + ", ".join(blocked)


@pytest.fixture(autouse=True)
def _site_url(settings, live_server):
    settings.SITE_URL = live_server.url


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("sso_settings", "curriculum_tx")
def test_a_newcomer_signs_up_with_the_organisation_provider_in_the_browser(browser: Browser, live_server):
    base = live_server.url
    page = browser.new_context(viewport=DESKTOP).new_page()
    page.goto(base + "/accounts/login/")
    button = page.get_by_role("link", name=f"Continue with {PROVIDER_NAME}")
    expect(button).to_be_visible()
    check(page, "sso-login")
    button.click()

    expect(page.get_by_role("heading", name=f"Sign In Via {PROVIDER_NAME}")).to_be_visible()
    check(page, "sso-continue")
    page.get_by_role("button", name="Continue").click()

    # The provider's own log-in page (another origin: the form's redirect was allowed by form-action).
    expect(page.get_by_role("heading", name="Test identity provider")).to_be_visible()
    page.get_by_label("Username").fill(BROWSER.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in to the provider").click()

    # Back at the LMS, logged in as a new learner: the enrol form.
    expect(page).to_have_url(base + "/enrol/")
    user = User.objects.get(email=BROWSER.email)
    assert SocialAccount.objects.filter(user=user).exists()

    page.goto(base + "/accounts/3rdparty/")
    expect(page.get_by_role("heading", name="Sign-in providers")).to_be_visible()
    expect(page.get_by_text(BROWSER.email)).to_be_visible()
    expect(page.get_by_role("link", name="Sign-in providers")).to_have_attribute("aria-current", "page")
    check(page, "sso-connections")
