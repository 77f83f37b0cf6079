"""Writes a corpus of Parquet files with DuckDB, for oups's reader to read.

    $OUPS_PYTHON interop/duckdb_corpus.py OUTDIR

For each FILE.parquet it writes FILE.parquet.expected.jsonl: DuckDB's own JSON rendering of
SELECT * FROM read_parquet(FILE) (one object per row, in file order), which
`oups-parquet cat --format jsonl` must reproduce exactly (interop/DUCKDB_JSON.md). For a file
oups must refuse (nested columns), FILE.parquet.expected_error holds a string the error
message must contain (the column name).

All data is computed from row numbers with integer formulae: the corpus is the same on every
run.
"""
import os
import sys
from collections import Counter

from lib import export_jsonl, lit, open_duckdb, rows

CODECS = ["uncompressed", "snappy", "zstd", "gzip", "lz4_raw", "brotli"]
VERSIONS = ["V1", "V2"]


def maybe_null(k, expr):
    """Null in about one row out of 7, at a different phase per column."""
    return f"CASE WHEN (i * 37 + {k}) % 7 = 0 THEN NULL ELSE {expr} END"


# Strings: empty, non-ASCII, long, control characters and JSON escapes.
STRING_EXPR = r"""CASE i % 13 WHEN 0 THEN '' WHEN 1 THEN 'héllo wörld € 𝄞 ' || i
                   WHEN 2 THEN repeat('long-', 250) || i
                   WHEN 3 THEN 'ctl' || chr(1) || chr(9) || chr(10) || '"q"\/' || chr(127)
                   ELSE 'str_' || i END"""
# Blobs: empty, bytes outside ASCII and the characters DuckDB's blob text escapes.
BLOB_EXPR = r"""CASE i % 5 WHEN 0 THEN ''::BLOB WHEN 1 THEN '\x00\xFF\x22\x27\x5C'::BLOB || encode(i::VARCHAR)
                   ELSE encode('bin' || i) END"""

