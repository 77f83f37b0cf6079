"""Writes, with DuckDB (the duckdb Python package), the small valid Parquet files that
make_bad_data.py mutates into the bad-data corpus (tests/data/bad_data/base/). Run it only
to regenerate the base files (they are committed, so that the corpus does not depend on
the DuckDB version installed):

    .venv/bin/python tests/data/bad_data/make_base.py tests/data/bad_data/base
"""
import os
import sys

import duckdb

# 100 rows: a unique BIGINT (PLAIN), a nullable low-cardinality string (RLE_DICTIONARY
# with a dictionary page) in one row group.
FLAT = """SELECT i::BIGINT AS id,
  CASE WHEN i % 10 = 3 THEN NULL ELSE 'v' || (i % 5)::VARCHAR END AS s
  FROM range(100) t(i)"""
FILES = [
    ("plain.parquet", FLAT, "COMPRESSION uncompressed"),
    ("snappy.parquet", FLAT, "COMPRESSION snappy"),
    ("zstd.parquet", FLAT, "COMPRESSION zstd"),
    ("nested_list.parquet", "SELECT i::INTEGER AS id, [i, i + 1] AS tags FROM range(5) t(i)", ""),
    ("nested_map.parquet", "SELECT i::INTEGER AS id, MAP {'k': i} AS attrs FROM range(5) t(i)",
     ""),
    ("nested_struct.parquet",
     "SELECT i::INTEGER AS id, {'x': i, 'y': 'a'} AS point FROM range(5) t(i)", ""),
]


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: make_base.py OUTDIR", file=sys.stderr)
        return 2
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    con = duckdb.connect(":memory:")
    con.execute("SET threads=1")
    for name, sql, opts in FILES:
        path = os.path.join(out, name)
        con.execute(f"COPY ({sql}) TO '{path}' (FORMAT parquet{', ' + opts if opts else ''})")
        print(f"{path}: {os.path.getsize(path)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
