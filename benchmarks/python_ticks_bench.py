#!/usr/bin/python3
"""Python side of benchmarks/python_bench.sh: the standard tick table (benchmarks/ticks.h, same
columns, types and values: ts datetime64[ns] increasing, symbol object str of 100 values, price
float64, qty int64) built in pandas, written with oups.store.write(df) into a fresh dataset and
read back with OrderedParquetDataset(path).to_pandas(); best wall and CPU times of the repeats,
printed as one JSON object (the same shape as dataset_ticks_bench).

    PYTHONPATH=<build>/python /usr/bin/python3 benchmarks/python_ticks_bench.py DIR [ROWS]
        [--repeat R] [--target ROWS] [--compression C] [--no-check]
"""
import argparse
import json
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

import oups
from oups.store import OrderedParquetDataset, write


def make_ticks(n):
    i = np.arange(n, dtype=np.int64)
    ts = 1704067200000000000 + i * 100000 + (i * 7919) % 50000
    sym = ((i * 2654435761) % 4294967296) % 100
    names = np.array([f"SYM{k:02d}" for k in range(100)], dtype=object)
    return pd.DataFrame({
        "ts": ts.view("datetime64[ns]"),
        "symbol": names[sym],
        "price": 100.0 + ((i * 7919) % 10007).astype(np.float64) / 100.0,
        "qty": 1 + (i * 104729) % 1000,
    })


def remove(dirpath):
    shutil.rmtree(dirpath, ignore_errors=True)
    Path(str(dirpath) + "_opdmd").unlink(missing_ok=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("rows", nargs="?", type=int, default=10_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--target", type=int, default=6_345_000)
    ap.add_argument("--compression", default="snappy")
    ap.add_argument("--no-check", action="store_true",
                    help="skip the assert_frame_equal of the first read (a run already did it)")
    a = ap.parse_args()
    base = Path(a.dir)
    base.mkdir(parents=True, exist_ok=True)
    path = base / "ticks"
    t0 = time.perf_counter()
    df = make_ticks(a.rows)
    generate_s = time.perf_counter() - t0
    best = {"write_s": 1e30, "read_s": 1e30, "write_cpu_s": 1e30, "read_cpu_s": 1e30}
    row_groups = 0
    for r in range(a.repeat):
        remove(path)
        t0, c0 = time.perf_counter(), time.process_time()
        write(path, ordered_on="ts", df=df, row_group_target_size=a.target,
              compression=a.compression)
        best["write_s"] = min(best["write_s"], time.perf_counter() - t0)
        best["write_cpu_s"] = min(best["write_cpu_s"], time.process_time() - c0)
        opd = OrderedParquetDataset(path)
        t0, c0 = time.perf_counter(), time.process_time()
        out = opd.to_pandas()
        best["read_s"] = min(best["read_s"], time.perf_counter() - t0)
        best["read_cpu_s"] = min(best["read_cpu_s"], time.process_time() - c0)
        row_groups = len(opd)
        if r == 0 and not a.no_check:
            pd.testing.assert_frame_equal(out, df)
        elif len(out) != a.rows:
            sys.exit(f"python_ticks_bench: read {len(out)} rows, wrote {a.rows}")
        del out
    remove(path)
    print(json.dumps({"engine": "oups-python", "version": oups.__version__,
                      "pandas": pd.__version__, "rows": a.rows, "target": a.target,
                      "row_groups": row_groups, "generate_s": round(generate_s, 6),
                      **{k: round(v, 6) for k, v in best.items()}}))


if __name__ == "__main__":
    main()
