#!/usr/bin/env bash
# CrowdSec LAPI benchmark (issue 15): live lookups and the startup stream with N decisions (default 100,000).
#
#   bench/crowdsec/run.sh                  # 100,000 decisions, 64 connections, 2 rounds of 10 s
#   COUNT=20000 ROUNDS=3 bench/crowdsec/run.sh
#   PALISADE_DLL=/other/tree/.../palisade.dll bench/crowdsec/run.sh   # another build (before/after)
#
# Starts `palisade serve` (SQLite, published default configuration: decision threshold 75) pinned to core 0, loads N
# addresses through bulk-report from a honeypot key (four severe categories each, so every one is a decision), then:
#   1. wrk (core 1) on GET /v1/decisions?ip= with random addresses, half banned, half not (lookup.lua);
#   2. curl GET /v1/decisions/stream?startup=true, plain and with Accept-Encoding: gzip, first pull and cached pulls:
#      time and bytes on the wire.
# CrowdSec's own LAPI is not installed on this machine (Debian's crowdsec package needs its hub from the network); the
# anchor printed is the figure measured with it in issue 15 (41 lookups/s with 100,000 bans; stream 7x slower).
set -euo pipefail

source "$(dirname "$0")/../lib.sh"
HERE="$ROOT/bench/crowdsec"
COUNT=${COUNT:-100000}
ROUNDS=${ROUNDS:-2}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-64}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
LAPI_LOOKUPS_PER_S=41
for tool in dotnet wrk taskset curl awk; do
  command -v "$tool" >/dev/null || { echo "bench/crowdsec: '$tool' is required" >&2; exit 2; }
done
bench_work crowdsec
bench_cli

SENSOR=$("${PALISADE[@]}" keys create --data "$WORK/data" --tier honeypot --name bench-sensor)
BOUNCER=$("${PALISADE[@]}" keys create --data "$WORK/data" --tier professional --name bench-bouncer --limit check=1000000000 --limit blacklist=1000000000)
PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
log "starting palisade serve on $BASE (core $SERVER_CPU, default configuration)"
taskset -c "$SERVER_CPU" "${PALISADE[@]}" serve --urls "$BASE" --data "$WORK/data" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
BENCH_PIDS+=("$SERVER_PID")
wait_healthy "$BASE" "$SERVER_PID" "$WORK/server.log"

log "loading $COUNT banned addresses (bulk-report, 10,000 per upload)"
for ((from = 0; from < COUNT; from += 10000)); do
  to=$((from + 10000 > COUNT ? COUNT : from + 10000))
  awk -v octet=45 -v from="$from" -v to="$to" -f "$HERE/decisions.awk" >"$WORK/reports.json"
  answer=$(curl -sS -H "Authorization: Bearer $SENSOR" -H 'Content-Type: application/json' --data-binary "@$WORK/reports.json" "$BASE/v1/key/bulk-report")
  [[ "$answer" == *"\"accepted\":$((to - from)),"* ]] || { echo "bulk-report refused rows $from..$to: ${answer:0:300}" >&2; exit 1; }
done

# Loading starts background work (TAXII publication of every new address, scoring): let it finish first, so the figures
# are the requests' own (at most SETTLE seconds; the server is idle when it uses < 5 % of a core over 2 s).
settle_cpu() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$SERVER_PID/stat"; }
settled_at=$(date +%s)
while (( $(date +%s) - settled_at < ${SETTLE:-240} )); do
  a=$(settle_cpu); sleep 2; b=$(settle_cpu)
  (( b - a < 10 )) && break
done
log "background work settled after $(( $(date +%s) - settled_at )) s"

