#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (in <build>/fuzz) and runs each over
# a copy of its committed seed corpus (tests/fuzz/corpus/<target>) for the
# given seconds. Exits non-zero on the first crash, leak or timeout, leaving
# the input that caused it in <build>/fuzz/artifacts.
#   tests/fuzz/run.sh BUILD_DIR [SECONDS_PER_TARGET]   (the suite: 20 s; longer by hand)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="$1/fuzz"
seconds="${2:-20}"
cmake -S "$here" -B "$build" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"${JOBS:-2}" >/dev/null
mkdir -p "$build/artifacts"
declare -A corpus=([fuzz_payloads]=payloads [fuzz_http]=http)
for target in fuzz_payloads fuzz_http; do
  work="$build/corpus-$target"
  rm -rf "$work" && mkdir -p "$work"
  cp "$here/corpus/${corpus[$target]}"/* "$work/"
  echo "== $target: ${seconds} s over $(ls "$here/corpus/${corpus[$target]}" | wc -l) seeds"
  rc=0
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    "$build/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=131072 \
    -artifact_prefix="$build/artifacts/$target-" -print_final_stats=1 "$work" >"$build/$target.log" 2>&1 || rc=$?
  grep -E "^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb)" "$build/$target.log" || true
  if [ "$rc" -ne 0 ]; then
    tail -60 "$build/$target.log"
    echo "== $target failed (exit $rc); the input is in $build/artifacts" >&2
    exit 1
  fi
done
echo "== fuzzing: no crash"
