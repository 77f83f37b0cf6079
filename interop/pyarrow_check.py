"""Has pyarrow, an engine independent of DuckDB, read every Parquet file and dataset oups wrote.

    $OUPS_PYTHON interop/pyarrow_check.py files DIR      (the corpus of oups-interop-gen)
    $OUPS_PYTHON interop/pyarrow_check.py datasets DIR   (the datasets of oups-dataset-gen)

files: for each DIR/FILE.parquet with a FILE.parquet.expected.jsonl:
  1. rows: the table pq.read_table(FILE) returns, rendered as JSON lines the way oups renders
     values (DuckDB's JSON writer run on pyarrow's in-memory table, not on the file, with the
     adjustment of lib.oups_select_list()), must equal the expected lines exactly;
  2. statistics: check_statistics() below on every row group and column chunk;
  3. key-value metadata: every entry of FILE.parquet.expected_kv.json must be in the footer's
     key-value metadata with the same value.
datasets: for each DIR/<name>.expected.jsonl:
  1. pyarrow reads DIR/<name>_opdmd and sees exactly the columns file_ids, n_rows,
     ordered_on_mins, ordered_on_maxs, file_crc32 (each file's zlib CRC-32, checked);
  2. DIR/<name>/ holds exactly the file_<id>.parquet files the metadata names, each with the
     number of rows the metadata gives and statistics as in check_statistics();
  3. the files read by pyarrow and concatenated in the metadata's order render exactly the
     expected lines.
Prints failures, a summary, and a last line "N passed, M failed"; exits 1 on any failure,
2 on usage errors.
"""
import json
import math
import os
import shutil
import sys
import tempfile
import zlib

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from lib import (Tally, check_file_list, export_jsonl, first_difference, open_duckdb,
                 read_lines, show)

META_COLUMNS = ["file_ids", "n_rows", "ordered_on_mins", "ordered_on_maxs", "file_crc32"]


def render_table(con, table, out):
    """JSON lines of `table` as oups renders values (interop/DUCKDB_JSON.md)."""
    con.register("pyarrow_table", table)
    try:
        export_jsonl(con, "pyarrow_table", out)
    finally:
        con.unregister("pyarrow_table")


def compare_rendering(con, table, expected_path, tmp, problems, what="pyarrow reads"):
    out = os.path.join(tmp, "rendered.jsonl")
    render_table(con, table, out)
    expected = read_lines(expected_path)
    actual = read_lines(out)
    diff = first_difference(expected, actual)
    if diff:
        problems.append(f"rows differ at row {diff[0]} (of {len(expected)} expected, "
                        f"{len(actual)} read):\n"
                        f"      oups expects:  {diff[1][:600]}\n"
                        f"      {what}: {diff[2][:600]}")


def _is_temporal(t):
    return pa.types.is_timestamp(t) or pa.types.is_date(t) or pa.types.is_time(t) \
        or pa.types.is_duration(t)


def _physical_int(t):
    return pa.int32() if (pa.types.is_date32(t) or t in (pa.time32("s"), pa.time32("ms"))) \
        else pa.int64()


def _same(a, b):
    if a == b:
        return True  # also -0.0 == 0.0: both are valid bounds
    return isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b)


def check_statistics(file, problems):
    """For every row group and column chunk of `file`: statistics present; null_count present
    and equal to the nulls pyarrow reads; min and max present (unless the chunk holds only
    nulls or NaN) and equal to the smallest and largest value pyarrow reads (NaN excluded;
    temporal columns compared as their stored integers). A string or binary bound that differs
    must be a truncation: shorter than the value and on the right side of it (bytewise)."""
    pf = pq.ParquetFile(file)
    md = pf.metadata
    for g in range(md.num_row_groups):
        data = pf.read_row_group(g)
        rg = md.row_group(g)
        for j in range(rg.num_columns):
            chunk = rg.column(j)
            name = chunk.path_in_schema
            where = f"row group {g}, column {name}"
            arr = data.column(j).combine_chunks()
            if pa.types.is_dictionary(arr.type):  # statistics are of the values
                arr = arr.dictionary_decode()
            st = chunk.statistics
            if st is None:
                problems.append(f"{where}: no statistics")
                continue
            nulls = arr.null_count
            if not st.has_null_count:
                problems.append(f"{where}: null_count missing (pyarrow counts {nulls})")
            elif st.null_count != nulls:
                problems.append(f"{where}: null_count {st.null_count}, pyarrow counts {nulls}")
            values = arr
            if pa.types.is_floating(arr.type):
                values = arr.filter(pc.invert(pc.fill_null(pc.is_nan(arr), True)))
            values = values.drop_null()
            if len(values) == 0:
                continue  # only nulls (or NaN): no bounds to check
            if not st.has_min_max:
                problems.append(f"{where}: min/max missing")
                continue
            if _is_temporal(arr.type):
                ints = values.cast(_physical_int(arr.type))
                mm = pc.min_max(ints)
                got_min, got_max = st.min_raw, st.max_raw
            else:
                mm = pc.min_max(values)
                got_min, got_max = st.min, st.max
            want_min, want_max = mm["min"].as_py(), mm["max"].as_py()
            binary = pa.types.is_string(arr.type) or pa.types.is_binary(arr.type) or \
                pa.types.is_large_string(arr.type) or pa.types.is_large_binary(arr.type)

            def as_bytes(v):
                return v.encode("utf-8") if isinstance(v, str) else bytes(v)

            if not _same(got_min, want_min):
                if not (binary and len(as_bytes(got_min)) < len(as_bytes(want_min))
                        and as_bytes(got_min) <= as_bytes(want_min)):
                    problems.append(f"{where}: min {show(got_min)}, pyarrow min {show(want_min)}")
            if not _same(got_max, want_max):
                if not (binary and len(as_bytes(got_max)) < len(as_bytes(want_max))
                        and as_bytes(got_max) >= as_bytes(want_max)):
                    problems.append(f"{where}: max {show(got_max)}, pyarrow max {show(want_max)}")


