#!/usr/bin/env bash
# Scale benchmark (issue 15): N addresses, one report each, loaded through the bulk API; memory, restart and disk.
#
#   bench/scale/run.sh 100000          # N addresses (default 100,000)
#   bench/scale/run.sh 1000000         # the issue's 1M figure: slow on a shared 2-core machine (tens of minutes)
#   PALISADE_DLL=/other/tree/.../palisade.dll bench/scale/run.sh 100000
#   GCDUMP=/tmp/scale.gcdump bench/scale/run.sh 200000   # also dump the heap after the restart and print its top types
#                                                        # (needs `dotnet tool install -g dotnet-gcdump`)
#   BACKEND=postgres bench/scale/run.sh 1000000          # the same on a PostgreSQL + Redis node (scripts/test-services.sh;
#                                                        # a fresh database, dropped at the end; its size is pg_database_size)
#
# Starts `palisade serve` (SQLite unless BACKEND=postgres, published default configuration) pinned to core 0, loads N addresses with 10,000-row
# bulk-report uploads (enterprise key), then prints: load time, resident memory (RSS) after loading, the time a start
# takes until /healthz answers and until the first check of a loaded address answers, from the store alone (no index
# snapshot) and from the snapshot (a planned restart), the first TAXII page and full list after that restart, then a
# filtered list and the CrowdSec stream that wait for the first blocklist build with a check and a report sent meanwhile
# (which must not wait), RSS after that restart (its TAXII feed caught up first: a head per listed address), the database's and the snapshot's size on disk, and each per address. Needs: dotnet, curl, awk, taskset.
set -euo pipefail

