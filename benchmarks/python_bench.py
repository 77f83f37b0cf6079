#!/usr/bin/python3
"""oups' Python API against DuckDB and pyarrow on the same values, in the same run
(benchmarks/python_bench.sh calls it; issue 18's proof).

The standard tick table (benchmarks/README.md: ts datetime64[ns] increasing, symbol text of
100 values, price float64, qty int64; default 3,000,000 rows) is built once per run in pandas,
with the symbol column both as pandas' default text dtype (pandas 3: "str", Arrow-backed) and
as object strings. Each system then does the same user work on the same frame:

  write    oups:    oups.store.write(path, ordered_on="ts", df=df)
           DuckDB:  COPY (SELECT * FROM df) TO FILE (FORMAT parquet, COMPRESSION snappy)
           pyarrow: pq.write_table(pa.Table.from_pandas(df, nthreads=T), FILE, snappy)
  read     oups:    OrderedParquetDataset(path).to_pandas()
           DuckDB:  con.execute("SELECT * FROM read_parquet(FILE)").df()
           pyarrow: pq.read_table(FILE, use_threads=T > 1).to_pandas(use_threads=T > 1)

each with one thread (oups use_threads=False, DuckDB SET threads=1, pyarrow
use_threads=False / nthreads=1) and with the machine's threads (oups use_threads=True,
DuckDB's default threads, pyarrow use_threads=True). Plus the text column alone,
to_pandas(columns=["symbol"]), read from a dataset written as Arrow-backed str and from one
written as object strings (the same values).

A run is one fresh process (its heap is not warmed by an earlier run); within it every
measurement is the best wall time of INNER repeats, the systems alternating. RUNS runs are
made one after the other and every ratio is printed for every run, with the worst one checked
against issue 18's targets.

    $OUPS_PYTHON benchmarks/python_bench.py [--rows N] [--runs R] [--inner I] [--dir D]
        [--json]          # print the runs as JSON too
        [--one-run]       # internal: one run, printed as one JSON object
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

# (name, numerator, denominator, minimum ratio): ratio = time(denominator) / time(numerator),
# i.e. how many times faster the numerator is.
TARGETS = [
    ("to_pandas 1 thread vs DuckDB threads=1", "oups_read_1", "duckdb_read_1", 2.0),
    ("to_pandas 1 thread vs pyarrow use_threads=False", "oups_read_1", "pyarrow_read_1", 1.5),
    ("write 1 thread vs DuckDB threads=1", "oups_write_1", "duckdb_write_1", 2.5),
    ("write 1 thread vs pyarrow use_threads=False", "oups_write_1", "pyarrow_write_1", 1.5),
    ("to_pandas threads vs 1 thread", "oups_read_n", "oups_read_1", 1.6),
    ("write threads vs 1 thread", "oups_write_n", "oups_write_1", 1.6),
    ("to_pandas threads vs pyarrow threads", "oups_read_n", "pyarrow_read_n", 1.0),
    ("write threads vs pyarrow threads", "oups_write_n", "pyarrow_write_n", 1.0),
    ("to_pandas threads vs DuckDB threads", "oups_read_n", "duckdb_read_n", None),
    ("write threads vs DuckDB threads", "oups_write_n", "duckdb_write_n", None),
    ("to_pandas object text vs DuckDB threads=1", "oups_read_obj_1", "duckdb_read_obj_1", None),
    ("write object text vs DuckDB threads=1", "oups_write_obj_1", "duckdb_write_obj_1", None),
    ("write object text vs pyarrow use_threads=False", "oups_write_obj_1", "pyarrow_write_obj_1",
     None),
    ("symbol column: Arrow str vs object", "oups_symbol_str_1", "oups_symbol_obj_1", 3.0),
]


def make_ticks(n, text="str"):
    """The standard tick table (benchmarks/ticks.h's integer formulae); `text` is the dtype of
    the symbol column: "str" (pandas' default, Arrow-backed on pandas 3) or "object"."""
    i = np.arange(n, dtype=np.int64)
    ts = 1704067200000000000 + i * 100000 + (i * 7919) % 50000
    sym = ((i * 2654435761) % 4294967296) % 100
    names = np.array([f"SYM{k:02d}" for k in range(100)], dtype=object)
    return pd.DataFrame({
        "ts": ts.view("datetime64[ns]"),
        "symbol": pd.Series(names[sym], dtype=text),
        "price": 100.0 + ((i * 7919) % 10007).astype(np.float64) / 100.0,
        "qty": 1 + (i * 104729) % 1000,
    })


def remove(path):
    shutil.rmtree(path, ignore_errors=True)
    Path(str(path) + "_opdmd").unlink(missing_ok=True)
    Path(str(path) + ".readers").unlink(missing_ok=True)
    if os.path.isfile(path):
        os.unlink(path)


CPU = {}  # the process CPU time of the last timed call (all threads)


def timed(fn):
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    CPU["last"] = time.process_time() - c0
    return time.perf_counter() - t0, out


class Oups:
    def __init__(self, base):
        import oups
        from oups.store import OrderedParquetDataset, write
        self.version = oups.__version__
        self.write_fn, self.opd = write, OrderedParquetDataset
        self.base = base
        import inspect
        self.threads_kw = "use_threads" in inspect.signature(OrderedParquetDataset.to_pandas).parameters

    def _kw(self, threads):
        return {"use_threads": threads > 1} if self.threads_kw else {}

    def write(self, name, df, threads):
        path = self.base / name
        remove(path)
        return timed(lambda: self.write_fn(path, ordered_on="ts", df=df, **self._kw(threads)))[0]

    def read(self, name, threads, columns=None):
        ds = self.opd(self.base / name)
        return timed(lambda: ds.to_pandas(columns, **self._kw(threads)))


class DuckDB:
    def __init__(self, base):
        import duckdb
        self.duckdb = duckdb
        self.version = duckdb.__version__
        self.base = base
        self.cons = {}

    def con(self, threads):
        if threads not in self.cons:
            con = self.duckdb.connect(":memory:")
            if threads == 1:
                con.execute("SET threads=1")
            con.execute("SET TimeZone='UTC'")
            con.execute("SET preserve_insertion_order=true")
            self.cons[threads] = con
        return self.cons[threads]

    def write(self, name, df, threads):
        path = self.base / (name + ".duckdb.parquet")
        remove(path)
        con = self.con(threads)
        con.register("frame", df)
        try:
            return timed(lambda: con.execute(
                f"COPY (SELECT * FROM frame) TO '{path}' (FORMAT parquet, COMPRESSION snappy)"))[0]
        finally:
            con.unregister("frame")

    def read(self, name, threads, columns=None):
        path = self.base / (name + ".duckdb.parquet")
        sel = "*" if columns is None else ", ".join(columns)
        con = self.con(threads)
        return timed(lambda: con.execute(f"SELECT {sel} FROM read_parquet('{path}')").df())


class PyArrow:
    def __init__(self, base):
        import pyarrow as pa
        import pyarrow.parquet as pq
        self.pa, self.pq = pa, pq
        self.version = pa.__version__
        self.base = base

    def write(self, name, df, threads):
        path = self.base / (name + ".pyarrow.parquet")
        remove(path)
        return timed(lambda: self.pq.write_table(
            self.pa.Table.from_pandas(df, nthreads=1 if threads == 1 else None,
                                      preserve_index=False),
            path, compression="snappy"))[0]

    def read(self, name, threads, columns=None):
        path = self.base / (name + ".pyarrow.parquet")
        t = threads > 1
        return timed(lambda: self.pq.read_table(path, columns=columns, use_threads=t)
                     .to_pandas(use_threads=t))


def one_run(a):
    base = Path(a.dir)
    base.mkdir(parents=True, exist_ok=True)
    n = a.rows
    nthreads = os.cpu_count() or 1
    frames = {"str": make_ticks(n, "str"), "obj": make_ticks(n, "object")}
    systems = {"oups": Oups(base), "duckdb": DuckDB(base), "pyarrow": PyArrow(base)}
    best = {}

    def keep(key, t):
        best[key] = min(best.get(key, 1e30), t)
        best[key + "_cpu"] = min(best.get(key + "_cpu", 1e30), CPU["last"])

    checked = set()
    for _ in range(a.inner):
        for threads, tag in ((1, "1"), (nthreads, "n")):
            for sname, s in systems.items():
                for text, df in frames.items():
                    if text == "obj" and threads > 1:
                        continue
                    suffix = tag if text == "str" else "obj_" + tag
                    name = f"ticks_{text}"
                    keep(f"{sname}_write_{suffix}", s.write(name, df, threads))
                    t, out = s.read(name, threads)
                    keep(f"{sname}_read_{suffix}", t)
                    if (sname, text) not in checked:
                        if len(out) != n or not np.array_equal(
                                out["qty"].to_numpy(), df["qty"].to_numpy()) or not (
                                out["symbol"].astype(object) == df["symbol"].astype(object)
                        ).all():
                            sys.exit(f"python_bench: {sname} read back other values ({text})")
                        if sname == "oups":
                            pd.testing.assert_frame_equal(out, df)
                        checked.add((sname, text))
                    del out
        # The text column alone: Arrow-backed str vs object strings, one thread.
        oups = systems["oups"]
        for text in ("str", "obj"):
            t, out = oups.read(f"ticks_{text}", 1, ["symbol"])
            keep(f"oups_symbol_{text}_1", t)
            del out
    for name in ("ticks_str", "ticks_obj"):
        for suffix in ("", ".duckdb.parquet", ".pyarrow.parquet"):
            remove(base / (name + suffix))
    return {"rows": n, "threads": nthreads, "pandas": pd.__version__,
            "versions": {k: s.version for k, s in systems.items()},
            "oups_threads_keyword": systems["oups"].threads_kw,
            **{k: round(v, 6) for k, v in best.items()}}


def report(runs, load_start):
    r0 = runs[0]
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    print(f"machine: {cpu}, {r0['threads']} cores; pandas {r0['pandas']}; "
          f"oups {r0['versions']['oups']}, DuckDB {r0['versions']['duckdb']}, "
          f"pyarrow {r0['versions']['pyarrow']}; rows={r0['rows']:,}; {len(runs)} runs "
          f"(fresh processes), each figure the best wall of its run's repeats; load average "
          f"{load_start} at start, {open('/proc/loadavg').read().split()[0]} at end")
    if not r0["oups_threads_keyword"]:
        print("note: this oups has no use_threads keyword: its 'threads' figures are its default")
    print("\nwall seconds per run (str = pandas' default Arrow-backed text, obj = object text):")
    keys = [k for k in r0 if k.endswith(("_1", "_n")) and isinstance(r0[k], float)]
    print(f"{'':<28}" + "".join(f"{'run ' + str(i + 1):>9}" for i in range(len(runs))))
    for k in sorted(keys):
        print(f"{k:<28}" + "".join(f"{r[k]:>9.3f}" for r in runs))
    print("\nratios (times faster; every run; target on the worst):")
    print(f"{'':<50}" + "".join(f"{'run ' + str(i + 1):>7}" for i in range(len(runs)))
          + f"{'worst':>7}{'target':>8}{'':>6}")
    all_ok = True
    for label, num, den, target in TARGETS:
        ratios = [r[den] / r[num] for r in runs]
        worst = min(ratios)
        status = "" if target is None else ("ok" if worst >= target else "MISS")
        all_ok &= status != "MISS"
        print(f"{label:<50}" + "".join(f"{x:>7.2f}" for x in ratios) + f"{worst:>7.2f}"
              + (f"{'>= ' + str(target):>8}" if target else f"{'':>8}") + f"{status:>6}")
    print("\nthe one-thread ratios in process CPU time (less sensitive to a loaded machine):")
    for label, num, den, target in TARGETS:
        if not num.endswith("_1") or not den.endswith("_1"):
            continue
        ratios = [r[den + "_cpu"] / r[num + "_cpu"] for r in runs]
        print(f"{label + ' (CPU)':<50}" + "".join(f"{x:>7.2f}" for x in ratios)
              + f"{min(ratios):>7.2f}")
    rows = r0["rows"]
    best = {k: min(r[k] for r in runs) for k in keys}
    print(f"\nrows/s (best run): oups to_pandas {rows / best['oups_read_1']:,.0f} (1 thread), "
          f"{rows / best['oups_read_n']:,.0f} (threads); write {rows / best['oups_write_1']:,.0f}"
          f" (1 thread), {rows / best['oups_write_n']:,.0f} (threads)")
    return all_ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=3_000_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--inner", type=int, default=3)
    ap.add_argument("--dir", default=None)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--one-run", action="store_true")
    a = ap.parse_args()
    if a.one_run:
        print(json.dumps(one_run(a)))
        return
    load = open("/proc/loadavg").read().split()[0]
    tmp = tempfile.mkdtemp(prefix="oups_python_bench_") if a.dir is None else a.dir
    runs = []
    try:
        for r in range(a.runs):
            out = subprocess.run(
                [sys.executable, __file__, "--one-run", "--rows", str(a.rows), "--inner",
                 str(a.inner), "--dir", tmp], check=True, stdout=subprocess.PIPE, text=True)
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
            print(f"run {r + 1}/{a.runs} done", file=sys.stderr)
    finally:
        if a.dir is None:
            shutil.rmtree(tmp, ignore_errors=True)
    if a.json:
        print(json.dumps(runs))
    ok = report(runs, load)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
