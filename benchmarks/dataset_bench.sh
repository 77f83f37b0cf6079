#!/usr/bin/env bash
# Builds (if needed) and runs the OrderedDataset macro benchmark
# (benchmarks/dataset_bench.cc; see benchmarks/README.md, "Dataset benchmark").
#
#   bash benchmarks/dataset_bench.sh [BUILD_DIR] [-- dataset_bench options...]
#
# BUILD_DIR defaults to build-bench (a Release build; configured when missing).
# Options after "--" go to dataset_bench, e.g. -- --repeat 9 --dir /mnt/disk.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="$ROOT/build-bench"
if [[ $# -gt 0 && "$1" != "--" ]]; then
  BUILD="$1"
  shift
fi
if [[ $# -gt 0 && "$1" == "--" ]]; then
  shift
fi
if [[ ! -f "$BUILD/CMakeCache.txt" ]]; then
  cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$BUILD" --target dataset_bench -j "${JOBS:-2}" >/dev/null
echo "machine: $(nproc) cores, $(uname -sr), load average $(cut -d' ' -f1-3 /proc/loadavg)"
exec "$BUILD/benchmarks/dataset_bench" "$@"
