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
# the script defines it, and the folder (and a BACKEND=postgres database) is removed (KEEP=1 keeps both and says where).
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
  if [[ -n "$BENCH_DB" && -n "${KEEP:-}" ]]; then
    echo "kept database $BENCH_DB" >&2
  elif [[ -n "$BENCH_DB" ]]; then
    psql -h 127.0.0.1 -p "${PALISADE_TEST_PG_PORT:-55432}" -U postgres -qc "DROP DATABASE IF EXISTS $BENCH_DB" >/dev/null 2>&1 || true
  fi
  if [[ -z "${KEEP:-}" ]]; then rm -rf "$WORK"; else echo "kept $WORK" >&2; fi
}

# A TCP port nothing listens on (the kernel picks it).
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# bench_cli: PALISADE (an array) runs the `palisade` command of this tree, published now as an operator publishes it
# (`dotnet publish -c Release`: precompiled, README "Run"), or the build named by PALISADE_DLL (another tree's published
# palisade.dll, for before/after runs).
bench_cli() {
  if [[ -n "${PALISADE_DLL:-}" ]]; then
    PALISADE=(dotnet "$PALISADE_DLL")
    return
  fi
  log "publishing the CLI (Release)"
  dotnet publish "$ROOT/src/Palisade.Cli" -c Release -o "$WORK/cli" -v quiet -nologo >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; exit 1; }
  PALISADE=(dotnet "$WORK/cli/palisade.dll")
}

# wait_healthy BASE PID LOG: returns once BASE/healthz answers; exits with the server's log when the process ends
# or HEALTHY_TIMEOUT seconds (60 by default) pass.
wait_healthy() {
  local i
  for ((i = 0; i < ${HEALTHY_TIMEOUT:-60} * 20; i++)); do
    curl -fs "$1/healthz" >/dev/null 2>&1 && return 0
    kill -0 "$2" 2>/dev/null || { echo "the server exited:" >&2; cat "$3" >&2; exit 1; }
    sleep 0.05
  done
  echo "the server did not answer $1/healthz within ${HEALTHY_TIMEOUT:-60} s:" >&2
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

# bench_anchor ANSWERS [VAR=value...]: builds bench/check/Anchor (a separate minimal ASP.NET Core app that answers
# GET /bare with the files of the folder ANSWERS in turn) and starts it on core $SERVER_CPU with those environment
# variables; sets ANCHOR (its base address) and ANCHOR_PID, and returns once it answers.
bench_anchor() {
  local answers=$1
  shift
  dotnet build "$ROOT/bench/check/Anchor" -c Release -o "$WORK/anchor" --nologo -v quiet >"$WORK/anchor-build.log" 2>&1 || { cat "$WORK/anchor-build.log" >&2; exit 1; }
  ANCHOR="http://127.0.0.1:$(free_port)"
  env "$@" taskset -c "$SERVER_CPU" dotnet "$WORK/anchor/Palisade.Bench.Anchor.dll" --urls "$ANCHOR" --answers "$answers" >"$WORK/anchor.log" 2>&1 &
  ANCHOR_PID=$!
  BENCH_PIDS+=("$ANCHOR_PID")
  for _ in $(seq 1 200); do
    curl -fs "$ANCHOR/bare" -o /dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "the anchor is not answering" >&2
  cat "$WORK/anchor.log" >&2
  exit 1
}

# The median of the numbers on stdin, one a line.
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# cpu_ticks PID: user + system CPU time the process used so far, in clock ticks (/proc/PID/stat).
cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }

# wrk_measure PID OUT COMMAND...: runs the wrk COMMAND (its output in OUT) and prints its wrk_summary with the CPU ticks
# process PID used meanwhile.
wrk_measure() {
  local pid=$1 out=$2 before after
  shift 2
  before=$(cpu_ticks "$pid")
  "$@" >"$out" 2>&1
  after=$(cpu_ticks "$pid")
  wrk_summary "$out" $((after - before))
}

