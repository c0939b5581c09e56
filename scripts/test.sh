#!/usr/bin/env bash
# Runs the whole test suite and ends with one line: "N passed, N failed".
# Usage: scripts/test.sh [extra dotnet test arguments]
set -uo pipefail
cd "$(dirname "$0")/.."

results="${PALISADE_TEST_RESULTS:-TestResults}"
rm -rf "$results"
mkdir -p "$results"

# Everything the tests need beyond the .NET SDK: Debian packages (firewall tools, nginx, fail2ban, PostgreSQL, Redis, wrk).
scripts/install-test-deps.sh

dotnet build Palisade.slnx -c Release -warnaserror 2>&1 | tail -n 3
build_rc=${PIPESTATUS[0]}
if [ "$build_rc" -ne 0 ]; then
  echo "0 passed, 1 failed"
  exit "$build_rc"
fi

# PostgreSQL and Redis on 127.0.0.1 (throw-away instances): the cluster tests always use them, and the storage and
# HTTP tests run a second time on them.
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
