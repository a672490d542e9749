#!/usr/bin/env bash
# Runs the codec micro-benchmarks (release build) and the dnspython anchor on the same packets, and
# prints a Markdown table of medians: Sigil's p50 wall clock and allocations per operation, dnspython's
# median ns/op, and how many times faster Sigil is.
#
#   Benchmarks/run-micro.sh [extra `swift package benchmark` options, e.g. --filter Query]
#
# The machine is shared and noisy: compare medians, and rerun before believing a change of < 20 %.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cd "$here"

if ! swift package --disable-sandbox benchmark --target CodecBenchmarks --format histogramPercentiles \
    --time-units nanoseconds --path "$out" --no-progress "$@" >"$out/swift.log" 2>&1; then
    cat "$out/swift.log" >&2
    exit 1
fi
python3 anchor/dnspython_bench.py >"$out/dnspython.tsv"

# Row "50" of a percentiles file: the median, per operation (the benchmarks run 1000 per sample).
p50() { awk -F'\t' '$1 == "50" { print $2 }' "$out/Current_run.CodecBenchmarks.$1.$2.histogram.percentiles.tsv"; }

echo "Date: $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "Swift: $(swift --version 2>&1 | head -1); dnspython $(python3 -c 'import dns.version; print(dns.version.version)')"
echo
echo "| Benchmark | Sigil p50 (ns/op) | Sigil allocations/op | dnspython median (ns/op) | dnspython / Sigil |"
echo "|---|---:|---:|---:|---:|"
# `ServerEncode.*` (ResponseEncoder over a Zone) encode the same answers as `Encode.*`: same anchor.
while IFS=$'\t' read -r name dnspython; do
    candidates=("$name")
    [[ $name == Encode.* ]] && candidates+=("Server$name")
    for benchmark in "${candidates[@]}"; do
        [[ -f "$out/Current_run.CodecBenchmarks.$benchmark.wallClock.histogram.percentiles.tsv" ]] || continue
        wall=$(p50 "$benchmark" wallClock)
        mallocs=$(p50 "$benchmark" mallocCountTotal)
        ratio=$(awk -v a="$dnspython" -v b="$wall" 'BEGIN { printf (b > 0 ? "%.0f×" : "n/a"), a / b }')
        echo "| \`$benchmark\` | $wall | $mallocs | $dnspython | $ratio |"
    done
done <"$out/dnspython.tsv"