# Every flat type oups reads, with edge values, nulls, empty / non-ASCII / long strings.
TYPES_SELECT = f"""
SELECT
  i::BIGINT AS id,
  {maybe_null(1, '(i * 7) % 3 = 0')} AS b,
  {maybe_null(2, '((i * 97) % 256 - 128)::TINYINT')} AS i8,
  {maybe_null(3, '((i * 7919) % 65536 - 32768)::SMALLINT')} AS i16,
  {maybe_null(4, '''CASE i % 9 WHEN 0 THEN -2147483648 WHEN 1 THEN 2147483647
                   ELSE (i * 2654435761) % 4294967296 - 2147483648 END::INTEGER''')} AS i32,
  {maybe_null(5, '''CASE i % 9 WHEN 0 THEN -9223372036854775808 WHEN 1 THEN 9223372036854775807
                   ELSE (i * 1000003 - 500000000) * 9223371 END::BIGINT''')} AS i64,
  {maybe_null(6, '((i * 31) % 256)::UTINYINT')} AS u8,
  {maybe_null(0, '((i * 7919) % 65536)::USMALLINT')} AS u16,
  {maybe_null(1, '''CASE i % 9 WHEN 0 THEN 4294967295 WHEN 1 THEN 0
                   ELSE (i * 2654435761) % 4294967296 END::UINTEGER''')} AS u32,
  {maybe_null(2, '''CASE i % 9 WHEN 0 THEN 18446744073709551615::UBIGINT WHEN 1 THEN 0::UBIGINT
                   WHEN 2 THEN 9223372036854775808::UBIGINT
                   ELSE (i * 1000003 * 18446744)::UBIGINT END''')} AS u64,
  {maybe_null(3, '''CASE i % 23 WHEN 0 THEN 'inf'::FLOAT WHEN 1 THEN '-inf'::FLOAT
                   WHEN 2 THEN '-0.0'::FLOAT WHEN 3 THEN 3.4028235e38::FLOAT
                   WHEN 4 THEN 1.4e-45::FLOAT
                   ELSE ((i * 7919) % 100003 - 50000)::FLOAT / 64.0::FLOAT * 1.37::FLOAT END''')} AS f32,
  {maybe_null(4, '''CASE i % 23 WHEN 0 THEN 'inf'::DOUBLE WHEN 1 THEN '-inf'::DOUBLE
                   WHEN 2 THEN '-0.0'::DOUBLE WHEN 3 THEN 1.7976931348623157e308
                   WHEN 4 THEN 5e-324 WHEN 5 THEN 1e21 WHEN 6 THEN 1e-7 WHEN 7 THEN 0.1
                   ELSE ((i * 7919) % 100003 - 50000)::DOUBLE / 1000.0 * 1.37 END''')} AS f64,
  {maybe_null(5, STRING_EXPR)} AS s,
  {maybe_null(6, BLOB_EXPR)} AS bin,
  {maybe_null(0, '''CASE i % 17 WHEN 0 THEN '0001-01-01'::DATE WHEN 1 THEN '9999-12-31'::DATE
                   ELSE '1970-01-01'::DATE + ((i * 7919) % 40000 - 20000)::INTEGER END''')} AS dt,
  {maybe_null(1, 'make_timestamp((1700000000 + (i * 7919) % 100000000 - 50000000) * 1000000)::TIMESTAMP_S')} AS ts_s,
  {maybe_null(2, 'make_timestamp((1700000000000 + (i * 7919) % 100000000000 - 50000000000) * 1000)::TIMESTAMP_MS')} AS ts_ms,
  {maybe_null(3, 'make_timestamp(1700000000000000 + (i * 79193) % 100000000000000 - 50000000000000)')} AS ts_us,
  {maybe_null(4, 'make_timestamp_ns(1700000000000000000 + (i * 7919317) % 100000000000000000 - 50000000000000000)')} AS ts_ns,
  {maybe_null(5, 'make_timestamp(1700000000000000 + (i * 79193) % 100000000000000 - 50000000000000)::TIMESTAMPTZ')} AS ts_tz,
  {maybe_null(6, '(((i * 7) % 19999 - 9999) * 0.01)::DECIMAL(4,2)')} AS dec4_2,
  {maybe_null(0, '(((i * 7919) % 1999999999 - 999999999) * 0.001)::DECIMAL(9,3)')} AS dec9_3,
  {maybe_null(1, '(((i * 7919) % 1999999 - 999999) * 0.01)::DECIMAL(12,2)')} AS dec12_2,
  {maybe_null(2, '(((i * 7919) % 1999999 - 999999) * 0.01)::DECIMAL(16,2)')} AS dec16_2,
  {maybe_null(3, '((i * 1000003 - 500000000) * 399.123457)::DECIMAL(18,6)')} AS dec18_6,
  {maybe_null(4, '''(((i * 1000003 - 500000000)::HUGEINT * 1234567890123456789::HUGEINT)::VARCHAR || '.'
                   || lpad(((i * 7919) % 10000000000)::VARCHAR, 10, '0'))::DECIMAL(38,10)''')} AS dec38_10,
  {maybe_null(5, "'cat_' || (i % 5)")} AS lowcard
FROM range(%N%) t(i)"""


def types_sql(n):
    return TYPES_SELECT.replace("%N%", str(n))


