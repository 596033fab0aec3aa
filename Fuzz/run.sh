#!/usr/bin/env bash
# Fuzzes the library's check of in-memory bytes with libFuzzer (ASan on), seeded from Fixtures/.
#
#   Fuzz/run.sh [SECONDS]     fuzz for SECONDS (default 60); crashes land in fuzz-artifacts/
#   Fuzz/run.sh --smoke       a short deterministic run (fixed seed and run count), for CI
#
# Add each crash input to Fixtures/fuzz/ as a regression fixture: the tests replay them all.
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-60}"
CVAT_LINT_FUZZ=1 swift build --product cvat-lint-fuzz --build-path .build/fuzz >&2
binary=.build/fuzz/debug/cvat-lint-fuzz

corpus=.build/fuzz-corpus
mkdir -p "$corpus" fuzz-artifacts
find Fixtures -type f \( -name 'annotations.xml' -o -path 'Fixtures/fuzz/*' \) -size -256k | while read -r file; do
    cp "$file" "$corpus/$(echo "$file" | tr '/' '_')"
done

options=(-max_len=65536 -rss_limit_mb=2048 -timeout=20 -artifact_prefix=fuzz-artifacts/ -print_final_stats=1)
if [[ "$mode" == "--smoke" ]]; then
    "$binary" "${options[@]}" -seed=1 -runs=600 "$corpus"
else
    "$binary" "${options[@]}" -max_total_time="$mode" "$corpus"
fi
