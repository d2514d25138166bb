#!/usr/bin/env bash
# Builds the PoC Network: deploy/build.sh [--tests] [--build-dir DIR] [--type Release|Debug]
# Installs missing Debian packages first. Binaries land in DIR (default: build/).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR="${POC_BUILD_DIR:-$ROOT/build}"
TYPE=Release
TESTS=OFF
while [ $# -gt 0 ]; do
  case "$1" in
    --tests) TESTS=ON ;;
    --build-dir) BUILD_DIR="$2"; shift ;;
    --type) TYPE="$2"; shift ;;
    -h|--help) sed -n '2,3p' "$0"; exit 0 ;;
    *) echo "build.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

"$ROOT/deploy/install-deps.sh"
cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="$TYPE" -DPOC_BUILD_TESTS="$TESTS" >/dev/null
echo "build: compiling ($TYPE, tests $TESTS) in $BUILD_DIR"
cmake --build "$BUILD_DIR" -j "$(nproc)"
