#!/usr/bin/env bash
# Installs the system packages Sigil builds and tests with, only those missing.
# Debian 12: libcrypto and libsodium for signing; real DNS peers and validators for the tests.
set -euo pipefail
packages=(pkg-config libssl-dev libsodium-dev openssl gcc libc6-dev
  knot knot-dnsutils unbound ldnsutils bind9-dnsutils bind9-utils dnsperf nsd
  pdns-server pdns-backend-bind python3-pip postfix iproute2 bind9 systemd zlib1g-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  # Postfix is there for posttls-finger (a DANE client the tests run); it needs no mail setup.
  echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections
  # The packaged daemons must not start on install: tests start their own on loopback ports.
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null && $SUDO chmod +x /usr/sbin/policy-rc.d
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  $SUDO rm -f /usr/sbin/policy-rc.d
fi
# The peer scripts' Python modules: dnspython (Tests/Peers) and cryptography (DNSSEC interop).
python3 -c 'import dns.message, cryptography' 2>/dev/null || python3 -m pip install -q dnspython cryptography
