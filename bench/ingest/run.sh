#!/usr/bin/env bash
# Ingest benchmark (issue 15): single reports, POST /v1/key/report, at 16 and 64 connections.
#
#   bench/ingest/run.sh                       # SQLite, 2 rounds of 10 s per connection count
#   ROUNDS=3 DURATION=15 bench/ingest/run.sh
#   BACKEND=postgres bench/ingest/run.sh      # PostgreSQL + Redis from scripts/test-services.sh (PALISADE_TEST_PG_PORT,
#                                             # PALISADE_TEST_REDIS_PORT)
#   PALISADE_DLL=/other/tree/.../palisade.dll bench/ingest/run.sh   # another build (before/after)
#
# Starts `palisade serve` with its published default configuration (no setting changed) pinned to core 0, creates an
# enterprise key with a report quota no run can exhaust, and drives it with wrk pinned to core 1 (report.lua: every
# request reports a new address, so each one is validated, charged, committed and indexed before its 200). Prints
# requests/s, p99 and non-2xx/socket errors per run, the medians, the server CPU per report, and (when the server
# exports it) how many reports shared one store transaction, the time the GC paused the server per second and the bytes
# allocated per report. Needs: dotnet, wrk, taskset, curl, awk.
set -euo pipefail

source "$(dirname "$0")/../lib.sh"
HERE="$ROOT/bench/ingest"
ROUNDS=${ROUNDS:-2}
DURATION=${DURATION:-10}
# A minute of load before measuring, as on a server that has been running: with a few seconds the rounds measured tiered
# compilation still at work (28-41 % of the server's samples 25-45 s after start; docs/performance.md "Session 10 (h/ingest)").
WARMUP=${WARMUP:-60}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
BACKEND=${BACKEND:-sqlite}
for tool in dotnet wrk taskset curl awk; do
  command -v "$tool" >/dev/null || { echo "bench/ingest: '$tool' is required" >&2; exit 2; }
done
bench_work ingest
bench_cli
bench_backend ingest

KEY=$("${PALISADE[@]}" keys create --data "$WORK/data" "${STORE_ARGS[@]}" --tier enterprise --name bench-ingest --limit report=1000000000)
PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
log "starting palisade serve on $BASE (core $SERVER_CPU, default configuration, $BACKEND)"
taskset -c "$SERVER_CPU" "${PALISADE[@]}" serve --urls "$BASE" --data "$WORK/data" "${STORE_ARGS[@]}" "${SERVE_ARGS[@]}" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
BENCH_PIDS+=("$SERVER_PID")
wait_healthy "$BASE" "$SERVER_PID" "$WORK/server.log"

cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$SERVER_PID/stat"; }
CLK_TCK=$(getconf CLK_TCK)
metric() { curl -fs "$BASE/metrics" 2>/dev/null | awk -v m="$1" '$1 == m { print $2 }' | head -n1; }
accepted() { curl -fs "$BASE/metrics" 2>/dev/null | awk '$1 == "palisade_reports_total{outcome=\"accepted\"}" { print $2 }'; }

