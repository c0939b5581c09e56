#!/usr/bin/env bash
# The check benchmark (issue 2, item 12; issue 15, item 5): /v1/key/check/{ip} against an anchor, a separate minimal
# ASP.NET Core app (bench/check/Anchor) that serves the same bytes the check endpoint answered, built as Palisade builds
# its host; both run with Palisade's published default configuration (set LOGLEVEL=Warning to lower framework logging
# on both sides).
#
#   bench/check/run.sh                      # 100,000 reported addresses, 5 interleaved rounds of 10 s, 64 connections
#   ROUNDS=3 DURATION=20 bench/check/run.sh
#   BACKEND=postgres bench/check/run.sh     # the same against a PostgreSQL + Redis node (scripts/test-services.sh)
#
# Builds the CLI, creates a data folder and an enterprise key (with a finite check quota, so every lookup is
# counted against a limit), starts `palisade serve` pinned to core 0, loads the reports over HTTP (bulk-report
# bodies written by reports.awk), captures the check answers (body and headers) of 20 sampled addresses (half reported, half not) and
# starts the anchor on the same core serving those answers in turn; then runs wrk pinned to core 1 against the check
# endpoint (check.lua: random addresses, half reported, half never reported) and against the anchor's /bare. Rounds
# alternate between the two; the medians are printed with each server's CPU time per request (utime+stime from
# /proc/PID/stat) and the check/anchor ratios. The warm-up (first description of each address; JIT tiering,
# until a server compiles fewer than JIT_QUIET methods in 5 s) is printed apart. Needs: dotnet, wrk, taskset, curl, awk, ss (iproute2).
set -euo pipefail

source "$(dirname "$0")/../lib.sh"
COUNT=${COUNT:-100000}
ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-15}
CONNECTIONS=${CONNECTIONS:-64}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
HERE="$ROOT/bench/check"
BACKEND=${BACKEND:-sqlite}

for tool in dotnet wrk taskset curl awk ss; do
  command -v "$tool" >/dev/null || { echo "bench/check: '$tool' is required (wrk: apt-get install wrk)" >&2; exit 2; }
done

LOG_ENV=()
if [[ -n "${LOGLEVEL:-}" ]]; then LOG_ENV=(PALISADE_Logging__LogLevel__Default="$LOGLEVEL"); fi
bench_work check
bench_cli
DATA="$WORK/data"
mkdir -p "$DATA"
bench_backend check
KEY=$("${PALISADE[@]}" keys create --data "$DATA" "${STORE_ARGS[@]}" --tier enterprise --name bench-check --limit check=1000000000)
PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"

log "starting palisade serve on $BASE (core $SERVER_CPU)"
env "${LOG_ENV[@]}" \
  taskset -c "$SERVER_CPU" "${PALISADE[@]}" serve --urls "$BASE" --data "$DATA" "${STORE_ARGS[@]}" "${SERVE_ARGS[@]}" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
BENCH_PIDS+=("$SERVER_PID")
wait_healthy "$BASE" "$SERVER_PID" "$WORK/server.log"

addresses() { curl -fs "$BASE/healthz" | sed -n 's/.*"addresses":\([0-9]*\).*/\1/p'; }