source "$(dirname "$0")/../lib.sh"
COUNT=${1:-100000}
# A start from the store takes ~20-40 s per million addresses on this machine: wait long enough at 10M.
HEALTHY_TIMEOUT=${HEALTHY_TIMEOUT:-$((60 + COUNT / 1000000 * 60))}
SERVER_CPU=${SERVER_CPU:-0}
bench_work scale
bench_cli
bench_backend scale
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# The reports come from one key on a tier the operator vouches for (a honeypot network's own feed: trust 1.1 from the
# first report), so every address is listed, with a TAXII head and a list entry as in a community data set. From an
# unvouched key (TIER=enterprise, the benchmark's reporter before session 25) ten million uncorroborated reports are
# worth little and most addresses score 0: the feed then held 16 % of them at 10M and the memory figure few heads.
TIER=${TIER:-private}
KEY=$("${PALISADE[@]}" keys create --data "$WORK/data" "${STORE_ARGS[@]}" --tier "$TIER" --name bench-scale --limit report=1000000000 --limit check=1000000000)
PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
start_server() {
  taskset -c "$SERVER_CPU" "${PALISADE[@]}" serve --urls "$BASE" --data "$WORK/data" "${STORE_ARGS[@]}" "${SERVE_ARGS[@]}" >>"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  BENCH_PIDS+=("$SERVER_PID")
  wait_healthy "$BASE" "$SERVER_PID" "$WORK/server.log"
}
rss_mb() { awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$SERVER_PID/status"; }
check_loaded() { curl -fs -H "Authorization: Bearer $KEY" "$BASE/v1/key/check/45.0.0.1" | grep -q '"found":true'; }

log "starting palisade serve on $BASE (core $SERVER_CPU)"
start_server
log "loading $COUNT addresses (bulk-report, 10,000 rows per upload)"
loaded_at=$(now)
retried=0
for ((from = 0; from < COUNT; from += 10000)); do
  to=$((from + 10000 > COUNT ? COUNT : from + 10000))
  awk -v octet=45 -v from="$from" -v to="$to" -f "$ROOT/bench/check/reports.awk" >"$WORK/reports.json"
  # A 503 ("unavailable; retry shortly": the commit failed and nothing of the upload was kept) is retried as a client
  # would, a few times with a pause, and counted.
  for attempt in 1 2 3 4 5; do
    answer=$(curl -sS -w '\n%{http_code}' -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' --data-binary "@$WORK/reports.json" "$BASE/v1/key/bulk-report")
    [[ "${answer##*$'\n'}" == 503 && $attempt -lt 5 ]] || break
    retried=$((retried + 1)); log "  rows $from..$to answered 503 (attempt $attempt), retrying in 5 s"; sleep 5
  done
  answer=${answer%$'\n'*}
  [[ "$answer" == *"\"accepted\":$((to - from)),"* ]] || { echo "bulk-report refused rows $from..$to: ${answer:0:300}" >&2; exit 1; }
  if (( to % 100000 == 0 )); then log "  $to loaded, RSS $(rss_mb) MB"; fi
done
load_s=$(since "$loaded_at")
check_loaded || { echo "45.0.0.1 is not found after loading" >&2; exit 1; }
sleep 5
rss_loaded=$(rss_mb)

# A restart without the snapshot first (every report loaded from the store), then a planned restart: SIGTERM writes
# the index snapshot at shutdown and the start reads it back.
restart() {
  restart_at=$(now)
  start_server
  healthy_s=$(since "$restart_at")
  until check_loaded; do sleep 0.05; done
  serving_s=$(since "$restart_at")
}
log "restarting without the index snapshot (kill -9, snapshot removed: every report is loaded from the store)"
kill -9 "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
rm -f "$WORK/data/index.snapshot"
built_before=$(grep -c 'First blocklist snapshot built' "$WORK/server.log" || true)
restart
store_healthy_s=$healthy_s; store_serving_s=$serving_s
store_parts="loading the reports $(grep -o 'Engine ready:.* in [0-9]* ms' "$WORK/server.log" | tail -n1 | grep -o '[0-9]* ms$'), reporter standings $(grep -o 'Reporter standings computed.* in [0-9]* ms' "$WORK/server.log" | tail -n1 | grep -o '[0-9]* ms$')"
# A node that has been serving has built its blocklist before it is restarted: wait for the first build, so the shutdown
# saves the full list as it would (the next start serves it until its own first build is done).
for _ in $(seq 1 1200); do (( $(grep -c 'First blocklist snapshot built' "$WORK/server.log") > built_before )) && break; sleep 0.5; done
# And its TAXII feed holds every listed address (a head each in memory): the start's rescan published what the load left
# (the publisher runs behind bulk uploads), and a poll publishes what is still pending. Without this the planned restart
# measured a node whose feed held a third of the addresses (session 25).
metric() { curl -fs "$BASE/metrics" | awk -v m="$1" '$1 == m { print $2 }'; }
feed_at=$(now)
rescans_done() { local n; n=$(metric palisade_taxii_rescans_total || true); echo "${n%%.*}"; }
until (( $(rescans_done) + 0 >= 1 )); do sleep 1; done
curl -fs -o /dev/null -u "bench:$KEY" -H 'Accept: application/taxii+json;version=2.1' \
  "$BASE/taxii2/palisade/collections/e5d8fafc-7b8d-5f7b-b413-1dacccabb811/objects/?limit=1"
feed_s=$(since "$feed_at")
feed_indicators=$(metric palisade_taxii_indicators)
log "TAXII feed caught up: $feed_indicators indicators ($feed_s s after the first build)"
log "planned restart (SIGTERM writes the snapshot and saves the full list, the start reads them)"
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
snapshot_bytes=$(stat -c %s "$WORK/data/index.snapshot")
settled_before=$(grep -c 'Start-up loads done' "$WORK/server.log" || true)
restart
# The first reads a SIEM and a firewall make after the restart (the first full list is built on first request).
first() { curl -s -o /dev/null -w '%{http_code} %{time_total}' -H "Authorization: Bearer $KEY" "$BASE$1"; }
# What the first page may wait behind: garbage collections (pause seconds, gen-2 count) around it.
read -r pause_before _ _ gen2_before <<<"$(gc_counts "$BASE")"
taxii_first=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' -u "bench:$KEY" -H 'Accept: application/taxii+json;version=2.1' \
  "$BASE/taxii2/palisade/collections/e5d8fafc-7b8d-5f7b-b413-1dacccabb811/objects/?limit=1000")
read -r pause_after _ _ gen2_after <<<"$(gc_counts "$BASE")"
taxii_gc=$(awk -v a="$pause_before" -v b="$pause_after" -v c="$gen2_before" -v d="$gen2_after" 'BEGIN { printf "%.0f ms paused by GC, %d gen-2 collections", (b - a) * 1000, d - c }')
list_first=$(first "/v1/key/blacklist?scoreMinimum=0&plaintext=true")
list_again=$(first "/v1/key/blacklist?scoreMinimum=0&plaintext=true")
# Then reads beside the first blocklist build (~3 s at 1M, ~20 s at 10M): a filtered list and the CrowdSec stream wait
# for it; a check and a report sent meanwhile must not (they waited as long as the build until session 24).
beside() { curl -s -o /dev/null -w '%{http_code} %{time_total}' "$@"; }
beside -H "Authorization: Bearer $KEY" "$BASE/v1/key/blacklist?plaintext=true&scoreMinimum=50" >"$WORK/beside.list" &
beside_list=$!
beside -H "X-Api-Key: $KEY" -H 'Accept-Encoding: gzip' "$BASE/v1/decisions/stream?startup=true" >"$WORK/beside.stream" &
beside_stream=$!
sleep 0.2
check_beside=$(beside -H "Authorization: Bearer $KEY" "$BASE/v1/key/check/45.0.0.2")
report_beside=$(beside -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
  --data '{"ip":"46.0.0.1","category":"port_scan","protocol":"ssh","port":22}' "$BASE/v1/key/report")
wait "$beside_list" "$beside_stream"
sleep 5
rss_restarted=$(rss_mb)
# Once the start-up loads (first blocklist build, TAXII heads) are done, the heap they grew is compacted once.
for _ in $(seq 1 1200); do (( $(grep -c 'Start-up loads done' "$WORK/server.log") > settled_before )) && break; sleep 0.5; done
sleep 2
rss_settled=$(rss_mb)
if [[ -n "${GCDUMP:-}" ]]; then
  "${DOTNET_GCDUMP:-$HOME/.dotnet/tools/dotnet-gcdump}" collect -p "$SERVER_PID" -o "$GCDUMP" >/dev/null
  "${DOTNET_GCDUMP:-$HOME/.dotnet/tools/dotnet-gcdump}" report "$GCDUMP" | head -n 30 >"$WORK/gcdump.txt"
fi
if [[ -n "$BENCH_DB" ]]; then
  db_bytes=$(psql -h 127.0.0.1 -p "${PALISADE_TEST_PG_PORT:-55432}" -U postgres -Atc "SELECT pg_database_size('$BENCH_DB')")
  db_what="PostgreSQL database $BENCH_DB, pg_database_size"
else
  db_bytes=$(du -cb "$WORK/data"/palisade.db* | tail -n1 | cut -f1)
  db_what="SQLite, with WAL"
fi

per() { awk -v v="$1" -v n="$COUNT" -v unit="$2" 'BEGIN { printf "%.0f %s", v / n, unit }'; }
echo
echo "Scale benchmark (${PALISADE[*]}): $COUNT addresses, one report each from a key of tier $TIER, ${BACKEND:-sqlite}, default configuration"
echo "machine: $(nproc) cores; server on core $SERVER_CPU; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "load through bulk-report:       ${load_s} s ($(awk -v s="$load_s" -v n="$COUNT" 'BEGIN { printf "%.0f", n / s }') reports/s; $retried uploads retried after a 503)"
echo "RSS after loading (+5 s):       ${rss_loaded} MB = $(per $((rss_loaded * 1048576)) "B per address")"
last_ms() { grep -o "$1.* in [0-9]* ms" "$WORK/server.log" | tail -n1 | grep -o '[0-9]* ms$'; }
echo "start from the store (no snapshot): ${store_healthy_s} s until /healthz answers, ${store_serving_s} s until a loaded address is found"
echo "  of which: $store_parts"
echo "planned restart (from the snapshot): ${healthy_s} s until /healthz answers, ${serving_s} s until a loaded address is found"
echo "  of which: index $(last_ms 'Engine ready:') ($(grep -o 'read [0-9]* ms, adopted [0-9]* ms, caught up [0-9]* ms, compared [0-9]* ms' "$WORK/server.log" | tail -n1)); TAXII heads (after serving, in the background) $(last_ms 'TAXII publisher loaded')"
echo "  TAXII feed before it: $feed_indicators indicators (the start from the store's rescan took $feed_s s more to publish all)"
echo "  first TAXII page (1,000 objects) after it: $taxii_first s (status, seconds; meanwhile $taxii_gc); first full plaintext list: $list_first s, then $list_again s"
echo "  beside the first blocklist build: scoreMinimum=50 list $(cat "$WORK/beside.list") s, CrowdSec stream $(cat "$WORK/beside.stream") s; sent meanwhile: a check $check_beside s, a report $report_beside s"
echo "index snapshot:                 $(awk -v b="$snapshot_bytes" 'BEGIN { printf "%.1f MB", b / 1048576 }') = $(per "$snapshot_bytes" "B per address"), written at shutdown in $(last_ms 'Index snapshot written')"
echo "RSS after the restart (+5 s):   ${rss_restarted} MB = $(per $((rss_restarted * 1048576)) "B per address")"
echo "RSS once the start-up loads are done: ${rss_settled} MB = $(per $((rss_settled * 1048576)) "B per address") ($(grep -o 'the heap compacted.*' "$WORK/server.log" | tail -n1))"
echo "database on disk ($db_what): $(awk -v b="$db_bytes" 'BEGIN { printf "%.1f MB", b / 1048576 }') = $(per "$db_bytes" "B per address") (the snapshot not included)"
echo "targets (issue 15): <= 300 B per address in memory and on disk; restart <= 3 s at 1M"
if [[ -n "${GCDUMP:-}" ]]; then echo; echo "managed heap after the restart ($GCDUMP), largest types:"; cat "$WORK/gcdump.txt"; fi
