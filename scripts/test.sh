#!/usr/bin/env bash
# Runs the whole test suite and ends with one line: "N passed, N failed".
# Usage: scripts/test.sh [extra dotnet test arguments]
# It installs Debian packages as root (meant for a disposable machine): PALISADE_SKIP_INSTALL=1 skips that step.
# The PostgreSQL and Redis it starts are stopped when it ends; PALISADE_KEEP_SERVICES=1 leaves them running.
set -uo pipefail
cd "$(dirname "$0")/.."

results="${PALISADE_TEST_RESULTS:-TestResults}"
rm -rf "$results"
mkdir -p "$results"

# Everything the tests need beyond the .NET SDK: Debian packages (firewall tools, nginx, fail2ban, PostgreSQL, Redis, wrk).
if [ "${PALISADE_SKIP_INSTALL:-0}" != 1 ]; then
  scripts/install-test-deps.sh
fi

dotnet build Palisade.slnx -c Release -warnaserror 2>&1 | tail -n 3
build_rc=${PIPESTATUS[0]}
if [ "$build_rc" -ne 0 ]; then
  echo "0 passed, 1 failed"
  exit "$build_rc"
fi

# PostgreSQL and Redis on 127.0.0.1 (throw-away instances): the cluster tests always use them, and the storage and
# HTTP tests run a second time on them.
# Only what this run starts is stopped afterwards (services someone else started keep running).
already_running=$(scripts/test-services.sh running 2>/dev/null || true)
stop_services() {
  if [ "${PALISADE_KEEP_SERVICES:-0}" = 1 ]; then return; fi
  grep -qx postgres <<<"$already_running" || scripts/test-services.sh stop-postgres >/dev/null 2>&1 || true
  grep -qx redis <<<"$already_running" || scripts/test-services.sh stop-redis >/dev/null 2>&1 || true
}
trap 'stop_services; exit 130' INT TERM
scripts/test-services.sh start
export PALISADE_CLUSTER_POSTGRES="Host=127.0.0.1;Port=${PALISADE_TEST_PG_PORT:-55432};Username=postgres;Database=postgres"
export PALISADE_CLUSTER_REDIS="127.0.0.1:${PALISADE_TEST_REDIS_PORT:-56379}"

rc=0
# Pass 1: everything, on the embedded SQLite store.
for project in tests/*/*.csproj; do
  name=$(basename "$project" .csproj)
  dotnet test "$project" -c Release --no-build --logger "trx;LogFileName=$name.trx" --results-directory "$results" "$@" || rc=$?
done
# Pass 2: the storage and HTTP tests again, on PostgreSQL + Redis (cluster tests already ran).
PALISADE_TEST_POSTGRES="$PALISADE_CLUSTER_POSTGRES" PALISADE_TEST_REDIS="$PALISADE_CLUSTER_REDIS" \
  dotnet test tests/Palisade.Server.Tests/Palisade.Server.Tests.csproj -c Release --no-build --filter "Category!=Cluster" \
  --logger "trx;LogFileName=Palisade.Server.Tests.postgres.trx" --results-directory "$results" "$@" || rc=$?

stop_services
trap - INT TERM

passed=0
failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
done
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1   # the run itself failed (crash, no results): never report green
fi
echo "$passed passed, $failed failed"
exit "$rc"
