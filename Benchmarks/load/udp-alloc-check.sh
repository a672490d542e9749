#!/usr/bin/env bash
# Counts heap allocations per query in steady state: the UDP worker loop (UDPAllocationTests) and the
# whole responder, plain and signed on a warm cache, and with every abuse control on — cookies,
# rate limit (answered, dropped and slipped), signing budget (ResponderAllocationTests).
#
# Builds a malloc-counting LD_PRELOAD shim and a release build with testing enabled (debug builds
# allocate in unspecialized generics), then runs both suites serially: the counter is process-wide,
# so a test running alongside would be counted too. Without the shim those tests are skipped.
# Expect "allocations per datagram: 0.0" and "0.0 per query" for every kind but FORMERR (an error
# path; one allocation per malformed query, inside the test process only).
# Usage: Benchmarks/load/udp-alloc-check.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
scratch="${SCRATCH:-.build-alloc}"
shim="$scratch/libsigil-malloc-count.so"
mkdir -p "$scratch"
clang -O2 -shared -fPIC -o "$shim" Benchmarks/load/malloc-count.c
swift build --scratch-path "$scratch" -c release --build-tests -Xswiftc -enable-testing >/dev/null
LD_PRELOAD="$PWD/$shim" swift test --scratch-path "$scratch" -c release --skip-build --no-parallel \
    --filter "UDPAllocationTests|ResponderAllocationTests" 2>&1 \
    | grep -E "allocations|datagrams/s|✔|✘"
