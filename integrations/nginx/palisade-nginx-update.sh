#!/bin/sh
# Keeps an nginx geo map of blocked addresses in sync with a Palisade blocklist; reloads nginx only when it changed.
#
#   PALISADE_URL      server base URL (https://palisade.example.org)
#   PALISADE_KEY      API key (sent as a Bearer header, never in the URL)
#   PALISADE_QUERY    blocklist filters (default: scoreMinimum=75)
#   PALISADE_TARGET   the geo map file nginx includes (default: /etc/nginx/conf.d/palisade-geo.conf)
#   PALISADE_RELOAD   command run after a change (default: nginx -s reload)
#   PALISADE_NGINX_TEST  command that validates the config before reloading (default: nginx -t -q)
#
# In nginx: the file defines $palisade_blocked inside http {} (conf.d is included there); in a server or location:
#   if ($palisade_blocked) { return 403; }
set -eu
url="${PALISADE_URL:?PALISADE_URL is required}"
key="${PALISADE_KEY:?PALISADE_KEY is required}"
query="${PALISADE_QUERY:-scoreMinimum=75}"
target="${PALISADE_TARGET:-/etc/nginx/conf.d/palisade-geo.conf}"
reload="${PALISADE_RELOAD:-nginx -s reload}"
check="${PALISADE_NGINX_TEST:-nginx -t -q}"

new=$(mktemp "${target}.XXXXXX")
trap 'rm -f "$new"' EXIT
curl -sS --fail --max-time 60 -H "Authorization: Bearer $key" -o "$new" "$url/v1/key/blacklist?format=nginx-geo&$query"
grep -q '^geo \$palisade_blocked {' "$new" || { echo "palisade: the download is not a geo map" >&2; exit 1; }

# The header line carries the generation time; compare what nginx would load.
if [ -f "$target" ] && [ "$(grep -v '^#' "$target")" = "$(grep -v '^#' "$new")" ]; then
  echo "palisade: unchanged"
  exit 0
fi

old=""
if [ -f "$target" ]; then old=$(mktemp "${target}.old.XXXXXX"); cp -p "$target" "$old"; fi
chmod 0644 "$new"
mv -f "$new" "$target"
if ! sh -c "$check"; then
  echo "palisade: nginx rejected the new map; restoring the previous one" >&2
  if [ -n "$old" ]; then mv -f "$old" "$target"; else rm -f "$target"; fi
  exit 1
fi
[ -n "$old" ] && rm -f "$old"
sh -c "$reload"
echo "palisade: updated $(grep -c ' 1;$' "$target") addresses"
