#!/usr/bin/env python3
"""Interop of the Python package with DuckDB (both directions) and pyarrow.

    PYTHONPATH=<build>/python $OUPS_PYTHON interop/python/py_interop.py WORKDIR

1. pandas -> oups -> DuckDB: datasets holding every dtype of the matrix (docs/behaviour.md#column-types),
   tz-aware timestamps in several zones (also as the ordered column, with "D" periods) and a column
   MultiIndex are written through oups.store.write in several writes (rewrites included); DuckDB
   (interop/python/duckdb_py.py dump) reads each metadata file and the row-group files in the
   metadata's row order; every value must equal what pandas wrote: integers, floats (bit-exact,
   NaN/inf included), strings, bytes, dates, timestamps as instants (TIMESTAMP WITH TIME ZONE for
   tz-aware columns, whose zone must be recorded in the files' `pandas` metadata), durations as
   integer counts, nulls where pandas had NaN/NaT/None/NA.
2. DuckDB -> oups -> pandas: DuckDB writes flat Parquet files of every flat type, with nulls, in
   every codec and both Parquet versions (interop/python/duckdb_py.py write), each wrapped
   as a one-row-group dataset (its metadata file written by DuckDB too); OrderedParquetDataset.
   to_pandas() must return DuckDB's values.
3. pandas -> oups -> pyarrow: the datasets of 1 read by pyarrow, an engine independent of
   DuckDB: the metadata file's columns; every row-group file, in the metadata's row order,
   read with pandas.read_parquet (pyarrow, through the files' `pandas` key-value metadata)
   gives back the rows pandas wrote, with their dtypes and column labels; and every column
   chunk's statistics match the values pyarrow reads (interop/pyarrow_check.py).
Prints one line per failure, and "N passed, M failed" last; exit status 1 on any failure.
"""
import datetime
import json
import math
import sys
import traceback
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from oups.store import OrderedParquetDataset, write

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
import duckdb_py  # noqa: E402
from lib import open_duckdb  # noqa: E402
from pyarrow_check import check_statistics  # noqa: E402

ZONES = ["UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe",
         "Pacific/Chatham", "America/St_Johns"]
META_COLUMNS = ["file_ids", "n_rows", "ordered_on_mins", "ordered_on_maxs", "file_crc32"]


# ------------------------------------------------------------------------------- frames

