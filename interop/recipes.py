"""The DuckDB recipes of README.md and docs/format.md ("Reading the files
without oups"), run by the real DuckDB against datasets the `oups` tool wrote.

  python interop/recipes.py OUPS_BINARY WORK_DIR

1. The metadata file reads with read_parquet('<parent>/<name>_opdmd'): one row
   per row group, whose n_rows add up to the committed rows.
2. After a merge that left files kept for a registered reader, a glob of the
   dataset directory sees more rows than are committed (why it is not a recipe).
3. `oups sql DATASET` prints a view over the committed files in order: DuckDB
   reads through it exactly the rows `oups cat` prints, in the same order; again
   after another write, with the view printed anew.
Prints "N passed, M failed" last; exits 1 when one failed (also run by ctest:
interop_recipes).
"""
import fcntl
import json
import os
import subprocess
import sys

import duckdb

passed = 0
failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL recipes/{name}: {detail}")


def oups(binary, *args):
    r = subprocess.run([binary, *args], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"oups {' '.join(args)} failed ({r.returncode}): {r.stderr}")
    return r.stdout


def write_csv(path, rows):
    with open(path, "w") as f:
        f.write("ts,v\n")
        for ts, v in rows:
            f.write(f"{ts},{v}\n")


def committed(binary, ds):
    return [(r["ts"], r["v"]) for r in map(json.loads, oups(binary, "cat", ds, "--format", "jsonl").splitlines())]


def main():
    binary, work = sys.argv[1], sys.argv[2]
    store = os.path.join(work, "store")
    os.makedirs(store, exist_ok=True)
    ds = os.path.join(store, "ticks")
    first = os.path.join(work, "first.csv")
    write_csv(first, [(t, t * 10) for t in range(7)])
    oups(binary, "write", ds, "--ordered-on", "ts", "--from", first, "--row-group-target-size", "3")
    # A registered reader (docs/format.md): writers keep the files it may read.
    reader = open(os.path.join(store, "ticks.readers"), "a+")
    fcntl.flock(reader, fcntl.LOCK_SH)
    second = os.path.join(work, "second.csv")
    write_csv(second, [(t, t * 100) for t in (2, 3, 4)])
    oups(binary, "write", ds, "--from", second, "--duplicates-on", "ts")
    rows = committed(binary, ds)
    check("committed rows", len(rows) == 7 and rows[3] == (3, 300), str(rows))

    con = duckdb.connect()
    try:
        index = con.execute(
            f"SELECT file_ids, n_rows FROM read_parquet('{ds}_opdmd')").fetchall()
        check("read_parquet of the metadata file",
              sum(n for _, n in index) == len(rows), str(index))
    except duckdb.Error as e:
        check("read_parquet of the metadata file", False, str(e))

    glob_rows = con.execute(f"SELECT count(*) FROM read_parquet('{ds}/*.parquet')").fetchone()[0]
    check("a glob also sees the files kept for the reader", glob_rows > len(rows),
          f"glob {glob_rows} rows, committed {len(rows)}")

    def through_view(name):
        con.execute(oups(binary, "sql", ds, "--name", name))
        return con.execute(f'SELECT ts, v FROM "{name}"').fetchall()

    got = through_view("ticks")
    check("oups sql: the committed rows in order", got == rows, f"{got} != {rows}")

    fcntl.flock(reader, fcntl.LOCK_UN)
    reader.close()
    third = os.path.join(work, "third.csv")
    write_csv(third, [(t, -t) for t in (6, 7, 8)])
    oups(binary, "write", ds, "--from", third, "--duplicates-on", "ts")
    rows = committed(binary, ds)
    got = through_view("ticks after")
    check("oups sql after another write", got == rows and len(rows) == 9, f"{got} != {rows}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
