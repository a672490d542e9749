#!/usr/bin/env bash
# Instructions per operation of each codec workload under callgrind: a measure that a shared, noisy
# machine does not blur, for before/after comparisons (wall clock is `run-micro.sh`).
#
#   Benchmarks/run-callgrind.sh [iterations] [workload ...]
#
# Only `profileLoop` and its callees are counted (setup excluded). Prints a Markdown table.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
iterations=${1:-20000}
shift || true
workloads=("$@")
if [[ ${#workloads[@]} -eq 0 ]]; then
    workloads=(Query.decode Encode.positiveSigned Encode.nxdomainSigned ServerEncode.positiveSigned
        ServerEncode.nxdomainSigned DNSName.parse DNSName.canonicalCompare SignedAnswer.positiveHit
        SignedAnswer.nxdomainHit)
fi
swift build -c release --product CodecProfile >&2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# Without its DWARF: valgrind 3.19 cannot read what Swift 6.3 writes for a tools-version 6.2
# package ("Possibly corrupted debuginfo file"); the symbols it needs stay.
binary="$out/CodecProfile"
objcopy --strip-debug "$(swift build -c release --show-bin-path)/CodecProfile" "$binary"

echo "| Workload | instructions/op (callgrind, $iterations ops) |"
echo "|---|---:|"
for name in "${workloads[@]}"; do
    valgrind --tool=callgrind --toggle-collect='*profileLoop*' --callgrind-out-file="$out/$name.out" \
        "$binary" "$name" "$iterations" >/dev/null 2>"$out/$name.log"
    total=$(awk '/^summary:/ { print $2 }' "$out/$name.out")
    awk -v n="$name" -v t="$total" -v i="$iterations" 'BEGIN { printf "| `%s` | %.0f |\n", n, t / i }'
done
