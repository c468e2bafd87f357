#!/usr/bin/env bash
# Back up the LMS database with pg_dump, in PostgreSQL's custom format (compressed; pg_restore reads it).
#
#   scripts/backup.sh [--compose] [FILE]
#
# --compose   dump the `postgres` service of docker-compose.yml (docker compose exec; POSTGRES_USER and
#             POSTGRES_DB, default lms/lms), run from the directory holding the compose file
# otherwise   dump $DATABASE_URL (from the environment, else from .env), with the local pg_dump
# FILE        default: backups/lms-<UTC date and time>.dump
#
# The dump holds everything (schema, curriculum, users, progress, submissions, audit log, beat
# schedules), without owners or privileges, so it restores into any database: see scripts/restore.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

compose=false
if [ "${1:-}" = "--compose" ]; then compose=true; shift; fi
file=${1:-backups/lms-$(date -u +%Y%m%d-%H%M%S).dump}
mkdir -p "$(dirname "$file")"
tmp="$file.partial"
trap 'rm -f "$tmp"' EXIT

if $compose; then
  docker compose exec -T postgres \
    pg_dump --username="${POSTGRES_USER:-lms}" --dbname="${POSTGRES_DB:-lms}" --format=custom --no-owner --no-privileges \
    >"$tmp"
else
  if [ -z "${DATABASE_URL:-}" ] && [ -f .env ]; then
    DATABASE_URL=$(sed -n 's/^DATABASE_URL=//p' .env | tail -n 1)
  fi
  case "${DATABASE_URL:-}" in
    postgres://* | postgresql://*) ;;
    *) echo "backup: DATABASE_URL must point at PostgreSQL (got '${DATABASE_URL:-}')" >&2; exit 2 ;;
  esac
  pg_dump --dbname="$DATABASE_URL" --format=custom --no-owner --no-privileges --file="$tmp"
fi

mv "$tmp" "$file"  # only a complete dump gets the name
echo "backup: wrote $file ($(du -h "$file" | cut -f1))"
