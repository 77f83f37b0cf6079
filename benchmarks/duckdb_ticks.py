"""Baselines of the macro benchmark: writes and reads the standard tick table with DuckDB
(one thread) or pyarrow, and prints the timings as one JSON object.

    $OUPS_PYTHON benchmarks/duckdb_ticks.py FILE [ROWS] [--repeat R] [--engine duckdb|pyarrow]
                                            [--threads T]

ROWS defaults to 10,000,000. The data is the one defined in benchmarks/README.md (integer
formulae, reproduced bit for bit by benchmarks/ticks.h). Timed, each run R times (default 1),
the fastest run reported:
  duckdb:  write: COPY ticks TO FILE (FORMAT parquet, COMPRESSION snappy), SET threads=1
           read:  CREATE TABLE t AS SELECT * FROM read_parquet(FILE)
  pyarrow: write: pq.write_table(table, FILE, compression="snappy")
           read:  pq.read_table(FILE, use_threads=T != 1)
           with pa.set_cpu_count(T) and pa.set_io_thread_count(T); T = 0 (the default for
           pyarrow) means every core. The table is generated with numpy and checked equal to
           DuckDB's on its first 100,000 rows and its last row.
Output: {"engine":...,"version":...,"rows":N,"bytes":file size,"write_s":...,"read_s":...,
         "write_cpu_s":...,"read_cpu_s":...,"generate_s":...,"threads":T}
CPU times are the process's (all threads).
"""
import argparse
import json
import os
import sys
import time

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

# The standard tick table; keep in sync with benchmarks/README.md and benchmarks/ticks.h.
TICKS_SQL = """
SELECT
  make_timestamp_ns(1704067200000000000 + i * 100000 + (i * 7919) % 50000) AS ts,
  'SYM' || lpad((((i * 2654435761) % 4294967296) % 100)::VARCHAR, 2, '0') AS symbol,
  100.0::DOUBLE + ((i * 7919) % 10007)::DOUBLE / 100.0::DOUBLE AS price,
  (1 + (i * 104729) % 1000)::BIGINT AS qty
FROM range({n}) t(i)"""


def lit(s):
    return "'" + str(s).replace("'", "''") + "'"


def duckdb_connect(threads):
    con = duckdb.connect(":memory:")
    con.execute(f"SET threads={threads}")
    con.execute("SET TimeZone='UTC'")
    con.execute("SET autoinstall_known_extensions=false")
    con.execute("SET preserve_insertion_order=true")
    return con


def ticks_arrow(n):
    """The tick table as an Arrow table, computed as benchmarks/ticks.h does (int64 and
    double arithmetic)."""
    i = np.arange(n, dtype=np.int64)
    ts = 1704067200000000000 + i * 100000 + (i * 7919) % 50000
    sym = ((i * 2654435761) % 4294967296) % 100
    names = pa.array([f"SYM{k:02d}" for k in range(100)], pa.string())
    symbol = pa.DictionaryArray.from_arrays(pa.array(sym.astype(np.int32)), names).cast(pa.string())
    price = 100.0 + ((i * 7919) % 10007).astype(np.float64) / 100.0
    qty = 1 + (i * 104729) % 1000
    return pa.table({"ts": pa.array(ts, pa.timestamp("ns")), "symbol": symbol,
                     "price": pa.array(price, pa.float64()), "qty": pa.array(qty, pa.int64())})


def check_same_as_duckdb(table, n):
    con = duckdb_connect(1)
    for lo, hi in ((0, min(n, 100000)), (max(n - 1, 0), n)):
        if hi <= lo:
            continue
        want = con.sql(TICKS_SQL.replace("FROM range({n}) t(i)",
                                         f"FROM range({lo}, {hi}) t(i)")).to_arrow_table()
        got = table.slice(lo, hi - lo)
        if not want.cast(got.schema).equals(got):
            raise SystemExit(f"duckdb_ticks: pyarrow's tick table differs from DuckDB's in "
                             f"rows [{lo}, {hi})")


