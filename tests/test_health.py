"""/health/ and `python -m lms.health` (lms/health.py): the database, the cache, the broker and how long
ago beat last ran; JSON, 503 when something is down, nothing secret in the output."""

import json
import os
import subprocess
import sys
import time
from datetime import timedelta
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from lms.health import main
from tests.conftest import REPO, redis_broker_or_skip
from tests.network import free_port


@pytest.fixture
def beat_ran(db):
    """Beat last sent a task `ago` seconds ago (django-celery-beat stores it per task)."""

    def ran(ago: float) -> None:
        PeriodicTask.objects.update(last_run_at=None)
        task = PeriodicTask.objects.filter(enabled=True).first()
        assert task is not None  # the schedules the migrations create
        task.last_run_at = timezone.now() - timedelta(seconds=ago)
        task.save()

    return ran


@pytest.fixture
def broker():
    redis_broker_or_skip()


@pytest.mark.usefixtures("broker")
def test_everything_up_is_a_200_with_every_check(client, beat_ran):
    beat_ran(30)
    response = client.get("/health/")
    assert response.status_code == 200
    report = response.json()
    assert report["status"] == "ok"
    assert set(report["checks"]) == {"database", "cache", "broker", "beat"}
    assert {check["status"] for check in report["checks"].values()} == {"ok"}
    assert 29 <= report["checks"]["beat"]["last_ran_seconds_ago"] <= 40
    assert response["Cache-Control"] == "no-store"


@pytest.mark.usefixtures("broker")
def test_a_beat_that_stopped_is_a_503(client, beat_ran):
    beat_ran(settings.HEALTH_BEAT_MAX_AGE_SECONDS + 60)
    response = client.get("/health/")
    assert response.status_code == 503
    report = response.json()
    assert report["status"] == "down"
    assert report["checks"]["beat"]["status"] == "down"
    assert report["checks"]["database"]["status"] == "ok"


@pytest.mark.usefixtures("broker")
def test_a_beat_that_never_ran_is_down(client, db):
    PeriodicTask.objects.update(last_run_at=None)
    response = client.get("/health/?check=beat")
    assert response.status_code == 503
    assert response.json()["checks"]["beat"]["status"] == "down"
    assert response.json()["checks"]["beat"]["error"] == "LookupError"


def test_some_checks_by_name_and_unknown_names_are_a_400(client, db):
    response = client.get("/health/?check=database,cache")
    assert response.status_code == 200
    assert set(response.json()["checks"]) == {"database", "cache"}
    response = client.get("/health/?check=database,secrets")
    assert response.status_code == 400
    assert response.json() == {"detail": "Unknown check: secrets."}


def dead_redis_url(password: str) -> str:
    return f"redis://:{password}@127.0.0.1:{free_port()}/0"


def test_a_broker_down_is_a_503_that_names_no_secret(client, db, monkeypatch):
    url = dead_redis_url("broker-s3cret")
    monkeypatch.setattr(settings, "CELERY_TASK_ALWAYS_EAGER", False)
    monkeypatch.setattr(settings, "CELERY_BROKER_URL", url)
    started = time.monotonic()
    response = client.get("/health/?check=database,broker")
    assert time.monotonic() - started < 10
    assert response.status_code == 503
    report = response.json()
    assert report["checks"]["database"]["status"] == "ok"
    assert report["checks"]["broker"]["status"] == "down"
    assert report["checks"]["broker"]["error"]
    body = response.content.decode()
    assert "s3cret" not in body
    assert "127.0.0.1" not in body


def test_a_cache_down_is_a_503_that_names_no_secret(client, db, settings):
    url = dead_redis_url("cache-s3cret")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    response = client.get("/health/?check=cache")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"]["status"] == "down"
    assert "s3cret" not in response.content.decode()
    assert "127.0.0.1" not in response.content.decode()


def test_the_command_line_exits_with_the_status(db, capsys, beat_ran):
    beat_ran(settings.HEALTH_BEAT_MAX_AGE_SECONDS + 60)
    assert main(["database"]) == 0
    assert json.loads(capsys.readouterr().out)["checks"]["database"]["status"] == "ok"
    assert main(["beat"]) == 1
    assert json.loads(capsys.readouterr().out)["status"] == "down"


def test_the_compose_healthchecks_command_runs_as_a_module(db):
    """`python -m lms.health database`, as the worker's healthcheck runs it, against this run's database."""
    name = settings.DATABASES["default"]["NAME"]
    database_url = os.environ.get("DATABASE_URL", "")
    environment = dict(os.environ)
    if database_url.startswith("postgres"):
        environment["DATABASE_URL"] = urlunsplit(urlsplit(database_url)._replace(path=f"/{name}"))
    else:
        environment["DATABASE_URL"] = f"sqlite:///{name}"
    ok = subprocess.run(
        [sys.executable, "-m", "lms.health", "database"],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert json.loads(ok.stdout)["checks"]["database"]["status"] == "ok"
    unknown = subprocess.run(
        [sys.executable, "-m", "lms.health", "everything"],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert unknown.returncode == 2
    assert "unknown check everything" in unknown.stderr
