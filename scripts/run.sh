#!/usr/bin/env bash
# The run command: sets up on the embedded default (SQLite, console e-mail, a broker that is a directory),
# loads the curriculum, prints demo accounts and serves on 127.0.0.1:$PORT (8000 by default), with a
# Celery worker and beat beside the server so that the periodic jobs run too (reminders, standings, the
# e-mail outbox's sweep): a demo left up for a week stays true.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}

if [ ! -x "$VENV/bin/python" ]; then
  if ! command -v "$PYTHON" >/dev/null 2>&1; then
    echo "run: no $PYTHON found: install Python 3.11 or newer (Debian/Ubuntu: apt-get install python3 python3-venv)" >&2
    exit 1
  fi
  version=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || echo unknown)
  if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "run: Python 3.11 or newer is needed; $PYTHON is $version (set PYTHON=/path/to/python3.11 or newer)" >&2
    exit 1
  fi
  # Debian and Ubuntu ship venv's pip bootstrap (ensurepip) in a package of its own.
  if ! "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null; then
    echo "run: Python's venv module is missing: install it (Debian/Ubuntu: apt-get install python3-venv, or python$version-venv)" >&2
    exit 1
  fi
  "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --disable-pip-version-check -r requirements.txt

# A local run (development keys, plain HTTP, optional e-mail verification, static files from the source
# folders) with DEBUG off: a 404 or 500 shows the product's own page, not Django's debug page listing
# every URL. DEBUG=true ./scripts/run.sh brings the debug pages back.
export LOCAL=true DEBUG=${DEBUG:-false}
# Links in e-mails and the calendar feed are absolute: they name the address this server answers on.
export PORT=${PORT:-8000}
export SITE_URL=${SITE_URL:-http://127.0.0.1:$PORT}
export DATABASE_URL=${DATABASE_URL:-sqlite:///db.sqlite3}
# Tasks go through kombu's filesystem transport (CELERY_FILESYSTEM_BROKER_DIR, default .celery-broker/):
# no server to install; the worker below takes them.
export CELERY_BROKER_URL=filesystem://
unset CELERY_RESULT_BACKEND

"$VENV/bin/python" manage.py migrate --noinput
"$VENV/bin/python" manage.py load_curriculum fixtures/curriculum.json fixtures/starter_quizzes.json fixtures/projects.json fixtures/exercises.json
"$VENV/bin/python" manage.py create_demo_accounts

# The worker with beat (schedules from the database, as in production), stopped with the server.
"$VENV/bin/celery" -A lms worker --beat --pool=solo --without-mingle --without-gossip \
  --loglevel="${CELERY_LOG_LEVEL:-INFO}" &
worker=$!
trap 'kill "$worker" 2>/dev/null || true; wait "$worker" 2>/dev/null || true' EXIT
trap 'exit 130' INT TERM
echo "run: worker and beat running (pid $worker)"
"$VENV/bin/python" manage.py runserver "127.0.0.1:$PORT"
