#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh: the dump replaces what the database holds, in one
# transaction (an error leaves the database as it was); then the stored files of the archive beside it
# (FILE without .dump, plus .files.tar.gz) are put back under their names (lms/media_backup.py; files
# the archive does not hold are left alone).
#
#   scripts/restore.sh [--compose] [--yes] FILE
#
# --compose   restore into the `postgres` service of docker-compose.yml (POSTGRES_USER / POSTGRES_DB,
#             default lms/lms) and the `web` service's files; stop the app first:
#             docker compose stop nginx web worker beat
# otherwise   restore into $DATABASE_URL (from the environment, else from .env); the database must
#             exist (createdb it first when restoring onto a new server)
# --yes       do not ask for confirmation
set -euo pipefail
cd "$(dirname "$0")/.."

compose=false
yes=false
while [ $# -gt 0 ]; do
  case "$1" in
    --compose) compose=true; shift ;;
    --yes) yes=true; shift ;;
    -*) echo "restore: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
file=${1:?usage: scripts/restore.sh [--compose] [--yes] FILE}
[ -f "$file" ] || { echo "restore: no such file: $file" >&2; exit 2; }
files="${file%.dump}.files.tar.gz"
python=python3
[ -x .venv/bin/python ] && python=.venv/bin/python

if $compose; then
  target="the compose service postgres (database ${POSTGRES_DB:-lms})"
else
  if [ -z "${DATABASE_URL:-}" ] && [ -f .env ]; then
    DATABASE_URL=$(sed -n 's/^DATABASE_URL=//p' .env | tail -n 1)
  fi
  case "${DATABASE_URL:-}" in
    postgres://* | postgresql://*) ;;
    *) echo "restore: DATABASE_URL must point at PostgreSQL (got '${DATABASE_URL:-}')" >&2; exit 2 ;;
  esac
  rest=${DATABASE_URL%%\?*}
  rest=${rest#*://}
  rest=${rest#*@}  # no user name or password in messages
  target="database ${rest##*/} on ${rest%%/*}"
fi

if ! $yes; then
  read -r -p "Replace everything in $target with $file? [y/N] " answer
  case "$answer" in y | Y | yes) ;; *) echo "restore: nothing done"; exit 1 ;; esac
fi

options=(--clean --if-exists --no-owner --no-privileges --single-transaction --exit-on-error)
if $compose; then
  docker compose exec -T postgres \
    pg_restore --username="${POSTGRES_USER:-lms}" --dbname="${POSTGRES_DB:-lms}" "${options[@]}" <"$file"
else
  pg_restore --dbname="$DATABASE_URL" "${options[@]}" "$file"
fi
echo "restore: $target now holds $file"

if [ ! -f "$files" ]; then
  echo "restore: no $files beside the dump (a backup from before files were backed up): stored files left as they are" >&2
  exit 0
fi
if $compose; then
  docker compose run --rm --no-deps -T web python -m lms.media_backup restore - <"$files"
else
  DATABASE_URL=$DATABASE_URL "$python" -m lms.media_backup restore "$files"
fi
echo "restore: the stored files of $files are back"
