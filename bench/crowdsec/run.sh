#!/usr/bin/env bash
# CrowdSec LAPI benchmark (issue 15): live lookups and the startup stream with N decisions (default 100,000).
#
#   bench/crowdsec/run.sh                  # 100,000 decisions, 64 connections, 2 rounds of 10 s
#   COUNT=20000 ROUNDS=3 bench/crowdsec/run.sh
#   PALISADE_DLL=/other/tree/.../palisade.dll bench/crowdsec/run.sh   # another build (before/after)
#
# Starts `palisade serve` (SQLite, published default configuration: decision threshold 75) pinned to core 0, loads N
# addresses through bulk-report from a honeypot key (four severe categories each, so every one is a decision), then:
#   1. curl GET /v1/decisions/stream?startup=true, plain and with Accept-Encoding: gzip, first pull and cached pulls:
#      time and bytes on the wire;
#   2. wrk (core 1) on GET /v1/decisions?ip= with random addresses, half banned, half not (lookup.lua), in rounds
#      interleaved with wrk on the anchor: bench/check's separate minimal ASP.NET Core app (same core, same default
#      configuration) serving the very bytes the live lookups answered for 20 sampled addresses, in turn. The ratio
#      Palisade/anchor (requests/s and server CPU per request) is what the live path costs beyond the bare stack.
# CrowdSec's own LAPI is not installed on this machine (Debian's crowdsec package needs its hub from the network), so
# it is not run here; its figure measured in issue 15 (41 lookups/s with 100,000 bans) is printed beside ours.
# Needs: dotnet, wrk, taskset, curl, awk, gzip, cmp.
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
for tool in dotnet wrk taskset curl awk gzip cmp; do
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
settled_at=$(date +%s)
while (( $(date +%s) - settled_at < ${SETTLE:-240} )); do
  a=$(cpu_ticks "$SERVER_PID"); sleep 2; b=$(cpu_ticks "$SERVER_PID")
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

# The anchor serves the bytes the live lookups answered for 20 sampled addresses (10 banned, 10 not), in turn.
mkdir -p "$WORK/answers"
for k in $(seq 1 10); do
  n=$((COUNT * k / 11 + 1))
  for octet in 45 46; do
    curl -fs -H "X-Api-Key: $BOUNCER" "$BASE/v1/decisions?ip=$octet.$((n / 65536 % 256)).$((n / 256 % 256)).$((n % 256))" \
      -o "$WORK/answers/$octet-$k.json" -D "$WORK/answers/$octet-$k.json.headers"
  done
done
grep -q '"value":"45\.' "$WORK/answers/45-1.json" || { echo "the sampled banned address has no decision: $(cat "$WORK/answers/45-1.json")" >&2; exit 1; }
log "building and starting the anchor (bench/check/Anchor) on core $SERVER_CPU"
# Palisade's published logging levels (src/Palisade.Cli/appsettings.json: Microsoft and System at Warning), so the
# anchor does not log each request where Palisade does not.
bench_anchor "$WORK/answers" PALISADE_Logging__LogLevel__Microsoft=Warning PALISADE_Logging__LogLevel__System=Warning

# One wrk run on "live" (Palisade) or "bare" (the anchor); prints "requests_per_s p99_ms cpu_us_per_request errors".
run_wrk() {
  local kind=$1 seconds=$2
  if [[ "$kind" == live ]]; then
    wrk_measure "$SERVER_PID" "$WORK/wrk.out" env BENCH_KEY="$BOUNCER" BENCH_COUNT="$COUNT" taskset -c "$CLIENT_CPU" \
      wrk -t1 -c"$CONNECTIONS" -d"${seconds}s" --latency -s "$HERE/lookup.lua" "$BASE"
  else
    wrk_measure "$ANCHOR_PID" "$WORK/wrk.out" taskset -c "$CLIENT_CPU" wrk -t1 -c"$CONNECTIONS" -d"${seconds}s" --latency \
      -H "X-Api-Key: $BOUNCER" "$ANCHOR/bare"
  fi
}
WARMUP=${WARMUP:-5}
log "warming up the live path and the anchor until each one's JIT is quiet"
warm_up live "$BASE"
warm_up bare "$ANCHOR"
bench_rounds "$ROUNDS" "$DURATION" live bare

rps=$(bench_col live 1); bare_rps=$(bench_col bare 1)
echo
echo "CrowdSec LAPI benchmark (${PALISADE[*]}): $decisions decisions; server and anchor on core $SERVER_CPU, clients on core $CLIENT_CPU"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
echo "live   GET /v1/decisions?ip=  ($CONNECTIONS connections, $ROUNDS x ${DURATION}s, median): $rps req/s, p99 $(bench_col live 2) ms," \
  "$(awk '{ e += $4 } END { print e + 0 }' "$WORK/live.txt") non-2xx, $(bench_col live 3) us server CPU per lookup"
echo "anchor GET /bare (bench/check/Anchor, the same answers):    $bare_rps req/s, p99 $(bench_col bare 2) ms," \
  "$(awk '{ e += $4 } END { print e + 0 }' "$WORK/bare.txt") errors, $(bench_col bare 3) us CPU per request"
awk -v r="$rps" -v b="$bare_rps" -v rc="$(bench_col live 3)" -v bc="$(bench_col bare 3)" -v a="$LAPI_LOOKUPS_PER_S" 'BEGIN {
  printf "ratio live/anchor: %.2fx requests/s, %.2fx CPU per request\n", r / b, rc / bc
  printf "       target: >= 20,000 req/s, p99 <= 10 ms; CrowdSec'"'"'s own LAPI with 100,000 bans (issue 15, not run here): %d req/s -> %.0fx\n", a, r / a }'
echo "stream GET /v1/decisions/stream?startup=true:"
echo "      first pull (render):  plain ${first_plain% *} s, $(awk -v b="${first_plain#* }" 'BEGIN { printf "%.1f MB", b / 1e6 }'); gzip ${first_gzip% *} s"
echo "      cached, median of 5:  plain $(awk '{print $1}' "$WORK/plain.txt" | median) s, $(awk '{ printf "%.1f MB\n", $2 / 1e6 }' "$WORK/plain.txt" | head -n1);" \
  "gzip $(awk '{print $1}' "$WORK/gzip.txt" | median) s, $(awk '{ printf "%.2f MB\n", $2 / 1e6 }' "$WORK/gzip.txt" | head -n1) on the wire ($gz_note)"
