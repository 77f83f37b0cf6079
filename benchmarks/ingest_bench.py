#!/usr/bin/env python3
"""CSV and Parquet ingest: `oups write` against DuckDB's
`COPY (FROM read_csv(...)) TO 'x.parquet'` on the same file, in the same run.

Both read the same CSV file (typed: the column types given; inferred: none
given) or the same Parquet file, and write Parquet (snappy) on disk. Each
case runs on 1 and on 2 threads (`oups write --threads N`, DuckDB `SET
threads=N`), best of --rounds alternating rounds. Reported per case: rows per
CPU-second (user + system), wall seconds, peak RSS, and the ratio of oups'
rows per CPU-second to DuckDB's.

DuckDB runs in a child Python process; its CPU time and wall are measured
inside that process around the COPY statement only (the interpreter start and
the import are not counted), its RSS is the child's peak. oups is measured as
its whole process (os.wait4). The oups dataset is removed before each run, so
every run creates one (a write with fsyncs).

  python benchmarks/ingest_bench.py --oups build/tools/oups [--rows 2000000]
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

DUCK = r"""
import duckdb, json, resource, sys, time
src, dst, threads, kind, typed = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5] == "1"
con = duckdb.connect()
con.execute(f"SET threads={threads}")
con.execute("SET enable_progress_bar=false")
if kind == "csv":
    cols = ", columns={'ts':'TIMESTAMP','price':'DOUBLE','qty':'BIGINT','side':'VARCHAR','flag':'BOOLEAN'}" if typed else ""
    q = f"COPY (FROM read_csv('{src}'{cols})) TO '{dst}' (FORMAT parquet, COMPRESSION snappy)"
else:
    q = f"COPY (FROM read_parquet('{src}')) TO '{dst}' (FORMAT parquet, COMPRESSION snappy)"
r0 = resource.getrusage(resource.RUSAGE_SELF); w0 = time.perf_counter()
con.execute(q)
w1 = time.perf_counter(); r1 = resource.getrusage(resource.RUSAGE_SELF)
n = con.execute(f"SELECT count(*) FROM read_parquet('{dst}')").fetchone()[0]
print(json.dumps({"cpu": r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime,
                  "wall": w1 - w0, "rows": n}))
"""


def make_csv(path, rows):
    import numpy as np
    import pandas as pd
    rng = np.random.default_rng(1)
    ts = pd.date_range("2025-01-01", periods=rows, freq="s")
    df = pd.DataFrame({
        "ts": ts.strftime("%Y-%m-%dT%H:%M:%S"),
        "price": np.round(100 + rng.standard_normal(rows).cumsum() * 0.01, 2),
        "qty": rng.integers(1, 1000, rows),
        "side": rng.choice(["buy", "sell"], rows),
        "flag": rng.choice(["true", "false"], rows),
    })
    df.to_csv(path, index=False)


def run_child(cmd):
    """(rusage, wall) of a child process; raises on failure."""
    w0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - w0
    out = p.stdout.read().decode()
    err = p.stderr.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{out}{err}")
    return ru, wall, out


def run_oups(oups, src, work, threads, typed, rows):
    ds = os.path.join(work, "ds")
    for p in (ds, ds + "_opdmd", ds + ".lock", ds + ".readers"):
        if os.path.isdir(p):
            shutil.rmtree(p)
        elif os.path.exists(p):
            os.remove(p)
    cmd = [oups, "write", ds, "--ordered-on", "ts", "--from", src,
           "--threads", str(threads), "--json"]
    if typed and src.endswith(".csv"):
        cmd += ["--types", "ts=timestamp[ns],price=float64,qty=int64,side=string,flag=bool"]
    ru, wall, out = run_child(cmd)
    written = json.loads(out)["rows_written"]
    assert written == rows, (written, rows)
    return {"cpu": ru.ru_utime + ru.ru_stime, "wall": wall, "rss_mb": ru.ru_maxrss / 1024}


def run_duck(src, work, threads, typed, rows):
    dst = os.path.join(work, "duck.parquet")
    kind = "csv" if src.endswith(".csv") else "parquet"
    ru, _, out = run_child([sys.executable, "-c", DUCK, src, dst, str(threads), kind,
                            "1" if typed else "0"])
    r = json.loads(out.strip().splitlines()[-1])
    assert r["rows"] == rows, (r["rows"], rows)
    return {"cpu": r["cpu"], "wall": r["wall"], "rss_mb": ru.ru_maxrss / 1024}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--oups", required=True, help="the oups binary")
    ap.add_argument("--rows", type=int, default=2_000_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--dir", default=None, help="work directory (default: a temporary one)")
    args = ap.parse_args()
    work = args.dir or tempfile.mkdtemp(prefix="oups_ingest_")
    os.makedirs(work, exist_ok=True)
    csv = os.path.join(work, "in.csv")
    if not os.path.exists(csv):
        make_csv(csv, args.rows)
    pq = os.path.join(work, "in.parquet")
    # The Parquet input: the CSV as DuckDB writes it (typed), one file.
    subprocess.run([sys.executable, "-c", DUCK, csv, pq, "2", "csv", "1"], check=True,
                   stdout=subprocess.DEVNULL)
    cases = [("csv typed", csv, True), ("csv inferred", csv, False), ("parquet", pq, False)]
    best = {}
    for rnd in range(args.rounds):
        for name, src, typed in cases:
            for threads in (1, 2):
                order = [("oups", run_oups), ("duckdb", run_duck)]
                if rnd % 2:
                    order.reverse()
                for system, fn in order:
                    if system == "oups":
                        r = fn(args.oups, src, work, threads, typed, args.rows)
                    else:
                        r = fn(src, work, threads, typed, args.rows)
                    key = (name, threads, system)
                    if key not in best or r["cpu"] < best[key]["cpu"]:
                        best[key] = dict(r, wall=min(r["wall"], best.get(key, r)["wall"]))
    print(f"{args.rows:,} rows, {os.path.getsize(csv) / 1e6:.0f} MB CSV; best of "
          f"{args.rounds} rounds; rows per CPU-second (user+sys), wall, peak RSS")
    print(f"{'case':<14}{'thr':>4}  {'oups rows/cpu-s':>16}{'duckdb':>12}{'ratio':>7}"
          f"  {'oups wall':>9}{'duck wall':>10}  {'oups RSS':>9}{'duck RSS':>9}")
    results = []
    for name, _, _ in cases:
        for threads in (1, 2):
            o = best[(name, threads, "oups")]
            d = best[(name, threads, "duckdb")]
            ro = args.rows / o["cpu"]
            rd = args.rows / d["cpu"]
            print(f"{name:<14}{threads:>4}  {ro:>16,.0f}{rd:>12,.0f}{ro / rd:>7.2f}"
                  f"  {o['wall']:>8.2f}s{d['wall']:>9.2f}s  {o['rss_mb']:>7.0f}MB"
                  f"{d['rss_mb']:>7.0f}MB")
            results.append({"case": name, "threads": threads, "oups": o, "duckdb": d,
                            "ratio_rows_per_cpu_s": ro / rd})
    with open(os.path.join(work, "ingest_bench.json"), "w") as f:
        json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
