"""Writes a corpus of flat Parquet files with pyarrow, for oups's reader to read.

    $OUPS_PYTHON interop/pyarrow_corpus.py OUTDIR

pyarrow is an engine independent of DuckDB: this corpus covers what DuckDB does not write
(data page v2 headers, DELTA_BYTE_ARRAY, BYTE_STREAM_SPLIT on integers and decimals, INT96
timestamps, decimals stored as INT32 / INT64, LZ4 / all codecs on v2 pages, large strings,
page indexes and checksums, ...). For each FILE.parquet it writes
FILE.parquet.expected.jsonl: the values pyarrow reads back from FILE (pq.read_table),
rendered the way oups renders values (interop/DUCKDB_JSON.md; DuckDB's JSON writer run on
pyarrow's in-memory table, see pyarrow_check.render_table), which
`oups-parquet cat --format jsonl` must reproduce exactly. pyarrow's read-back is first checked
to hold exactly the table that was written.

All data is computed from row numbers with integer formulae: the corpus is the same on every
run.
"""
import decimal
import os
import sys
from collections import Counter

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from lib import open_duckdb
from pyarrow_check import render_table

CODECS = ["none", "snappy", "gzip", "brotli", "zstd", "lz4"]
PAGE_VERSIONS = ["1.0", "2.0"]


def null_mask(i, k):
    """Null in about one row out of 7, at a different phase per column."""
    return (i * 37 + k) % 7 == 0


def column(values, typ, i, k):
    return pa.array(values, typ, mask=null_mask(i, k))


def types_table(n):
    """Every flat type oups reads, with edge values and nulls."""
    i = np.arange(n, dtype=np.int64)
    cols = {"id": pa.array(i, pa.int64())}
    cols["b"] = column((i * 7) % 3 == 0, pa.bool_(), i, 1)
    for k, (name, typ) in enumerate([("i8", pa.int8()), ("i16", pa.int16()), ("i32", pa.int32()),
                                     ("i64", pa.int64()), ("u8", pa.uint8()),
                                     ("u16", pa.uint16()), ("u32", pa.uint32()),
                                     ("u64", pa.uint64())]):
        info = np.iinfo(typ.to_pandas_dtype())
        span = int(info.max) - int(info.min) + 1
        v = [int(info.min) + (int(x) * 2654435761 + k * 977) % span for x in i]
        for r, edge in ((0, int(info.min)), (1, int(info.max)), (2, 0), (3, -1 if info.min else 1)):
            if r < n:
                v[r] = edge
        cols[name] = column(v, typ, i, k + 2)
    f = ((i * 7919) % 100003 - 50000) / 64.0 * 1.37
    f64 = f.copy()
    f32 = f.astype(np.float32)
    specials64 = [np.inf, -np.inf, -0.0, 1.7976931348623157e308, 5e-324, 1e21, 1e-7, 0.1, np.nan]
    specials32 = [np.inf, -np.inf, -0.0, 3.4028235e38, 1.4e-45, 0.1, np.nan]
    for r in range(n):
        if r % 23 < len(specials64):
            f64[r] = specials64[r % 23]
        if r % 19 < len(specials32):
            f32[r] = np.float32(specials32[r % 19])
    cols["f32"] = column(f32, pa.float32(), i, 3)
    cols["f64"] = column(f64, pa.float64(), i, 4)

    def text(x):
        m = x % 13
        if m == 0:
            return ""
        if m == 1:
            return f"héllo wörld € 𝄞 {x}"
        if m == 2:
            return "long-" * 250 + str(x)
        if m == 3:
            return "ctl\x01\t\n\"q\"\\/\x7f\x1f\x08\x0c\r"
        return f"str_{x}"

    strings = [text(int(x)) for x in i]
    cols["s"] = column(strings, pa.string(), i, 5)
    cols["ls"] = column(strings[::-1], pa.large_string(), i, 6)
    blobs = [b"" if x % 5 == 0 else b"\x00\xff\x22\x27\x5c" + str(x).encode() if x % 5 == 1
             else b"bin" + str(x).encode() for x in i]
    cols["bin"] = column(blobs, pa.binary(), i, 0)
    cols["lbin"] = column(blobs[::-1], pa.large_binary(), i, 1)
    days = (i * 7919) % 40000 - 20000
    days[0:1] = -719162  # 0001-01-01
    if n > 1:
        days[1] = 2932896  # 9999-12-31
    cols["dt"] = column(days.astype(np.int32), pa.date32(), i, 2)
    sec = 1_700_000_000 + (i * 7919) % 100_000_000 - 50_000_000 - (i % 3) * 2_000_000_000
    cols["ts_s"] = column(sec, pa.timestamp("s"), i, 3)
    cols["ts_ms"] = column(sec * 1000 + (i * 7) % 1000, pa.timestamp("ms"), i, 4)
    us = sec * 1_000_000 + (i * 79193) % 1_000_000
    cols["ts_us"] = column(us, pa.timestamp("us"), i, 5)
    ns = us * 1000 + (i * 7919317) % 1000 - 500
    cols["ts_ns"] = column(ns, pa.timestamp("ns"), i, 6)
    cols["tz_ms"] = column(sec * 1000 - (i * 13) % 1000, pa.timestamp("ms", tz="UTC"), i, 0)
    cols["tz_us"] = column(us, pa.timestamp("us", tz="UTC"), i, 1)
    cols["tz_ns"] = column(ns, pa.timestamp("ns", tz="UTC"), i, 2)
    cols["tz_paris"] = column(us, pa.timestamp("us", tz="Europe/Paris"), i, 3)

    def dec(p, s, x, k):
        digits = (int(x) * 2654435761 * (k + 1) + 12345) % (10 ** p)
        v = decimal.Decimal(digits).scaleb(-s)
        return -v if x % 2 else v

    for k, (p, s) in enumerate([(4, 2), (9, 3), (12, 2), (16, 2), (18, 6), (38, 10), (20, 0)]):
        cols[f"dec{p}_{s}"] = column([dec(p, s, x, k) for x in i], pa.decimal128(p, s), i, k)
    cols["lowcard"] = column([f"cat_{x % 5}" for x in i], pa.string(), i, 5)
    return pa.table(cols)


