#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang (ASan + UBSan) and runs each one over a
# temporary copy of its seed corpus (tests/fuzz/corpus/<target>/; nothing is written back):
#   deploy/fuzz.sh [--seconds N] [--target NAME] [--build-dir DIR]
# N seconds per target (default 20; a longer hunt is a bigger N, e.g. --seconds 600); targets
# run $(nproc) at a time. Exits 1 when a target crashes and prints the saved crashing input.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR="${POC_FUZZ_BUILD_DIR:-$ROOT/build-fuzz}"
SECONDS_EACH=20
ONLY=""
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) SECONDS_EACH="$2"; shift ;;
    --target) ONLY="$2"; shift ;;
    --build-dir) BUILD_DIR="$2"; shift ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
case "$SECONDS_EACH" in ''|*[!0-9]*) echo "fuzz.sh: --seconds takes a whole number" >&2; exit 2 ;; esac

CORPUS="$ROOT/tests/fuzz/corpus"
TARGETS=()
for d in "$CORPUS"/*/; do TARGETS+=("$(basename "$d")"); done
if [ -n "$ONLY" ]; then
  if [ ! -d "$CORPUS/$ONLY" ]; then
    echo "fuzz.sh: no target $ONLY; targets: ${TARGETS[*]}" >&2
    exit 2
  fi
  TARGETS=("$ONLY")
fi

"$ROOT/deploy/install-deps.sh"
# A folder of its own (every library the targets link is compiled with clang's sanitizers and
# libFuzzer's coverage), or one configured with POC_BUILD_FUZZERS already, such as
# deploy/sanitize.sh's build-asan, whose settings are kept.
if ! grep -q '^POC_BUILD_FUZZERS:BOOL=ON' "$BUILD_DIR/CMakeCache.txt" 2>/dev/null; then
  ARGS=(-DPOC_BUILD_FUZZERS=ON -DPOC_BUILD_TESTS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo)
  if command -v ccache >/dev/null 2>&1; then
    ARGS+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
  fi
  CC=clang CXX=clang++ cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja "${ARGS[@]}" >/dev/null
fi
echo "fuzz: compiling ${#TARGETS[@]} target(s) in $BUILD_DIR"
cmake --build "$BUILD_DIR" -j "$(nproc)" --target "${TARGETS[@]}"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/poc-fuzz.XXXXXX")
touch "$WORK/.start"
trap 'rm -rf "$WORK"' EXIT
CRASHES="$BUILD_DIR/fuzz-crashes"
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

# run_one TARGET: fuzzes TARGET for SECONDS_EACH seconds; log in $WORK/TARGET.log, exit status
# in $WORK/TARGET.rc.
run_one() {
  local t="$1" rc=0
  cp -r "$CORPUS/$t" "$WORK/$t"
  mkdir -p "$CRASHES/$t"
  "$BUILD_DIR/tests/fuzz/$t" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -print_final_stats=1 -artifact_prefix="$CRASHES/$t/" "$WORK/$t" \
    >"$WORK/$t.log" 2>&1 || rc=$?
  echo "$rc" >"$WORK/$t.rc"
}

running() {  # how many started targets have not finished
  local n=0 t
  for t in "${STARTED[@]}"; do [ -f "$WORK/$t.rc" ] || n=$((n + 1)); done
  echo "$n"
}

echo "fuzz: running each target for ${SECONDS_EACH}s, $(nproc) at a time"
STARTED=()
for t in "${TARGETS[@]}"; do
  while [ "$(running)" -ge "$(nproc)" ]; do sleep 1; done
  run_one "$t" &
  STARTED+=("$t")
done
wait

FAILED=()
for t in "${TARGETS[@]}"; do
  if [ "$(cat "$WORK/$t.rc")" = 0 ]; then
    echo "  ok    $t: $(sed -n 's/^stat::number_of_executed_units: //p' "$WORK/$t.log") runs," \
      "corpus grew from $(find "$CORPUS/$t" -type f | wc -l) to $(find "$WORK/$t" -type f | wc -l)"
  else
    FAILED+=("$t")
    echo "  CRASH $t (exit $(cat "$WORK/$t.rc")); the end of its log:"
    tail -n 60 "$WORK/$t.log" | sed 's/^/    /'
    echo "    crashing input(s), kept in $CRASHES/$t/:"
    find "$CRASHES/$t" -type f -newer "$WORK/.start" | sed 's/^/      /'
    echo "    reproduce: $BUILD_DIR/tests/fuzz/$t <input>"
  fi
done

if [ "${#FAILED[@]}" -gt 0 ]; then
  echo "fuzz: FAILED: ${FAILED[*]}" >&2
  exit 1
fi
echo "fuzz: all ${#TARGETS[@]} target(s) ran ${SECONDS_EACH}s without a crash"
