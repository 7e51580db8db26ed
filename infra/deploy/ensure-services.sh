#!/usr/bin/env bash
# Make sure PostgreSQL and Redis are running on 127.0.0.1 (install them from Debian's
# packages if they are missing). Exits non-zero if either cannot be brought up.
set -euo pipefail

pg_up() { pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v pg_ctlcluster >/dev/null || ! command -v redis-server >/dev/null; then
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql redis-server >/dev/null
fi

if ! pg_up; then
  echo "starting PostgreSQL" >&2
  as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start || true
  for _ in $(seq 1 30); do pg_up && break; sleep 1; done
fi
if ! redis_up; then
  echo "starting Redis" >&2
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
  for _ in $(seq 1 30); do redis_up && break; sleep 1; done
fi

pg_up || { echo "PostgreSQL is not reachable on 127.0.0.1:5432" >&2; exit 1; }
redis_up || { echo "Redis is not reachable on 127.0.0.1:6379" >&2; exit 1; }
# Tests connect as postgres without a password (trust on loopback, as on the dev machines).
psql -h 127.0.0.1 -U postgres -d postgres -Atc "SELECT 1" >/dev/null \
  || { echo "cannot connect to PostgreSQL as user postgres (trust auth expected on 127.0.0.1)" >&2; exit 1; }
# The PostgreSQL leg runs several server processes at once (the split-process tests: web,
# projections, worker and scheduler, each with its connection pools, the audit chain's and
# the projections' LISTEN threads): more than the default 100 connections. Raise the local
# cluster's limit once (a restart, before any test runs).
if [ "$(psql -h 127.0.0.1 -U postgres -d postgres -Atc "SHOW max_connections")" -lt 300 ]; then
  echo "raising PostgreSQL's max_connections to 300 (restart)" >&2
  psql -h 127.0.0.1 -U postgres -d postgres -qAtc "ALTER SYSTEM SET max_connections = 300"
  as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main restart
  for _ in $(seq 1 30); do pg_up && break; sleep 1; done
  pg_up || { echo "PostgreSQL did not come back after raising max_connections" >&2; exit 1; }
fi
echo "PostgreSQL and Redis are up" >&2
