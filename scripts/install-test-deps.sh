#!/usr/bin/env bash
# Installs what the test suite needs beyond the .NET SDK, from Debian's packages. Idempotent; quiet when all present.
# The firewall bouncer recommends crowdsec, whose setup needs the internet: --no-install-recommends.
set -euo pipefail
packages=(sqlite3 ipset nftables iptables nginx-light fail2ban crowdsec-firewall-bouncer postgresql redis-server wrk iproute2 procps util-linux prometheus python3-aiosmtpd chromium sshpass openssh-client busybox netcat-openbsd dpkg-dev file lintian systemd)
# Node.js and npm (the SikkerAPI CLI and CrowdSec's npm bouncer libraries are fetched with them): Debian's, unless the
# machine already has a Node.js of its own (whose package may be named nodejs too but bundle npm).
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  # Package scripts must not start services here: tests start their own, on their own ports.
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  rm -f /usr/sbin/policy-rc.d
fi
