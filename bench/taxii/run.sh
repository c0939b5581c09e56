#!/usr/bin/env bash
# TAXII page speed: a page of 1,000 indicators at 100,000 scored addresses (target < 100 ms). Prints the figures.
# Usage: bench/taxii/run.sh [addresses]
set -euo pipefail
cd "$(dirname "$0")"
dotnet run -c Release --project TaxiiBench.csproj -- "${1:-100000}"
