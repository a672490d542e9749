#!/usr/bin/env bash
# Profiles the release `sigil serve` (1 UDP worker) under dnsperf with `perf record -g`, and prints the
# top self-cost symbols. Uses the zone and query mix of run.sh.
#
#   Benchmarks/load/profile.sh [SECONDS] [plain|signed]       # needs perf (Debian: linux-perf)
set -euo pipefail
secs=${1:-10}
mode=${2:-plain}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
scratch=${SCRATCH:-.build-load}
origin=bench.test.
(cd "$root" && swift build -c release --product sigil --scratch-path "$scratch" >/dev/null)
W=$(mktemp -d /tmp/sigil-profile.XXXXXX)
pid=
cleanup() {
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi
    rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
python3 "$here/make-queries.py" zone "$W/zone" --origin "$origin"
python3 "$here/make-queries.py" mix "$W/zone" "$W/mix.queries" --origin "$origin"
port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
dnssec="{ enabled: false }"
do=()
if [ "$mode" = signed ]; then dnssec="{ enabled: true, algorithm: ecdsap256sha256, denial: nsec3 }"; do=(-D); fi
mkdir -p "$W/keys"
cat >"$W/sigil.yaml" <<Y
listen: ["127.0.0.1:$port"]
udp-workers: 1
keys: $W/keys
log-level: warning
zones:
  - origin: $origin
    file: $W/zone
    dnssec: $dnssec
Y
"$root/$scratch/release/sigil" serve --config "$W/sigil.yaml" >"$W/sigil.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
    kdig @127.0.0.1 -p "$port" +timeout=1 +retry=0 SOA "$origin" 2>/dev/null | grep -q NOERROR && break
    sleep 0.2
done
dnsperf -s 127.0.0.1 -p "$port" -d "$W/mix.queries" -l $((secs + 2)) -c 4 -T 1 -q 200 "${do[@]}" >"$W/dnsperf.out" 2>&1 &
sleep 1
perf record -F 999 -g -p "$pid" -o "$W/perf.data" -- sleep "$secs" >/dev/null 2>&1
wait %2 2>/dev/null || true
grep -E 'Queries (completed|lost)|per second' "$W/dnsperf.out"
perf report -i "$W/perf.data" --no-children --percent-limit 1 --stdio -g none 2>/dev/null \
    | grep -v '^#' | grep -v '^$' | head -40
echo "--- by object (kernel vs sigil vs the Swift runtime)"
perf report -i "$W/perf.data" --no-children --sort dso --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -8
