#!/usr/bin/env bash
# Starts a throwaway PostgreSQL on 127.0.0.1:${PGPORT:-55432} (installing Debian's server if missing)
# and prints the JDBC URL for tests: export BUDGETBOT_TEST_PG_URL=$(bash .ci/start-postgres.sh)
# PGDATA_DIR (default /tmp/budgetbot-pg-$PGPORT) holds its data: a new folder is initialised, one that a stopped
# server left is started as it was (tests stop and restart a server to see the bot through an outage).
set -euo pipefail
port=${PGPORT:-55432}
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/postgres" ]; then
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; } 1>&2
  bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi
data=${PGDATA_DIR:-/tmp/budgetbot-pg-$port}
id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
run() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
if ! "$bindir/pg_isready" -h 127.0.0.1 -p "$port" -q; then
  fresh=
  if [ ! -f "$data/PG_VERSION" ]; then
    rm -rf "$data"; mkdir -p "$data"; chown postgres "$data" 2>/dev/null || true
    run "'$bindir/initdb' -D '$data' -U postgres --auth=trust -E UTF8" >/dev/null
    fresh=1
  fi
  run "'$bindir/pg_ctl' -D '$data' -l '$data/log' -o \"-p $port -k /tmp -c listen_addresses=127.0.0.1\" -w start" >/dev/null
  if [ -n "$fresh" ]; then
    run "'$bindir/psql' -h 127.0.0.1 -p $port -U postgres -qc 'CREATE DATABASE budgetbot_test'" >/dev/null
  fi
fi
echo "jdbc:postgresql://127.0.0.1:$port/budgetbot_test?user=postgres"
