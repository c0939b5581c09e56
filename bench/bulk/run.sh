#!/usr/bin/env bash
# Bulk endpoints, end to end against a real `palisade serve` (Release build, SQLite in a temp folder, enterprise key):
#   - POST /v1/key/bulk-report with a 10,000-row CSV (multipart, as SikkerAPI's CLI sends it): parsed, stored in one
#     transaction and scored before the response; every run uses fresh addresses, so all 10,000 rows are stored.
#   - POST /v1/key/bulk-check-inline with those 10,000 addresses: first read (every score computed from the new
#     evidence) and again (scores cached).
# Prints the curl total time (client side, loopback) of every measured run and the medians.
# Usage: bench/bulk/run.sh [runs]     (default 9 runs after 2 warm-up runs; PALISADE_DLL to use another build,
#        BENCH_PAUSE seconds between runs, default 3)
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
cd "$ROOT"

runs="${1:-9}"
warmup=2
bench_work bulk
bench_cli
work="$WORK"
port=$(free_port)
url="http://127.0.0.1:$port"
key=$("${PALISADE[@]}" keys create --data "$work/data" --tier enterprise --name bench)
"${PALISADE[@]}" serve --urls "$url" --data "$work/data" >"$work/server.log" 2>&1 &
server_pid=$!
BENCH_PIDS+=("$server_pid")
wait_healthy "$url" "$server_pid" "$work/server.log"

# One CSV per run, each with its own 10,000 public addresses (11.<run>.x.y), so no row is a duplicate.
make_csv() {
  awk -v run="$1" 'BEGIN {
    split("brute_force,port_scan,web_exploit,ddos,spam", cats, ",");
    print "IP,Category,Protocol,Comment";
    for (i = 0; i < 10000; i++)
      printf "11.%d.%d.%d,%s,ssh,\"Failed password for root, port %d ssh2\"\n", run, int(i / 256), i % 256, cats[i % 5 + 1], 1024 + i;
  }' >"$work/run$1.csv"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

total=$((warmup + runs))
ms() { awk -v t="$1" 'BEGIN { printf "%.1f", t * 1000 }'; }
# CPU time the server process spent (user + system from /proc/PID/stat, which keeps the time of threads that have
# ended; clock ticks, converted to ns): what the request cost, independent of how busy the rest of the machine is
# (10 ms resolution per reading).
tick_ns=$((1000000000 / $(getconf CLK_TCK)))
cpu_ns() { awk -v tick="$tick_ns" '{ sub(/^.*\) /, ""); printf "%.0f", ($12 + $13) * tick }' "/proc/$server_pid/stat"; }
cpu_ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) / 1e6 }'; }
report_times=(); first_check_times=(); scored_times=(); check_times=()
report_cpu=(); first_check_cpu=(); check_cpu=()
for r in $(seq 1 "$total"); do
  make_csv "$r"
  awk -v run="$r" 'BEGIN { for (i = 0; i < 10000; i++) printf "11.%d.%d.%d\n", run, int(i / 256), i % 256 }' >"$work/addresses$r.txt"
  # Background work a previous upload started (TAXII publication of its addresses) is allowed to finish first, so each
  # figure is the request's own latency, not queueing behind the last run.
  sleep "${BENCH_PAUSE:-3}"
  # 1. The upload: parsed, checked, stored in one transaction, applied to the index.
  c0=$(cpu_ns)
  t1=$(curl -s -o "$work/report.json" -w '%{time_total}' -H "Authorization: Bearer $key" -F "file=@$work/run$r.csv;type=application/octet-stream" "$url/v1/key/bulk-report")
  accepted=$(jq -r .accepted "$work/report.json")
  [ "$accepted" = "10000" ] || { echo "bulk-report run $r accepted $accepted rows:"; head -c 500 "$work/report.json"; exit 1; }
  # 2. The first check of those 10,000 addresses: every score is computed from the new evidence here.
  c1=$(cpu_ns)
  t2=$(curl -s -o "$work/check.json" -w '%{time_total}' -H "Authorization: Bearer $key" -H 'Content-Type: text/plain' --data-binary "@$work/addresses$r.txt" "$url/v1/key/bulk-check-inline")
  found=$(jq -r .found "$work/check.json")
  [ "$found" = "10000" ] || { echo "bulk-check run $r found $found:"; head -c 500 "$work/check.json"; exit 1; }
  # 3. The same check again (scores cached).
  c2=$(cpu_ns)
  t3=$(curl -s -o "$work/check.json" -w '%{time_total}' -H "Authorization: Bearer $key" -H 'Content-Type: text/plain' --data-binary "@$work/addresses$r.txt" "$url/v1/key/bulk-check-inline")
  c3=$(cpu_ns)
  if [ "$r" -gt "$warmup" ]; then
    report_cpu+=("$(cpu_ms "$c0" "$c1")"); first_check_cpu+=("$(cpu_ms "$c1" "$c2")"); check_cpu+=("$(cpu_ms "$c2" "$c3")")
    report_times+=("$(ms "$t1")"); first_check_times+=("$(ms "$t2")"); check_times+=("$(ms "$t3")")
    scored_times+=("$(awk -v a="$t1" -v b="$t2" 'BEGIN { printf "%.1f", (a + b) * 1000 }')")
  fi
done

echo "runs (ms), after $warmup warm-up runs:"
echo "  bulk-report 10,000-row CSV:                  ${report_times[*]}"
echo "  first bulk-check of those 10,000 (scoring):  ${first_check_times[*]}"
echo "  upload + first check (stored and scored):    ${scored_times[*]}"
echo "  bulk-check 10,000 known addresses (cached):  ${check_times[*]}"
echo "server CPU per request (ms):"
echo "  bulk-report:                                 ${report_cpu[*]}"
echo "  first bulk-check (scoring):                  ${first_check_cpu[*]}"
echo "  bulk-check (cached):                         ${check_cpu[*]}"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
echo "median bulk-report 10,000 rows:                  $(printf '%s\n' "${report_times[@]}" | median) ms (target < 300 ms)"
echo "median upload + first check (stored and scored): $(printf '%s\n' "${scored_times[@]}" | median) ms"
echo "median bulk-check 10,000 addresses, first read:  $(printf '%s\n' "${first_check_times[@]}" | median) ms (target < 150 ms)"
echo "median bulk-check 10,000 addresses, cached:      $(printf '%s\n' "${check_times[@]}" | median) ms (target < 150 ms)"
echo "median server CPU: bulk-report $(printf '%s\n' "${report_cpu[@]}" | median) ms, first check $(printf '%s\n' "${first_check_cpu[@]}" | median) ms, cached check $(printf '%s\n' "${check_cpu[@]}" | median) ms"
