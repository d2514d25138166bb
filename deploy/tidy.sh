#!/usr/bin/env bash
# Runs clang-tidy (the checks in .clang-tidy) over the project's own sources, using the compile
# commands of a build folder (made by deploy/build.sh --tests, or by this script):
#   deploy/tidy.sh [--build-dir DIR] [PATH-REGEX]
# PATH-REGEX narrows the files (e.g. 'server/' or 'relay_session'); default: every .cc under
# bench/, certs/, client/, common/, server/ and tests/ (tests/.clang-tidy: no clang-analyzer).
# Exits 1 and lists the findings when there is one. The whole tree takes about an hour of CPU.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR="${POC_BUILD_DIR:-$ROOT/build}"
FILTER=""
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) BUILD_DIR="$2"; shift ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    -*) echo "tidy.sh: unknown option $1" >&2; exit 2 ;;
    *) FILTER="$1" ;;
  esac
  shift
done

if [ ! -f "$BUILD_DIR/compile_commands.json" ]; then
  "$ROOT/deploy/build.sh" --tests --build-dir "$BUILD_DIR"
fi
# Generated protobuf code lives in the build folder and is not ours to tidy.
FILES=()
while IFS= read -r f; do FILES+=("$ROOT/$f"); done < <(
  cd "$ROOT" && git ls-files 'bench/*.cc' 'certs/*.cc' 'client/*.cc' 'common/*.cc' 'server/*.cc' 'tests/*.cc' |
    grep -v '^tests/fuzz/' | grep -E "${FILTER:-.}")
if [ "${#FILES[@]}" -eq 0 ]; then
  echo "tidy.sh: no source file matches '$FILTER'" >&2
  exit 2
fi
echo "tidy: checking ${#FILES[@]} file(s), $(nproc) at a time"
LOG=$(mktemp "${TMPDIR:-/tmp}/poc-tidy.XXXXXX")
trap 'rm -f "$LOG"' EXIT
run-clang-tidy -quiet -p "$BUILD_DIR" -j "$(nproc)" "${FILES[@]}" >"$LOG" 2>&1 || true
if grep -qE '(warning|error): ' "$LOG"; then
  grep -E -A3 '(warning|error): ' "$LOG"
  echo "tidy: $(grep -cE '(warning|error): ' "$LOG") finding(s)" >&2
  exit 1
fi
echo "tidy: no findings"
