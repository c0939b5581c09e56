# Shared steps of the bench/*/run.sh scripts (sourced, not run): a work folder that goes away on exit with the
# processes the script started, a free loopback port, the CLI to run, and the wait for a server's /healthz.
# shellcheck shell=bash

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_PIDS=()
BENCH_DB=""
STORE_ARGS=()
SERVE_ARGS=()

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

# bench_work NAME: a fresh folder in $WORK. On exit every process in BENCH_PIDS is stopped, bench_on_exit runs when
# the script defines it, and the folder is removed (KEEP=1 keeps it and says where).
bench_work() {
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/palisade-bench-$1.XXXXXX")
  trap bench_exit EXIT
}

bench_exit() {
  local pid
  for pid in "${BENCH_PIDS[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  if declare -F bench_on_exit >/dev/null; then bench_on_exit || true; fi
  if [[ -n "$BENCH_DB" ]]; then
    psql -h 127.0.0.1 -p "${PALISADE_TEST_PG_PORT:-55432}" -U postgres -qc "DROP DATABASE IF EXISTS $BENCH_DB" >/dev/null 2>&1 || true
  fi
  if [[ -z "${KEEP:-}" ]]; then rm -rf "$WORK"; else echo "kept $WORK" >&2; fi
}

# A TCP port nothing listens on (the kernel picks it).
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# bench_cli: PALISADE (an array) runs the `palisade` command of this tree, built now in Release, or the build named
# by PALISADE_DLL (another tree's palisade.dll, for before/after runs).
bench_cli() {
  if [[ -n "${PALISADE_DLL:-}" ]]; then
    PALISADE=(dotnet "$PALISADE_DLL")
    return
  fi
  log "building the CLI (Release)"
  dotnet build "$ROOT/src/Palisade.Cli" -c Release -v quiet -nologo >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; exit 1; }
  PALISADE=(dotnet "$ROOT/src/Palisade.Cli/bin/Release/net10.0/palisade.dll")
}

# wait_healthy BASE PID LOG: returns once BASE/healthz answers; exits with the server's log when the process ends
# or 60 s pass.
wait_healthy() {
  local i
  for ((i = 0; i < 1200; i++)); do
    curl -fs "$1/healthz" >/dev/null 2>&1 && return 0
    kill -0 "$2" 2>/dev/null || { echo "the server exited:" >&2; cat "$3" >&2; exit 1; }
    sleep 0.05
  done
  echo "the server did not answer $1/healthz within 60 s:" >&2
  cat "$3" >&2
  exit 1
}

# bench_backend NAME: with BACKEND=postgres, a fresh database on the test PostgreSQL (scripts/test-services.sh, started
# if it is not running; PALISADE_TEST_PG_PORT, PALISADE_TEST_REDIS_PORT) with Redis beside it: STORE_ARGS for the CLI's
# store options, SERVE_ARGS for `serve`; the database is dropped on exit. With any other BACKEND both stay empty
# (SQLite in the data folder).
bench_backend() {
  [[ "${BACKEND:-sqlite}" == postgres ]] || return 0
  local port=${PALISADE_TEST_PG_PORT:-55432}
  "$ROOT/scripts/test-services.sh" start >&2
  BENCH_DB="bench_$1_$(date +%s)"
  psql -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE DATABASE $BENCH_DB" >/dev/null
  STORE_ARGS=(--postgres "Host=127.0.0.1;Port=$port;Username=postgres;Database=$BENCH_DB")
  SERVE_ARGS=(--redis "127.0.0.1:${PALISADE_TEST_REDIS_PORT:-56379}")
  export PALISADE_Palisade__RedisKeyPrefix="bench:$BENCH_DB:"
}
