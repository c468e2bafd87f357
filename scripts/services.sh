#!/usr/bin/env bash
# Make sure PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) answer; start them, or install them
# with apt-get when missing and running as root (and Chromium and bubblewrap, which the tests use).
set -euo pipefail

pg_up() { command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432; }
redis_up() { command -v redis-cli >/dev/null && [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = "PONG" ]; }

apt_install() {
  if [ "$(id -u)" != 0 ]; then
    echo "services: $* missing and not root: install it or start it yourself" >&2
    exit 1
  fi
  echo "services: installing $*"
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
  echo "services: $what did not come up" >&2
  exit 1
}

if ! pg_up; then
  command -v pg_ctlcluster >/dev/null || apt_install postgresql
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start || true
  wait_for PostgreSQL pg_up
fi
if ! redis_up; then
  command -v redis-server >/dev/null || apt_install redis-server
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
  wait_for Redis redis_up
fi
if ! command -v chromium >/dev/null; then
  # The browser tests drive Debian's Chromium (never a downloaded browser build).
  if [ "$(id -u)" = 0 ]; then apt_install chromium; else echo "services: no chromium: browser tests will skip" >&2; fi
fi
if ! command -v bwrap >/dev/null; then
  # The code exercises' sandbox (exercises/sandbox.py) runs learners' code under bubblewrap.
  if [ "$(id -u)" = 0 ]; then apt_install bubblewrap; else echo "services: no bubblewrap: sandbox tests will skip" >&2; fi
fi
echo "services: PostgreSQL and Redis are up"
