#!/usr/bin/env bash
# Store scale (issue 13): creates a small store (10 keys, a dataset of 100 row
# groups) and a large one (KEYS keys, a dataset of RGS row groups), then runs,
# in one run, the C++ and Python measurements comparing the two
# (benchmarks/store_scale_bench.cc, benchmarks/store_scale.py) and
# iter_intersections over 10 and ITER keys (10 row groups each) under a
# 1,024-descriptor limit.
#
#   bash benchmarks/store_scale.sh BUILD_DIR [KEYS] [RGS] [ITER] [WORK_DIR]
#
# Defaults: 100000 keys, 20000 row groups, 1000 keys iterated, a fresh
# directory under /tmp (about 1 GB for 100,000 keys; creating it takes ~2 min).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD="${1:?usage: store_scale.sh BUILD_DIR [KEYS] [RGS] [ITER] [WORK_DIR]}"
KEYS="${2:-100000}"
RGS="${3:-20000}"
ITER="${4:-1000}"
WORK="${5:-$(mktemp -d /tmp/oups-store-scale.XXXXXX)}"
BENCH="$BUILD/benchmarks/store_scale_bench"
PY="${OUPS_PYTHON:-.venv/bin/python}"
rm -rf "$WORK/small" "$WORK/large"
"$BENCH" create "$WORK/small" 10 100
"$BENCH" create "$WORK/large" "$KEYS" "$RGS"
"$BENCH" writes "$WORK/small" "$WORK/large" 15
"$BENCH" keys "$WORK/large" 5
# iter_intersections: keys of 10 row groups of 10 rows.
rm -rf "$WORK/iter"
"$BENCH" create "$WORK/iter" "$ITER" 10 10
(ulimit -n 1024; "$BENCH" iterate "$WORK/iter" 10; "$BENCH" iterate "$WORK/iter" "$ITER")
PYTHONPATH="${OUPS_PYTHONPATH:-$BUILD/python}" "$PY" benchmarks/store_scale.py "$WORK/small" "$WORK/large" 15
echo "store_scale: stores kept in $WORK"
