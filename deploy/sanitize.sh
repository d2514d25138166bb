#!/usr/bin/env bash
# Builds with sanitizers in their own folders and runs the tests under them:
#   deploy/sanitize.sh [--asan] [--tsan] [-R REGEX] [--timeout SECONDS]
# --asan: AddressSanitizer + UndefinedBehaviorSanitizer, every test (build-asan/; the libFuzzer
#         targets are built there too, for deploy/fuzz.sh --build-dir build-asan).
# --tsan: ThreadSanitizer, the tests labelled "concurrency" (build-tsan/; ctest -L concurrency).
# Neither flag: both. Every report any process writes (tests, and the poc-relay, pocd and
# pocctl they start) lands in <build>/sanitizer-reports/; the run fails if one is there.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ASAN=""
TSAN=""
CTEST_ARGS=()
TIMEOUT=600
while [ $# -gt 0 ]; do
  case "$1" in
    --asan) ASAN=1 ;;
    --tsan) TSAN=1 ;;
    -R) CTEST_ARGS+=(-R "$2"); shift ;;
    --timeout) TIMEOUT="$2"; shift ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "sanitize.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
if [ -z "$ASAN" ] && [ -z "$TSAN" ]; then ASAN=1; TSAN=1; fi

"$ROOT/deploy/install-deps.sh"

# configure DIR SANITIZERS [CMAKE ARGS...]: an unoptimized build with line tables (enough for
# the reports' stacks). Clang, whose sanitizer builds compile in about two thirds of gcc's time;
# -O0 compiles in a third of -O1's time (server/ as one batch: 52 s against 146 s), which the
# tests, mostly waiting on processes, disks and sockets, barely notice; and a unity build (16
# sources a compiler run) halves it again.
configure() {
  local dir="$1" sanitizers="$2"
  shift 2
  local args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O0 -g1"
              -DPOC_BUILD_TESTS=ON "-DPOC_SANITIZE=$sanitizers"
              -DCMAKE_UNITY_BUILD=ON -DCMAKE_UNITY_BUILD_BATCH_SIZE=16 "$@")
  if command -v ccache >/dev/null 2>&1; then
    args+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
  fi
  CC=clang CXX=clang++ cmake -S "$ROOT" -B "$dir" -G Ninja "${args[@]}" >/dev/null
}

# run_ctest DIR ARGS...: runs ctest in DIR with every sanitizer report sent to files, then fails
# when a report was written, printing each.
run_ctest() {
  local dir="$1" reports="$1/sanitizer-reports" rc=0
  shift
  rm -rf "$reports"
  mkdir -p "$reports"
  # halt_on_error: the first finding stops the process, so the test that caused it fails too.
  (cd "$dir" &&
    ASAN_OPTIONS="log_path=$reports/asan:halt_on_error=1:detect_leaks=1:detect_stack_use_after_return=0" \
    LSAN_OPTIONS="suppressions=$ROOT/tests/sanitizers/lsan.supp:print_suppressions=0" \
    UBSAN_OPTIONS="log_path=$reports/ubsan:halt_on_error=1:print_stacktrace=1" \
    TSAN_OPTIONS="log_path=$reports/tsan:halt_on_error=1:second_deadlock_stack=1:suppressions=$ROOT/tests/sanitizers/tsan.supp" \
    ctest --output-on-failure --timeout "$TIMEOUT" -j "$(nproc)" "$@" "${CTEST_ARGS[@]}") || rc=$?
  if [ -n "$(ls -A "$reports")" ]; then
    echo "sanitize: reports in $reports:" >&2
    for f in "$reports"/*; do
      echo "---- $f" >&2
      head -n 80 "$f" >&2
    done
    rc=1
  fi
  return "$rc"
}

if [ -n "$ASAN" ]; then
  configure "$ROOT/build-asan" "address,undefined" -DPOC_BUILD_FUZZERS=ON
  echo "sanitize: compiling everything (tests and fuzz targets) with ASan + UBSan in build-asan"
  cmake --build "$ROOT/build-asan" -j "$(nproc)"
  run_ctest "$ROOT/build-asan"
  echo "sanitize: every test passed under ASan + UBSan, no reports"
fi
if [ -n "$TSAN" ]; then
  configure "$ROOT/build-tsan" "thread"
  echo "sanitize: compiling the concurrency tests with TSan in build-tsan"
  cmake --build "$ROOT/build-tsan" -j "$(nproc)" --target concurrency_tests
  run_ctest "$ROOT/build-tsan" -L concurrency
  echo "sanitize: the concurrency tests passed under TSan, no reports"
fi
