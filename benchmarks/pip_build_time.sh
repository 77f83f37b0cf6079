#!/usr/bin/env bash
# Times `pip wheel .` (scikit-build-core, the Python module only) against building the
# same targets with CMake directly (`cmake --build -j 2 --target _oups`), both from
# scratch, one after the other in the same run; prints both times and their ratio.
#
#   bash benchmarks/pip_build_time.sh      (after bash scripts/install-deps.sh)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
py="${OUPS_PYTHON:-$root/.venv/bin/python}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$root"

start=$EPOCHREALTIME
cmake -S . -B "$tmp/cmake" -DCMAKE_BUILD_TYPE=Release -DOUPS_BUILD_PYTHON=ON \
  -DOUPS_BUILD_TESTS=OFF -DOUPS_BUILD_BENCHMARKS=OFF -DOUPS_BUILD_CLI=OFF \
  "-DPython3_EXECUTABLE=$py" "-Dpybind11_DIR=$("$py" -m pybind11 --cmakedir)" >"$tmp/cmake.log" 2>&1
cmake --build "$tmp/cmake" -j 2 --target _oups >>"$tmp/cmake.log" 2>&1
cmake_s=$("$py" -c "print($EPOCHREALTIME - $start)")

start=$EPOCHREALTIME
"$py" -m pip wheel -q --no-deps -w "$tmp/wheel" \
  --config-settings=build-dir="$tmp/pip-build" . >"$tmp/pip.log" 2>&1
pip_s=$("$py" -c "print($EPOCHREALTIME - $start)")

ls "$tmp/wheel"
printf 'cmake --build -j 2 --target _oups: %.1f s\npip wheel .: %.1f s\nratio: %.2fx (load average %s)\n' \
  "$cmake_s" "$pip_s" "$("$py" -c "print($pip_s / $cmake_s)")" "$(cut -d' ' -f1-3 /proc/loadavg)"
