"""DuckDB side of the Python interop check (used by interop/python/py_interop.py).

    $OUPS_PYTHON interop/python/duckdb_py.py dump DIR
        For every DIR/<name>_opdmd (a dataset the Python package wrote), DuckDB reads the
        metadata file and the row-group files in the metadata's row order and writes
        DIR/<name>.duckdb.json: {"meta_columns", "columns": [[name, type]],
        "rows": [[text | null, ...]], "oups": <the metadata file's `oups` key-value>,
        "pandas": [<the `pandas` key-value of each rg file, in row order, or null>]}.
    $OUPS_PYTHON interop/python/duckdb_py.py write DIR
        DuckDB writes flat Parquet files (every codec, Parquet V1 and V2) as one-row-group
        datasets DIR/<name>/file_00000000.parquet with a metadata file DIR/<name>_opdmd
        (4 columns + the `oups` JSON key), and its own rendering of the same rows in
        DIR/<name>.duckdb.json, for the Python package to read back.
Values are rendered as text by DuckDB (see render()): integers and floats as VARCHAR casts,
timestamps as epoch nanoseconds (instants), dates as ISO text, blobs as hex.
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from lib import describe, ident, lit, open_duckdb, rows  # noqa: E402


def render(name, typ):
    c = ident(name)
    if typ.startswith("TIMESTAMP"):
        return f"epoch_ns({c})::VARCHAR"
    if typ == "BLOB":
        return f"hex({c})"
    return f"CAST({c} AS VARCHAR)"


def rendered_rows(con, source, columns, order):
    select = ", ".join(f"{render(n, t)} AS {ident(n)}" for n, t in columns)
    return [list(r) for r in con.execute(f"SELECT {select} FROM {source} {order}").fetchall()]


def key_values(con, file):
    return {r["k"]: r["v"] for r in rows(con, f"SELECT decode(key) AS k, decode(value) AS v "
                                              f"FROM parquet_kv_metadata({lit(file)})")}


def dump(con, d):
    names = sorted(f[:-len("_opdmd")] for f in os.listdir(d)
                   if f.endswith("_opdmd") and f != "_opdmd")
    for name in names:
        meta = os.path.join(d, f"{name}_opdmd")
        meta_columns = describe(con, f"read_parquet({lit(meta)})")
        ids = [r["id"] for r in rows(con, f"""SELECT file_ids::VARCHAR AS id
            FROM read_parquet({lit(meta)}, file_row_number = true) ORDER BY file_row_number""")]
        files = [os.path.join(d, name, f"file_{i.zfill(8)}.parquet") for i in ids]
        out = {"meta_columns": meta_columns, "oups": key_values(con, meta).get("oups"),
               "columns": [], "rows": [], "pandas": None}
        if files:
            file_list = "[" + ", ".join(lit(f) for f in files) + "]"
            source = f"read_parquet({file_list}, filename = true, file_row_number = true)"
            out["columns"] = [c for c in describe(con, source)
                              if c[0] not in ("filename", "file_row_number")]
            out["rows"] = rendered_rows(
                con, source, out["columns"],
                f"ORDER BY list_position({file_list}, filename), file_row_number")
            out["pandas"] = [key_values(con, f).get("pandas") for f in files]
        with open(os.path.join(d, f"{name}.duckdb.json"), "w", encoding="utf-8") as f:
            json.dump(out, f)
    print(f"duckdb_py: DuckDB dumped {len(names)} datasets of {d}")


# Table of every flat type, with nulls in every column but the ordered one.
SOURCE = r"""
  SELECT i::BIGINT AS o,
         CASE WHEN i % 7 = 3 THEN NULL ELSE (i % 256 - 128)::TINYINT END AS i8,
         CASE WHEN i % 7 = 4 THEN NULL ELSE (i * 37 % 65536 - 32768)::SMALLINT END AS i16,
         CASE WHEN i % 5 = 1 THEN NULL ELSE (i * 2654435761 % 4294967296 - 2147483648)::INTEGER END AS i32,
         CASE WHEN i = 0 THEN -9223372036854775808 WHEN i = 1 THEN 9223372036854775807
              WHEN i % 6 = 2 THEN NULL ELSE i * 1000003 - 500000 END::BIGINT AS i64,
         CASE WHEN i % 4 = 2 THEN NULL ELSE (i % 256)::UTINYINT END AS u8,
         (i * 31 % 65536)::USMALLINT AS u16,
         CASE WHEN i % 9 = 0 THEN NULL ELSE (i * 2654435761 % 4294967296)::UINTEGER END AS u32,
         CASE WHEN i = 1 THEN 18446744073709551615 ELSE i * 7 END::UBIGINT AS u64,
         CASE WHEN i % 8 = 5 THEN NULL ELSE (i / 8.0)::FLOAT END AS f32,
         CASE WHEN i % 8 = 6 THEN NULL WHEN i = 2 THEN 'nan'::DOUBLE WHEN i = 3 THEN 'inf'::DOUBLE
              WHEN i = 4 THEN -1e300 ELSE i / 3.0 END::DOUBLE AS f64,
         CASE WHEN i % 5 = 0 THEN NULL ELSE 'str-' || (i % 13)::VARCHAR || repeat('é', i % 3) END AS s,
         CASE WHEN i % 3 = 0 THEN NULL ELSE i % 2 = 0 END AS b,
         CASE WHEN i % 10 = 7 THEN NULL ELSE DATE '1969-12-25' + (i * 3)::INTEGER END AS d,
         CASE WHEN i % 11 = 1 THEN NULL
              ELSE TIMESTAMP '1969-12-31 23:00:00' + to_microseconds(i * 1234567) END AS ts_us,
         CASE WHEN i % 11 = 2 THEN NULL
              ELSE make_timestamp_ns(1700000000000000000 + i * 1000000007) END AS ts_ns,
         CASE WHEN i % 11 = 3 THEN NULL
              ELSE (TIMESTAMP '2020-02-29 12:00:00' + to_milliseconds(i * 86400123))::TIMESTAMP_MS END AS ts_ms,
         CASE WHEN i % 11 = 4 THEN NULL
              ELSE TIMESTAMPTZ '2024-03-31 00:30:00+00' + to_microseconds(i * 600000001) END AS tstz,
         CASE WHEN i % 6 = 0 THEN NULL ELSE ('\x00\xFFab' || i::VARCHAR)::BLOB END AS bl
  FROM range(0, N) t(i)"""

VARIANTS = [
    ("snappy_v1", "snappy", "V1", 1000),
    ("zstd_v2", "zstd", "V2", 1000),
    ("gzip_v1", "gzip", "V1", 257),
    ("uncompressed_v2", "uncompressed", "V2", 300),
    ("lz4_v1", "lz4_raw", "V1", 100),
    ("brotli_v2", "brotli", "V2", 50),
]

TYPE_IDS = {
    "BIGINT": "int64", "INTEGER": "int32", "SMALLINT": "int16", "TINYINT": "int8",
    "UBIGINT": "uint64", "UINTEGER": "uint32", "USMALLINT": "uint16", "UTINYINT": "uint8",
    "FLOAT": "float32", "DOUBLE": "float64", "VARCHAR": "string", "BOOLEAN": "bool",
    "DATE": "date32", "BLOB": "binary",
}


def oups_schema(con, file):
    """The `schema` member of the metadata's `oups` JSON (stored column names, types,
    nullability) for a flat file DuckDB wrote, from the file's own Parquet schema."""
    logical = {r["name"]: r["logical_type"] or ""
               for r in rows(con, f"SELECT name, logical_type FROM parquet_schema({lit(file)})")}
    fields = []
    for name, typ in describe(con, f"read_parquet({lit(file)})"):
        if typ.startswith("TIMESTAMP"):
            lt = logical.get(name, "")
            unit = ("ms" if re.search(r"MILLIS=MilliSeconds", lt)
                    else "ns" if re.search(r"NANOS=NanoSeconds", lt) else "us")
            t = {"id": "timestamp", "unit": unit}
            if re.search(r"isAdjustedToUTC=1", lt):
                t["tz"] = "UTC"
        elif typ in TYPE_IDS:
            t = {"id": TYPE_IDS[typ]}
        else:
            raise ValueError(f"no oups type for DuckDB type {typ} of column {name}")
        fields.append({"name": name, "type": t, "nullable": True})
    return {"fields": fields, "pandas": None}


