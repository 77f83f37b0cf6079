#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang 14 (ASan + UBSan) and runs
# each for a set time, one after the other (-jobs=1: machines here have 2 cores).
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# SECONDS defaults to 60 per target; TARGETs default to all four:
#   parquet_file_fuzz page_decoders_fuzz thrift_footer_fuzz codec_fuzz
# Seeds: fuzz/corpus/<target>/ (committed, read-only here); the growing corpus
# lives in build-fuzz/corpus/<target>/. Crashes, leaks, timeouts and OOMs are
# copied to fuzz-out/<target>/. Prints executions and findings per target and
# exits 1 if anything was found.
# Environment: BUILD_DIR (default build-fuzz), FUZZ_ARGS (extra libFuzzer flags).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
SECONDS_PER_TARGET=${1:-60}
shift || true
TARGETS=("$@")
if ((${#TARGETS[@]} == 0)); then
  TARGETS=(parquet_file_fuzz page_decoders_fuzz thrift_footer_fuzz codec_fuzz)
fi
BUILD_DIR=${BUILD_DIR:-build-fuzz}
OUT_DIR=$ROOT/fuzz-out

# clang 14 and its runtime (libclang-rt-14-dev, from scripts/install-deps.sh).
CC_BIN=$(command -v clang-14 || command -v clang || true)
CXX_BIN=$(command -v clang++-14 || command -v clang++ || true)
if [[ -z $CC_BIN || -z $CXX_BIN ]]; then
  echo "fuzz.sh: clang not found; run scripts/install-deps.sh" >&2
  exit 2
fi
if ! "$CXX_BIN" --version | grep -q 'clang version 14'; then
  echo "fuzz.sh: warning: $CXX_BIN is not clang 14" >&2
fi
if ! "$CC_BIN" -print-file-name=libclang_rt.fuzzer-x86_64.a | grep -q /; then
  echo "fuzz.sh: libFuzzer runtime missing; install libclang-rt-14-dev" >&2
  exit 2
fi

CC=$CC_BIN CXX=$CXX_BIN cmake -S "$ROOT" -B "$BUILD_DIR" -DOUPS_FUZZ=ON \
  -DOUPS_BUILD_TESTS=OFF -DOUPS_BUILD_BENCHMARKS=OFF -DOUPS_BUILD_CLI=OFF \
  -DOUPS_WERROR=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD_DIR" -j2 --target "${TARGETS[@]}"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

found_any=0
summary=()
for t in "${TARGETS[@]}"; do
  case $t in
    parquet_file_fuzz) max_len=65536 ;;
    thrift_footer_fuzz) max_len=16384 ;;
    *) max_len=8192 ;;
  esac
  work=$BUILD_DIR/corpus/$t
  art=$BUILD_DIR/artifacts/$t/
  mkdir -p "$work" "$art" "$OUT_DIR/$t"
  log=$BUILD_DIR/$t.log
  seeds=()
  [[ -d fuzz/corpus/$t ]] && seeds+=("fuzz/corpus/$t")
  echo "== $t: ${SECONDS_PER_TARGET}s (log $log)"
  set +e
  # shellcheck disable=SC2086
  "$BUILD_DIR/fuzz/$t" -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=2048 \
    -malloc_limit_mb=2048 -timeout=10 -max_len=$max_len \
    -print_final_stats=1 -artifact_prefix="$art" ${FUZZ_ARGS:-} \
    "$work" "${seeds[@]}" >"$log" 2>&1
  rc=$?
  set -e
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  findings=0
  for f in "$art"crash-* "$art"leak-* "$art"timeout-* "$art"oom-* "$art"slow-unit-*; do
    [[ -e $f ]] || continue
    cp "$f" "$OUT_DIR/$t/"
    findings=$((findings + 1))
  done
  if ((rc != 0 && findings == 0)); then findings=1; fi
  ((findings > 0)) && found_any=1
  summary+=("$t: executions=${execs:-?} findings=$findings exit=$rc")
  echo "   ${summary[-1]}"
done

echo "== summary (${SECONDS_PER_TARGET}s per target)"
printf '%s\n' "${summary[@]}"
if ((found_any)); then
  echo "findings copied to $OUT_DIR/ (logs in $BUILD_DIR/*.log)"
  exit 1
fi
