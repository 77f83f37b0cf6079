#!/usr/bin/env bash
# iter_intersections over 10 datasets x ROWS rows vs reading them whole: rows/s
# and peak memory, each read mode in its own process. Usage:
#   benchmarks/store_bench.sh [BUILD_DIR] [ROWS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# The project venv's interpreter (scripts/install-deps.sh), or $OUPS_PYTHON.
py="${OUPS_PYTHON:-$root/.venv/bin/python}"
build=${1:-$root/build}
rows=${2:-1000000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$build/benchmarks/store_bench" create "$tmp/store" "$rows" > "$tmp/create.json"
whole=$("$build/benchmarks/store_bench" whole "$tmp/store")
iter=$("$build/benchmarks/store_bench" iterate "$tmp/store")
"$py" - "$whole" "$iter" <<'PY'
import json, sys, os
w = json.loads(sys.argv[1]); i = json.loads(sys.argv[2])
print(f"10 datasets x {w['rows'] // 10:,} rows; load average {os.getloadavg()[0]:.2f}")
print(f"{'work':<34}{'rows/s':>14}{'peak RSS MiB':>14}")
print(f"{'read each dataset whole':<34}{w['rows_per_s']:>14,.0f}{w['peak_rss_mib']:>14.1f}")
print(f"{'iter_intersections (all columns)':<34}{i['rows_per_s']:>14,.0f}{i['peak_rss_mib']:>14.1f}")
print(f"ratio iterate/whole rows/s: {i['rows_per_s'] / w['rows_per_s']:.2f} (target >= 1);"
      f" peak memory ratio {i['peak_rss_mib'] / w['peak_rss_mib']:.2f}")
assert i['rows'] == w['rows'], "iteration and whole reads returned different row counts"
PY