def write(con, d):
    for name, codec, version, n in VARIANTS:
        src = SOURCE.replace("range(0, N)", f"range(0, {n})")
        con.execute(f"CREATE OR REPLACE TABLE t AS {src} ORDER BY o")
        os.makedirs(os.path.join(d, name), exist_ok=True)
        file = os.path.join(d, name, "file_00000000.parquet")
        con.execute(f"""COPY t TO {lit(file)} (FORMAT parquet, COMPRESSION {codec},
                        PARQUET_VERSION {version}, ROW_GROUP_SIZE 1000000)""")
        oups = json.dumps({"format_version": 1, "ordered_on": "o",
                           "key_value_metadata": {"written_by": "duckdb"},
                           "schema": oups_schema(con, file), "max_used_file_id": None},
                          separators=(",", ":"))
        con.execute(f"""COPY (SELECT 0::UBIGINT AS file_ids, count(*)::UBIGINT AS n_rows,
                                min(o) AS ordered_on_mins, max(o) AS ordered_on_maxs FROM t)
                        TO {lit(os.path.join(d, f'{name}_opdmd'))}
                        (FORMAT parquet, KV_METADATA {{oups: {lit(oups)}}})""")
        source = f"read_parquet({lit(file)}, file_row_number = true)"
        columns = [c for c in describe(con, source) if c[0] != "file_row_number"]
        out = {"columns": columns,
               "rows": rendered_rows(con, source, columns, "ORDER BY file_row_number")}
        with open(os.path.join(d, f"{name}.duckdb.json"), "w", encoding="utf-8") as f:
            json.dump(out, f)
    print(f"duckdb_py: DuckDB wrote {len(VARIANTS)} datasets in {d}")


def main(argv):
    if len(argv) != 3 or argv[1] not in ("dump", "write") or not os.path.isdir(argv[2]):
        print("usage: interop/python/duckdb_py.py dump|write DIR", file=sys.stderr)
        return 2
    con = open_duckdb()
    (dump if argv[1] == "dump" else write)(con, argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
