"""Shared helpers of the interop scripts (DuckDB and pyarrow sides).

One DuckDB session is set up the same way everywhere: one thread so that rows come back
in file order, UTC so that TIMESTAMP WITH TIME ZONE prints "+00", no extension downloads.
"""
import os
import sys

import duckdb


def open_duckdb():
    con = duckdb.connect(":memory:")
    con.execute("SET threads=1")
    con.execute("SET TimeZone='UTC'")
    con.execute("SET autoinstall_known_extensions=false")
    con.execute("SET preserve_insertion_order=true")
    return con


def lit(s):
    """SQL string literal."""
    return "'" + str(s).replace("'", "''") + "'"


def ident(s):
    """SQL quoted identifier."""
    return '"' + str(s).replace('"', '""') + '"'


def rows(con, sql):
    """Rows of a query as dicts keyed by column name."""
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def describe(con, relation_sql):
    """[(column name, DuckDB type)] of `SELECT * FROM relation_sql`."""
    return [(r["column_name"], r["column_type"])
            for r in rows(con, f"DESCRIBE SELECT * FROM {relation_sql}")]


def oups_select_list(columns):
    """SELECT list rendering `columns` ([(name, DuckDB type)]) the way oups's JSON printer
    renders them (interop/DUCKDB_JSON.md): DuckDB 2.0 reads Parquet NANOS adjusted-to-UTC
    columns as TIMESTAMP_NS WITH TIME ZONE and prints nanoseconds, where DuckDB 1.5 (which
    the printer reproduces) read them as microseconds truncated toward zero. Such columns are
    truncated here the same way; every other column is selected as it is."""
    out = []
    for name, typ in columns:
        c = ident(name)
        if typ in ("TIMESTAMP_NS WITH TIME ZONE", "TIMESTAMPTZ_NS"):
            us = f"(CASE WHEN epoch_ns({c}) < 0 THEN -((-epoch_ns({c})) // 1000) " \
                 f"ELSE epoch_ns({c}) // 1000 END)"
            out.append(f"make_timestamp({us})::TIMESTAMPTZ AS {c}")
        else:
            out.append(c)
    return ", ".join(out) if out else "*"


def export_jsonl(con, relation_sql, out):
    """DuckDB's JSON rendering of every row of `relation_sql` (e.g. a read_parquet() call or a
    registered Arrow table), in order, written to `out` (one object per line; an empty file for
    0 rows), with the adjustment of oups_select_list()."""
    select = oups_select_list(describe(con, relation_sql))
    con.execute(f"COPY (SELECT {select} FROM {relation_sql}) TO {lit(out)} (FORMAT json)")


def read_lines(path):
    with open(path, encoding="utf-8", newline="") as f:
        text = f.read()
    if text == "":
        return []
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


def first_difference(expected, actual):
    """(row, expected line, actual line) of the first difference, or None when equal."""
    for i in range(max(len(expected), len(actual))):
        e = expected[i] if i < len(expected) else "<no row>"
        a = actual[i] if i < len(actual) else "<no row>"
        if e != a:
            return i, e, a
    return None


def show(v, width=120):
    s = repr(v)
    return s if len(s) <= width else s[:width - 3] + "..."


class Tally:
    """Counts checks, prints each failure with at most 8 of its problems, and the closing
    "N passed, M failed" line that interop/run.sh adds to its totals."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def report(self, what, problems):
        if not problems:
            self.passed += 1
            return
        self.failed += 1
        print(f"FAIL {what}")
        for p in problems[:8]:
            print(f"    {p}")
        if len(problems) > 8:
            print(f"    ... {len(problems) - 8} more")

    def finish(self, summary):
        print(summary)
        print(f"{self.passed} passed, {self.failed} failed")
        sys.stdout.flush()
        return 0 if self.failed == 0 and self.passed > 0 else 1


def usage_dir(argv, usage):
    """The DIR argument of a checker, or exits 2 with `usage`."""
    if len(argv) != 2 or not os.path.isdir(argv[1]):
        print(f"usage: {usage}", file=sys.stderr)
        sys.exit(2)
    return argv[1]


def check_file_list(expected_files, data_dir, problems):
    """Appends to `problems` the row-group files named by the metadata but missing from
    `data_dir`, and the *.parquet files there it does not name; True when both match."""
    on_disk = sorted(f for f in os.listdir(data_dir) if f.endswith(".parquet"))
    missing = [f for f in expected_files if f not in on_disk]
    extra = [f for f in on_disk if f not in expected_files]
    if missing:
        problems.append(f"files named by the metadata but missing: {', '.join(missing)}")
    if extra:
        problems.append(f"files not named by the metadata: {', '.join(extra)}")
    return not missing and not extra