pull() { # prints "seconds bytes" of one startup pull; $1 = plain|gzip
  local extra=()
  [[ "$1" == gzip ]] && extra=(-H 'Accept-Encoding: gzip')
  curl -s -o "$WORK/stream.$1" -w '%{time_total} %{size_download}\n' "${extra[@]}" -H "X-Api-Key: $BOUNCER" "$BASE/v1/decisions/stream?startup=true"
}
first_plain=$(pull plain)
decisions=$(grep -o '"value":' "$WORK/stream.plain" | wc -l)
log "startup stream holds $decisions decisions (first pull: ${first_plain% *} s)"
[[ "$decisions" -ge "$COUNT" ]] || echo "warning: only $decisions of $COUNT addresses are decisions" >&2
first_gzip=$(pull gzip)
if [[ "$(head -c 2 "$WORK/stream.gzip" | od -An -tx1 | tr -d ' ')" == 1f8b ]]; then
  gzip -dc "$WORK/stream.gzip" | cmp -s - "$WORK/stream.plain" && gz_note="gzip, decodes to the plain bytes" || gz_note="gzip (differs from the plain pull)"
else
  gz_note="not compressed"
fi
: >"$WORK/plain.txt"; : >"$WORK/gzip.txt"
for _ in 1 2 3 4 5; do pull plain >>"$WORK/plain.txt"; pull gzip >>"$WORK/gzip.txt"; done

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$SERVER_PID/stat"; }
CLK_TCK=$(getconf CLK_TCK)
run_wrk() {
  local seconds=$1 before after
  before=$(cpu_ticks)
  BENCH_KEY=$BOUNCER BENCH_COUNT=$COUNT taskset -c "$CLIENT_CPU" \
    wrk -t1 -c"$CONNECTIONS" -d"${seconds}s" --latency -s "$HERE/lookup.lua" "$BASE" >"$WORK/wrk.out" 2>&1
  after=$(cpu_ticks)
  awk -v ticks=$((after - before)) -v hz="$CLK_TCK" '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /requests in/ { requests = $1 }
    /^Requests\/sec:/ { rps = $2 }
    $1 == "99%" { p99 = ms($2) }
    /Non-2xx/ { errors += $NF }
    END { printf "%.0f %.2f %d %.1f\n", rps, p99, errors, requests ? ticks / hz * 1e6 / requests : 0 }' "$WORK/wrk.out"
}
log "warming up the live path (5 s)"
run_wrk 5 >/dev/null
: >"$WORK/live.txt"
for round in $(seq 1 "$ROUNDS"); do
  line=$(run_wrk "$DURATION")
  echo "$line" >>"$WORK/live.txt"
  log "live round $round: $(echo "$line" | awk '{ printf "%s req/s, p99 %s ms, %s non-2xx, %s us CPU/lookup", $1, $2, $3, $4 }') (load $(cut -d' ' -f1-3 /proc/loadavg))"
done

rps=$(awk '{print $1}' "$WORK/live.txt" | median)
echo
echo "CrowdSec LAPI benchmark (${PALISADE[*]}): $decisions decisions; server on core $SERVER_CPU, clients on core $CLIENT_CPU"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
echo "live  GET /v1/decisions?ip=  ($CONNECTIONS connections, $ROUNDS x ${DURATION}s, median): $rps req/s, p99 $(awk '{print $2}' "$WORK/live.txt" | median) ms," \
  "$(awk '{ e += $3 } END { print e + 0 }' "$WORK/live.txt") non-2xx, $(awk '{print $4}' "$WORK/live.txt" | median) us server CPU per lookup"
echo "      target: >= 20,000 req/s, p99 <= 10 ms; CrowdSec's own LAPI with 100,000 bans: $LAPI_LOOKUPS_PER_S req/s (issue 15) -> $(awk -v r="$rps" -v a="$LAPI_LOOKUPS_PER_S" 'BEGIN { printf "%.0fx", r / a }')"
echo "stream GET /v1/decisions/stream?startup=true:"
echo "      first pull (render):  plain ${first_plain% *} s, $(awk -v b="${first_plain#* }" 'BEGIN { printf "%.1f MB", b / 1e6 }'); gzip ${first_gzip% *} s"
echo "      cached, median of 5:  plain $(awk '{print $1}' "$WORK/plain.txt" | median) s, $(awk '{ printf "%.1f MB\n", $2 / 1e6 }' "$WORK/plain.txt" | head -n1);" \
  "gzip $(awk '{print $1}' "$WORK/gzip.txt" | median) s, $(awk '{ printf "%.2f MB\n", $2 / 1e6 }' "$WORK/gzip.txt" | head -n1) on the wire ($gz_note)"
