"""Has DuckDB read the OrderedDatasets oups-dataset-gen wrote and checks them.

    $OUPS_PYTHON interop/check_dataset.py DIR

For each DIR/<name>.expected.jsonl (oups's rendering of OrderedDataset::Read(), i.e. every row
in row order):
  1. metadata file: DuckDB reads DIR/<name>_opdmd as Parquet and sees exactly the columns
     file_ids, n_rows, ordered_on_mins, ordered_on_maxs, file_crc32 (in this order);
  2. files: the files of DIR/<name>/*.parquet are exactly the file_<id>.parquet (id
     zero-padded to 8 digits) its file_ids name, and each holds n_rows rows;
  3. rows: DuckDB reading DIR/<name>/*.parquet, ordered by the position of each file's id in
     the metadata file then by row number within the file, renders exactly the expected
     lines (the first difference is shown).
Prints failures, a summary, and a last line "N passed, M failed"; exits 1 on any failure,
2 on usage errors.
"""
import os
import shutil
import sys
import tempfile

from lib import (Tally, check_file_list, describe, first_difference, lit, oups_select_list,
                 open_duckdb, read_lines, rows, usage_dir)

META_COLUMNS = ["file_ids", "n_rows", "ordered_on_mins", "ordered_on_maxs", "file_crc32"]


def file_name(file_id):
    return f"file_{str(file_id).zfill(8)}.parquet"


def check_dataset(con, d, name, tmp, problems):
    meta = os.path.join(d, f"{name}_opdmd")
    data_dir = os.path.join(d, name)
    # 1. The metadata file, read by DuckDB.
    columns = [c for c, _ in describe(con, f"read_parquet({lit(meta)})")]
    if columns != META_COLUMNS:
        problems.append(f"{name}_opdmd: columns {columns}, expected {META_COLUMNS}")
        return
    rgs = rows(con, f"""
        SELECT file_ids::VARCHAR AS id, n_rows::BIGINT AS n
        FROM read_parquet({lit(meta)}, file_row_number = true) ORDER BY file_row_number""")
    if not rgs:
        problems.append(f"{name}_opdmd: no row group")
        return
    # 2. The dataset directory holds exactly the files the metadata names.
    expected_files = [file_name(r["id"]) for r in rgs]
    if not check_file_list(expected_files, data_dir, problems):
        return
    glob = os.path.join(data_dir, "*.parquet")
    counts = {r["f"]: int(r["n"]) for r in rows(con, f"""
        SELECT parse_filename(filename) AS f, count(*)::BIGINT AS n
        FROM read_parquet({lit(glob)}, filename = true) GROUP BY ALL""")}
    for k, r in enumerate(rgs):
        got = counts.get(expected_files[k], 0)
        if got != int(r["n"]):
            problems.append(f"{expected_files[k]}: DuckDB counts {got} rows, the metadata says {r['n']}")
    # 3. Rows in the metadata's order.
    order = "[" + ", ".join(lit(f) for f in expected_files) + "]"
    source = (f"read_parquet({lit(glob)}, filename = true, file_row_number = true, "
              f"hive_partitioning = false)")
    data_columns = [c for c in describe(con, source) if c[0] not in ("filename", "file_row_number")]
    out = os.path.join(tmp, f"{name}.jsonl")
    con.execute(f"""
        COPY (
          SELECT {oups_select_list(data_columns)} FROM {source}
          ORDER BY list_position({order}, parse_filename(filename)), file_row_number
        ) TO {lit(out)} (FORMAT json)""")
    expected = read_lines(os.path.join(d, f"{name}.expected.jsonl"))
    actual = read_lines(out)
    diff = first_difference(expected, actual)
    if diff:
        problems.append(f"rows differ at row {diff[0]} (of {len(expected)} expected, "
                        f"{len(actual)} read):\n"
                        f"      oups expects: {diff[1][:600]}\n"
                        f"      DuckDB reads: {diff[2][:600]}")


def main():
    d = usage_dir(sys.argv, "interop/check_dataset.py DIR")
    con = open_duckdb()
    tmp = tempfile.mkdtemp(prefix="oups-check-dataset-")
    tally = Tally()
    suffix = ".expected.jsonl"
    names = sorted(f[:-len(suffix)] for f in os.listdir(d) if f.endswith(suffix))
    try:
        for name in names:
            problems = []
            try:
                check_dataset(con, d, name, tmp, problems)
            except Exception as e:  # noqa: BLE001 - reported as a failure of this dataset
                problems.append(f"DuckDB error: {str(e).splitlines()[0] if str(e) else type(e).__name__}")
            tally.report(f"dataset {name}", problems)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return tally.finish(f"check_dataset: DuckDB read {tally.passed + tally.failed} oups datasets from {d}")


if __name__ == "__main__":
    sys.exit(main())
