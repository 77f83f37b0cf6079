#!/usr/bin/env bash
# The main job: builds oups's tools and runs the demo (build/tools/oups-demo),
# which writes a generated tick table with oups's Parquet writer, reads it back
# and prints what it did.
#
#   bash scripts/demo.sh [DEMO ARGS...]   (after bash scripts/install-deps.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

JOBS="${OUPS_JOBS:-2}"
mkdir -p build/logs
build_quietly() {
  if ! "$@" >>build/logs/demo-build.log 2>&1; then
    tail -n 100 build/logs/demo-build.log
    echo "demo.sh: build failed (full log: build/logs/demo-build.log)" >&2
    exit 1
  fi
}

: >build/logs/demo-build.log
build_quietly cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DPython3_EXECUTABLE=/usr/bin/python3
targets=(oups-parquet)
if [[ -f tools/oups_demo.cc ]]; then targets+=(oups-demo); fi
build_quietly cmake --build build -j "$JOBS" --target "${targets[@]}"

if [[ -x build/tools/oups-demo ]]; then
  exec build/tools/oups-demo "$@"
fi

# Until oups-demo exists: write a small corpus with oups and show one file.
build_quietly cmake --build build -j "$JOBS" --target oups-interop-gen
out="$(mktemp -d "${TMPDIR:-/tmp}/oups-demo.XXXXXX")"
build/tools/oups-interop-gen "$out"
echo "-- oups-parquet meta $out/kv_sorted.parquet (first lines)"
build/tools/oups-parquet meta "$out/kv_sorted.parquet" | head -n 40 || true
echo "-- oups-parquet cat --format csv $out/kv_sorted.parquet (first rows)"
build/tools/oups-parquet cat --format csv "$out/kv_sorted.parquet" | head -n 5 || true
rm -rf "$out"
