#!/usr/bin/env bash
# Starts (or stops) a throw-away PostgreSQL 15 cluster and Redis 7 on 127.0.0.1 for the PostgreSQL + Redis test run.
# Usage: scripts/test-services.sh start|stop|stop-postgres|start-postgres|stop-redis|start-redis|running
# (running prints which of "postgres" and "redis" are up on their ports, one a line)
# Prints nothing on success; the suite finds them through PALISADE_TEST_POSTGRES / PALISADE_TEST_REDIS.
set -euo pipefail
PG_PORT="${PALISADE_TEST_PG_PORT:-55432}"
REDIS_PORT="${PALISADE_TEST_REDIS_PORT:-56379}"
ROOT="${PALISADE_TEST_SERVICES_DIR:-/tmp/palisade-test-services}"
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)

as_postgres() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }

start_postgres() {
  mkdir -p "$ROOT"
  if [ ! -s "$ROOT/pg/PG_VERSION" ]; then
    mkdir -p "$ROOT/pg" && chown postgres:postgres "$ROOT/pg" 2>/dev/null || true
    chmod 700 "$ROOT/pg"
    as_postgres "$PGBIN/initdb -D $ROOT/pg -U postgres --auth=trust -E UTF8 >/dev/null"
  fi
  if ! as_postgres "$PGBIN/pg_ctl -D $ROOT/pg status >/dev/null 2>&1"; then
    as_postgres "$PGBIN/pg_ctl -D $ROOT/pg -l $ROOT/pg/server.log -w -t 30 start -o \"-p $PG_PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=on -c max_connections=400\" >/dev/null"
    STARTED_POSTGRES=1
  fi
}

# Test databases an earlier run left behind (p_ per data folder, c_ per cluster test; ~8 MB each). Only when the
# suite itself starts the server (not on the fault tests' restarts, whose own database is in use).
drop_leftover_databases() {
  for db in $(as_postgres "$PGBIN/psql -h 127.0.0.1 -p $PG_PORT -U postgres -Atc \"SELECT datname FROM pg_database WHERE datname ~ '^[pc]_[0-9a-f]{16}\$'\""); do
    as_postgres "$PGBIN/psql -h 127.0.0.1 -p $PG_PORT -U postgres -qc 'DROP DATABASE IF EXISTS \"$db\"'" >/dev/null
  done
}

stop_postgres() {
  as_postgres "$PGBIN/pg_ctl -D $ROOT/pg -m fast -w stop >/dev/null 2>&1" || true
}

start_redis() {
  mkdir -p "$ROOT"
  if ! redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --save '' --appendonly no \
      --pidfile "$ROOT/redis.pid" --logfile "$ROOT/redis.log" >/dev/null
    for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  fi
}

stop_redis() {
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
}

running() {
  if as_postgres "$PGBIN/pg_ctl -D $ROOT/pg status >/dev/null 2>&1"; then echo postgres; fi
  if redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then echo redis; fi
}

case "${1:-start}" in
  start) STARTED_POSTGRES=0; start_postgres; if [ "$STARTED_POSTGRES" = 1 ]; then drop_leftover_databases || true; fi; start_redis ;;
  stop) stop_postgres; stop_redis ;;
  start-postgres) start_postgres ;;
  stop-postgres) stop_postgres ;;
  start-redis) start_redis ;;
  stop-redis) stop_redis ;;
  running) running ;;
  *) echo "usage: $0 start|stop|start-postgres|stop-postgres|start-redis|stop-redis|running" >&2; exit 2 ;;
esac
