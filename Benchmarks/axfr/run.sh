#!/usr/bin/env bash
# AXFR of a signed zone to NSD, side by side: Sigil (the zone has `transfer:`, so it is journaled and
# the AXFR is read from the journal's image, signed at load), and Knot DNS serving the same zone
# presigned (`sigil sign` output, same keys). Prints a Markdown table of the
# medians of RUNS and Sigil's peak RSS during its transfers against its idle RSS.
#
#   Benchmarks/axfr/run.sh [RECORDS]   (default 1000000; env RUNS=3, WORK=dir, PORT=base port,
#                                       SIGIL=release binary, default .build-release/release/sigil)
#
# A run: a fresh NSD (empty state, one server) with `request-xfr: AXFR` from the primary, TSIG
# hmac-sha256; timed from NSD's start until it answers the zone's SOA (kdig polled every 50 ms).
# Sigil's RSS is sampled (VmRSS, every 50 ms) while NSD transfers from it; idle RSS is VmRSS once
# the zone is loaded and before any transfer.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
records=${1:-1000000}
runs=${RUNS:-3}
work=${WORK:-/tmp/sigil-axfr-$$}
base=${PORT:-54300}
sigil=${SIGIL:-$repo/.build-release/release/sigil}
origin=bench.test
mkdir -p "$work"
cd "$work"

for tool in knotd nsd kdig python3; do command -v $tool >/dev/null || { echo "missing $tool" >&2; exit 1; }; done
[[ -x $sigil ]] || { echo "no sigil binary at $sigil (swift build -c release --scratch-path .build-release)" >&2; exit 1; }

[[ -s zone.$records ]] || python3 "$repo/Benchmarks/zoneload/generate-zone.py" zone.$records "$records" "$origin."
cp zone.$records bench.zone
rm -rf keys && mkdir keys
"$sigil" keygen $origin --dir keys >/dev/null
"$sigil" tsig-keygen bench-key > bench-key.conf
secret=$(sed -n 's/.*secret "\(.*\)";/\1/p' bench-key.conf)
echo "signing the zone for Knot (sigil sign)..." >&2
"$sigil" sign $origin bench.zone --dir keys -o presigned.zone

sigil_port=$base; knot_port=$((base + 1)); nsd_port=$((base + 2))
cat > sigil.yaml <<YAML
keys: keys
listen: ["127.0.0.1:$sigil_port"]
tsig-keys:
  - {name: bench-key, file: bench-key.conf}
zones:
  - origin: $origin
    file: bench.zone
    transfer:
      - {address: 127.0.0.1/32, key: bench-key}
YAML
mkdir -p knot
cat > knot.conf <<KNOT
server:
  rundir: "$work/knot"
  listen: 127.0.0.1@$knot_port
  background-workers: 1
  udp-workers: 1
  tcp-workers: 1
log:
  - target: stderr
    any: warning
database:
  storage: "$work/knot"
key:
  - id: bench-key
    algorithm: hmac-sha256
    secret: $secret
acl:
  - id: xfr
    address: 127.0.0.1
    key: bench-key
    action: transfer
zone:
  - domain: $origin
    storage: "$work"
    file: presigned.zone
    acl: xfr
    zonefile-sync: -1
    journal-content: none
KNOT

soa_serial() { kdig @127.0.0.1 -p "$1" +short +norec +timeout=1 +retry=0 $origin SOA 2>/dev/null | awk '{print $3}'; }
wait_soa() { for _ in $(seq 1 2400); do [[ -n $(soa_serial "$1") ]] && return 0; sleep 0.05; done; return 1; }
rss_kb() { awk '/VmRSS/ {print $2}' /proc/"$1"/status; }
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

"$sigil" serve --config sigil.yaml --udp-workers 1 2> sigil.log &
sigil_pid=$!
knotd -c knot.conf 2> knot.log &
knot_pid=$!
trap 'kill $sigil_pid $knot_pid 2>/dev/null || true' EXIT
wait_soa $sigil_port || { echo "sigil did not start" >&2; cat sigil.log >&2; exit 1; }
wait_soa $knot_port || { echo "knotd did not start" >&2; cat knot.log >&2; exit 1; }
sleep 2
idle=$(rss_kb $sigil_pid)

# One transfer to a fresh NSD from port $1; prints the seconds it took.
transfer() {
    rm -rf nsd && mkdir nsd
    cat > nsd/nsd.conf <<NSD
server:
  ip-address: 127.0.0.1@$nsd_port
  port: $nsd_port
  do-ip6: no
  server-count: 1
  username: ""
  chroot: ""
  zonesdir: "$work/nsd"
  database: ""
  zonelistfile: "$work/nsd/zone.list"
  xfrdfile: "$work/nsd/xfrd.state"
  xfrdir: "$work/nsd"
  pidfile: "$work/nsd/nsd.pid"
  logfile: "$work/nsd/log"
  verbosity: 1
remote-control:
  control-enable: no
key:
  name: bench-key
  algorithm: hmac-sha256
  secret: "$secret"
zone:
  name: $origin
  request-xfr: AXFR 127.0.0.1@$1 bench-key
NSD
    local start end
    start=$(date +%s.%N)
    nsd -d -c nsd/nsd.conf 2>/dev/null &
    local nsd_pid=$!
    wait_soa $nsd_port || { echo "NSD got no zone from port $1" >&2; cat nsd/log >&2; }
    end=$(date +%s.%N)
    kill $nsd_pid; wait $nsd_pid 2>/dev/null || true
    echo "$end - $start" | bc -l
}

peak=$idle
: > sigil.times; : > knot.times
for run in $(seq 1 "$runs"); do
    # Sigil, with its RSS sampled during the transfer.
    ( while :; do rss_kb $sigil_pid; sleep 0.05; done ) > rss.$run &
    sampler=$!
    transfer $sigil_port >> sigil.times
    kill $sampler; wait $sampler 2>/dev/null || true
    run_peak=$(sort -g rss.$run | tail -1)
    (( run_peak > peak )) && peak=$run_peak
    transfer $knot_port >> knot.times
    echo "run $run: sigil $(tail -1 sigil.times) s, knot $(tail -1 knot.times) s, sigil peak RSS $run_peak kB" >&2
done

s=$(median < sigil.times); k=$(median < knot.times)
records_sent=$(grep -c . presigned.zone || true)
echo "| Primary → NSD 4.6.1 | AXFR time (s), median of $runs | ÷ Knot |"
echo "|---|---:|---:|"
printf '| Sigil (journaled, from its image) | %.2f | %.2f |\n' "$s" "$(echo "$s / $k" | bc -l)"
printf '| Knot DNS 3.2.6 (presigned) | %.2f | 1.00 |\n' "$k"
echo
printf 'Sigil RSS: idle %.1f MiB, peak during transfers %.1f MiB (%.3f× idle). Records transferred: %s (%s zone records).\n' \
    "$(echo "$idle / 1024" | bc -l)" "$(echo "$peak / 1024" | bc -l)" "$(echo "$peak / $idle" | bc -l)" "$records_sent" "$records"
grep "AXFR of $origin" sigil.log | tail -1 >&2 || true