def main():
    if len(sys.argv) != 2:
        print("usage: interop/duckdb_corpus.py OUTDIR", file=sys.stderr)
        return 2
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    con = open_duckdb()
    written = []

    def copy_to(name, sql, options=""):
        file = os.path.join(out_dir, name)
        con.execute(f"COPY ({sql}) TO {lit(file)} (FORMAT parquet{', ' + options if options else ''})")
        export_jsonl(con, f"read_parquet({lit(file)})", file + ".expected.jsonl")
        written.append(file)

    con.execute(f"CREATE TABLE types AS {types_sql(2600)}")

    for version in VERSIONS:
        v = version.lower()
        for codec in CODECS:
            copy_to(f"types_{codec}_{v}.parquet", "SELECT * FROM types ORDER BY id",
                    f"COMPRESSION {codec}, PARQUET_VERSION {version}")
        copy_to(f"empty_{v}.parquet", "SELECT * FROM types WHERE false",
                f"PARQUET_VERSION {version}")
        copy_to(f"one_row_{v}.parquet", "SELECT * FROM types WHERE id = 8",
                f"PARQUET_VERSION {version}")
        # Many row groups: ~2 k rows per group (DuckDB rounds to its 2048-row vectors).
        copy_to(f"many_row_groups_{v}.parquet",
                """SELECT i::BIGINT AS id, (i * 7919) % 10007 AS k, 'g' || (i % 100) AS sym,
                          ((i * 7919) % 10007) / 100.0 AS price
                   FROM range(40000) t(i)""",
                f"ROW_GROUP_SIZE 2048, COMPRESSION zstd, PARQUET_VERSION {version}")
        # Low-cardinality columns: dictionary-encoded (PLAIN_DICTIONARY / RLE_DICTIONARY).
        copy_to(f"low_cardinality_{v}.parquet",
                """SELECT 'symbol_' || ((i * 7919) % 37) AS sym, (i % 11)::INTEGER AS small_int,
                          ((i % 7) * 0.25)::DOUBLE AS step,
                          CASE WHEN i % 5 = 0 THEN NULL ELSE 'venue_' || (i % 3) END AS venue
                   FROM range(50000) t(i)""",
                f"PARQUET_VERSION {version}")
        # Sorted and near-sorted integers: DELTA_BINARY_PACKED with small and large deltas.
        copy_to(f"deltas_{v}.parquet",
                """SELECT (1700000000000000000 + i * 100003 + (i * 7919) % 1000)::BIGINT AS ts_int,
                          make_timestamp_ns(1700000000000000000 + i * 100003 + (i * 7919) % 1000) AS ts,
                          (i * 3 - 70000)::INTEGER AS i32, -(i * i)::BIGINT AS neg_sq,
                          'prefix_shared_' || lpad(i::VARCHAR, 8, '0') AS prefixed
                   FROM range(70000) t(i)""",
                f"PARQUET_VERSION {version}, COMPRESSION snappy")

    copy_to("all_null.parquet",
            """SELECT NULL::BOOLEAN AS b, NULL::INTEGER AS i32, NULL::BIGINT AS i64, NULL::DOUBLE AS f64,
                      NULL::VARCHAR AS s, NULL::BLOB AS bin, NULL::DATE AS dt, NULL::TIMESTAMP AS ts,
                      NULL::DECIMAL(9,2) AS dec9, NULL::DECIMAL(20,2) AS dec20
               FROM range(300)""")
    copy_to("nan_floats.parquet",
            """SELECT i::INTEGER AS id, CASE WHEN i % 3 = 0 THEN 'nan'::DOUBLE ELSE i / 8.0 END AS f64,
                      CASE WHEN i % 4 = 0 THEN 'nan'::FLOAT ELSE (i / 8.0)::FLOAT END AS f32
               FROM range(100) t(i)""")
    copy_to("long_strings.parquet",
            """SELECT i::INTEGER AS id, repeat(chr(97 + (i % 26)::INTEGER) || 'é', 100 + (i * 997) % 60000) AS s,
                      CASE WHEN i % 4 = 0 THEN NULL ELSE encode(repeat('xyz', 400 + i)) END AS bin
               FROM range(120) t(i)""",
            "COMPRESSION zstd")
    copy_to("kv_metadata.parquet", "SELECT * FROM types WHERE id < 50 ORDER BY id",
            """KV_METADATA {origin: 'duckdb', note: 'héllo "kv"'}""")
    for codec in CODECS:
        # Ints and strings only, bigger pages: exercises each codec on larger buffers.
        copy_to(f"bulk_{codec}.parquet",
                """SELECT i::BIGINT AS id, (i * 7919) % 10007 AS k, 'row ' || i || ' ' || repeat('ab', i % 17) AS s
                   FROM range(30000) t(i)""",
                f"COMPRESSION {codec}")

    # Nested: oups must refuse it with an error naming the column.
    file = os.path.join(out_dir, "nested_list.parquet")
    con.execute(f"""COPY (SELECT i::INTEGER AS id, [i, i + 1] AS tags FROM range(10) t(i))
                    TO {lit(file)} (FORMAT parquet)""")
    with open(file + ".expected_error", "w") as f:
        f.write("tags\n")
    written.append(file)

    # What DuckDB actually emitted, for the record.
    encodings = Counter()
    for file in written:
        for r in rows(con, f"SELECT encodings FROM parquet_metadata({lit(file)})"):
            for e in str(r["encodings"]).split(", "):
                encodings[e] += 1
    print(f"duckdb_corpus: {len(written)} files in {out_dir}; column chunks per encoding: "
          + " ".join(f"{e}={n}" for e, n in encodings.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
