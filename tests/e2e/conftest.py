"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server."""

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import IN_CI, REPO

# Playwright's sync API runs an event loop in this thread; the ORM calls of the tests are still sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# CHROMIUM_PATH: another browser binary (a test points it at nothing to see CI refuse to go on).
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = REPO / "artifacts" / "screenshots"


def pytest_collection_modifyitems(items):
    if Path(CHROMIUM).exists():
        return
    browser_tests = [item for item in items if "tests/e2e/" in str(item.fspath)]
    if browser_tests and IN_CI:
        # CI never goes green without its browser tests: the test command installs Chromium.
        raise pytest.UsageError(f"CI=true and Chromium is missing ({CHROMIUM}): the browser tests cannot run")
    for item in browser_tests:
        item.add_marker(pytest.mark.skip(reason="Chromium is not installed (apt-get install chromium)"))


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    """The live server serves static files from the finders, which know no hashed manifest names."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic",
        ],
    }  # fmt: skip


@pytest.fixture
def shoot(page):
    """Save a full-page screenshot under artifacts/screenshots/ (checked by eye, never committed)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> None:
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return take


@pytest.fixture
def axe_check(page):
    """Run axe-core on the current page; fail on serious or critical violations."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(label: str) -> None:
        results = axe.run(page)
        bad = [
            f"{violation['id']} ({violation['impact']}): {violation['help']} — "
            + ", ".join(node["target"][0] for node in violation["nodes"][:3])
            for violation in results.response["violations"]
            if violation["impact"] in ("serious", "critical")
        ]
        assert not bad, f"{label}: " + "; ".join(bad)

    return check


@pytest.fixture(autouse=True)
def other_hosts(context, live_server):
    """No page of the product loads anything from another host: such requests are blocked (as without
    internet) and recorded, and a test that caused one fails."""
    from urllib.parse import urlsplit

    own = urlsplit(live_server.url).netloc
    blocked: list[str] = []

    def route(route) -> None:  # type: ignore[no-untyped-def]
        url = route.request.url
        if urlsplit(url).scheme in ("http", "https", "ws", "wss") and urlsplit(url).netloc != own:
            blocked.append(url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", route)
    yield blocked
    assert not blocked, "requests to other hosts: " + ", ".join(blocked)


@pytest.fixture(autouse=True)
def csp_violations(page):
    """Every browser test fails if the Content-Security-Policy refused anything on its way: Chromium
    reports each refusal in the console ("Refused to … because it violates the following Content
    Security Policy directive …")."""
    refused: list[str] = []
    page.on(
        "console",
        lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None,
    )
    yield refused
    assert not refused, "CSP violations:\n" + "\n".join(refused)


@pytest.fixture(autouse=True)
def _short_timeouts(context):
    """Fail in seconds, not half a minute, when a page lacks what a test waits for."""
    context.set_default_timeout(10_000)


@pytest.fixture(autouse=True)
def _no_stray_database_sessions(request):
    """The live server answers each browser connection in its own thread, which may keep a database
    session open after the browser has gone; end those, so that the test database can be dropped."""
    yield
    if "transactional_db" not in request.fixturenames:
        return
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'idle'"
        )
