#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (the README's test command; CI runs it):
#   deploy/test.sh [-R REGEX] [--no-fuzz] [--long] [--plain [--build-dir DIR]]
# By default: everything compiled with clang's AddressSanitizer + UndefinedBehaviorSanitizer
# (build-asan/), every CTest test run there with any sanitizer report failing the run; each
# libFuzzer target fuzzed for 20 s from the same build; and the concurrency tests under
# ThreadSanitizer (build-tsan/). See deploy/sanitize.sh and deploy/fuzz.sh.
# --plain: instead, the ordinary gcc build (build/, or DIR) and CTest, no sanitizers, no fuzzing.
# --no-fuzz: skip the fuzzing. -R: only the CTest tests matching REGEX (and no fuzzing).
# --long: each soak test (SoakTest.*) kills for 5 minutes, not 20 times (POC_SOAK_SECONDS=300).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR="${POC_BUILD_DIR:-$ROOT/build}"
CTEST_ARGS=()
FUZZ=1
PLAIN=""
TIMEOUT=300
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) BUILD_DIR="$2"; shift ;;
    -R) CTEST_ARGS+=(-R "$2"); FUZZ=""; shift ;;
    --no-fuzz) FUZZ="" ;;
    --plain) PLAIN=1 ;;
    --long) export POC_SOAK_SECONDS="${POC_SOAK_SECONDS:-300}"
            TIMEOUT=$((POC_SOAK_SECONDS + 600)) ;;  # the kill phase, then settling and checks
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "test.sh: unknown option $1 (see deploy/test.sh --help)" >&2; exit 2 ;;
  esac
  shift
done

if [ -n "$PLAIN" ]; then
  "$ROOT/deploy/build.sh" --tests --build-dir "$BUILD_DIR" --type RelWithDebInfo
  (cd "$BUILD_DIR" && ctest --output-on-failure --timeout "$TIMEOUT" -j "$(nproc)" "${CTEST_ARGS[@]}")
  exit 0
fi

# Sanitized tests get twice the time: ASan and UBSan slow the processes down.
"$ROOT/deploy/sanitize.sh" --asan --timeout $((TIMEOUT * 2)) "${CTEST_ARGS[@]}"
# The short form: 20 s per target, two at a time on two cores (about 2 minutes in all).
[ -z "$FUZZ" ] || "$ROOT/deploy/fuzz.sh" --build-dir "$ROOT/build-asan" --seconds 20
"$ROOT/deploy/sanitize.sh" --tsan --timeout $((TIMEOUT * 2)) "${CTEST_ARGS[@]}"
