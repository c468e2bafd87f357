#!/usr/bin/env bash
# Make sure PostgreSQL (the server of $DATABASE_URL, default postgres://postgres@127.0.0.1:5432/lms) and
# Redis (127.0.0.1:6379) answer; start them, or install them with apt-get when missing and running as
# root (and Chromium, nginx, bubblewrap and GNU gettext, which the tests use). Prints the database URL the tests can log in with (and nothing else on standard output).
#
# A server that asks for a password on TCP (Debian's packaged PostgreSQL: scram-sha-256 for
# 127.0.0.1), when the URL holds none and PGPASSWORD is unset: as root, through the local socket as
# the `postgres` OS user, the role TEST_DATABASE_ROLE (default lms_test; LOGIN CREATEDB, not a
# superuser) is created or given the password kept in TEST_DATABASE_PASSWORD_FILE (default
# .test-database-password, mode 600, generated once), and the URL printed names that role and password.
# Running it again changes nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

database_url=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/lms}
role=${TEST_DATABASE_ROLE:-lms_test}
password_file=${TEST_DATABASE_PASSWORD_FILE:-$PWD/.test-database-password}

say() { echo "services: $*" >&2; }

# user, password, host, port, database of a postgres:// URL (percent-decoded), one a line
url_parts() {
  python3 - "$1" <<'EOF'
import sys
from urllib.parse import unquote, urlsplit

url = urlsplit(sys.argv[1])
for part in (url.username or "", url.password or "", url.hostname or "127.0.0.1", str(url.port or 5432), url.path.lstrip("/")):
    print(unquote(part))
EOF
}

# The same URL with another user and password (percent-encoded).
url_with_login() {
  python3 - "$1" "$2" "$3" <<'EOF'
import sys
from urllib.parse import quote, urlsplit, urlunsplit

url, user, password = urlsplit(sys.argv[1]), sys.argv[2], sys.argv[3]
netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{url.hostname}:{url.port or 5432}"
print(urlunsplit(url._replace(netloc=netloc)))
EOF
}

# The server's maintenance database, which always exists: the tests create their own databases.
maintenance_url() {
  python3 - "$1" <<'EOF'
import sys
from urllib.parse import urlsplit, urlunsplit

print(urlunsplit(urlsplit(sys.argv[1])._replace(path="/postgres")))
EOF
}

{ read -r pg_user; read -r pg_password; read -r pg_host; read -r pg_port; read -r _; } < <(url_parts "$database_url")

pg_up() { command -v pg_isready >/dev/null && pg_isready -q -h "$pg_host" -p "$pg_port"; }
redis_up() { command -v redis-cli >/dev/null && [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = "PONG" ]; }
logs_in() { PGCONNECT_TIMEOUT=5 psql "$(maintenance_url "$1")" -XAtqc 'SELECT 1' >/dev/null 2>&1; }

apt_install() {
  if [ "$(id -u)" != 0 ]; then
    say "$* missing and not root: install it or start it yourself"
    exit 1
  fi
  say "installing $*"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq "$@" >/dev/null
}

wait_for() {
  local what=$1 check=$2
  for _ in $(seq 1 30); do
    if $check; then return 0; fi
    sleep 1
  done
  say "$what did not come up"
  exit 1
}

if ! pg_up; then
  command -v pg_ctlcluster >/dev/null || apt_install postgresql
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start >&2 || true
  wait_for PostgreSQL pg_up
fi
if ! redis_up; then
  command -v redis-server >/dev/null || apt_install redis-server
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
  wait_for Redis redis_up
fi
if ! command -v chromium >/dev/null; then
  # The browser tests drive Debian's Chromium (never a downloaded browser build).
  if [ "$(id -u)" = 0 ]; then apt_install chromium; else say "no chromium: browser tests will skip"; fi
fi
if ! command -v bwrap >/dev/null; then
  # The code exercises' sandbox (exercises/sandbox.py) runs learners' code under bubblewrap.
  if [ "$(id -u)" = 0 ]; then apt_install bubblewrap; else say "no bubblewrap: sandbox tests will skip"; fi
fi
if ! command -v msgfmt >/dev/null || ! command -v xgettext >/dev/null || ! command -v msgmerge >/dev/null; then
  # tests/test_translations.py extracts the marked strings as scripts/messages.sh does (GNU gettext).
  if [ "$(id -u)" = 0 ]; then apt_install gettext; else say "no gettext: the catalogue test will skip"; fi
fi
if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
  # tests/test_nginx.py runs Debian's nginx in front of gunicorn.
  if [ "$(id -u)" = 0 ]; then apt_install nginx; else say "no nginx: its tests will skip"; fi
fi

if ! logs_in "$database_url"; then
  if [ -n "$pg_password" ] || [ -n "${PGPASSWORD:-}" ]; then
    say "PostgreSQL refuses $pg_user@$pg_host:$pg_port with the password given"
    exit 1
  fi
  if [ "$(id -u)" != 0 ] || ! id postgres >/dev/null 2>&1; then
    say "PostgreSQL on $pg_host:$pg_port asks $pg_user for a password: put one in TEST_DATABASE_URL"
    say "(postgres://user:password@host:port/db) or PGPASSWORD, or run this as root to set up a test role"
    exit 1
  fi
  if [ ! -s "$password_file" ]; then
    (umask 077 && python3 -c 'import secrets; print(secrets.token_urlsafe(24))' >"$password_file")
  fi
  password=$(head -n 1 "$password_file")
  login_url=$(url_with_login "$database_url" "$role" "$password")
  if ! logs_in "$login_url"; then
    say "PostgreSQL asks for a password on TCP: setting up the role $role (password in $password_file)"
    # Through the local socket as the postgres OS user (peer authentication); psql quotes the values.
    (cd / && runuser -u postgres -- psql -p "$pg_port" -XAtq -v ON_ERROR_STOP=1 -v role="$role" -v password="$password") \
      >/dev/null <<'EOF'
SELECT format('CREATE ROLE %I', :'role') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \gexec
ALTER ROLE :"role" WITH LOGIN CREATEDB NOSUPERUSER PASSWORD :'password';
EOF
    if ! logs_in "$login_url"; then
      say "the role $role still cannot log in on $pg_host:$pg_port (pg_hba.conf?)"
      exit 1
    fi
  fi
  database_url=$login_url
fi

say "PostgreSQL and Redis are up"
echo "$database_url"
