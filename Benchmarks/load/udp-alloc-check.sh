#!/usr/bin/env bash
# Counts heap allocations per UDP datagram in steady state, and prints the loopback echo rate.
#
# Builds a malloc-counting LD_PRELOAD shim and runs UDPAllocationTests with it; without the shim that test
# is skipped. Expect "allocations per datagram: 0.000…". Usage: Benchmarks/load/udp-alloc-check.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
scratch="${SCRATCH:-.build-transport}"
shim="$scratch/libsigil-malloc-count.so"
mkdir -p "$scratch"
clang -O2 -shared -fPIC -o "$shim" Benchmarks/load/malloc-count.c
swift build --scratch-path "$scratch" --build-tests >/dev/null
LD_PRELOAD="$PWD/$shim" swift test --scratch-path "$scratch" --skip-build --filter UDPAllocationTests 2>&1 \
    | grep -E "allocations per datagram|datagrams/s|✔|✘"
