#!/usr/bin/env bash
# Builds oups and runs every test: the C++ unit tests (Release), the DuckDB
# interop tests in both directions, and the C++ unit tests again under
# AddressSanitizer + UndefinedBehaviorSanitizer.
#
#   bash scripts/test.sh          (after bash scripts/install-deps.sh)
#
# Build output goes to log files, printed only when a step fails.
# OUPS_JOBS sets the build parallelism (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."

JOBS="${OUPS_JOBS:-2}"

# Runs "$@" with its output in log file $1; on failure prints the log's tail.
quiet() {
  local log="$1"
  shift
  mkdir -p "$(dirname "$log")"
  if ! "$@" >"$log" 2>&1; then
    tail -n 150 "$log"
    echo "test.sh: FAILED: $* (full log: $log)" >&2
    exit 1
  fi
}

step() { echo "== $* ($(date +%H:%M:%S))"; }

step "configure and build (Release) in build/"
quiet build/logs/configure.log cmake -S . -B build -DCMAKE_BUILD_TYPE=Release \
  -DPython3_EXECUTABLE=/usr/bin/python3
quiet build/logs/build.log cmake --build build -j "$JOBS"

step "unit tests"
(cd build && ctest --output-on-failure -j 2)

step "interop with DuckDB"
bash interop/run.sh build

step "configure and build with ASan + UBSan in build-asan/"
quiet build-asan/logs/configure.log cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" -DOUPS_SANITIZE=ON -DOUPS_BUILD_BENCHMARKS=OFF \
  -DPython3_EXECUTABLE=/usr/bin/python3
quiet build-asan/logs/build.log cmake --build build-asan -j "$JOBS"

step "unit tests under ASan + UBSan"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
(cd build-asan && ctest --output-on-failure -j 2)
