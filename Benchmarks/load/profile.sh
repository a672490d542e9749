#!/usr/bin/env bash
# Profiles the release `sigil serve` (1 UDP worker) under dnsperf with `perf record -g`, and prints the
# top self-cost symbols. Uses the zone and query mix of run.sh.
#
#   Benchmarks/load/profile.sh [SECONDS] [plain|signed|cold]  # needs perf (Debian: linux-perf)
#
# `cold` is run.sh's cold-signing phase alone: nsec3-narrow, unique NXDOMAIN names with DO, each
# needing one fresh NSEC3 signature. Before profiling it counts the signatures libcrypto makes while
# dnsperf runs for 3 s (a uprobe on ECDSA_do_sign_ex, which the EVP and the low-level paths both
# reach; needs root), against the answers dnsperf got, to check that claim. The probe is placed by
# address: by name, perf also probes the PLT stub and counts every call twice.
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
queries=$W/mix.queries
if [ "$mode" = signed ]; then dnssec="{ enabled: true, algorithm: ecdsap256sha256, denial: nsec3 }"; do=(-D); fi
if [ "$mode" = cold ]; then
    dnssec="{ enabled: true, algorithm: ecdsap256sha256, denial: nsec3-narrow }"
    do=(-D)
    queries=$W/cold.queries
    python3 "$here/make-queries.py" cold "$queries" --origin "$origin" --count $(((secs + 2) * 60000)) --prefix p
    python3 "$here/make-queries.py" cold "$W/count.queries" --origin "$origin" --count 300000 --prefix c
fi
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
if [ "$mode" = cold ]; then
    libcrypto=$(ldd "$root/$scratch/release/sigil" | awk '/libcrypto/ {print $3}')
    # One query first, so the apex's cached signatures (SOA, its NSEC3, the wildcard cover) exist.
    kdig @127.0.0.1 -p "$port" +dnssec +timeout=1 A "warm.$origin" >/dev/null 2>&1 || true
    address=$(nm -D "$libcrypto" | awk '$3 ~ /^ECDSA_do_sign_ex@/ {print $1}' | sed 's/^0*//')
    if perf probe -q -x "$libcrypto" -a "0x$address" >/dev/null 2>&1; then
        perf stat -x, -e "probe_libcrypto:abs_$address" -p "$pid" -o "$W/count.stat" -- \
            dnsperf -s 127.0.0.1 -p "$port" -d "$W/count.queries" -l 3 -c 4 -T 1 -q 200 -D >"$W/count.out" 2>&1 || true
        perf probe -q -d 'probe_libcrypto:*' >/dev/null 2>&1 || true
        signatures=$(awk -F, '/probe_libcrypto/ {print $1}' "$W/count.stat")
        answers=$(awk '/Queries completed/ {print $3}' "$W/count.out")
        echo "signature count: $signatures ECDSA signatures for $answers answers ($(awk -v s="$signatures" -v a="$answers" 'BEGIN {printf "%.3f", s / a}') per answer)"
    else
        echo "signature count: perf probe on $libcrypto failed (not root?)"
    fi
fi
dnsperf -s 127.0.0.1 -p "$port" -d "$queries" -l $((secs + 2)) -c 4 -T 1 -q 200 "${do[@]}" >"$W/dnsperf.out" 2>&1 &
sleep 1
perf record -F 999 -g -p "$pid" -o "$W/perf.data" -- sleep "$secs" >/dev/null 2>&1
wait %2 2>/dev/null || true
grep -E 'Queries (completed|lost)|per second' "$W/dnsperf.out"
perf report -i "$W/perf.data" --no-children --percent-limit 1 --stdio -g none 2>/dev/null \
    | grep -v '^#' | grep -v '^$' | head -40
echo "--- by object (kernel vs sigil vs the Swift runtime)"
perf report -i "$W/perf.data" --no-children --sort dso --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -8
