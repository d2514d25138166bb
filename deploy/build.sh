#!/usr/bin/env bash
# Builds the PoC Network: deploy/build.sh [--tests] [--build-dir DIR] [--type Release|Debug]
# Installs missing Debian packages first. Binaries land in DIR (default: build/).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR="${POC_BUILD_DIR:-$ROOT/build}"
TYPE=""
TESTS=""
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
# A new build folder gets Release without tests; an existing one keeps its settings unless
# --type or --tests says otherwise (so the demo does not undo a developer's test build).
ARGS=()
if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then TYPE="${TYPE:-Release}"; TESTS="${TESTS:-OFF}"; fi
[ -z "$TYPE" ] || ARGS+=("-DCMAKE_BUILD_TYPE=$TYPE")
[ -z "$TESTS" ] || ARGS+=("-DPOC_BUILD_TESTS=$TESTS")
if command -v ccache >/dev/null 2>&1; then
  ARGS+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja "${ARGS[@]}" >/dev/null
echo "build: compiling in $BUILD_DIR ($(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$BUILD_DIR/CMakeCache.txt"), tests $(sed -n 's/^POC_BUILD_TESTS:BOOL=//p' "$BUILD_DIR/CMakeCache.txt"))"
cmake --build "$BUILD_DIR" -j "$(nproc)"
