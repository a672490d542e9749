#!/usr/bin/env bash
# Start-up of `sigil serve` with a large zone: unsigned, nsec3-narrow and a full NSEC3 chain.
# For each, the time from process start until the zone's SOA is answered (polled every 20 ms) and the peak RSS (VmHWM) at that moment; median of RUNS. Prints a Markdown table, and
# the ratios of the signed modes to the unsigned one.
#
#   Benchmarks/zoneload/startup.sh [RECORDS]   (default 1000000; env RUNS=3, SIGIL=binary,
#                                               OTHER=second binary to run in turn, PORT, WORK)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
records=${1:-1000000}
runs=${RUNS:-3}
port=${PORT:-53541}
work=${WORK:-/tmp/sigil-startup-$$}
sigil=${SIGIL:-$repo/.build/release/sigil}
origin=bench.test.
mkdir -p "$work/keys"
zone="$work/bench.zone.$records"
[[ -s "$zone" ]] || python3 "$here/generate-zone.py" "$zone" "$records" "$origin"
[[ -x "$sigil" ]] || { echo "no sigil at $sigil (make release)" >&2; exit 1; }

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# One start: prints "seconds megabytes".
start_once() {
    local binary=$1 mode=$2 config="$work/$2.yaml"
    case $mode in
        unsigned) dnssec="dnssec: false" ;;
        *) dnssec="dnssec: {denial: $mode}" ;;
    esac
    printf 'listen: ["127.0.0.1:%s"]\nkeys: %s\nudp-workers: 1\nlog-level: warning\nzones:\n  - origin: %s\n    file: %s\n    %s\n' \
        "$port" "$work/keys" "$origin" "$zone" "$dnssec" > "$config"
    local t0 t1 pid
    t0=$(date +%s.%N)
    "$binary" serve --config "$config" 2>>"$work/serve.log" &
    pid=$!
    # A bound socket that is not served yet would hold kdig for its whole (whole-second) timeout:
    # ask with a 20 ms one instead, and count an answer with a record in it.
    until python3 "$here/soa-ready.py" "$port" "$origin"; do
        kill -0 "$pid" 2>/dev/null || { echo "sigil exited; see $work/serve.log" >&2; exit 1; }
    done
    t1=$(date +%s.%N)
    local hwm
    hwm=$(awk '/VmHWM/ { print $2 }' "/proc/$pid/status")
    kill "$pid"; wait "$pid" 2>/dev/null || true
    awk -v a="$t0" -v b="$t1" -v k="$hwm" 'BEGIN { printf "%.2f %d\n", b - a, k / 1024 }'
}

measure() { # binary mode → "median-seconds median-MB"
    local times=() sizes=()
    for _ in $(seq "$runs"); do
        read -r s m < <(start_once "$1" "$2")
        times+=("$s"); sizes+=("$m")
    done
    echo "$(printf '%s\n' "${times[@]}" | median) $(printf '%s\n' "${sizes[@]}" | median)"
}

binaries=("$sigil")
[[ -n "${OTHER:-}" ]] && binaries+=("$OTHER")
echo "| binary | zone ($records records) | start to first answer (s) | peak RSS (MB) | × unsigned time | × unsigned RSS |"
echo "|---|---|---:|---:|---:|---:|"
for binary in "${binaries[@]}"; do
    read -r base_s base_m < <(measure "$binary" unsigned)
    echo "| $binary | unsigned | $base_s | $base_m | 1.00 | 1.00 |"
    for mode in nsec3-narrow nsec3; do
        read -r s m < <(measure "$binary" "$mode")
        echo "| $binary | $mode | $s | $m | $(awk -v a="$s" -v b="$base_s" 'BEGIN { printf "%.2f", a / b }') | $(awk -v a="$m" -v b="$base_m" 'BEGIN { printf "%.2f", a / b }') |"
    done
done
