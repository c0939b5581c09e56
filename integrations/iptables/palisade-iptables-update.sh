#!/bin/sh
# Keeps chain PALISADE (iptables and ip6tables) in sync with a Palisade blocklist, with no ipset or nftables needed:
# downloads format=iptables-restore and format=ip6tables-restore, checks each with `--test`, then loads it with
# `--noflush`, which replaces chain PALISADE in one commit and leaves every other rule alone. The jump from INPUT is
# added once if it is missing. Run as root.
#
#   PALISADE_URL    server base URL;  PALISADE_KEY  API key (Bearer header)
#   PALISADE_QUERY  blocklist filters (default: scoreMinimum=75)
#   PALISADE_LIST_URL_V4 / PALISADE_LIST_URL_V6  full URLs of the two lists instead (curl syntax; file:///path works)
set -eu
query="${PALISADE_QUERY:-scoreMinimum=75}"

file=$(mktemp)
trap 'rm -f "$file"' EXIT
for family in 4 6; do
  if [ "$family" = 4 ]; then tool=iptables; else tool=ip6tables; fi
  eval "override=\${PALISADE_LIST_URL_V$family:-}"
  list_url="${override:-${PALISADE_URL:?PALISADE_URL is required}/v1/key/blacklist?format=$tool-restore&$query}"
  if [ -n "${PALISADE_KEY:-}" ]; then
    curl -sS --fail --max-time 120 -H "Authorization: Bearer $PALISADE_KEY" -o "$file" "$list_url"
  else
    curl -sS --fail --max-time 120 -o "$file" "$list_url"
  fi
  grep -q '^:PALISADE ' "$file" || { echo "palisade: the download is not an $tool-restore file" >&2; exit 1; }
  "$tool-restore" --test --noflush < "$file"
  "$tool-restore" --noflush < "$file"
  "$tool" -w -C INPUT -j PALISADE 2>/dev/null || "$tool" -w -I INPUT -j PALISADE
  echo "palisade: $tool chain PALISADE holds $(grep -c '^-A PALISADE ' "$file") addresses"
done
