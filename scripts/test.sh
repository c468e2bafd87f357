#!/usr/bin/env bash
# The test command: installs what the tests need, makes sure PostgreSQL and Redis run, lints, runs the suite.
set -euo pipefail
cd "$(dirname "$0")/.."

# The database URL the tests log in with: TEST_DATABASE_URL, or, where PostgreSQL asks for a password on
# TCP and none is given, a test role with one (scripts/services.sh sets it up, once).
DATABASE_URL=$(DATABASE_URL=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/lms} bash scripts/services.sh)
export DATABASE_URL

PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt

export CELERY_BROKER_URL=${TEST_CELERY_BROKER_URL:-redis://127.0.0.1:6379/14}
export CELERY_RESULT_BACKEND=$CELERY_BROKER_URL
# The shared cache, as in production: sessions, rate limits and throttles shared across processes.
export CACHE_URL=${TEST_CACHE_URL:-redis://127.0.0.1:6379/15}
export SECRET_KEY=${SECRET_KEY:-test-only-secret-key-that-is-long-enough-for-django-checks-0123456789}
export DEBUG=false SECURE_SSL_REDIRECT=false CONN_MAX_AGE=0
export ALLOWED_HOSTS="localhost,127.0.0.1,testserver"

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy .
.venv/bin/python manage.py collectstatic --noinput -v0
# One test process per core (pytest-xdist; TEST_PROCESSES to change it): each has its own database
# (pytest-django) and Redis databases (tests/worker_services.py).
.venv/bin/pytest -n "${TEST_PROCESSES:-auto}" --maxprocesses 8 "$@"
