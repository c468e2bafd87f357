"""The README's run command, end to end: set-up on the embedded default, then a live server."""

import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.network import free_port


class Output:
    """The run command's output, read as it comes (the worker beside the server logs on): a full pipe
    would stop them both."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.process = process
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    def wait_for(self, pattern: str, timeout: float, start: int = 0) -> list[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for index in range(start, len(self.lines)):
                if re.search(pattern, self.lines[index]):
                    return self.lines[: index + 1]
            if self.process.poll() is not None and not self.reader.is_alive():
                break
            time.sleep(0.2)
        pytest.fail("run command output never matched " + pattern + ":\n" + "".join(self.lines[-200:]))


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
        "CELERY_FILESYSTEM_BROKER_DIR": str(tmp_path / "broker"),
        "PORT": str(port),
        "PYTHONUNBUFFERED": "1",
        # Beat's heartbeat every 2 seconds instead of every minute: the periodic task to watch for.
        "BEAT_HEARTBEAT_SECONDS": "2",
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
        output = Output(process)
        lines = output.wait_for(r"Log in at /accounts/login/", timeout=180)
        base = f"http://127.0.0.1:{port}"
        # The server, started after the worker, says when it listens.
        output.wait_for(r"Quit the server with CONTROL-C", timeout=180)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        yield base, "".join(lines), env, output
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)


def test_the_run_command_serves_the_site_and_the_printed_admin_account_logs_in(running_app):
    base, output, _, _ = running_app
    email, password = re.search(r"admin\s+e-mail (\S+)\s+password (\S+)", output).groups()
    assert re.search(r"learner\s+e-mail learner@example.com\s+password \S+", output)
    assert re.search(r"mentor\s+e-mail mentor@example.com\s+password \S+", output)

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    assert get(opener, base + "/")[0] == 200
    status, page = get(opener, base + "/curriculum/")
    assert status == 200
    assert "Portfolio &amp; Career Development" in page

    # The admin has no log-in of its own: it sends to the site's, with its limits and second factor.
    status, page = get(opener, base + "/admin/login/?next=/admin/")
    assert status == 200
    assert 'name="login"' in page
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode(
        {"login": email, "password": password, "csrfmiddlewaretoken": token, "next": "/admin/"}
    ).encode()
    request = urllib.request.Request(
        base + "/accounts/login/?next=/admin/", data=form, headers={"Referer": base}
    )
    with opener.open(request, timeout=10) as response:
        assert response.url == base + "/admin/"
        assert "Site administration" in response.read().decode()


def test_the_run_command_shows_the_products_own_404_page_and_still_serves_static_files(running_app):
    """The demo runs with DEBUG off (LOCAL on): an unknown address answers the product's 404 page, not
    Django's debug page listing every URL pattern; the stylesheets (the site's and admin's) still load,
    from the source folders, without collectstatic."""
    base, *_ = running_app
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
    base, output, _, _ = running_app
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
    base, _, env, _ = running_app
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
    second = reminders_run()  # the learner's next reminder is next week's: nothing is due, nothing sent
    assert re.search(r"batches [01]\n", second)
    assert "To: learner@example.com" not in second


def test_the_run_command_runs_the_periodic_jobs(running_app):
    """A worker with beat runs beside the server, on a broker that is a directory (kombu's filesystem
    transport): beat sends its periodic tasks from the database's schedules and the worker runs them; the
    server's /health/ sees beat running."""
    base, _, _, output = running_app
    output.wait_for(r"INFO/Beat\] beat: Starting", timeout=120)
    sent = len(output.wait_for(r"Sending due task lms-beat-heartbeat", timeout=60))
    [done] = output.wait_for(r"Task lms\.beat_heartbeat\[[0-9a-f-]+\] succeeded", timeout=60, start=sent)[-1:]
    assert "succeeded" in done
    opener = urllib.request.build_opener()
    status, body = get(opener, base + "/health/")
    assert status == 200, body
    report = json.loads(body)
    assert report["checks"]["broker"] == {"status": "ok", "seconds": report["checks"]["broker"]["seconds"]}
    assert report["checks"]["beat"]["status"] == "ok"
    assert report["checks"]["beat"]["last_ran_seconds_ago"] < 60


def fake_python(tmp_path: Path, *, version: tuple[int, int], with_venv: bool) -> Path:
    """A `python3` that reports another version, or lacks venv's pip bootstrap as Debian's does
    without python3-venv."""
    script = tmp_path / "python3"
    script.write_text(
        f"#!{sys.executable}\n"
        "import sys\n"
        f"sys.version_info = {(*version, 0, 'final', 0)!r}\n"
        + ("" if with_venv else "sys.modules['ensurepip'] = None\n")
        + "if sys.argv[1:2] != ['-c']:\n"
        "    sys.exit('the fake python was asked to ' + ' '.join(sys.argv[1:]))\n"
        "exec(sys.argv[2])\n"
    )
    script.chmod(0o755)
    return script


def run_command_with(python: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ["PATH"], "PYTHON": str(python), "VENV": str(tmp_path / "venv")}
    return subprocess.run(
        ["bash", "scripts/run.sh"], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
    )


def test_the_run_command_refuses_a_python_older_than_3_11(tmp_path):
    result = run_command_with(fake_python(tmp_path, version=(3, 10), with_venv=True), tmp_path)
    assert result.returncode == 1
    assert "Python 3.11 or newer is needed" in result.stderr
    assert "is 3.10" in result.stderr
    assert not (tmp_path / "venv").exists()


def test_the_run_command_says_what_to_install_when_venv_is_missing(tmp_path):
    result = run_command_with(fake_python(tmp_path, version=(3, 11), with_venv=False), tmp_path)
    assert result.returncode == 1
    assert "apt-get install python3-venv" in result.stderr
    assert not (tmp_path / "venv").exists()