def check_key_values(file, problems):
    expected_path = file + ".expected_kv.json"
    if not os.path.exists(expected_path):
        return
    with open(expected_path, encoding="utf-8") as f:
        expected = json.load(f)
    kv = pq.ParquetFile(file).metadata.metadata or {}
    actual = {k.decode("utf-8"): v.decode("utf-8") for k, v in kv.items()}
    for entry in expected:
        key, value = entry["key"], entry["value"]
        if key not in actual:
            problems.append(f"key-value metadata: key {json.dumps(key)} missing")
        elif actual[key] != value:
            problems.append(f"key-value metadata: {json.dumps(key)} = {json.dumps(actual[key])}, "
                            f"expected {json.dumps(value)}")


def check_files(con, d, tmp, tally):
    for name in sorted(f for f in os.listdir(d) if f.endswith(".parquet")):
        file = os.path.join(d, name)
        expected_path = file + ".expected.jsonl"
        if not os.path.exists(expected_path):
            continue
        problems = []
        try:
            compare_rendering(con, pq.read_table(file), expected_path, tmp, problems)
            check_statistics(file, problems)
            check_key_values(file, problems)
        except Exception as e:  # noqa: BLE001 - reported as a failure of this file
            problems.append(f"pyarrow error: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}")
        tally.report(f"pyarrow {name}", problems)
    return f"pyarrow_check: pyarrow read {tally.passed + tally.failed} oups files from {d}"


def check_dataset(con, d, name, tmp, problems):
    meta = pq.read_table(os.path.join(d, f"{name}_opdmd"))
    if meta.column_names != META_COLUMNS:
        problems.append(f"{name}_opdmd: columns {meta.column_names}, expected {META_COLUMNS}")
        return
    ids = meta.column("file_ids").to_pylist()
    n_rows = meta.column("n_rows").to_pylist()
    crcs = meta.column("file_crc32").to_pylist()
    if not ids:
        problems.append(f"{name}_opdmd: no row group")
        return
    expected_files = [f"file_{str(i).zfill(8)}.parquet" for i in ids]
    if not check_file_list(expected_files, os.path.join(d, name), problems):
        return
    tables = []
    for f, n, crc in zip(expected_files, n_rows, crcs):
        path = os.path.join(d, name, f)
        with open(path, "rb") as fh:
            actual_crc = zlib.crc32(fh.read())
        if crc is not None and crc != actual_crc:
            problems.append(f"{f}: file_crc32 {crc} in the metadata, the file's CRC-32 is {actual_crc}")
        t = pq.read_table(path)
        if t.num_rows != n:
            problems.append(f"{f}: pyarrow reads {t.num_rows} rows, the metadata says {n}")
        stat_problems = []
        check_statistics(path, stat_problems)
        problems.extend(f"{f}: {p}" for p in stat_problems)
        tables.append(t)
    table = pa.concat_tables(tables, promote_options="permissive")
    compare_rendering(con, table, os.path.join(d, f"{name}.expected.jsonl"), tmp, problems)


def check_datasets(con, d, tmp, tally):
    suffix = ".expected.jsonl"
    for name in sorted(f[:-len(suffix)] for f in os.listdir(d) if f.endswith(suffix)):
        problems = []
        try:
            check_dataset(con, d, name, tmp, problems)
        except Exception as e:  # noqa: BLE001 - reported as a failure of this dataset
            problems.append(f"pyarrow error: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}")
        tally.report(f"pyarrow dataset {name}", problems)
    return f"pyarrow_check: pyarrow read {tally.passed + tally.failed} oups datasets from {d}"


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("files", "datasets") \
            or not os.path.isdir(sys.argv[2]):
        print("usage: interop/pyarrow_check.py files|datasets DIR", file=sys.stderr)
        return 2
    con = open_duckdb()
    tmp = tempfile.mkdtemp(prefix="oups-pyarrow-check-")
    tally = Tally()
    try:
        check = check_files if sys.argv[1] == "files" else check_datasets
        summary = check(con, sys.argv[2], tmp, tally)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return tally.finish(summary)


if __name__ == "__main__":
    sys.exit(main())
