#!/usr/bin/env bash
# Geo lookup benchmark (issue 3): time per lookup and bytes allocated per lookup over the installed ip-location-db
# data (country MMDB + ASN CSV ranges), 200,000 random addresses (80 % IPv4, 20 % IPv6) looked up 5 times after a
# warm-up. Installs the data with `palisade geo install` into $GEO_DIR unless present. Same tool as bench/blocklist.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
GEO_DIR=${GEO_DIR:-${TMPDIR:-/tmp}/palisade-geo-test-2.3.2026061719}
dotnet build "$ROOT/src/Palisade.Cli" -c Release -nologo -v q >/dev/null
dotnet "$ROOT/src/Palisade.Cli/bin/Release/net10.0/palisade.dll" geo install --geo-dir "$GEO_DIR" >&2
dotnet build "$ROOT/bench/blocklist" -c Release -nologo -v q >/dev/null
echo "machine: $(nproc) cores, $(dotnet --version)"
dotnet "$ROOT/bench/blocklist/bin/Release/net10.0/Palisade.Bench.Blocklist.dll" 0 "$GEO_DIR"
