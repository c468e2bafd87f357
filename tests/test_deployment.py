"""What goes into the image and how it starts, checked without a Docker engine: the build context
(Docker's .dockerignore rules, as docker-py builds the context tarball), `check --deploy` with the
production settings before collectstatic has ever run, the pinned requirements, gunicorn's workers."""

import os
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from docker.utils.build import tar

from tests.conftest import REPO

SECRETS_AND_LOCAL_DATA = [
    ".env",
    ".env.production",
    ".test-database-password",
    "db.sqlite3",
    "db.sqlite3-journal",
    ".venv/bin/python",
    ".venv/lib/python3.11/site-packages/django/__init__.py",
    "venv/bin/python",
    "media/certificates/a.pdf",
    "media/projects/2026/12/report.zip",
    "backups/lms-20261124-180000.dump",
    "backups/lms-20261124-180000.files.tar",
    "lms.dump",
    ".git/config",
    ".git/objects/ab/cdef",
    ".celery-broker/in/1.msg",
    "staticfiles/css/site.css",
    "accounts/__pycache__/models.cpython-311.pyc",
    "artifacts/screenshots/dashboard.png",
    ".pytest_cache/v/cache/lastfailed",
]
NOT_NEEDED_IN_THE_IMAGE = {".gitignore", ".dockerignore"}


def tracked_files() -> list[str]:
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True)
    return [name for name in listed.stdout.decode().split("\0") if name and (REPO / name).is_file()]


@pytest.fixture(scope="module")
def build_context(tmp_path_factory) -> set[str]:
    """The names in the build context docker-py sends for a checkout holding secrets and local data."""
    checkout = tmp_path_factory.mktemp("checkout")
    for name in [*tracked_files(), ".dockerignore", "gunicorn.conf.py"]:
        (checkout / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, checkout / name)
    for name in SECRETS_AND_LOCAL_DATA:
        (checkout / name).parent.mkdir(parents=True, exist_ok=True)
        (checkout / name).write_text("secret")
    patterns = [
        line.strip()
        for line in (checkout / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    with tar(str(checkout), exclude=patterns) as archive, tarfile.open(fileobj=archive) as members:
        return {member.name for member in members.getmembers() if member.isfile()}


@pytest.mark.parametrize("name", SECRETS_AND_LOCAL_DATA)
def test_the_build_context_leaves_out_secrets_and_local_data(build_context, name):
    assert name not in build_context


def test_the_build_context_holds_every_file_of_the_repository_the_image_needs(build_context):
    needed = {name for name in tracked_files() if name not in NOT_NEEDED_IN_THE_IMAGE}
    needed = {name for name in needed if not name.startswith(".ci/")}
    assert needed - build_context == set()
    essentials = {"Dockerfile", "manage.py", "requirements.txt", "gunicorn.conf.py", ".env.example"}
    assert essentials <= build_context


def production_environment(tmp_path: Path) -> dict[str, str]:
    from credentials.signing import generate_key_text

    static_root = tmp_path / "static-never-collected"
    static_root.mkdir()
    keep = ("PATH", "HOME", "LANG")
    return {
        **{name: os.environ[name] for name in keep if name in os.environ},
        "DEBUG": "false",
        "SECRET_KEY": "a-production-like-secret-key-" + "x7Q2" * 12,
        "ALLOWED_HOSTS": "lms.example.com",
        "CSRF_TRUSTED_ORIGINS": "https://lms.example.com",
        "SITE_URL": "https://lms.example.com",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "STATIC_ROOT": str(static_root),
        "FILE_UPLOAD_TEMP_DIR": str(tmp_path / "uploads"),
        "CREDENTIALS_SIGNING_KEY": generate_key_text(),
    }


def test_check_deploy_passes_with_production_settings_before_collectstatic(tmp_path):
    """lms/urls.py asked the manifest for the favicon's address at import time: every manage.py
    command failed with production settings until collectstatic had run."""
    environment = production_environment(tmp_path)
    for arguments in (["check", "--deploy", "--fail-level", "WARNING"], ["showmigrations", "--plan"]):
        result = subprocess.run(
            [sys.executable, "manage.py", *arguments],
            cwd=REPO,
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stdout + result.stderr
    assert list(Path(environment["STATIC_ROOT"]).iterdir()) == []


def test_the_favicon_still_redirects_to_the_static_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert re.fullmatch(r"/static/favicon(\.[0-9a-f]+)?\.svg", response["Location"])


def pins(name: str) -> dict[str, str]:
    lines = (REPO / name).read_text().splitlines()
    return dict(line.split("==", 1) for line in lines if "==" in line and not line.startswith("#"))


def test_time_zone_data_and_the_optional_s3_client_are_pinned():
    assert re.fullmatch(r"\d{4}\.\d+", pins("requirements.txt")["tzdata"])
    s3 = pins("requirements-s3.txt")
    assert {"boto3", "botocore", "s3transfer"} <= set(s3)
    assert s3["boto3"] == s3["botocore"]
    assert "requirements-s3.txt" in (REPO / "README.md").read_text()


def test_gunicorn_takes_its_workers_from_the_environment(tmp_path):
    gunicorn = Path(sys.executable).parent / "gunicorn"
    for value in ("5", "2"):
        result = subprocess.run(
            [str(gunicorn), "--print-config", "lms.wsgi:application"],
            cwd=REPO,
            env={**os.environ, "WEB_CONCURRENCY": value},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert re.search(rf"^workers\s+= {value}$", result.stdout, re.M), result.stdout + result.stderr
    # Nothing overrides it on the command line.
    for path in ("Dockerfile", "docker-compose.yml"):
        assert "--workers" not in (REPO / path).read_text(), path
