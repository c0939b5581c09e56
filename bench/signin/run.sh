#!/usr/bin/env bash
# The sign-in timing benchmark (issue 12, item 15): does the time of a failed dashboard sign-in reveal whether the
# e-mail address has an account? Every path should do the same work (a dummy hash for unknown addresses, passwords
# capped before hashing).
#
#   bench/signin/run.sh                        # 40 attempts of each kind, a 200-character wrong password
#   COUNT=100 LENGTH=256 bench/signin/run.sh
#   BACKEND=postgres bench/signin/run.sh       # the same against a PostgreSQL + Redis node (scripts/test-services.sh)
#
# Builds the CLI, issues an invitation, starts `palisade serve` (sign-up by invitation, the sign-in limits raised out of
# the way, loopback trusted as a proxy so each attempt can come from its own X-Forwarded-For address), signs an account
# up, then alternates failed sign-ins for that account's e-mail and for an e-mail without an account, both with the
# same wrong LENGTH-character password. Each attempt is timed by curl from the request sent to the first byte of the
# answer (time_starttransfer - time_pretransfer). Prints the median and p90 of each kind and their ratios (known /
# unknown: 1.00 means indistinguishable), with the machine load. Needs: dotnet, curl, awk, sort, sed.
set -euo pipefail

source "$(dirname "$0")/../lib.sh"
COUNT=${COUNT:-40}
LENGTH=${LENGTH:-200}
BACKEND=${BACKEND:-sqlite}
for tool in dotnet curl awk sort sed; do
  command -v "$tool" >/dev/null || { echo "bench/signin: '$tool' is required" >&2; exit 2; }
done

bench_work signin
bench_cli
DATA="$WORK/data"
mkdir -p "$DATA"
bench_backend signin
# Issued before the server starts: on SQLite the server holds the data folder's lock.
INVITE=$("${PALISADE[@]}" accounts invite --data "$DATA" "${STORE_ARGS[@]}" 2>"$WORK/invite.log")
PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
log "starting palisade serve on $BASE ($BACKEND)"
env PALISADE_Palisade__Dashboard__SignUp=invite \
  PALISADE_Palisade__Dashboard__SignInAttempts=1000000 PALISADE_Palisade__Dashboard__SignInAttemptsPerAccount=1000000 \
  PALISADE_Palisade__ForwardedHeaders__TrustedProxies=127.0.0.1,::1 PALISADE_Logging__LogLevel__Default=Warning \
  "${PALISADE[@]}" serve --urls "$BASE" --data "$DATA" "${STORE_ARGS[@]}" "${SERVE_ARGS[@]}" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
BENCH_PIDS+=("$SERVER_PID")
wait_healthy "$BASE" "$SERVER_PID" "$WORK/server.log"

JAR="$WORK/cookies"
# token PATH: the antiforgery field of the form at PATH (its cookie goes to the jar); a token serves many posts.
token() { curl -fsS -c "$JAR" -b "$JAR" "$BASE$1" | sed -n 's/.*name="__antiforgery" value="\([^"]*\)".*/\1/p' | head -n 1 | sed 's/&#x2B;/+/g; s/&#x2F;/\//g; s/&#x3D;/=/g'; }
PASSWORD="bench password $(date +%s%N)"
EMAIL="known@example.org"
code=$(curl -sS -o /dev/null -w '%{http_code}' -c "$JAR" -b "$JAR" "$BASE/dashboard/signup" \
  --data-urlencode "__antiforgery=$(token "$INVITE")" --data-urlencode "invite=${INVITE#*=}" \
  --data-urlencode "email=$EMAIL" --data-urlencode "password=$PASSWORD" --data-urlencode "confirm=$PASSWORD")
[[ "$code" == 303 ]] || { echo "sign-up failed ($code)" >&2; cat "$WORK/server.log" >&2; exit 1; }
rm -f "$JAR"
WRONG=$(head -c "$LENGTH" < <(yes 'wrong guess ' | tr -d '\n'))
FORM_TOKEN=$(token /dashboard/signin)

# attempt EMAIL N: one failed sign-in from its own address; prints the server-side seconds.
attempt() {
  local out
  out=$(curl -sS -o /dev/null -w '%{http_code} %{time_pretransfer} %{time_starttransfer}' -b "$JAR" \
    -H "X-Forwarded-For: 198.18.$(($2 / 250 % 250)).$(($2 % 250 + 1))" "$BASE/dashboard/signin" \
    --data-urlencode "__antiforgery=$FORM_TOKEN" --data-urlencode "email=$1" --data-urlencode "password=$WRONG")
  [[ "${out%% *}" == 401 ]] || { echo "sign-in answered ${out%% *}, expected 401" >&2; exit 1; }
  awk -v a="${out#* }" 'BEGIN { split(a, t, " "); printf "%.6f\n", t[2] - t[1] }'
}

log "warming up (5 attempts of each kind)"
for i in 1 2 3 4 5; do attempt "$EMAIL" "$i" >/dev/null; attempt "nobody$i@example.org" "$((i + 5))" >/dev/null; done
log "timing $COUNT attempts of each kind, alternating, wrong password of $LENGTH characters"
: >"$WORK/known"
: >"$WORK/unknown"
for ((i = 0; i < COUNT; i++)); do
  attempt "$EMAIL" "$((100 + 2 * i))" >>"$WORK/known"
  attempt "nobody-$i@example.org" "$((101 + 2 * i))" >>"$WORK/unknown"
done

# stats FILE: "median p90" in milliseconds.
stats() { sort -n "$1" | awk '{ v[NR] = $1 * 1000 } END { printf "%.1f %.1f\n", v[int((NR + 1) / 2)], v[int(NR * 0.9 + 0.999)] }'; }
read -r known_median known_p90 < <(stats "$WORK/known")
read -r unknown_median unknown_p90 < <(stats "$WORK/unknown")
echo "sign-in timing, $BACKEND, $COUNT attempts each, wrong password of $LENGTH characters, load $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
printf '%-28s %10s %10s\n' "" "median ms" "p90 ms"
printf '%-28s %10s %10s\n' "existing e-mail" "$known_median" "$known_p90"
printf '%-28s %10s %10s\n' "e-mail without an account" "$unknown_median" "$unknown_p90"
awk -v a="$known_median" -v b="$unknown_median" -v c="$known_p90" -v d="$unknown_p90" \
  'BEGIN { printf "%-28s %10.2f %10.2f\n", "ratio existing / unknown", a / b, c / d }'
