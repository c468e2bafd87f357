"""scripts/services.sh against a PostgreSQL that asks for a password on TCP, as Debian's packaged one
does: a temporary cluster (pg_createcluster) on a port of its own with scram-sha-256 for TCP and peer
for the local socket. The script sets up a test role with a password once, and prints a URL that logs
in; run again, it changes nothing."""

import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from tests.conftest import IN_CI, REPO
from tests.network import free_port

pytestmark = pytest.mark.skipif(
    not IN_CI
    and (os.geteuid() != 0 or not shutil.which("pg_createcluster") or not Path("/etc/postgresql").is_dir()),
    reason="needs root and Debian's PostgreSQL cluster tools",
)


@pytest.fixture(scope="module")
def password_cluster():
    version = sorted(os.listdir("/etc/postgresql"), key=lambda name: [int(part) for part in name.split(".")])[
        -1
    ]
    name = f"lms_pw_{uuid.uuid4().hex[:8]}"
    port = free_port()
    subprocess.run(
        [
            "pg_createcluster",
            version,
            name,
            "-p",
            str(port),
            "--",
            "--auth-host=scram-sha-256",
            "--auth-local=peer",
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    try:
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, name, "start"],
            check=True,
            capture_output=True,
            timeout=120,
        )
        yield port
    finally:
        subprocess.run(["pg_dropcluster", "--stop", version, name], capture_output=True, timeout=120)


def services(database_url: str, password_file: Path) -> subprocess.CompletedProcess:
    environment = {
        **{name: value for name, value in os.environ.items() if not name.startswith("PG")},
        "DATABASE_URL": database_url,
        "TEST_DATABASE_PASSWORD_FILE": str(password_file),
    }
    return subprocess.run(
        ["bash", "scripts/services.sh"],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def connects(url: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=5):
            return True
    except psycopg.OperationalError:
        return False


def test_it_sets_up_a_role_that_logs_in_with_a_password_once(password_cluster, tmp_path):
    asked = f"postgres://postgres@127.0.0.1:{password_cluster}/lms_test_run"
    assert not connects(asked.replace("/lms_test_run", "/postgres"))  # a password is required

    first = services(asked, tmp_path / "password")
    assert first.returncode == 0, first.stderr
    url = first.stdout.strip()
    assert url.startswith("postgres://lms_test:")
    assert url.endswith(f"@127.0.0.1:{password_cluster}/lms_test_run")
    password = (tmp_path / "password").read_text().strip()
    assert oct((tmp_path / "password").stat().st_mode & 0o777) == "0o600"
    assert len(password) >= 24

    import psycopg

    maintenance = url.replace("/lms_test_run", "/postgres")
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute("CREATE DATABASE lms_test_run")  # what pytest-django does
        superuser = connection.execute(
            "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
        ).fetchone()
        assert superuser == (False,)
    assert connects(url)

    again = services(asked, tmp_path / "password")
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == url
    assert "setting up the role" not in again.stderr
    assert (tmp_path / "password").read_text().strip() == password


def test_a_wrong_password_in_the_url_is_an_error_that_says_so(password_cluster, tmp_path):
    result = services(f"postgres://postgres:wrong@127.0.0.1:{password_cluster}/lms", tmp_path / "password")
    assert result.returncode == 1
    assert "refuses postgres@127.0.0.1" in result.stderr
    assert "wrong" not in result.stderr
    assert result.stdout == ""
    assert not (tmp_path / "password").exists()