def best(runs):
    return min(runs) if runs else float("inf")


def run_duckdb(file, n, repeat):
    con = duckdb_connect(1)
    version = con.execute("SELECT version()").fetchone()[0]
    t0 = time.perf_counter()
    con.execute(f"CREATE TABLE ticks AS {TICKS_SQL.format(n=n)}")
    generate_s = time.perf_counter() - t0
    w, wc, r, rc = [], [], [], []
    for _ in range(repeat):
        if os.path.exists(file):
            os.remove(file)
        t0, c0 = time.perf_counter(), time.process_time()
        con.execute(f"COPY ticks TO {lit(file)} (FORMAT parquet, COMPRESSION snappy)")
        w.append(time.perf_counter() - t0)
        wc.append(time.process_time() - c0)
        con.execute("DROP TABLE IF EXISTS t")
        t0, c0 = time.perf_counter(), time.process_time()
        con.execute(f"CREATE TABLE t AS SELECT * FROM read_parquet({lit(file)})")
        r.append(time.perf_counter() - t0)
        rc.append(time.process_time() - c0)
    read_rows = con.execute("SELECT count(*) FROM t").fetchone()[0]
    if read_rows != n:
        raise SystemExit(f"duckdb_ticks: DuckDB read {read_rows} rows, wrote {n}")
    return {"engine": "duckdb", "version": f"DuckDB {version}", "rows": n,
            "bytes": os.path.getsize(file), "write_s": best(w), "read_s": best(r),
            "write_cpu_s": best(wc), "read_cpu_s": best(rc), "generate_s": generate_s,
            "threads": 1}


def run_pyarrow(file, n, repeat, threads):
    cores = os.cpu_count() or 1
    t = cores if threads == 0 else threads
    pa.set_cpu_count(t)
    pa.set_io_thread_count(t)
    t0 = time.perf_counter()
    table = ticks_arrow(n)
    generate_s = time.perf_counter() - t0
    check_same_as_duckdb(table, n)
    w, wc, r, rc = [], [], [], []
    back = None
    for _ in range(repeat):
        if os.path.exists(file):
            os.remove(file)
        t0, c0 = time.perf_counter(), time.process_time()
        pq.write_table(table, file, compression="snappy")
        w.append(time.perf_counter() - t0)
        wc.append(time.process_time() - c0)
        back = None
        t0, c0 = time.perf_counter(), time.process_time()
        back = pq.read_table(file, use_threads=t != 1)
        r.append(time.perf_counter() - t0)
        rc.append(time.process_time() - c0)
    if back.num_rows != n:
        raise SystemExit(f"duckdb_ticks: pyarrow read {back.num_rows} rows, wrote {n}")
    return {"engine": "pyarrow", "version": f"pyarrow {pa.__version__}", "rows": n,
            "bytes": os.path.getsize(file), "write_s": best(w), "read_s": best(r),
            "write_cpu_s": best(wc), "read_cpu_s": best(rc), "generate_s": generate_s,
            "threads": t}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("file")
    p.add_argument("rows", nargs="?", type=int, default=10_000_000)
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--engine", choices=["duckdb", "pyarrow"], default="duckdb")
    p.add_argument("--threads", type=int, default=None,
                   help="pyarrow only: threads (0 = every core; default 1)")
    a = p.parse_args()
    if a.rows < 0 or a.repeat < 1 or (a.threads is not None and a.threads < 0):
        p.error("ROWS >= 0, --repeat >= 1 and --threads >= 0")
    if a.engine == "duckdb":
        if a.threads not in (None, 1):
            p.error("the DuckDB baseline runs with one thread")
        out = run_duckdb(a.file, a.rows, a.repeat)
    else:
        out = run_pyarrow(a.file, a.rows, a.repeat, 1 if a.threads is None else a.threads)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
