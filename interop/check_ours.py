"""Has DuckDB read every Parquet file oups wrote and checks what it finds.

    $OUPS_PYTHON interop/check_ours.py DIR

For each DIR/FILE.parquet with a FILE.parquet.expected.jsonl (written by oups-interop-gen
from the in-memory table):
  1. rows: DuckDB's JSON rendering of SELECT * FROM read_parquet(FILE) must equal the
     expected lines exactly (the first difference is shown);
  2. statistics: for every row group and column chunk, null_count must be present and equal
     to DuckDB's count of nulls, and min/max must be present (unless the chunk holds only
     nulls or NaN) and equal to DuckDB's min()/max() over that row group (NaN excluded; -0.0
     equals 0.0; inexact bounds must bound; DuckDB does not report float bounds that are
     infinite, those are skipped);
  3. key-value metadata: every entry of FILE.parquet.expected_kv.json must be in
     parquet_kv_metadata(FILE) with the same value.
Prints failures, a summary, and a last line "N passed, M failed"; exits 1 on any failure,
2 on usage errors.
"""
import json
import os
import shutil
import sys
import tempfile

from lib import (Tally, describe, export_jsonl, first_difference, ident, lit, open_duckdb,
                 read_lines, rows, show, usage_dir)

FLOAT_TYPES = {"FLOAT", "DOUBLE"}


def same_stat(a, b):
    if a == b:
        return True
    if a is None or b is None:
        return False
    # -0.0 vs 0.0 (both are valid bounds); also "1e+21" vs "1e21" style differences.
    try:
        x, y = float(a), float(b)
    except ValueError:
        return False
    return x == x and x == y


def compare_bytes(a, b):
    x, y = a.encode("utf-8"), b.encode("utf-8")
    return (x > y) - (x < y)


def check_statistics(con, file, problems):
    types = dict(describe(con, f"read_parquet({lit(file)})"))
    meta = rows(con, f"""
        SELECT row_group_id, row_group_num_rows, column_id, path_in_schema,
               stats_min_value, stats_max_value, stats_null_count, min_is_exact, max_is_exact
        FROM parquet_metadata({lit(file)}) ORDER BY row_group_id, column_id""")
    # The aggregates run on a copy of the rows in a DuckDB table: on a Parquet scan, DuckDB
    # 2.0.1 evaluates filters such as isnan(x) or x = 'nan' from the chunk statistics (whose
    # bounds rightly exclude NaN) and so misses the NaN values of the chunk.
    con.execute(f"CREATE OR REPLACE TEMP TABLE checked AS "
                f"SELECT * FROM read_parquet({lit(file)}, file_row_number = true)")
    groups = {}
    for m in meta:
        g = groups.setdefault(int(m["row_group_id"]),
                              {"num_rows": int(m["row_group_num_rows"]), "chunks": []})
        g["chunks"].append(m)
    start = 0
    for g in sorted(groups):
        num_rows, chunks = groups[g]["num_rows"], groups[g]["chunks"]
        end = start + num_rows
        aggs = []
        for c in chunks:
            col = ident(c["path_in_schema"])
            typ = types.get(c["path_in_schema"])
            filt = f" FILTER (WHERE NOT isnan({col}))" if typ in FLOAT_TYPES else ""
            aggs += [f"min({col}){filt}::VARCHAR", f"max({col}){filt}::VARCHAR",
                     f"(count(*) - count({col}))::BIGINT"]
        [actual] = con.execute(f"""
            SELECT {', '.join(aggs)} FROM checked
            WHERE file_row_number >= {start} AND file_row_number < {end}""").fetchall()
        for k, c in enumerate(chunks):
            where = f"row group {g}, column {c['path_in_schema']}"
            mn, mx, nulls = actual[3 * k], actual[3 * k + 1], int(actual[3 * k + 2])
            if c["stats_null_count"] is None:
                problems.append(f"{where}: null_count missing (DuckDB counts {nulls})")
            elif int(c["stats_null_count"]) != nulls:
                problems.append(f"{where}: null_count {c['stats_null_count']}, DuckDB counts {nulls}")
            if mn is None:
                continue  # only nulls (or NaN): no bounds to check
            if c["stats_min_value"] is None or c["stats_max_value"] is None:
                # DuckDB's parquet_metadata() reports no float bounds when one is infinite
                # (also for files DuckDB wrote itself): nothing to compare then.
                if mn in ("-inf", "inf") or mx in ("-inf", "inf"):
                    continue
                problems.append(f"{where}: min/max missing (DuckDB: min {mn}, max {mx})")
                continue
            is_blob = types.get(c["path_in_schema"]) == "BLOB"
            if c["min_is_exact"] is False and not is_blob:
                if compare_bytes(c["stats_min_value"], mn) > 0:
                    problems.append(f"{where}: inexact min {show(c['stats_min_value'])} > "
                                    f"DuckDB min {show(mn)}")
            elif not same_stat(c["stats_min_value"], mn):
                problems.append(f"{where}: min {show(c['stats_min_value'])}, DuckDB min() {show(mn)}")
            if c["max_is_exact"] is False and not is_blob:
                if compare_bytes(c["stats_max_value"], mx) < 0:
                    problems.append(f"{where}: inexact max {show(c['stats_max_value'])} < "
                                    f"DuckDB max {show(mx)}")
            elif not same_stat(c["stats_max_value"], mx):
                problems.append(f"{where}: max {show(c['stats_max_value'])}, DuckDB max() {show(mx)}")
        start = end


def check_key_values(con, file, problems):
    expected_path = file + ".expected_kv.json"
    if not os.path.exists(expected_path):
        return
    with open(expected_path, encoding="utf-8") as f:
        expected = json.load(f)
    actual = rows(con, f"SELECT decode(key) AS key, decode(value) AS value "
                       f"FROM parquet_kv_metadata({lit(file)})")
    for entry in expected:
        key, value = entry["key"], entry["value"]
        found = [r for r in actual if r["key"] == key]
        if not found:
            problems.append(f"key-value metadata: key {json.dumps(key)} missing")
        elif not any(r["value"] == value for r in found):
            problems.append(f"key-value metadata: {json.dumps(key)} = {json.dumps(found[0]['value'])}, "
                            f"expected {json.dumps(value)}")


def main():
    d = usage_dir(sys.argv, "interop/check_ours.py DIR")
    con = open_duckdb()
    tmp = tempfile.mkdtemp(prefix="oups-check-")
    tally = Tally()
    try:
        for name in sorted(f for f in os.listdir(d) if f.endswith(".parquet")):
            file = os.path.join(d, name)
            expected_path = file + ".expected.jsonl"
            if not os.path.exists(expected_path):
                continue
            problems = []
            try:
                out = os.path.join(tmp, name + ".jsonl")
                export_jsonl(con, f"read_parquet({lit(file)})", out)
                diff = first_difference(read_lines(expected_path), read_lines(out))
                if diff:
                    problems.append(f"rows differ at row {diff[0]}:\n"
                                    f"      oups expects: {diff[1][:600]}\n"
                                    f"      DuckDB reads: {diff[2][:600]}")
                check_statistics(con, file, problems)
                check_key_values(con, file, problems)
            except Exception as e:  # noqa: BLE001 - reported as a failure of this file
                problems.append(f"DuckDB error: {str(e).splitlines()[0] if str(e) else type(e).__name__}")
            tally.report(name, problems)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return tally.finish(f"check_ours: DuckDB read {tally.passed + tally.failed} oups files from {d}")


if __name__ == "__main__":
    sys.exit(main())