def ints_table(n):
    """Sorted, near-sorted and random integers: DELTA_BINARY_PACKED with small and large
    deltas, miniblocks of every bit width."""
    i = np.arange(n, dtype=np.int64)
    return pa.table({
        "ts_int": pa.array(1_700_000_000_000_000_000 + i * 100003 + (i * 7919) % 1000, pa.int64()),
        "ts": pa.array(1_700_000_000_000_000_000 + i * 100003 + (i * 7919) % 1000,
                       pa.timestamp("ns")),
        "i32": column(((i * 3 - 70000) * ((i % 97) + 1)).astype(np.int32), pa.int32(), i, 1),
        "neg_sq": pa.array(-(i * i), pa.int64()),
        "wide": pa.array([(int(x) * 11400714819323198485) % 2**63 * (-1 if x % 2 else 1) for x in i],
                         pa.int64()),
        "u32": column(((i * 2654435761) % 4294967296).astype(np.uint32), pa.uint32(), i, 2),
        "u64": pa.array([(int(x) * 11400714819323198485) % 2**64 for x in i], pa.uint64()),
        "dt": column((i % 5000 - 2500).astype(np.int32), pa.date32(), i, 3),
        "dec9": column([decimal.Decimal(int(x) * 7919 % 10**9 - 5 * 10**8).scaleb(-3) for x in i],
                       pa.decimal128(9, 3), i, 4),
    })