# wrk_summary WRK_OUTPUT TICKS: "requests_per_s p99_ms cpu_us_per_request errors" of one wrk --latency run, with TICKS
# the server's CPU ticks during it (errors: non-2xx answers plus one per socket-errors line).
wrk_summary() {
  awk -v ticks="$2" -v hz="$(getconf CLK_TCK)" '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /requests in/ { requests = $1 }
    /^Requests\/sec:/ { rps = $2 }
    $1 == "99%" { p99 = ms($2) }
    /Non-2xx/ { errors += $NF }
    /Socket errors/ { errors += 1 }
    END { printf "%.0f %.2f %.1f %d\n", rps, p99, requests ? ticks / hz * 1e6 / requests : 0, errors }' "$1"
}

# bench_rounds ROUNDS SECONDS A B: ROUNDS rounds of the script's run_wrk KIND SECONDS on A and on B, interleaved, the
# order flipping each round so neither side always runs second; each summary line goes to $WORK/KIND.txt and the log.
bench_rounds() {
  local rounds=$1 seconds=$2 a=$3 b=$4 round kind order line
  : >"$WORK/$a.txt"
  : >"$WORK/$b.txt"
  for round in $(seq 1 "$rounds"); do
    if ((round % 2)); then order="$a $b"; else order="$b $a"; fi
    for kind in $order; do
      line=$(run_wrk "$kind" "$seconds")
      echo "$line" >>"$WORK/$kind.txt"
      log "round $round $kind: $(echo "$line" | awk '{ printf "%s req/s, p99 %s ms, %s us CPU/request, %s errors", $1, $2, $3, $4 }') (load $(cut -d' ' -f1-3 /proc/loadavg))"
    done
  done
}

# jit_methods BASE: the methods the .NET server at BASE has compiled so far (dotnet_jit_compiled_methods_total from its
# /metrics; the anchor answers the same line).
jit_methods() { curl -fs "$1/metrics" | awk '$1 == "dotnet_jit_compiled_methods_total" { print $2 }'; }

# gc_counts BASE: "PAUSE_SECONDS GEN0 GEN1 GEN2", the garbage collections of the Palisade server at BASE so far (its
# /metrics); two readings around a measurement give the collections and pauses a request may have waited for.
gc_counts() { curl -fs "$1/metrics" | awk '$1 == "dotnet_gc_pause_seconds_total" { p = $2 } /^dotnet_gc_collections_total/ { c = c " " $2 } END { print p c }'; }

# warm_up KIND BASE: runs the script's run_wrk KIND in slices of 5 s until the server at BASE has run at least $WARMUP
# seconds and compiled fewer than $JIT_QUIET methods (default 10) in its last slice, or for $WARMUP_MAX seconds (default
# 120); logs what it took. Tiered compilation goes on for a minute or more under load, on the server's own core: a
# fixed warm-up measured the first rounds with the JIT still at work (hundreds of methods compiled in a round).
warm_up() {
  local kind=$1 base=$2 seconds=0 before after line
  while :; do
    before=$(jit_methods "$base")
    line=$(run_wrk "$kind" 5)
    after=$(jit_methods "$base")
    seconds=$((seconds + 5))
    if { [[ $seconds -ge ${WARMUP:-15} ]] && [[ $((after - before)) -lt ${JIT_QUIET:-10} ]]; } || [[ $seconds -ge ${WARMUP_MAX:-120} ]]; then
      break
    fi
  done
  log "warm-up $kind: ${seconds}s, $after methods compiled, $((after - before)) in the last 5 s, which ran at $(echo "$line" |
    awk '{ printf "%s req/s, p99 %s ms, %s us CPU/request", $1, $2, $3 }')"
}

# bench_col KIND N: the median of column N of $WORK/KIND.txt.
bench_col() { awk -v c="$2" '{ print $c }' "$WORK/$1.txt" | median; }
