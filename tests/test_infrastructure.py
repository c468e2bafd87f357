"""The real services under the suite: PostgreSQL when DATABASE_URL points there, Redis for Celery."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import REPO


@pytest.mark.django_db
@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="DATABASE_URL is not PostgreSQL"
)
def test_the_suite_runs_on_postgresql_when_database_url_points_there():
    assert connection.vendor == "postgresql"


def test_in_ci_the_suite_runs_on_postgresql_and_redis():
    if os.environ.get("CI", "").lower() != "true":
        pytest.skip("only enforced in CI")
    assert os.environ["DATABASE_URL"].startswith("postgres")
    assert settings.CELERY_BROKER_URL.startswith("redis://")


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    result = subprocess.run(
        [sys.executable, "-c", "import django; from django.conf import settings; django.setup()"],
        cwd=REPO,
        env={**env, "DJANGO_SETTINGS_MODULE": "lms.settings"},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_without_a_broker_tasks_run_in_process():
    env = {k: v for k, v in os.environ.items() if not k.startswith("CELERY_")}
    code = "import django; django.setup(); from lms.celery import ping; print(ping.delay().get())"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**env, "DJANGO_SETTINGS_MODULE": "lms.settings", "DEBUG": "true"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "pong"


def test_production_settings_pass_check_deploy():
    drop = {
        "DEBUG",
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_HSTS_SECONDS",
        "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser tests in this process; never in production
    }
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(
        SECRET_KEY="a-production-like-secret-key-with-plenty-of-entropy-9f8e7d6c5b4a3210",
        ALLOWED_HOSTS="lms.example.com",
        CSRF_TRUSTED_ORIGINS="https://lms.example.com",
        CREDENTIALS_SIGNING_KEY="nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",  # a throwaway key
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_ci_fails_when_chromium_is_missing(tmp_path):
    """With CI=true, a run that would have to skip the browser tests stops with an error instead."""
    env = {**os.environ, "CI": "true", "CHROMIUM_PATH": str(tmp_path / "no-chromium")}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", "tests/e2e/"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "CI=true and Chromium is missing" in result.stdout + result.stderr
