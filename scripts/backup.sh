#!/usr/bin/env bash
# Back up the LMS: the database with pg_dump, in PostgreSQL's custom format (compressed; pg_restore reads
# it), and the stored files — project attachments and certificates' PDFs, in MEDIA_ROOT or the S3
# bucket (PROJECT_FILES_S3_BUCKET) — as a tar archive beside it (lms/media_backup.py).
#
#   scripts/backup.sh [--compose] [FILE]
#
# --compose   the `postgres` service of docker-compose.yml (docker compose exec; POSTGRES_USER and
#             POSTGRES_DB, default lms/lms) and the files as the `web` service sees them (a one-off
#             container with its volumes), run from the directory holding the compose file
# otherwise   $DATABASE_URL (from the environment, else from .env) with the local pg_dump, and the
#             files of the settings' storage (MEDIA_ROOT, or the bucket) with this checkout's Python
# FILE        default: backups/lms-<UTC date and time>.dump; the files go to FILE without .dump,
#             plus .files.tar.gz (backups/lms-<UTC date and time>.files.tar.gz)
#
# The dump holds the schema and every row (curriculum, users, progress, submissions, audit log, beat
# schedules), without owners or privileges, so it restores into any database; the archive holds every
# stored file under its stored name. scripts/restore.sh puts both back.
set -euo pipefail
cd "$(dirname "$0")/.."

compose=false
if [ "${1:-}" = "--compose" ]; then compose=true; shift; fi
file=${1:-backups/lms-$(date -u +%Y%m%d-%H%M%S).dump}
files="${file%.dump}.files.tar.gz"
mkdir -p "$(dirname "$file")"
tmp="$file.partial"
files_tmp="$files.partial"
trap 'rm -f "$tmp" "$files_tmp"' EXIT
python=python3
[ -x .venv/bin/python ] && python=.venv/bin/python

if $compose; then
  docker compose exec -T postgres \
    pg_dump --username="${POSTGRES_USER:-lms}" --dbname="${POSTGRES_DB:-lms}" --format=custom --no-owner --no-privileges \
    >"$tmp"
  docker compose run --rm --no-deps -T web python -m lms.media_backup archive - >"$files_tmp"
else
  if [ -z "${DATABASE_URL:-}" ] && [ -f .env ]; then
    DATABASE_URL=$(sed -n 's/^DATABASE_URL=//p' .env | tail -n 1)
  fi
  case "${DATABASE_URL:-}" in
    postgres://* | postgresql://*) ;;
    *) echo "backup: DATABASE_URL must point at PostgreSQL (got '${DATABASE_URL:-}')" >&2; exit 2 ;;
  esac
  pg_dump --dbname="$DATABASE_URL" --format=custom --no-owner --no-privileges --file="$tmp"
  DATABASE_URL=$DATABASE_URL "$python" -m lms.media_backup archive "$files_tmp"
fi

# Only complete copies get their names.
mv "$tmp" "$file"
mv "$files_tmp" "$files"
echo "backup: wrote $file ($(du -h "$file" | cut -f1)) and $files ($(du -h "$files" | cut -f1))"
