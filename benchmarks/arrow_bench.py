#!/usr/bin/python3
"""Arrow interchange benchmark (docs/python.md#arrow): reading one oups dataset of the
standard tick table (benchmarks/ticks.h formulas, built by python_ticks_bench.make_ticks:
ts datetime64[ns], symbol str of 100 values, price float64, qty int64) three ways, one
thread each, in the same run:

* ``OrderedParquetDataset(path).to_arrow()``: oups decodes, the Arrow arrays are its buffers;
* ``OrderedParquetDataset(path).to_pandas()``;
* ``pyarrow.parquet.read_table(<the dataset's row-group files>, use_threads=False)``: the
  baseline, pyarrow's own reader on the very same files.

Best wall and CPU time of REPEAT rounds (the three readers alternate within a round), and
the ratios to the pyarrow baseline, printed as one JSON object.

    PYTHONPATH=<build>/python .venv/bin/python benchmarks/arrow_bench.py DIR [ROWS] [--repeat R]
"""
import argparse
import json
import shutil
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))
from python_ticks_bench import make_ticks  # noqa: E402

from oups.store import OrderedParquetDataset, write  # noqa: E402


def timed(fn):
    w0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - w0, time.process_time() - c0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("rows", nargs="?", type=int, default=10_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    pa.set_cpu_count(1)
    pa.set_io_thread_count(1)
    base = Path(a.dir)
    base.mkdir(parents=True, exist_ok=True)
    path = base / "ticks"
    shutil.rmtree(path, ignore_errors=True)
    Path(str(path) + "_opdmd").unlink(missing_ok=True)
    df = make_ticks(a.rows)
    write(path, ordered_on="ts", df=df)
    del df
    ds = OrderedParquetDataset(path)
    files = sorted(str(p) for p in path.iterdir() if p.is_file())
    readers = {
        "pyarrow_read_table": lambda: pq.read_table(files, use_threads=False),
        "oups_to_arrow": lambda: ds.to_arrow(),
        "oups_to_pandas": lambda: ds.to_pandas(),
    }
    # Same data: checked once, outside the timings.
    t_oups, t_pa = ds.to_arrow(), pq.read_table(files, use_threads=False)
    assert t_oups.num_rows == t_pa.num_rows == a.rows
    for name in ("ts", "price", "qty"):
        assert t_oups.column(name).equals(t_pa.column(name).cast(t_oups.schema.field(name).type))
    assert t_oups.column("symbol").cast(pa.string()).equals(t_pa.column("symbol"))
    del t_oups, t_pa
    best = {k: {"wall_s": 1e30, "cpu_s": 1e30} for k in readers}
    for _ in range(a.repeat):
        for name, fn in readers.items():
            out, wall, cpu = timed(fn)
            del out
            best[name]["wall_s"] = min(best[name]["wall_s"], wall)
            best[name]["cpu_s"] = min(best[name]["cpu_s"], cpu)
    baseline = best["pyarrow_read_table"]
    result = {
        "rows": a.rows, "row_groups": len(ds), "files": len(files), "repeat": a.repeat,
        "threads": 1, "best": best,
        "wall_ratio_to_pyarrow": {k: round(v["wall_s"] / baseline["wall_s"], 3)
                                  for k, v in best.items()},
        "cpu_ratio_to_pyarrow": {k: round(v["cpu_s"] / baseline["cpu_s"], 3)
                                 for k, v in best.items()},
        "to_pandas_over_to_arrow": round(best["oups_to_pandas"]["wall_s"]
                                         / best["oups_to_arrow"]["wall_s"], 3),
    }
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