def strings_table(n):
    """Strings and binaries with shared prefixes, empty values and nulls: DELTA_BYTE_ARRAY and
    DELTA_LENGTH_BYTE_ARRAY."""
    i = np.arange(n)
    pre = [f"prefix_shared_{int(x):08d}" if x % 11 else "" for x in i]
    return pa.table({
        "prefixed": column(pre, pa.string(), i, 1),
        "large": column([p + "é" * int(x % 7) for p, x in zip(pre, i)], pa.large_string(), i, 2),
        "bin": column([p.encode() + bytes([int(x) % 256]) for p, x in zip(pre, i)], pa.binary(), i, 3),
        "lbin": column([bytes([int(x) % 256]) * int(x % 40) for x in i], pa.large_binary(), i, 4),
        "short": column([chr(97 + int(x) % 26) for x in i], pa.string(), i, 5),
    })


def encoding_columns(table, encoding):
    """Columns of `table` pyarrow can write with `encoding`."""
    def fits(t):
        if encoding == "DELTA_BINARY_PACKED":
            return pa.types.is_integer(t) or pa.types.is_timestamp(t) or pa.types.is_date(t) \
                or (pa.types.is_decimal(t) and t.precision <= 18)
        if encoding in ("DELTA_LENGTH_BYTE_ARRAY",):
            return pa.types.is_string(t) or pa.types.is_large_string(t) or \
                pa.types.is_binary(t) or pa.types.is_large_binary(t)
        if encoding == "DELTA_BYTE_ARRAY":
            return pa.types.is_string(t) or pa.types.is_large_string(t) or \
                pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_decimal(t)
        if encoding == "BYTE_STREAM_SPLIT":
            return pa.types.is_floating(t) or t in (pa.int32(), pa.int64(), pa.uint32(), pa.uint64()) \
                or pa.types.is_decimal(t) or pa.types.is_timestamp(t)
        raise ValueError(encoding)
    return {f.name: encoding for f in table.schema if fits(f.type)}


def differing_columns(a, b):
    """Columns of equal tables `a` and `b` whose values differ (floats compared bit for bit,
    so that NaN equals NaN and -0.0 differs from 0.0)."""
    out = []
    for name in a.column_names:
        x, y = a.column(name).combine_chunks(), b.column(name).combine_chunks()
        if pa.types.is_floating(x.type):
            same = x.is_null().equals(y.is_null()) and np.array_equal(
                x.fill_null(0).to_numpy().view(f"u{x.type.byte_width}"),
                y.fill_null(0).to_numpy().view(f"u{y.type.byte_width}"))
        else:
            same = x.equals(y)
        if not same:
            out.append(name)
    return out


