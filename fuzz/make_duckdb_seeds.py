"""Writes small DuckDB-made seed files for parquet_file_fuzz (V1 and V2 pages, DELTA_* and
BYTE_STREAM_SPLIT encodings, every codec), complementing the seeds of our own writer
(oups_fuzz_seeds). The output is committed; rerun with

    .venv/bin/python fuzz/make_duckdb_seeds.py fuzz/corpus/parquet_file_fuzz
"""
import os
import sys

import duckdb

SQL = """SELECT i::BIGINT AS id,
  CASE WHEN i % 7 = 0 THEN NULL ELSE (i * 37 % 11)::INTEGER END AS small,
  (i * 1.5)::DOUBLE AS f64, (i * 0.25)::FLOAT AS f32,
  CASE WHEN i % 5 = 0 THEN NULL ELSE 'name_' || (i % 9)::VARCHAR END AS s,
  'unique-' || i::VARCHAR AS u, (i % 3 = 0) AS b,
  TIMESTAMP '2024-01-01' + INTERVAL (i) SECOND AS ts,
  (i * 3.25)::DECIMAL(9, 2) AS d9, (i * 7.5)::DECIMAL(30, 4) AS d30,
  DATE '2020-01-01' + (i % 400)::INTEGER AS day
  FROM range(60) t(i)"""


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: make_duckdb_seeds.py OUTDIR", file=sys.stderr)
        return 2
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    con = duckdb.connect(":memory:")
    con.execute("SET threads=1")
    for version in ("V1", "V2"):
        for codec in ("uncompressed", "snappy", "zstd", "gzip", "lz4_raw", "brotli"):
            path = os.path.join(out, f"duckdb_{codec}_{version.lower()}.parquet")
            con.execute(f"COPY ({SQL}) TO '{path}' (FORMAT parquet, COMPRESSION {codec}, "
                        f"PARQUET_VERSION {version}, ROW_GROUP_SIZE 32)")
    print("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
