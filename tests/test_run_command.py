"""The README's run command, end to end: set-up on the embedded default, then a live server."""

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.network import free_port


def wait_for_line(process: subprocess.Popen, pattern: str, timeout: float) -> list[str]:
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            if process.poll() is not None:
                break
            continue
        lines.append(line)
        if re.search(pattern, line):
            return lines
    pytest.fail("run command output never matched " + pattern + ":\n" + "".join(lines))


def get(opener: urllib.request.OpenerDirector, url: str) -> tuple[int, str]:
    with opener.open(url, timeout=10) as response:
        return response.status, response.read().decode()


@pytest.fixture(scope="module")
def running_app(tmp_path_factory: pytest.TempPathFactory):
    """One run of the command for the module's tests (it takes most of a minute)."""
    tmp_path: Path = tmp_path_factory.mktemp("run")
    port = free_port()
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "VENV": sys.prefix,  # the suite's virtualenv already has the requirements: no download
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "PORT": str(port),
        "PYTHONUNBUFFERED": "1",
    }
    process = subprocess.Popen(
        ["bash", "scripts/run.sh"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output = wait_for_line(process, r"Log in at /accounts/login/", timeout=180)
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        yield base, "".join(output), env
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)


def test_the_run_command_serves_the_site_and_the_printed_admin_account_logs_in(running_app):
    base, output, _ = running_app
    password = re.search(r"admin\s+e-mail \S+\s+password (\S+)", output).group(1)
    assert re.search(r"learner\s+e-mail learner@example.com\s+password \S+", output)
    assert re.search(r"mentor\s+e-mail mentor@example.com\s+password \S+", output)

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    assert get(opener, base + "/")[0] == 200
    status, page = get(opener, base + "/curriculum/")
    assert status == 200
    assert "Portfolio &amp; Career Development" in page

    status, page = get(opener, base + "/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode(
        {"username": "admin", "password": password, "csrfmiddlewaretoken": token, "next": "/admin/"}
    ).encode()
    request = urllib.request.Request(
        base + "/admin/login/?next=/admin/", data=form, headers={"Referer": base}
    )
    with opener.open(request, timeout=10) as response:
        assert response.url == base + "/admin/"
        assert "Site administration" in response.read().decode()


def test_the_run_command_shows_the_products_own_404_page_and_still_serves_static_files(running_app):
    """The demo runs with DEBUG off (LOCAL on): an unknown address answers the product's 404 page, not
    Django's debug page listing every URL pattern; the stylesheets (the site's and admin's) still load,
    from the source folders, without collectstatic."""
    base, _, _ = running_app
    opener = urllib.request.build_opener()
    with pytest.raises(urllib.error.HTTPError) as missing:
        opener.open(base + "/no-such-page/", timeout=10)
    assert missing.value.code == 404
    page = missing.value.read().decode()
    assert "Page not found" in page
    assert "Browse the curriculum" in page
    assert "URLconf" not in page
    stylesheet = re.search(r'href="(/static/css/site\.css[^"]*)"', page).group(1)
    status, css = get(opener, base + stylesheet)
    assert status == 200
    assert ".container" in css
    assert get(opener, base + "/static/admin/css/base.css")[0] == 200


def test_the_run_command_links_to_its_own_port(running_app):
    """SITE_URL follows PORT: the calendar feed and its events point at the server that was started."""
    base, output, _ = running_app
    password = re.search(r"learner\s+e-mail learner@example.com\s+password (\S+)", output).group(1)
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    _, page = get(opener, base + "/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = {"login": "learner@example.com", "password": password, "csrfmiddlewaretoken": token}
    request = urllib.request.Request(
        base + "/accounts/login/", data=urllib.parse.urlencode(form).encode(), headers={"Referer": base}
    )
    with opener.open(request, timeout=10) as response:
        assert response.url == base + "/dashboard/"
    _, page = get(opener, base + "/settings/")
    feed_url = re.search(r'id="feed-url"[^>]*value="([^"]+)"', page).group(1)
    assert feed_url.startswith(base + "/calendar/")
    _, feed = get(opener, feed_url)
    assert f"URL:{base}/my/weeks/1/" in feed.replace("\r\n ", "")


def test_the_weekly_reminders_run_once_on_the_run_commands_database(running_app):
    """The beat's reminder task, run by hand on the embedded default (SQLite, tasks in-process, e-mail
    to the console), reminds the demo learner (behind: week 1 done two weeks in) once; a second run
    sends nothing. (SQLite refused the outbox's look-up of keys already sent: ORDER BY in a UNION.)"""
    base, _, env = running_app
    script = "from reminders.tasks import send_weekly_reminders as run; print('batches', run())"

    def reminders_run() -> str:
        finished = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", script],
            cwd=REPO,
            env={**env, "DEBUG": "true", "SITE_URL": base},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert finished.returncode == 0, finished.stderr[-3000:]
        return finished.stdout

    first = reminders_run()
    assert "batches 1" in first
    assert "To: learner@example.com" in first
    assert "Unsubscribe in one click" in first
    second = reminders_run()
    assert "batches 1" in second
    assert "To: learner@example.com" not in second