def main():
    if len(sys.argv) != 2:
        print("usage: interop/pyarrow_corpus.py OUTDIR", file=sys.stderr)
        return 2
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    con = open_duckdb()
    written = []

    def write(name, table, **options):
        file = os.path.join(out_dir, name)
        pq.write_table(table, file, **options)
        back = pq.read_table(file)
        different = differing_columns(table, back.cast(table.schema))
        if different:
            raise AssertionError(f"{name}: pyarrow reads back other values in {different}")
        render_table(con, back, file + ".expected.jsonl")
        written.append(file)

    types = types_table(2600)
    for version in PAGE_VERSIONS:
        v = "v" + version[0]
        for codec in CODECS:
            write(f"types_{codec}_{v}.parquet", types, compression=codec,
                  data_page_version=version)
        write(f"plain_{v}.parquet", types, use_dictionary=False, data_page_version=version)
        write(f"empty_{v}.parquet", types.slice(0, 0), data_page_version=version)
        write(f"one_row_{v}.parquet", types.slice(8, 1), data_page_version=version)
        # Many row groups and many small pages, dictionary and plain pages mixed (the
        # dictionary page size limit is small, so pyarrow falls back to plain mid-chunk).
        write(f"many_row_groups_{v}.parquet", types_table(20000), row_group_size=1500,
              data_page_size=2048, dictionary_pagesize_limit=4096, compression="zstd",
              data_page_version=version)
        write(f"decimals_as_ints_{v}.parquet", types, store_decimal_as_integer=True,
              data_page_version=version)
        for encoding, table in (("BYTE_STREAM_SPLIT", types),
                                ("DELTA_BINARY_PACKED", ints_table(70000)),
                                ("DELTA_BINARY_PACKED", types),
                                ("DELTA_LENGTH_BYTE_ARRAY", strings_table(20000)),
                                ("DELTA_LENGTH_BYTE_ARRAY", types),
                                ("DELTA_BYTE_ARRAY", strings_table(20000)),
                                ("DELTA_BYTE_ARRAY", types)):
            kind = "types" if table is types else "data"
            # Decimals of precision <= 18 as INT32 / INT64 for DELTA_BINARY_PACKED.
            write(f"{encoding.lower()}_{kind}_{v}.parquet", table, use_dictionary=False,
                  column_encoding=encoding_columns(table, encoding), compression="snappy",
                  data_page_version=version, data_page_size=8192,
                  store_decimal_as_integer=encoding == "DELTA_BINARY_PACKED")
        write(f"int96_{v}.parquet", types.select(["id", "ts_s", "ts_ms", "ts_us", "ts_ns",
                                                  "tz_us", "tz_ns", "tz_paris"]),
              use_deprecated_int96_timestamps=True, data_page_version=version)
        write(f"int96_plain_{v}.parquet", types.select(["id", "ts_ns", "tz_ns"]),
              use_deprecated_int96_timestamps=True, use_dictionary=False,
              data_page_version=version)
    # Older format versions: 2.4 (no NANOS unit, unsigned types as logical types) and 1.0
    # (converted types only: UINT_32 and friends, no logical type annotations).
    write("format_2_4.parquet", types.select(["id", "ts_us", "tz_us", "u32", "u64", "dt"]),
          version="2.4")
    write("format_1_0.parquet", types.select(["id", "i8", "u8", "u16", "u32", "s", "dt", "dec9_3"]),
          version="1.0")
    i = np.arange(300)
    write("all_null.parquet", pa.table({
        "b": pa.nulls(300, pa.bool_()), "i32": pa.nulls(300, pa.int32()),
        "i64": pa.nulls(300, pa.int64()), "f64": pa.nulls(300, pa.float64()),
        "s": pa.nulls(300, pa.string()), "ls": pa.nulls(300, pa.large_string()),
        "bin": pa.nulls(300, pa.binary()), "dt": pa.nulls(300, pa.date32()),
        "ts": pa.nulls(300, pa.timestamp("ns")), "dec9": pa.nulls(300, pa.decimal128(9, 2)),
        "dec20": pa.nulls(300, pa.decimal128(20, 2))}))
    write("mostly_null_v2.parquet", pa.table({
        "id": pa.array(i, pa.int32()),
        "s": pa.array([None if x % 50 else f"v{x}" for x in i], pa.string()),
        "f": pa.array([None if x % 40 else x / 3 for x in i], pa.float64())}),
        data_page_version="2.0", compression="zstd")
    write("long_strings.parquet", pa.table({
        "id": pa.array(np.arange(120), pa.int32()),
        "s": pa.array([(chr(97 + x % 26) + "é") * (100 + (x * 997) % 60000) for x in range(120)],
                      pa.large_string()),
        "bin": pa.array([None if x % 4 == 0 else b"xyz" * (400 + x * 300) for x in range(120)],
                        pa.large_binary())}), compression="zstd", data_page_version="2.0")
    write("page_index_checksums.parquet", types, write_page_index=True, write_page_checksum=True,
          data_page_version="2.0", data_page_size=4096, compression="snappy")
    write("no_statistics.parquet", types, write_statistics=False, data_page_version="2.0")
    write("sorted_bloom.parquet", types, sorting_columns=[pq.SortingColumn(0)],
          bloom_filter_options={"i64": {"fpp": 0.05}}, compression="gzip")

    encodings = Counter()
    for file in written:
        md = pq.ParquetFile(file).metadata
        for g in range(md.num_row_groups):
            for j in range(md.num_columns):
                for e in md.row_group(g).column(j).encodings:
                    encodings[e] += 1
    print(f"pyarrow_corpus: {len(written)} files in {out_dir}; column chunks per encoding: "
          + " ".join(f"{e}={n}" for e, n in sorted(encodings.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
