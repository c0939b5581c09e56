#!/usr/bin/env bash
# The blocklist and geo benchmark (issue 3): a million-address list served over HTTP, and geo lookups.
#
#   bench/blocklist/run.sh              # 1,000,000 addresses
#   COUNT=200000 bench/blocklist/run.sh
#
# Builds bench/blocklist in Release and runs it. The tool starts a real Palisade server in its own process (Kestrel on
# loopback, SQLite in a temp folder) and loads the addresses straight into the server's ReputationIndex with
# ReputationIndex.Apply (what the engine loader does from the store on start), because a million reports over HTTP
# would measure the report path instead. Geo: installs the ip-location-db data with `palisade geo install` into
# $GEO_DIR (default a temp cache) unless present, then times lookups and counts bytes allocated per lookup.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
COUNT=${COUNT:-1000000}
GEO_DIR=${GEO_DIR:-${TMPDIR:-/tmp}/palisade-geo-test-2.3.2026061719}

dotnet build "$ROOT/src/Palisade.Cli" -c Release -nologo -v q >/dev/null
dotnet "$ROOT/src/Palisade.Cli/bin/Release/net10.0/palisade.dll" geo install --geo-dir "$GEO_DIR" >&2
dotnet build "$ROOT/bench/blocklist" -c Release -nologo -v q >/dev/null
echo "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GB", $2/1048576}' /proc/meminfo), $(dotnet --version)"
Logging__LogLevel__Default=Warning dotnet "$ROOT/bench/blocklist/bin/Release/net10.0/Palisade.Bench.Blocklist.dll" "$COUNT" "$GEO_DIR"
