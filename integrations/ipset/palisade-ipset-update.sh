#!/bin/sh
# Keeps the ipsets palisade-v4 and palisade-v6 in sync with a Palisade blocklist, swapping each set atomically:
# the new list is loaded into palisade-v4-new / palisade-v6-new, then `ipset swap`ped with the live sets, so
# the firewall never sees a half-loaded or empty set. Run as root.
#
#   PALISADE_URL    server base URL;  PALISADE_KEY  API key (Bearer header)
#   PALISADE_QUERY  blocklist filters (default: scoreMinimum=75)
#   PALISADE_LIST_URL  full URL of the list instead (curl syntax; file:///path works for a pre-fetched list)
#
# Then match the sets once, e.g.:
#   iptables  -I INPUT -m set --match-set palisade-v4 src -j DROP
#   ip6tables -I INPUT -m set --match-set palisade-v6 src -j DROP
set -eu
query="${PALISADE_QUERY:-scoreMinimum=75}"
list_url="${PALISADE_LIST_URL:-${PALISADE_URL:?PALISADE_URL is required}/v1/key/blacklist?format=ipset&$query}"

file=$(mktemp)
trap 'rm -f "$file" "$file.new"' EXIT
if [ -n "${PALISADE_KEY:-}" ]; then
  curl -sS --fail --max-time 120 -H "Authorization: Bearer $PALISADE_KEY" -o "$file" "$list_url"
else
  curl -sS --fail --max-time 120 -o "$file" "$list_url"
fi
grep -q '^create palisade-v4 ' "$file" || { echo "palisade: the download is not an ipset file" >&2; exit 1; }

# Load into the -new sets (same definitions), keeping the live sets untouched until the swap.
sed -e 's/^\(create\|flush\|add\) palisade-v\([46]\)\( \|$\)/\1 palisade-v\2-new\3/' "$file" > "$file.new"
for family in 4 6; do ipset destroy "palisade-v$family-new" 2>/dev/null || true; done
ipset restore < "$file.new"
for family in 4 6; do
  live="palisade-v$family"
  if ! ipset list -n "$live" >/dev/null 2>&1; then
    # First run: create the live set with the same definition so it can be swapped.
    grep "^create $live " "$file" | sed 's/^create //' | xargs ipset create
  fi
  ipset swap "$live-new" "$live"
  ipset destroy "$live-new"
done
echo "palisade: loaded $(grep -c '^add ' "$file") addresses"
