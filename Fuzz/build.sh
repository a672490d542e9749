#!/usr/bin/env bash
# Builds libFuzzer targets into .build-fuzz/TARGET/fuzzer, without SwiftPM.
#
#   Fuzz/build.sh [TARGET...]        (default: every target)
#
# SwiftPM cannot give some modules `-sanitize=fuzzer` and link one executable with libFuzzer's
# main, so the modules a target needs are compiled here with swiftc directly, each into a static
# library with coverage and ASan instrumentation (`-sanitize=fuzzer,address`), and the C target
# (CSigilCrypto) with clang (`-fsanitize=fuzzer-no-link,address`). The hot-path modules get the
# same `-enforce-exclusivity=unchecked` as in Package.swift, so the fuzzed code is the served code.
# A module is rebuilt only when one of its sources, or a module it imports, changed.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/.build-fuzz"
lib="$out/lib"
mkdir -p "$lib"
sanitize=(-sanitize=fuzzer,address -O -g)
swift_flags=("${sanitize[@]}" -swift-version 6 -parse-as-library -wmo -package-name sigil -I "$lib")
clang_flags=(-fsanitize=fuzzer-no-link,address -O2 -g)
# The toolchain's own clang, whose libFuzzer and ASan runtimes are the ones swiftc links.
clang=$(dirname "$(command -v swiftc)")/clang
[[ -x "$clang" ]] || clang=clang

# Where SwiftPM would find the C modules: the system-library module maps, and a module map for
# CSigilCrypto's public header (SwiftPM writes one itself).
swift_flags+=(-I "$root/Sources/COpenSSL" -I "$root/Sources/CSodium" -I "$lib/CSigilCrypto")
mkdir -p "$lib/CSigilCrypto"
cat >"$lib/CSigilCrypto/module.modulemap.new" <<EOF
module CSigilCrypto {
    header "$root/Sources/CSigilCrypto/include/CSigilCrypto.h"
    export *
}
EOF
if ! cmp -s "$lib/CSigilCrypto/module.modulemap.new" "$lib/CSigilCrypto/module.modulemap"; then
    mv "$lib/CSigilCrypto/module.modulemap.new" "$lib/CSigilCrypto/module.modulemap"
else
    rm "$lib/CSigilCrypto/module.modulemap.new"
fi

# True when $1 is missing or older than any of the remaining files, or when the file list changed.
stale() {
    local product=$1
    shift
    local listing
    listing=$(printf '%s\n' "$@")
    [[ ! -f "$product" || "$listing" != "$(cat "$product.sources" 2>/dev/null)" ]] && return 0
    local file
    for file in "$@"; do [[ "$file" -nt "$product" ]] && return 0; done
    return 1
}

build_c() {
    local name=$1
    mapfile -t sources < <(find "$root/Sources/$name" -name '*.c' | sort)
    local product="$lib/lib$name.a"
    mapfile -t headers < <(find "$root/Sources/$name" -name '*.h' | sort)
    stale "$product" "${sources[@]}" "${headers[@]}" || return 0
    echo "fuzz build: $name" >&2
    local objects=() source
    for source in "${sources[@]}"; do
        local object="$lib/$name-$(basename "$source" .c).o"
        "$clang" "${clang_flags[@]}" -I "$root/Sources/$name/include" -c "$source" -o "$object"
        objects+=("$object")
    done
    rm -f "$product"
    ar rcs "$product" "${objects[@]}"
    printf '%s\n' "${sources[@]}" "${headers[@]}" >"$product.sources"
}

# build_swift NAME [hot] DEPENDENCY...: the dependencies' libraries count as inputs.
build_swift() {
    local name=$1 extra=()
    shift
    if [[ "${1:-}" == hot ]]; then
        extra=(-enforce-exclusivity=unchecked)
        shift
    fi
    mapfile -t sources < <(find "$root/Sources/$name" -name '*.swift' | sort)
    local product="$lib/lib$name.a" inputs=("${sources[@]}") dependency
    for dependency in "$@"; do inputs+=("$lib/lib$dependency.a"); done
    stale "$product" "${inputs[@]}" || return 0
    echo "fuzz build: $name" >&2
    # ld.gold warns about ASan's local helper symbols; the warnings are harmless.
    swiftc "${swift_flags[@]}" "${extra[@]}" -module-name "$name" -emit-module \
        -emit-module-path "$lib/$name.swiftmodule" -emit-library -static -o "$product" "${sources[@]}"
    printf '%s\n' "${inputs[@]}" >"$product.sources"
}

# build_target TARGET SOURCE LIBRARY...: the entry point, linked with libFuzzer's main.
build_target() {
    local target=$1 source=$2
    shift 2
    local product="$out/$target/fuzzer" inputs=("$source") libraries=() dependency
    for dependency in "$@"; do
        inputs+=("$lib/lib$dependency.a")
        libraries+=("-l$dependency")
    done
    mkdir -p "$out/$target"
    stale "$product" "${inputs[@]}" || return 0
    echo "fuzz build: $target" >&2
    swiftc "${swift_flags[@]}" -L "$lib" "$source" "${libraries[@]}" -lcrypto -lsodium -o "$product" \
        2> >(grep -v "Cannot export local symbol '__asan" >&2)
    printf '%s\n' "${inputs[@]}" >"$product.sources"
}

targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(decoder presentation pipeline tcp zonefile)

needs_pipeline=false
for target in "${targets[@]}"; do
    case "$target" in
    decoder | presentation | zonefile) ;;
    pipeline | tcp) needs_pipeline=true ;;
    *)
        echo "unknown target '$target' (decoder, presentation, pipeline, tcp, zonefile)" >&2
        exit 64
        ;;
    esac
done

build_swift DNSWire
build_swift DNSZone hot DNSWire
if $needs_pipeline; then
    build_c CSigilCrypto
    build_swift DNSSEC hot DNSWire DNSZone CSigilCrypto
    build_swift QueryPipeline hot DNSWire DNSZone DNSSEC
fi

sources="$root/Fuzz/Sources"
for target in "${targets[@]}"; do
    case "$target" in
    decoder) build_target decoder "$sources/DecoderFuzzer.swift" DNSWire ;;
    presentation) build_target presentation "$sources/PresentationFuzzer.swift" DNSWire ;;
    zonefile) build_target zonefile "$sources/ZoneFileFuzzer.swift" DNSZone DNSWire ;;
    pipeline)
        build_target pipeline "$sources/PipelineFuzzer.swift" QueryPipeline DNSSEC DNSZone DNSWire CSigilCrypto
        ;;
    tcp) build_target tcp "$sources/TCPFramerFuzzer.swift" QueryPipeline DNSSEC DNSZone DNSWire CSigilCrypto ;;
    esac
done
