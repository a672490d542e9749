#!/usr/bin/env bash
# Folds the scratch corpus of a target (.build-fuzz/TARGET/corpus/, what Fuzz/run.sh found) into
# the committed one, Fuzz/corpus/TARGET/: libFuzzer's -merge=1 adds only the inputs that reach
# coverage the committed ones do not, smallest first, and keeps the committed ones (the named
# seeds of make_corpus.py stay), so the corpus grows by what is new and no more.
#
#   Fuzz/merge.sh TARGET...
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
"$root/Fuzz/build.sh" "$@"
for target in "$@"; do
    out="$root/.build-fuzz/$target"
    committed="$root/Fuzz/corpus/$target"
    mkdir -p "$committed" "$out/corpus"
    before=$(find "$committed" -type f | wc -l)
    "$out/fuzzer" -merge=1 -timeout=10 -rss_limit_mb=2048 "$committed" "$out/corpus" 2>"$out/merge.log" ||
        { tail -n 20 "$out/merge.log" >&2; exit 1; }
    echo "merge: $target: $before → $(find "$committed" -type f | wc -l) inputs, $(du -sh "$committed" | cut -f1)"
done