def matrix_frame(n, start):
    """n rows of every dtype of the matrix; ordered column 'o' = start .. start + n - 1."""
    i = np.arange(start, start + n)
    miss = (i % 5 == 3)
    cols = {"o": i.astype("int64")}
    for dt in ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"):
        info = np.iinfo(dt)
        v = (i * 2654435761) % (int(info.max) - int(info.min) + 1 if info.bits < 64 else 2**62)
        vals = [int(info.min) + int(x) if info.bits < 64 else int(x) for x in v]
        if start == 0:
            vals[0], vals[1] = int(info.min), int(info.max)
        cols[dt] = pd.Series(vals, dtype=dt)
        nullable = dt.capitalize() if dt[0] == "i" else "U" + dt[1:].capitalize()
        # (DuckDB identifiers are case-insensitive: "Int8" next to "int8" would be renamed.)
        cols["nullable_" + nullable] = pd.Series([None if m else x for m, x in zip(miss, vals)],
                                                 dtype=nullable)
    f = i / 7.0
    f64 = np.where(miss, np.nan, f)
    if start == 0:
        f64[1], f64[2], f64[4] = np.inf, -np.inf, -1e300
    cols["float64"] = f64
    cols["float32"] = np.where(miss, np.nan, f).astype("float32")
    cols["nullable_Float64"] = pd.array([None if m else x for m, x in zip(miss, f)], dtype="Float64")
    cols["nullable_Float32"] = pd.array([None if m else x for m, x in zip(miss, f)], dtype="Float32")
    cols["bool"] = (i % 3 == 0)
    cols["nullable_boolean"] = pd.array([None if m else bool(x % 2) for m, x in zip(miss, i)],
                               dtype="boolean")
    ns = 1_700_000_000_000_000_000 + i * 1_000_000_007 - (i % 4) * 3 * 10**17
    cols["ts_naive"] = pd.Series(pd.to_datetime(np.where(miss, np.datetime64("NaT"),
                                                         ns.astype("datetime64[ns]"))))
    us = (ns // 1000) * 1000  # DuckDB reads tz-aware instants at microsecond precision
    for z in ZONES:
        cols[f"ts_{z}"] = pd.Series(pd.to_datetime(np.where(
            miss, np.datetime64("NaT"), us.astype("datetime64[ns]")))).dt.tz_localize(
                "UTC").dt.tz_convert(z)
    cols["timedelta"] = pd.to_timedelta(np.where(miss, np.timedelta64("NaT"),
                                                 (i * 123456789 - 10**12).astype(
                                                     "timedelta64[ns]")))
    cols["object_str"] = pd.Series([None if m else f"s{x}-é€😀" * (x % 3) for m, x in zip(miss, i)],
                                   dtype=object)
    cols["object_str_lengths"] = pd.Series(
        [None if m else ("a" if x % 2 else "é" if x % 3 == 0 else "L" * (50 + x * 37 % 2000))
         for m, x in zip(miss, i)], dtype=object)
    cols["string"] = pd.Series([None if m else f"t{x}" for m, x in zip(miss, i)], dtype="string")
    cols["category"] = pd.Categorical([None if m else ["lo", "mid", "hi"][x % 3]
                                       for m, x in zip(miss, i)], categories=["lo", "mid", "hi"])
    cols["category_int"] = pd.Categorical([None if m else int(x % 4) * 10 for m, x in zip(miss, i)],
                                          categories=[0, 10, 20, 30])
    cols["bytes"] = pd.Series([None if m else bytes([x % 256, 0, 255]) + b"ab"
                               for m, x in zip(miss, i)], dtype=object)
    cols["date"] = pd.Series([None if m else datetime.date(1969, 12, 1) + datetime.timedelta(
        days=int(x) * 37) for m, x in zip(miss, i)], dtype=object)
    return pd.DataFrame(cols)


def python_datasets(work):
    """Writes the Python-side datasets; returns {name: expected frame (what to_pandas gives)}."""
    out = {}
    # Every dtype, in three writes with small rgs and a de-duplicating rewrite in the middle.
    p = work / "dtypes"
    a, b, c = matrix_frame(40, 0), matrix_frame(30, 40), matrix_frame(25, 70)
    write(p, ordered_on="o", df=a, row_group_target_size=16)
    write(p, ordered_on="o", df=c, row_group_target_size=16, compression="zstd")
    redo = b.copy()
    # .copy(): strided column views are covered by tests/python (test_write_strided_frame).
    write(p, ordered_on="o", df=redo.iloc[::2].copy(), row_group_target_size=16,
          compression="gzip")
    write(p, ordered_on="o", df=redo, row_group_target_size=16, duplicates_on="o",
          max_n_off_target_rgs=2)
    out["dtypes"] = pd.concat([a, b, c], ignore_index=True)
    # tz-aware ordered column in several zones, daily periods at local midnights.
    for z in ZONES:
        name = "tz_ordered_" + z.replace("/", "_")
        ts = pd.date_range("2024-03-29 18:00", periods=60, freq="97min", tz=z)
        df = pd.DataFrame({"ts": ts, "v": np.arange(60, dtype="int64")})
        write(work / name, ordered_on="ts", df=df.iloc[:35], row_group_target_size="D")
        write(work / name, ordered_on="ts", df=df.iloc[35:], row_group_target_size="D",
              max_n_off_target_rgs=1)
        out[name] = df
    # Column MultiIndex.
    cols = pd.MultiIndex.from_tuples([("ts", ""), ("px", "bid"), ("px", 'a"sk')],
                                     names=["field", "side"])
    df = pd.DataFrame({("ts", ""): pd.date_range("2024-01-01", periods=20, freq="h", tz="UTC"),
                       ("px", "bid"): np.arange(20.0), ("px", 'a"sk'): np.arange(20.0) + 0.5})
    df.columns = cols
    write(work / "multiindex", ordered_on=("ts", ""), df=df, row_group_target_size=6)
    out["multiindex"] = df
    return out


# ------------------------------------------------------------------------------- rendering

def render(value, duck_type):
    """What duckdb_py.py gives for pandas `value` read as `duck_type`: None for null (pandas
    NaN/NaT/None/NA: numpy NaN is stored as null, docs/behaviour.md#column-types), ("num", x) for floats, else text."""
    if value is None or value is pd.NA or value is pd.NaT or (
            isinstance(value, (float, np.floating)) and math.isnan(value)):
        return None
    if duck_type in ("FLOAT", "DOUBLE"):
        return ("num", float(np.float32(value)) if duck_type == "FLOAT" else float(value))
    if duck_type.startswith("TIMESTAMP"):
        return str(pd.Timestamp(value).value)
    if duck_type == "BOOLEAN":
        return "true" if bool(value) else "false"
    if duck_type == "BLOB":
        return bytes(value).hex().upper()
    if duck_type == "DATE":
        if isinstance(value, pd.Timestamp):
            value = value.date()
        return value.isoformat()
    if isinstance(value, pd.Timedelta):
        return str(value.value)
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return str(value)


def duck_value(text, duck_type):
    if text is None:
        return None
    if duck_type in ("FLOAT", "DOUBLE"):
        x = float(text)
        if math.isnan(x):
            return ("nan",)
        return ("num", float(np.float32(x)) if duck_type == "FLOAT" else x)
    return text


def expected_duck_type(series):
    dt = series.dtype
    if isinstance(dt, pd.CategoricalDtype):
        return expected_duck_type(pd.Series(dt.categories))
    if isinstance(dt, pd.DatetimeTZDtype):
        # DuckDB 2.0 reads NANOS adjusted-to-UTC columns as TIMESTAMPTZ_NS.
        return "TIMESTAMPTZ_NS" if dt.unit == "ns" else "TIMESTAMP WITH TIME ZONE"
    name = str(dt).lower()
    if name.startswith("datetime64["):
        # Parquet MILLIS and MICROS columns are TIMESTAMP for DuckDB, NANOS TIMESTAMP_NS.
        return "TIMESTAMP_NS" if name == "datetime64[ns]" else "TIMESTAMP"
    table = {"int8": "TINYINT", "int16": "SMALLINT", "int32": "INTEGER", "int64": "BIGINT",
             "uint8": "UTINYINT", "uint16": "USMALLINT", "uint32": "UINTEGER",
             "uint64": "UBIGINT", "float32": "FLOAT", "float64": "DOUBLE", "bool": "BOOLEAN",
             "boolean": "BOOLEAN", "datetime64[ns]": "TIMESTAMP_NS", "timedelta64[ns]": "BIGINT",
             "string": "VARCHAR"}
    if name in table:
        return table[name]
    sample = series.dropna()
    if len(sample) and isinstance(sample.iloc[0], bytes):
        return "BLOB"
    if len(sample) and isinstance(sample.iloc[0], datetime.date):
        return "DATE"
    return "VARCHAR"


def stored_name(label):
    if isinstance(label, tuple):
        return json.dumps(list(label), separators=(",", ":"), ensure_ascii=False)
    return label


def compare_columns(name, frame, duck, problems):
    want_names = [stored_name(c) for c in frame.columns]
    got_names = [c for c, _ in duck["columns"]]
    if got_names != want_names:
        problems.append(f"{name}: DuckDB columns {got_names}, expected {want_names}")
        return
    if len(duck["rows"]) != len(frame):
        problems.append(f"{name}: DuckDB reads {len(duck['rows'])} rows, pandas wrote {len(frame)}")
        return
    for j, (label, (col, duck_type)) in enumerate(zip(frame.columns, duck["columns"])):
        want_type = expected_duck_type(frame[label])
        if duck_type != want_type and not (want_type == "TIMESTAMP_NS" and duck_type == "TIMESTAMP"):
            problems.append(f"{name}.{col}: DuckDB type {duck_type}, expected {want_type}")
            continue
        values = frame[label].astype(object).tolist()
        for r, v in enumerate(values):
            want = render(v, duck_type)
            got = duck_value(duck["rows"][r][j], duck_type)
            if want != got:
                problems.append(f"{name}.{col} row {r}: DuckDB reads {duck['rows'][r][j]!r}, "
                                f"pandas wrote {v!r}")
                break


def check_pandas_key(name, frame, values, problems):
    """Every rg file carries pyarrow's `pandas` key (as DuckDB reads it): one entry per column
    with its stored name as field_name, and the zone of each tz-aware column."""
    for k, text in enumerate(values):
        try:
            md = json.loads(text)
            cols = {c["field_name"]: c for c in md["columns"]}
        except (TypeError, KeyError, ValueError) as e:
            problems.append(f"{name} rg {k}: bad `pandas` key-value metadata ({e}): {text!r:.80}")
            continue
        if md.get("index_columns") != [] or list(cols) != [stored_name(c) for c in frame.columns]:
            problems.append(f"{name} rg {k}: `pandas` key lists {list(cols)}, "
                            f"index_columns {md.get('index_columns')}")
            continue
        for label in frame.columns:
            dt = frame[label].dtype
            if isinstance(dt, pd.DatetimeTZDtype):
                meta = cols[stored_name(label)].get("metadata") or {}
                if meta.get("timezone") != str(dt.tz):
                    problems.append(f"{name} rg {k}.{stored_name(label)}: `pandas` timezone "
                                    f"{meta.get('timezone')!r}, pandas wrote {dt.tz}")


def check_python_to_duckdb(work, counts):
    expected = python_datasets(work)
    EXPECTED_FRAMES.update(expected)
    duckdb_py.dump(open_duckdb(), str(work))
    for name, frame in sorted(expected.items()):
        problems = []
        try:
            got = OrderedParquetDataset(work / name).to_pandas()
            pd.testing.assert_frame_equal(got, frame)
        except AssertionError as e:
            problems.append(f"{name}: to_pandas differs from what was written: {str(e)[:300]}")
        duck = json.loads((work / f"{name}.duckdb.json").read_text())
        metas = [c for c, _ in duck["meta_columns"]]
        if metas != META_COLUMNS:
            problems.append(f"{name}_opdmd: DuckDB sees columns {metas}")
        compare_columns(name, frame, duck, problems)
        # The zone of every tz-aware column is kept in the dataset's schema (docs/behaviour.md#column-types), read here
        # from the metadata file's `oups` key as DuckDB returns it.
        try:
            fields = {f["name"]: f["type"] for f in json.loads(duck["oups"])["schema"]["fields"]}
        except (TypeError, KeyError, ValueError) as e:
            problems.append(f"{name}_opdmd: no schema in the `oups` key ({e})")
            fields = {}
        for label in frame.columns:
            dt = frame[label].dtype
            if isinstance(dt, pd.DatetimeTZDtype) and fields:
                tz = fields.get(stored_name(label), {}).get("tz")
                if tz != str(dt.tz):
                    problems.append(f"{name}.{stored_name(label)}: schema time zone {tz!r}, "
                                    f"pandas wrote {dt.tz}")
        check_pandas_key(name, frame, duck["pandas"] or [], problems)
        report(f"pandas -> DuckDB {name}", problems, counts)


def check_duckdb_to_python(work, counts):
    duckdb_py.write(open_duckdb(), str(work))
    for f in sorted(work.glob("*.duckdb.json")):
        name = f.name[:-len(".duckdb.json")]
        duck = json.loads(f.read_text())
        problems = []
        try:
            opd = OrderedParquetDataset(work / name)
            if opd.ordered_on != "o" or len(opd) != 1:
                problems.append(f"{name}: ordered_on {opd.ordered_on!r}, {len(opd)} rgs")
            if opd.key_value_metadata != {"written_by": "duckdb"}:
                problems.append(f"{name}: key_value_metadata {opd.key_value_metadata}")
            frame = opd.to_pandas()
        except Exception as e:  # noqa: BLE001 - reported as a failure
            problems.append(f"{name}: reading failed: {type(e).__name__}: {e}")
            report(f"DuckDB -> pandas {name}", problems, counts)
            continue
        cols = [c for c, _ in duck["columns"]]
        rg_files = sorted((work / name).glob("*.parquet"))
        # The file's timestamp units as pyarrow reads its schema (no data decoded: pyarrow
        # cannot decompress DuckDB's brotli pages of data page v2).
        pyarrow_dtypes = {f.name: f"datetime64[{f.type.unit}]"
                          for f in (pq.read_schema(rg_files[0]) if rg_files else [])
                          if pa.types.is_timestamp(f.type)}
        if list(frame.columns) != cols:
            problems.append(f"{name}: pandas columns {list(frame.columns)}, DuckDB wrote {cols}")
        elif len(frame) != len(duck["rows"]):
            problems.append(f"{name}: pandas reads {len(frame)} rows, DuckDB wrote "
                            f"{len(duck['rows'])}")
        else:
            for j, (col, duck_type) in enumerate(duck["columns"]):
                s = frame[col]
                if duck_type in ("TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ_NS") and not isinstance(
                        s.dtype, pd.DatetimeTZDtype):
                    problems.append(f"{name}.{col}: dtype {s.dtype}, expected a tz-aware one")
                if duck_type in ("TIMESTAMP", "TIMESTAMP_NS"):
                    # The stored unit, as pyarrow sees it (pandas 3 keeps s/ms/us/ns
                    # units, as pandas.read_parquet does).
                    want = pyarrow_dtypes.get(col)
                    if str(s.dtype) != str(want):
                        problems.append(f"{name}.{col}: dtype {s.dtype}, expected {want} "
                                        "(the stored unit)")
                for r, v in enumerate(s.astype(object).tolist()):
                    if isinstance(v, float) and math.isnan(v) and duck_type in (
                            "FLOAT", "DOUBLE") and duck_value(duck["rows"][r][j], duck_type) in (
                            None, ("nan",)):
                        continue  # a null or a NaN is read back as NaN in a float column
                    if render(v, duck_type) != duck_value(duck["rows"][r][j], duck_type):
                        problems.append(f"{name}.{col} row {r}: pandas reads {v!r}, DuckDB wrote "
                                        f"{duck['rows'][r][j]!r}")
                        break
        report(f"DuckDB -> pandas {name}", problems, counts)


def check_python_to_pyarrow(work, counts):
    """Reads the datasets check_python_to_duckdb wrote (in `work`) with pyarrow."""
    for name, frame in sorted(EXPECTED_FRAMES.items()):
        problems = []
        try:
            meta = pq.read_table(work / f"{name}_opdmd")
            if meta.column_names != META_COLUMNS:
                problems.append(f"{name}_opdmd: pyarrow sees columns {meta.column_names}")
            files = [work / name / f"file_{int(i):08d}.parquet"
                     for i in meta.column("file_ids").to_pylist()]
            parts = []
            for f, n in zip(files, meta.column("n_rows").to_pylist()):
                part = pd.read_parquet(f, engine="pyarrow")
                if len(part) != n:
                    problems.append(f"{f.name}: pandas.read_parquet gives {len(part)} rows, "
                                    f"the metadata says {n}")
                parts.append(part)
                stat_problems = []
                check_statistics(str(f), stat_problems)
                problems.extend(f"{f.name}: {p}" for p in stat_problems)
            got = pd.concat(parts, ignore_index=True) if parts else None
            # The bar: what pandas.read_parquet gives back for a Parquet file pyarrow wrote
            # itself from the same frame (object-dtype text comes back as pandas 3's str,
            # integer categoricals as integers, for example).
            own = work / f"{name}.pyarrow-own.parquet"
            frame.to_parquet(own, engine="pyarrow", index=None)
            want = pd.read_parquet(own, engine="pyarrow")
            try:
                pd.testing.assert_frame_equal(got, want)
            except AssertionError as e:
                problems.append(f"{name}: pandas.read_parquet of the rg files differs from "
                                f"pyarrow's own round trip of the frame: {str(e)[:400]}")
        except Exception as e:  # noqa: BLE001 - reported as a failure
            problems.append(f"{name}: reading with pyarrow failed: {type(e).__name__}: {e}")
        report(f"pandas -> pyarrow {name}", problems, counts)


EXPECTED_FRAMES = {}


def report(what, problems, counts):
    if problems:
        counts[1] += 1
        print(f"FAIL {what}")
        for p in problems[:10]:
            print(f"    {p}")
    else:
        counts[0] += 1


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    work = Path(sys.argv[1]).resolve()
    (work / "py").mkdir(parents=True, exist_ok=True)
    (work / "duck").mkdir(parents=True, exist_ok=True)
    counts = [0, 0]
    for step in (lambda: check_python_to_duckdb(work / "py", counts),
                 lambda: check_python_to_pyarrow(work / "py", counts),
                 lambda: check_duckdb_to_python(work / "duck", counts)):
        try:
            step()
        except Exception:  # noqa: BLE001 - a crashed step is a failure, the other still runs
            counts[1] += 1
            print("FAIL step crashed:")
            print("    " + traceback.format_exc().replace("\n", "\n    "))
    print(f"py_interop: {counts[0] + counts[1]} datasets checked in {work}")
    print(f"{counts[0]} passed, {counts[1]} failed")
    return 0 if counts[1] == 0 and counts[0] > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
