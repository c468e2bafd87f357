#!/usr/bin/env bash
# The run command: sets up on the embedded default (SQLite, tasks in-process, console e-mail),
# loads the curriculum, prints demo accounts and serves on 127.0.0.1:$PORT (8000 by default).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check -r requirements.txt

# A local run (development keys, plain HTTP, optional e-mail verification, static files from the source
# folders) with DEBUG off: a 404 or 500 shows the product's own page, not Django's debug page listing
# every URL. DEBUG=true ./scripts/run.sh brings the debug pages back.
export LOCAL=true DEBUG=${DEBUG:-false}
# Links in e-mails and the calendar feed are absolute: they name the address this server answers on.
export PORT=${PORT:-8000}
export SITE_URL=${SITE_URL:-http://127.0.0.1:$PORT}
export DATABASE_URL=${DATABASE_URL:-sqlite:///db.sqlite3}
unset CELERY_BROKER_URL CELERY_RESULT_BACKEND

"$VENV/bin/python" manage.py migrate --noinput
"$VENV/bin/python" manage.py load_curriculum fixtures/curriculum.json fixtures/starter_quizzes.json fixtures/projects.json
"$VENV/bin/python" manage.py create_demo_accounts
exec "$VENV/bin/python" manage.py runserver "127.0.0.1:$PORT"
