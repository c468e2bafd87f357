"""Public pages in a real browser: accessible, readable on a phone, keyboard-navigable."""

import pytest
from playwright.sync_api import Page, expect

PHONE = {"width": 375, "height": 800}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "path", ["/", "/curriculum/", "/curriculum/weeks/7/", "/accounts/login/", "/accounts/signup/"]
)
def test_public_pages_pass_axe_and_fit_a_phone(
    page: Page, live_server, curriculum_tx, axe_check, shoot, path
):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + path)
    axe_check(path)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{path} scrolls sideways at 375 px"
    shoot("public" + path.replace("/", "_").rstrip("_"))


@pytest.mark.django_db(transaction=True)
def test_the_skip_link_and_menu_work_from_the_keyboard(page: Page, live_server, curriculum_tx):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Curriculum", exact=True)).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server.url + "/curriculum/")
    expect(page.get_by_role("heading", name="Curriculum", exact=True)).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_the_api_docs_render_with_other_hosts_blocked(page: Page, live_server, curriculum_tx, other_hosts):
    """Swagger UI comes from the project's static files (drf-spectacular-sidecar), not from a CDN: with
    every other host blocked (the `other_hosts` fixture) the page still lists the API's operations."""
    page.goto(live_server.url + "/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("AI/ML curriculum LMS API")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    assert page.locator(".opblock").count() >= 25
    assert not other_hosts


@pytest.mark.django_db(transaction=True)
def test_the_policy_is_enforced_and_a_violation_would_be_caught(
    page: Page, live_server, curriculum_tx, csp_violations
):
    """The check every browser test runs (`csp_violations`) sees a refusal: an inline style added to a
    page is refused and reported."""
    page.goto(live_server.url + "/curriculum/")
    page.evaluate("document.head.insertAdjacentHTML('beforeend', '<style>body { color: red }</style>')")
    page.wait_for_timeout(200)
    assert any("style-src" in message for message in csp_violations)
    csp_violations.clear()
