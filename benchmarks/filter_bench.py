#!/usr/bin/python3
"""Row-filter benchmark (docs/python.md#filters): selective filters on one oups dataset of the
standard tick table (python_ticks_bench.make_ticks: ts datetime64[ns], symbol str of 100
values, price float64, qty int64 1..1000), written in row groups of ROWS/10 rows, read three
ways in the same run, one thread each:

* ``ds.to_pandas(filters=f)``: oups prunes row groups by their statistics, decodes the
  filtered columns, then the other columns of the row groups holding a match, and keeps the
  matching rows;
* ``ds.to_pandas()`` then a pandas boolean mask: the baseline of reading everything;
* ``pq.read_table(<the row-group files>, filters=f, use_threads=False).to_pandas()``:
  pyarrow's own filtered read of the very same files.

Filters: about 1 % of the rows each, on a non-ordered integer column (qty <= 10, no row
group can be skipped), on a string column (symbol == 'SYM42'), and on the ordered column
(a ts range inside one row group: the others are skipped from the metadata).

Best wall and CPU time of REPEAT rounds and the speed-ups (baseline time / oups time),
printed as one JSON object.

    PYTHONPATH=<build>/python .venv/bin/python benchmarks/filter_bench.py DIR [ROWS] [--repeat R]
"""
import argparse
import json
import shutil
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))
from python_ticks_bench import make_ticks  # noqa: E402

from oups.store import OrderedParquetDataset, write  # noqa: E402


def timed(fn):
    w0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - w0, time.process_time() - c0


def mask_of(df, filters):
    m = pd.Series(True, index=df.index)
    for col, op, val in filters:
        s = df[col]
        m &= {"==": s.__eq__, "<=": s.__le__, "<": s.__lt__, ">=": s.__ge__}[op](val)
    return m


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("rows", nargs="?", type=int, default=10_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    pa.set_cpu_count(1)
    pa.set_io_thread_count(1)
    import oups.dataset
    oups.dataset.READ_THREADS = 1  # one decoding thread, as pyarrow above
    path = Path(a.dir) / "ticks"
    shutil.rmtree(path, ignore_errors=True)
    Path(str(path) + "_opdmd").unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    df = make_ticks(a.rows)
    write(path, ordered_on="ts", df=df, row_group_target_size=max(1, a.rows // 10))
    ts = df["ts"]
    lo, hi = ts.iloc[a.rows // 2], ts.iloc[a.rows // 2 + a.rows // 100]
    del df
    ds = OrderedParquetDataset(path)
    files = [str(path / f"file_{int(i):08d}.parquet") for i in ds.row_group_stats["file_ids"]]
    cases = {
        "qty_le_10": [("qty", "<=", 10)],
        "symbol_eq": [("symbol", "==", "SYM42")],
        "ts_range_prunes": [("ts", ">=", lo), ("ts", "<", hi)],
    }
    readers = {
        "oups_filters": lambda f: ds.to_pandas(filters=f),
        "oups_all_then_pandas_mask": lambda f: (lambda d: d[mask_of(d, f)])(ds.to_pandas()),
        "pyarrow_read_table_filters": lambda f: pq.read_table(
            files, filters=f, use_threads=False).to_pandas(),
    }
    result = {"rows": a.rows, "row_groups": len(ds), "repeat": a.repeat, "threads": 1,
              "cases": {}}
    for case, f in cases.items():
        # Same rows three ways: checked once, outside the timings.
        outs = {name: fn(f) for name, fn in readers.items()}
        ref = outs["oups_filters"].reset_index(drop=True)
        for name, out in outs.items():
            assert len(out) == len(ref), (case, name, len(out), len(ref))
            assert (out["price"].to_numpy() == ref["price"].to_numpy()).all(), (case, name)
        del outs
        best = {name: 1e30 for name in readers}
        cpu = {name: 1e30 for name in readers}
        for _ in range(a.repeat):
            for name, fn in readers.items():
                out, w, c = timed(lambda: fn(f))
                del out
                best[name] = min(best[name], w)
                cpu[name] = min(cpu[name], c)
        result["cases"][case] = {
            "matching_rows": len(ref),
            "best_wall_s": {k: round(v, 4) for k, v in best.items()},
            "best_cpu_s": {k: round(v, 4) for k, v in cpu.items()},
            "wall_speedup_vs_read_all_then_mask": round(best["oups_all_then_pandas_mask"]
                                                        / best["oups_filters"], 2),
            "wall_speedup_vs_pyarrow_filters": round(best["pyarrow_read_table_filters"]
                                                     / best["oups_filters"], 2),
            "cpu_speedup_vs_read_all_then_mask": round(cpu["oups_all_then_pandas_mask"]
                                                       / cpu["oups_filters"], 2),
            "cpu_speedup_vs_pyarrow_filters": round(cpu["pyarrow_read_table_filters"]
                                                    / cpu["oups_filters"], 2),
        }
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
