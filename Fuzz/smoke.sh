#!/usr/bin/env bash
# A short run of every fuzz target, for CI (`make fuzz-smoke`, part of `make test`).
#
#   Fuzz/smoke.sh [SECONDS]       (default 30 per target)
#
# Builds the targets (Fuzz/build.sh; cached in .build-fuzz/), then runs each from its committed
# corpus for SECONDS, new inputs going to a throw-away directory, so the smoke run changes
# nothing in the tree. Fails on the first crash, hang or memory error, leaving the input in
# .build-fuzz/TARGET/.
set -euo pipefail

seconds=${1:-30}
root=$(cd "$(dirname "$0")/.." && pwd)
targets=(decoder presentation pipeline tcp zonefile)
"$root/Fuzz/build.sh" "${targets[@]}"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for target in "${targets[@]}"; do
    out="$root/.build-fuzz/$target"
    mkdir -p "$scratch/$target"
    flags=(-timeout=10 -rss_limit_mb=2048)
    case "$target" in
    pipeline) flags+=(-max_len=4096) ;;
    tcp) flags+=(-max_len=16384) ;;
    zonefile) flags+=(-max_len=8192) ;;
    esac
    if ! "$out/fuzzer" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$out/" "${flags[@]}" \
        "$scratch/$target" "$root/Fuzz/corpus/$target" >"$scratch/$target.log" 2>&1; then
        tail -n 60 "$scratch/$target.log" >&2
        echo "fuzz-smoke: $target FAILED; the input is in $out/" >&2
        exit 1
    fi
    runs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$scratch/$target.log" | grep -o '[0-9]*$' || true)
    echo "fuzz-smoke: $target ok (${runs:-?} executions in ${seconds} s)"
done
