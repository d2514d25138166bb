#!/usr/bin/env bash
# Installs what is missing, builds everything with the tests, runs every test via CTest, then
# fuzzes each libFuzzer target briefly (deploy/fuzz.sh, in build-fuzz/).
#   deploy/test.sh [--build-dir DIR] [-R REGEX] [--no-fuzz] [--sanitizers] [--long]
# --sanitizers: also the whole suite under ASan + UBSan and the concurrency tests under TSan
# (deploy/sanitize.sh, in build-asan/ and build-tsan/).
# --long: each soak test (SoakTest.*) kills for 5 minutes, not 20 times (POC_SOAK_SECONDS=300).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR="${POC_BUILD_DIR:-$ROOT/build}"
CTEST_ARGS=()
FUZZ=1
SANITIZERS=""
TIMEOUT=300
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) BUILD_DIR="$2"; shift ;;
    -R) CTEST_ARGS+=(-R "$2"); shift ;;
    --no-fuzz) FUZZ="" ;;
    --sanitizers) SANITIZERS=1 ;;
    --long) export POC_SOAK_SECONDS="${POC_SOAK_SECONDS:-300}"
            TIMEOUT=$((POC_SOAK_SECONDS + 600)) ;;  # the kill phase, then settling and checks
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "test.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

"$ROOT/deploy/build.sh" --tests --build-dir "$BUILD_DIR" --type RelWithDebInfo
(cd "$BUILD_DIR" && ctest --output-on-failure --timeout "$TIMEOUT" -j "$(nproc)" "${CTEST_ARGS[@]}")
[ -z "$SANITIZERS" ] || "$ROOT/deploy/sanitize.sh" "${CTEST_ARGS[@]}"
# The short form: 20 s per target, two at a time on two cores (about 2 minutes in all).
[ -z "$FUZZ" ] || "$ROOT/deploy/fuzz.sh" --seconds 20
