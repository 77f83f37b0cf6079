#!/usr/bin/env bash
# Builds oups and runs every test: the C++ unit tests and the Python suite
# (Release, against the project venv .venv made by install-deps.sh), the pip
# install of the package, the interop tests in both directions (DuckDB and
# pyarrow, from the venv), and the C++ unit tests again under
# AddressSanitizer + UndefinedBehaviorSanitizer.
#
#   bash scripts/test.sh          (after bash scripts/install-deps.sh)
#
# Build output goes to log files, printed only when a step fails.
# OUPS_JOBS sets the build parallelism (default 2); OUPS_BUILD_DIR and
# OUPS_ASAN_BUILD_DIR the build directories (default build and build-asan).
set -euo pipefail
cd "$(dirname "$0")/.."

JOBS="${OUPS_JOBS:-2}"
B="${OUPS_BUILD_DIR:-build}"
A="${OUPS_ASAN_BUILD_DIR:-build-asan}"

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

# shellcheck source=scripts/venv-cmake-args.sh
source scripts/venv-cmake-args.sh

step "configure and build (Release) in $B/"
quiet "$B/logs/configure.log" cmake -S . -B "$B" -DCMAKE_BUILD_TYPE=Release \
  -DOUPS_BUILD_PYTHON=ON "${OUPS_VENV_CMAKE_ARGS[@]}"
quiet "$B/logs/build.log" cmake --build "$B" -j "$JOBS"

step "unit tests"
(cd "$B" && ctest --output-on-failure -j 2)

step "pip install . in a fresh venv (the wheel build, scikit-build-core)"
mkdir -p "$B"
V="$(cd "$B" && pwd)/venv-pip"
rm -rf "$V"
quiet "$B/logs/venv.log" "$OUPS_PY" -m venv "$V"
quiet "$B/logs/pip-install.log" "$V/bin/pip" install -r requirements/lock.txt "$PWD"
(cd "$B" && "$V/bin/python" -c 'import oups, oups.store' &&
  "$V/bin/python" "$OLDPWD/tests/python/seed_examples/test_store_write_helper.py")

step "interop with DuckDB and pyarrow"
OUPS_PYTHON="$OUPS_PY" bash interop/run.sh "$B"

step "configure and build with ASan + UBSan in $A/"
quiet "$A/logs/configure.log" cmake -S . -B "$A" -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" -DOUPS_SANITIZE=ON -DOUPS_BUILD_BENCHMARKS=OFF \
  -DOUPS_BUILD_PYTHON=OFF "${OUPS_VENV_CMAKE_ARGS[@]}"
quiet "$A/logs/build.log" cmake --build "$A" -j "$JOBS"

step "unit tests under ASan + UBSan"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
(cd "$A" && ctest --output-on-failure -j 2)