# Loading: reports.awk writes bulk-report bodies of 10,000 reports (the endpoint's limit), one per address
# 45.0.0.1, 45.0.0.2, ...; each upload is stored in one transaction and indexed before its 200.
log "loading $COUNT reported addresses (bulk-report, 10,000 per upload)"
load_start=$(date +%s.%N)
for ((from = 0; from < COUNT; from += 10000)); do
  to=$((from + 10000 > COUNT ? COUNT : from + 10000))
  awk -v octet=45 -v from="$from" -v to="$to" -f "$HERE/reports.awk" >"$WORK/reports.json"
  answer=$(curl -sS -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' --data-binary "@$WORK/reports.json" \
    "$BASE/v1/key/bulk-report")
  [[ "$answer" == *"\"accepted\":$((to - from)),"* ]] || { echo "bulk-report refused rows $from..$to: ${answer:0:300}" >&2; exit 1; }
done
load_seconds=$(awk -v a="$load_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
loaded=$(addresses)
[[ "$loaded" -ge "$COUNT" ]] || { echo "loading failed: the server holds $loaded of $COUNT addresses" >&2; exit 1; }
rss() { awk '/^VmRSS/ { printf "%d MB", $2 / 1024 }' "/proc/$SERVER_PID/status"; }
rss_loaded=$(rss)
log "loaded $loaded addresses in ${load_seconds}s; server resident memory $rss_loaded"

# The anchor serves the very responses the check endpoint gave for 20 sampled addresses, in turn: body and headers (the
# quota headers every check carries; the anchor sends them as they were captured, Palisade formats them per request).
mkdir -p "$WORK/answers"
total=0
headers=0
for k in $(seq 1 10); do
  n=$((COUNT * k / 11 + 1))
  for octet in 45 46; do
    file="$WORK/answers/$octet-$k.json"
    curl -fs -H "Authorization: Bearer $KEY" "$BASE/v1/key/check/$octet.$((n / 65536 % 256)).$((n / 256 % 256)).$((n % 256))" \
      -o "$file" -D "$file.headers"
    total=$((total + $(wc -c <"$file")))
    headers=$((headers + $(wc -c <"$file.headers")))
  done
done
BYTES=$((total / 20))
HEAD_BYTES=$((headers / 20))
log "building and starting the anchor (bench/check/Anchor) on core $SERVER_CPU; mean answer $BYTES bytes, head $HEAD_BYTES bytes"
bench_anchor "$WORK/answers" "${LOG_ENV[@]}"


# One wrk run; prints "requests_per_s p99_ms cpu_us_per_request errors".
run_wrk() {
  local kind=$1 seconds=$2
  if [[ "$kind" == check ]]; then
    wrk_measure "$SERVER_PID" "$WORK/wrk.out" env BENCH_KEY="$KEY" BENCH_COUNT="$COUNT" taskset -c "$CLIENT_CPU" \
      wrk -t1 -c"$CONNECTIONS" -d"${seconds}s" --latency -s "$HERE/check.lua" "$BASE"
  else
    wrk_measure "$ANCHOR_PID" "$WORK/wrk.out" taskset -c "$CLIENT_CPU" wrk -t1 -c"$CONNECTIONS" -d"${seconds}s" --latency \
      -H "Authorization: Bearer $KEY" "$ANCHOR/bare"
  fi
}

log "warming up each server until its JIT is quiet (at least ${WARMUP}s, at most ${WARMUP_MAX:-120}s each)"
warm_up check "$BASE"
warm_up bare "$ANCHOR"
used_before=$(curl -fsi -H "Authorization: Bearer $KEY" "$BASE/v1/key/status" | tr -d '\r' | sed -n 's/^X-Daily-Used: //Ip')

# The check server's garbage collections over the measured rounds (the pauses its requests may have waited for).
gc_before=$(gc_counts "$BASE")
bench_rounds "$ROUNDS" "$DURATION" check bare
gc_after=$(gc_counts "$BASE")

errors=$(cat "$WORK/check.txt" "$WORK/bare.txt" | awk '{ e += $4 } END { print e + 0 }')
if [[ "$errors" -gt 0 ]]; then
  echo "wrk saw $errors non-2xx responses or socket errors; see $WORK/wrk.out" >&2
fi

check_rps=$(bench_col check 1); bare_rps=$(bench_col bare 1)
check_p99=$(bench_col check 2); bare_p99=$(bench_col bare 2)
check_cpu=$(bench_col check 3); bare_cpu=$(bench_col bare 3)

echo
echo "Check endpoint benchmark ($BACKEND): $COUNT reported addresses, $CONNECTIONS connections, $ROUNDS interleaved rounds of ${DURATION}s, medians"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); server on core $SERVER_CPU, wrk on core $CLIENT_CPU"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); loading took ${load_seconds}s; mean response body $BYTES bytes, head $HEAD_BYTES bytes (both servers); log level ${LOGLEVEL:-default}"
printf '%-34s %12s %10s %16s\n' "" "requests/s" "p99 ms" "CPU us/request"
printf '%-34s %12s %10s %16s\n' "check  GET /v1/key/check/{ip}" "$check_rps" "$check_p99" "$check_cpu"
printf '%-34s %12s %10s %16s\n' "anchor GET /bare (separate app)" "$bare_rps" "$bare_p99" "$bare_cpu"
awk -v cr="$check_rps" -v br="$bare_rps" -v cc="$check_cpu" -v bc="$bare_cpu" -v p="$check_p99" 'BEGIN {
  printf "ratio check/anchor: %.2fx requests/s (target >= 0.85x), %.2fx CPU per request; check p99 %.2f ms (target <= 5 ms)\n",
    cr / br, cc / bc, p }'
used_after=$(curl -fsi -H "Authorization: Bearer $KEY" "$BASE/v1/key/status" | tr -d '\r' | sed -n 's/^X-Daily-Used: //Ip')
echo "server resident memory: $rss_loaded after loading, $(rss) at the end (answers of checked addresses are cached)"
echo "quota counted: the key's check usage rose by $((used_after - used_before)) during the measured rounds"
awk -v a="$gc_before" -v b="$gc_after" 'BEGIN { split(a, x, " "); split(b, y, " ")
  printf "check server garbage collections during the rounds: %d gen-0, %d gen-1, %d gen-2, %.0f ms paused\n",
    y[2] - x[2], y[3] - x[3], y[4] - x[4], (y[1] - x[1]) * 1000 }'
