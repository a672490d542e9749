#!/usr/bin/env bash
# Dynamic updates and IXFR on a journaled, signed zone: UPDATES sequential `nsupdate -y` updates
# (one TXT record added each), timed one by one (each is journaled with fsync and the zone's new
# version signed and diffed before the answer); then an IXFR from the first serial against an
# AXFR of the same zone, each timed with `dig +tcp` (median of RUNS). Prints a Markdown table.
#
#   Benchmarks/journal/run.sh [RECORDS] [UPDATES]   (defaults 10000 and 50; env RUNS=5,
#                                                    SIGIL=binary, default .build-release/release/sigil)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
records=${1:-10000}
updates=${2:-50}
runs=${RUNS:-5}
sigil=${SIGIL:-$repo/.build-release/release/sigil}
port=${PORT:-54400}
origin=bench.test
work=$(mktemp -d /tmp/sigil-journal-bench.XXXXXX)
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$work"
for tool in nsupdate dig python3; do command -v $tool >/dev/null || { echo "missing $tool" >&2; exit 1; }; done
[[ -x $sigil ]] || { echo "no sigil binary at $sigil" >&2; exit 1; }

python3 "$repo/Benchmarks/zoneload/generate-zone.py" bench.zone "$records" "$origin." >/dev/null
"$sigil" tsig-keygen up-key > up-key.conf
secret=$(sed -n 's/.*secret "\(.*\)";/\1/p' up-key.conf)
key="hmac-sha256:up-key:$secret"
cat > sigil.yaml <<YAML
listen: ["127.0.0.1:$port"]
keys: keys
tsig-keys:
  - {name: up-key, file: up-key.conf}
zones:
  - origin: $origin
    file: bench.zone
    transfer: [{address: 127.0.0.1/32, key: up-key}]
    update: [{address: 127.0.0.1/32, key: up-key}]
YAML
"$sigil" serve --config sigil.yaml --udp-workers 1 > sigil.log 2>&1 &
pid=$!
for _ in $(seq 600); do grep -q "listening on" sigil.log && break; sleep 0.1; done
first=$(dig +short @127.0.0.1 -p $port $origin SOA | awk '{print $3}')

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
ms() { python3 -c 'import time; print(int(time.monotonic() * 1e6))'; }

for i in $(seq "$updates"); do
  start=$(ms)
  printf 'server 127.0.0.1 %s\nzone %s\nupdate add u%s.%s 300 TXT "update %s"\nsend\n' \
    "$port" "$origin" "$i" "$origin" "$i" | nsupdate -y "$key"
  echo $(( $(ms) - start ))
done > update.us
last=$(dig +short @127.0.0.1 -p $port $origin SOA | awk '{print $3}')

for _ in $(seq "$runs"); do
  dig -y "$key" +tcp @127.0.0.1 -p $port $origin IXFR=$first > ixfr.out
  grep "Query time" ixfr.out | awk '{print $4}' >> ixfr.ms
  dig -y "$key" +tcp @127.0.0.1 -p $port $origin AXFR > axfr.out
  grep "Query time" axfr.out | awk '{print $4}' >> axfr.ms
done
ixfr_records=$(grep -vc '^;\|^$' ixfr.out)
axfr_records=$(grep -vc '^;\|^$' axfr.out)

echo "$(date -u +%FT%TZ), $(uptime | sed 's/.*load/load/'), zone $records records, serial $first → $last"
echo
echo "| measure | median |"
echo "|---|---|"
echo "| UPDATE round trip (nsupdate, incl. process start), $updates updates | $(median < update.us | awk '{printf "%.1f ms", $1/1000}') |"
echo "| IXFR from serial $first ($ixfr_records records) | $(median < ixfr.ms) ms |"
echo "| AXFR ($axfr_records records) | $(median < axfr.ms) ms |"
