#!/usr/bin/env bash
# Builds the palisade command and runs the server on 127.0.0.1 with an embedded SQLite database in ./data.
# Usage: scripts/run.sh [--urls http://127.0.0.1:8080] [--data ./data]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet publish src/Palisade.Cli -c Release -o out --nologo -v quiet
# Geolocation data (country, AS) on first run; skipped when present, and the server runs without it if npm is missing.
out/palisade geo install --data "${PALISADE_DATA:-./data}" || echo "run.sh: geo data not installed; checks will carry no country/AS" >&2
exec out/palisade serve --urls "${PALISADE_URLS:-http://127.0.0.1:8080}" --data "${PALISADE_DATA:-./data}" "$@"
