#!/usr/bin/env bash
# Builds one libFuzzer target over the DNSWire sources and runs it.
#
#   Fuzz/run.sh decoder|presentation [SECONDS] [extra libFuzzer flags...]
#
# The DNSWire sources and the target's entry point are compiled into one binary with
# `swiftc -sanitize=fuzzer,address` (the DNSWire module is built first with coverage
# instrumentation, then the entry point links against it). New inputs go to a scratch corpus under
# .build-fuzz/, seeded from the committed Fuzz/corpus/TARGET/; crashes are written to
# .build-fuzz/TARGET/ as crash-* files, and the script exits non-zero.
set -euo pipefail

target=${1:?usage: Fuzz/run.sh decoder|presentation [SECONDS] [libFuzzer flags...]}
seconds=${2:-60}
shift $(($# >= 2 ? 2 : 1))

root=$(cd "$(dirname "$0")/.." && pwd)
case "$target" in
decoder) source="$root/Fuzz/Sources/DecoderFuzzer.swift" ;;
presentation) source="$root/Fuzz/Sources/PresentationFuzzer.swift" ;;
*)
    echo "unknown target '$target' (decoder, presentation)" >&2
    exit 64
    ;;
esac

out="$root/.build-fuzz/$target"
mkdir -p "$out/module" "$out/corpus"
sanitize=(-sanitize=fuzzer,address -O -g)

# The library, as a module the entry point imports: public API only, as a real client sees it.
# Rebuilt only when a DNSWire source is newer than it (or was added or removed).
mapfile -t wire_sources < <(find "$root/Sources/DNSWire" -name '*.swift' | sort)
library="$out/module/libDNSWireFuzz.a"
listing=$(printf '%s\n' "${wire_sources[@]}")
if [[ ! -f "$library" || "$listing" != "$(cat "$out/module/sources" 2>/dev/null)" ]] ||
    [[ -n "$(find "$root/Sources/DNSWire" -name '*.swift' -newer "$library")" ]]; then
    swiftc "${sanitize[@]}" -parse-as-library -module-name DNSWireFuzz -emit-module \
        -emit-module-path "$out/module/DNSWireFuzz.swiftmodule" -emit-library -static \
        -o "$library" "${wire_sources[@]}"
    echo "$listing" >"$out/module/sources"
fi
# ld.gold warns about ASan's local helper symbols; the warnings are harmless.
swiftc "${sanitize[@]}" -parse-as-library -I "$out/module" -L "$out/module" -lDNSWireFuzz \
    "$source" -o "$out/fuzzer" 2> >(grep -v "Cannot export local symbol '__asan" >&2)

cd "$out"
exec ./fuzzer -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$out/" \
    "$@" "$out/corpus" "$root/Fuzz/corpus/$target"