# Every run reports addresses under a first octet of its own (61, 62, …): a run that repeated an earlier run's addresses
# would measure duplicates (answered from the index, nothing written). The octet is counted here, not in run_wrk, which
# runs in a subshell for most calls.
OCTET=60
# One wrk run; prints "requests_per_s p99_ms errors cpu_us_per_request reports_per_commit gc_pause_ms_per_s
# kb_allocated_per_request" (the GC figures from /metrics: a pause holds every connection, so it is the p99's usual cause).
run_wrk() {
  local connections=$1 seconds=$2 octet=$3 out="$WORK/wrk.out" before after c0 c1 a0 a1 g0 g1 b0 b1
  before=$(cpu_ticks); c0=$(metric palisade_report_commits_total); a0=$(accepted)
  g0=$(metric dotnet_gc_pause_seconds_total); b0=$(metric dotnet_gc_allocated_bytes_total)
  BENCH_KEY=$KEY BENCH_OCTET=$octet taskset -c "$CLIENT_CPU" \
    wrk -t1 -c"$connections" -d"${seconds}s" --timeout 10s --latency -s "$HERE/report.lua" "$BASE" >"$out" 2>&1
  after=$(cpu_ticks); c1=$(metric palisade_report_commits_total); a1=$(accepted)
  g1=$(metric dotnet_gc_pause_seconds_total); b1=$(metric dotnet_gc_allocated_bytes_total)
  awk -v ticks=$((after - before)) -v hz="$CLK_TCK" -v c0="${c0:-}" -v c1="${c1:-}" -v a0="${a0:-0}" -v a1="${a1:-0}" \
    -v g0="${g0:-}" -v g1="${g1:-}" -v b0="${b0:-}" -v b1="${b1:-}" -v seconds="$seconds" '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /requests in/ { requests = $1 }
    /^Requests\/sec:/ { rps = $2 }
    $1 == "99%" { p99 = ms($2) }
    /Non-2xx/ { errors += $NF }
    /Socket errors/ { n = split($0, f, /[ ,]+/); for (i = 1; i <= n; i++) if (f[i] ~ /^[0-9]+$/) errors += f[i] }
    END {
      # A 200 that did not store a report (a duplicate, a quota refusal) is not an ingested report: counted as an error.
      if (a1 - a0 < requests) errors += requests - (a1 - a0)
      group = (c0 != "" && c1 != "" && c1 > c0) ? sprintf("%.1f", (a1 - a0) / (c1 - c0)) : "n/a"
      pause = (g0 != "" && g1 != "") ? sprintf("%.0f", (g1 - g0) * 1000 / seconds) : "n/a"
      alloc = (b0 != "" && b1 != "" && requests) ? sprintf("%.1f", (b1 - b0) / 1024 / requests) : "n/a"
      printf "%.0f %.2f %d %.1f %s %s %s\n", rps, p99, errors, requests ? ticks / hz * 1e6 / requests : 0, group, pause, alloc }' "$out"
}

log "warming up (${WARMUP}s)"
OCTET=$((OCTET + 1))
run_wrk 16 "$WARMUP" "$OCTET" >/dev/null
for connections in 16 64; do
  : >"$WORK/c$connections.txt"
  for round in $(seq 1 "$ROUNDS"); do
    OCTET=$((OCTET + 1))
    line=$(run_wrk "$connections" "$DURATION" "$OCTET")
    echo "$line" >>"$WORK/c$connections.txt"
    log "$connections connections, round $round: $(echo "$line" | awk '{ printf "%s req/s, p99 %s ms, %s errors, %s us CPU/report, %s reports/commit, GC pause %s ms/s, %s KB allocated/report", $1, $2, $3, $4, $5, $6, $7 }') (load $(cut -d' ' -f1-3 /proc/loadavg))"
  done
done

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo
echo "Ingest benchmark ($BACKEND, ${PALISADE[*]}): single POST /v1/key/report, new address per request, ${ROUNDS} rounds of ${DURATION}s, medians"
echo "machine: $(nproc) cores; server on core $SERVER_CPU, wrk on core $CLIENT_CPU; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-12s %12s %10s %10s %16s %16s %14s %16s\n' connections requests/s "p99 ms" errors "CPU us/report" "reports/commit" "GC pause ms/s" "KB alloc/report"
for connections in 16 64; do
  f="$WORK/c$connections.txt"
  printf '%-12s %12s %10s %10s %16s %16s %14s %16s\n' "$connections" "$(awk '{print $1}' "$f" | median)" "$(awk '{print $2}' "$f" | median)" \
    "$(awk '{ e += $3 } END { print e + 0 }' "$f")" "$(awk '{print $4}' "$f" | median)" "$(awk '{print $5}' "$f" | tail -n1)" \
    "$(awk '{print $6}' "$f" | tail -n1)" "$(awk '{print $7}' "$f" | tail -n1)"
done
echo "target (issue 15): >= 10,000 req/s at 64 connections, p99 <= 20 ms, no errors"
