#!/usr/bin/env bash
# Builds one libFuzzer target (Fuzz/build.sh) and runs it.
#
#   Fuzz/run.sh TARGET [SECONDS] [extra libFuzzer flags...]
#   TARGET: decoder, presentation, pipeline, tcp, zonefile
#
# New inputs go to a scratch corpus, .build-fuzz/TARGET/corpus/, seeded from the committed
# Fuzz/corpus/TARGET/ (Fuzz/merge.sh folds the scratch corpus back in, minimised). Crashes, hangs
# and out-of-memory inputs are written to .build-fuzz/TARGET/ as crash-*, timeout-* and oom-*
# files, and the script exits non-zero.
set -euo pipefail

target=${1:?usage: Fuzz/run.sh TARGET [SECONDS] [libFuzzer flags...]}
seconds=${2:-60}
shift $(($# >= 2 ? 2 : 1))

root=$(cd "$(dirname "$0")/.." && pwd)
"$root/Fuzz/build.sh" "$target"
out="$root/.build-fuzz/$target"
mkdir -p "$out/corpus"

# Every target: an input that takes 10 s is a hang (a crash); any over 1 s is reported.
flags=(-timeout=10 -report_slow_units=1 -rss_limit_mb=2048)
case "$target" in
pipeline) flags+=(-max_len=4096) ;;  # a UDP-sized query; the 64 KiB TCP case is the tcp target's
tcp) flags+=(-max_len=16384) ;;
zonefile) flags+=(-max_len=8192) ;;
esac

cd "$out"
exec ./fuzzer -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$out/" "${flags[@]}" \
    "$@" "$out/corpus" "$root/Fuzz/corpus/$target"
