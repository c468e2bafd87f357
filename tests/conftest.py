"""Shared fixtures: the curriculum in the test database, and one user of every role."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from tests.factories import MentorFactory, StaffFactory, UserFactory
from tests.redis_server import own_redis  # noqa: F401 (a fixture for every test module)

# The roles every permission test covers, in the column order of their expectation tables.
ROLES = ("anonymous", "learner", "other_learner", "mentor", "other_mentor", "staff")

REPO = Path(settings.BASE_DIR)
CURRICULUM_FIXTURES = [REPO / "fixtures" / "curriculum.json", REPO / "fixtures" / "starter_quizzes.json"]
IN_CI = os.environ.get("CI", "").lower() == "true"


def load_curriculum() -> None:
    call_command("load_curriculum", *CURRICULUM_FIXTURES, verbosity=0)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the curriculum once; every test's transaction rolls back to it."""
    with django_db_blocker.unblock():
        load_curriculum()


@pytest.fixture
def curriculum_tx(transactional_db):
    """For transactional tests, which flush the database after each test: load the curriculum again."""
    from curriculum.models import Week

    if not Week.objects.exists():
        load_curriculum()


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    """PBKDF2 takes ~0.25 s a password here, and every user a test makes has one (Django's advice for
    test suites). Production keeps Django's hashers; the log-in, sign-up and password-change tests
    still hash and check real passwords, with this hasher."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters (allauth, DRF throttles) live in the cache: no test inherits another's."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def learner(db):
    return UserFactory(username="learner")


@pytest.fixture
def other_learner(db):
    return UserFactory(username="other_learner")


@pytest.fixture
def mentor(db):
    return MentorFactory(username="mentor")


@pytest.fixture
def other_mentor(db):
    return MentorFactory(username="other_mentor")


@pytest.fixture
def staff(db):
    return StaffFactory(username="staff")


def redis_broker_or_skip() -> None:
    """Celery tests need the Redis broker; in CI its absence is a failure, not a skip."""
    import redis

    url = settings.CELERY_BROKER_URL
    if not url.startswith("redis://"):
        if IN_CI:
            pytest.fail("CELERY_BROKER_URL must point at Redis in CI")
        pytest.skip("CELERY_BROKER_URL is not Redis")
    try:
        redis.Redis.from_url(url).ping()
    except redis.ConnectionError:
        if IN_CI:
            raise
        pytest.skip("Redis is not reachable")


@pytest.fixture
def celery_worker(curriculum_tx):
    """A real Celery worker, in a thread of this process, consuming from the Redis broker."""
    from celery.contrib.testing.worker import start_worker

    from lms.celery import app

    redis_broker_or_skip()
    app.control.purge()
    with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, loglevel="WARNING"):
        yield app


@pytest.fixture
def celery_eager():
    """Run tasks in-process for a test that is about what the task does, not about the broker."""
    from lms.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = before
