#!/bin/sh
# Builds one libFuzzer target with clang (AddressSanitizer + UndefinedBehaviorSanitizer), replays
# its seed corpus, then fuzzes for a bounded time. Exits 77 (ctest SKIP) when clang with
# libFuzzer is not installed; non-zero when the fuzzer finds a crash, leak or sanitizer error
# (the reproducer is kept under the build directory and named in the output).
# usage: run_fuzzer.sh SOURCE_DIR WORK_DIR TARGET SECONDS SOURCES...
set -eu
src=$1
work=$2
target=$3
seconds=$4
shift 4
command -v clang >/dev/null || { echo "run_fuzzer: SKIP: clang is not installed (apt-get install clang)"; exit 77; }
mkdir -p "$work/corpus-$target" "$work/crashes-$target"
sources="$src/tests/fuzz/fuzz_$target.c"
for s in "$@"; do sources="$sources $src/$s"; done
# Skip only when this clang cannot build libFuzzer targets at all; a target that fails to build fails.
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' \
    >"$work/fuzz_probe.c"
clang -fsanitize=fuzzer,address,undefined -o "$work/fuzz_probe" "$work/fuzz_probe.c" 2>/dev/null ||
    { echo "run_fuzzer: SKIP: clang cannot build libFuzzer targets here"; exit 77; }
# shellcheck disable=SC2086
clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -I"$src" -I"$src/src" -I"$src/include" -o "$work/fuzz_$target" $sources -lm ||
    { echo "run_fuzzer: FAIL: fuzz_$target does not build"; exit 1; }
seeds=""
[ -d "$src/tests/fuzz/seeds/$target" ] && seeds="$src/tests/fuzz/seeds/$target"
# shellcheck disable=SC2086
exec "$work/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 -print_final_stats=1 \
    -artifact_prefix="$work/crashes-$target/" "$work/corpus-$target" $seeds
