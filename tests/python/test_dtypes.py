"""docs/behaviour.md#column-types (dtype matrix, ordered column types, schema checks) and
docs/behaviour.md#column-multiindex (column
MultiIndex) through the Python API; round trips checked with pandas.testing.assert_frame_equal."""
import datetime
import decimal
import json

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest

from oups.store import OrderedParquetDataset, check_cmidx, conform_cmidx, write

from conftest import assert_no_dataset, msg, rg_files

N = 6


def col_cases():
    ii = {}
    for dt in ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"):
        info = np.iinfo(dt)
        ii[dt] = pd.Series([info.min, info.max, 0, 1, info.max - 1, info.min + 1], dtype=dt)
    ii["float32"] = pd.Series([1.5, np.nan, -np.inf, np.inf, 0.0, 3.25], dtype="float32")
    ii["float64"] = pd.Series([1.5, np.nan, -1e300, np.inf, -0.0, 5e-324], dtype="float64")
    ii["bool"] = pd.Series([True, False, True, True, False, False])
    ii["datetime_naive"] = pd.Series(pd.to_datetime(
        ["2024-01-01 00:00:00.000000001", None, "1677-09-22", "2262-04-11", "1970-01-01",
         "2024-07-01 12:34:56.789"], format="ISO8601"))
    for tz in ("UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe",
               "Pacific/Chatham"):
        ii[f"datetime_{tz}"] = pd.Series(pd.to_datetime(
            ["2024-03-31 01:30", None, "2024-10-27 02:30", "2000-01-01", "2024-07-01 12:00",
             "2030-12-31 23:59:59.999999999"], format="ISO8601").tz_localize(tz, ambiguous=True))
    ii["timedelta"] = pd.Series(pd.to_timedelta([1, None, -5, 10**15, 0, 86400 * 10**9]))
    ii["object_str"] = pd.Series(["a", None, "", "é€😀", "x" * 1000, "b"], dtype=object)
    ii["string"] = pd.Series(["a", pd.NA, "", "é€😀", "z", "b"], dtype="string")
    for dt in ("Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64"):
        info = np.iinfo(dt.lower())
        ii[dt] = pd.Series([info.min, pd.NA, info.max, 0, pd.NA, 7], dtype=dt)
    ii["boolean"] = pd.Series([True, pd.NA, False, True, pd.NA, False], dtype="boolean")
    ii["Float32"] = pd.Series([1.5, pd.NA, -2.0, 0.0, pd.NA, 3.0], dtype="Float32")
    ii["Float64"] = pd.Series([1.5, pd.NA, -2.0, 1e300, pd.NA, 3.0], dtype="Float64")
    ii["category_str"] = pd.Series(pd.Categorical(["b", "a", None, "c", "a", "b"],
                                                  categories=["c", "b", "a", "unused"]))
    ii["category_ordered"] = pd.Series(pd.Categorical(["lo", "hi", "mid", None, "lo", "hi"],
                                                      categories=["lo", "mid", "hi"],
                                                      ordered=True))
    ii["category_int"] = pd.Series(pd.Categorical([3, 1, 2, 3, None, 1], categories=[3, 2, 1]))
    ii["bytes"] = pd.Series([b"\x00\x01", b"", None, b"abc", b"\xff" * 10, b"z"], dtype=object)
    ii["date"] = pd.Series([datetime.date(2024, 1, 1), None, datetime.date(1, 1, 1),
                            datetime.date(9999, 12, 31), datetime.date(1970, 1, 1),
                            datetime.date(2000, 2, 29)], dtype=object)
    # pyarrow-backed dtypes (pandas.ArrowDtype): stored as their pandas equivalents,
    # restored as the same ArrowDtype.
    import pyarrow as pa
    ii["arrow_int64"] = pd.Series([1, None, -3, 2**62, 0, 5], dtype="int64[pyarrow]")
    ii["arrow_uint8"] = pd.Series([1, None, 255, 0, 0, 5], dtype="uint8[pyarrow]")
    ii["arrow_double"] = pd.Series([1.5, None, -2.0, 1e300, 0.0, 3.0], dtype="double[pyarrow]")
    ii["arrow_bool"] = pd.Series([True, None, False, True, False, True], dtype="bool[pyarrow]")
    ii["arrow_string"] = pd.Series(["a", None, "", "é€😀", "z", "b"], dtype=pd.ArrowDtype(pa.string()))
    ii["arrow_timestamp_tz"] = pd.Series(pd.to_datetime(
        ["2024-03-31 01:30", None, "2024-10-27 02:30", "2000-01-01", "2024-07-01 12:00",
         "2030-12-31 23:59:59.999999999"], format="ISO8601").tz_localize("UTC")).astype(
        "timestamp[ns, tz=Europe/Paris][pyarrow]")
    ii["arrow_timestamp_us"] = pd.Series(pd.to_datetime(
        ["2024-03-31 01:30", None, "2024-10-27 02:30", "2000-01-01", "2024-07-01 12:00",
         "2030-12-31"], format="ISO8601")).astype("timestamp[us][pyarrow]")
    ii["arrow_duration"] = pd.Series(pd.to_timedelta([1, None, -5, 10**9, 0, 86400], unit="s")
                                     ).astype("duration[ms][pyarrow]")
    ii["arrow_date32"] = pd.Series([datetime.date(2024, 1, 1), None, datetime.date(1, 1, 1),
                                    datetime.date(9999, 12, 31), datetime.date(1970, 1, 1),
                                    datetime.date(2000, 2, 29)], dtype="date32[day][pyarrow]")
    # pandas 3's default text dtype, and datetimes in each non-ns unit.
    ii["str_default"] = pd.Series(["a", None, "", "é€😀", "z", "b"], dtype="str")
    for unit in ("s", "ms", "us"):
        ii[f"datetime_{unit}"] = pd.Series(pd.to_datetime(
            ["2024-01-01", None, "1000-01-01", "2900-04-11", "1970-01-01", "2024-07-01 12:34:56"],
            format="ISO8601")).astype(f"datetime64[{unit}]")
        ii[f"timedelta_{unit}"] = pd.Series(pd.to_timedelta([1, None, -5, 10**6, 0, 86400],
                                                            unit="s")).astype(f"timedelta64[{unit}]")
    return ii


CASES = col_cases()


@pytest.mark.parametrize("name", list(CASES))
def test_round_trip(tmp_path, name):
    df = pd.DataFrame({"o": np.arange(N, dtype="int64"), name: CASES[name]})
    write(tmp_path / "ds", ordered_on="o", df=df, row_group_target_size=4)
    opd = OrderedParquetDataset(tmp_path / "ds")
    assert len(opd) == 2
    out = opd.to_pandas()
    pdt.assert_frame_equal(out, df)
    # Row-group views and projections give the same dtype too.
    pdt.assert_frame_equal(opd[1].to_pandas(columns=[name]),
                           df[[name]].iloc[4:].reset_index(drop=True))
    # Zero-row read keeps the dtype.
    empty = opd.to_pandas(start=100)
    assert empty[name].dtype == df[name].dtype
    # Appending a second batch keeps the dtype and values.
    df2 = df.copy()
    df2["o"] = df2["o"] + N
    write(tmp_path / "ds", ordered_on="o", df=df2, row_group_target_size=4)
    pdt.assert_frame_equal(opd.to_pandas(), pd.concat([df, df2], ignore_index=True))


def test_all_dtypes_in_one_frame(tmp_path):
    df = pd.DataFrame({"o": np.arange(N, dtype="int64"), **CASES})
    write(tmp_path / "ds", ordered_on="o", df=df)
    pdt.assert_frame_equal(OrderedParquetDataset(tmp_path / "ds").to_pandas(), df)


def test_object_str_missing_values_normalised(tmp_path):
    df = pd.DataFrame({"o": [1, 2, 3], "s": pd.Series(["a", np.nan, None], dtype=object)})
    write(tmp_path / "ds", ordered_on="o", df=df)
    out = OrderedParquetDataset(tmp_path / "ds").to_pandas()
    assert out["s"].dtype == object and list(out["s"]) == ["a", None, None]


def test_zero_row_object_column_counts_as_string(tmp_path):
    df = pd.DataFrame({"o": pd.Series([], dtype="int64"), "s": pd.Series([], dtype=object)})
    write(tmp_path / "ds", ordered_on="o", df=df)
    write(tmp_path / "ds", ordered_on="o", df=pd.DataFrame({"o": [1], "s": ["x"]}))
    with pytest.raises(TypeError):
        write(tmp_path / "ds", ordered_on="o", df=pd.DataFrame({"o": [2], "s": [b"x"]}))


class Opaque:
    pass


@pytest.mark.parametrize("name,values", [
    ("objs", [Opaque(), Opaque()]),
    ("mixed", ["a", 1]),
    ("mixed_bytes_str", [b"a", "b"]),
    ("complex", np.array([1 + 2j, 3j])),
    ("period", pd.period_range("2024-01", periods=2, freq="M")),
    ("interval", pd.interval_range(0, 2)),
    ("sparse", pd.arrays.SparseArray([0, 1])),
    ("decimal_mixed", [decimal.Decimal("1.5"), 2.0]),  # decimals: Decimal objects only
    ("lists", [[1], [2]]),
    ("dicts", [{"a": 1}, {"b": 2}]),
])
def test_unsupported_dtypes(tmp_path, name, values):
    df = pd.DataFrame({"o": [1, 2], name: values})
    with pytest.raises(TypeError) as ei:
        write(tmp_path / "ds", ordered_on="o", df=df)
    assert name in str(ei.value)
    assert_no_dataset(tmp_path)


# ---------------------------------------------------------------------------- ordered columns

@pytest.mark.parametrize("values", [
    pd.Series([0, 2**64 - 1], dtype="uint64"),
    pd.Series([-2**63, 2**63 - 1], dtype="int64"),
    pd.Series([1, 2], dtype="int8"),
    pd.Series([-np.inf, 1.5], dtype="float64"),
    pd.Series([1.5, 2.5], dtype="float32"),
    pd.Series([1, 2], dtype="UInt16"),
    pd.Series(pd.to_datetime(["2024-01-01", "2024-01-02"])),
    pd.Series([datetime.date(2024, 1, 1), datetime.date(2024, 1, 2)], dtype=object),
    pd.Series(["B", "a"], dtype=object),                  # code point order
    pd.Series(["z", "é"], dtype="string"),
    pd.Series(["\U0001F600", "\U0001F600\U0001F600"], dtype=object),
])
def test_ordered_column_types(tmp_path, values):
    df = pd.DataFrame({"o": values, "v": [1, 2]})
    write(tmp_path / "ds", ordered_on="o", df=df, row_group_target_size=1)
    opd = OrderedParquetDataset(tmp_path / "ds")
    pdt.assert_frame_equal(opd.to_pandas(), df)
    st = opd.row_group_stats
    assert list(st["ordered_on_mins"]) == list(values)
    pdt.assert_frame_equal(opd.to_pandas(start=values.iloc[1]),
                           df.iloc[1:].reset_index(drop=True))


def test_string_order_is_code_point_order(tmp_path):
    df = pd.DataFrame({"o": ["a", "é"], "v": [1, 2]})   # é (U+00E9) > a
    write(tmp_path / "ds", ordered_on="o", df=df)
    with pytest.raises(ValueError, match=msg("'df_ordered_on' must be sorted")):
        write(tmp_path / "ds2", ordered_on="o", df=pd.DataFrame({"o": ["é", "z"], "v": [1, 2]}))


def test_tz_aware_ordered_column_compared_as_instants(tmp_path):
    # Wall clock decreases but instants increase: sorted.
    ts = pd.Series(pd.to_datetime(["2024-10-27 02:30+02:00", "2024-10-27 02:10+01:00"], utc=True)
                   ).dt.tz_convert("Europe/Paris")
    df = pd.DataFrame({"ts": ts, "v": [1, 2]})
    write(tmp_path / "ds", ordered_on="ts", df=df)
    opd = OrderedParquetDataset(tmp_path / "ds")
    pdt.assert_frame_equal(opd.to_pandas(), df)
    assert opd.row_group_stats["ordered_on_mins"].dtype == df["ts"].dtype  # unit and zone kept
    out = opd.to_pandas(start=pd.Timestamp("2024-10-27 01:00", tz="UTC"))
    pdt.assert_frame_equal(out, df.iloc[1:].reset_index(drop=True))
    with pytest.raises(TypeError):
        opd.to_pandas(start=pd.Timestamp("2024-10-27 01:00"))


# ---------------------------------------------------------------------------- schema rules

def test_schema_compatible_types(tmp_path):
    p = tmp_path / "ds"
    write(p, ordered_on="o", df=pd.DataFrame({"o": [1], "i": np.array([1], dtype="int32"),
                                              "s": pd.Series(["a"], dtype=object),
                                              "b": [True]}))
    # int32 -> Int32 with NA, object str -> string, bool -> boolean with NA.
    write(p, ordered_on="o", df=pd.DataFrame({"o": [2], "i": pd.array([pd.NA], dtype="Int32"),
                                              "s": pd.Series([pd.NA], dtype="string"),
                                              "b": pd.array([pd.NA], dtype="boolean")}))
    out = OrderedParquetDataset(p).to_pandas()
    assert out["i"].dtype == "Int32" and out["i"].isna().tolist() == [False, True]
    assert out["b"].dtype == "boolean" and out["b"].isna().tolist() == [False, True]
    assert out["s"].dtype == object and list(out["s"]) == ["a", None]


def test_schema_nullable_without_na_keeps_recorded_dtype(tmp_path):
    p = tmp_path / "ds"
    write(p, ordered_on="o", df=pd.DataFrame({"o": [1], "i": np.array([1], dtype="int64")}))
    write(p, ordered_on="o", df=pd.DataFrame({"o": [2], "i": pd.array([2], dtype="Int64")}))
    out = OrderedParquetDataset(p).to_pandas()
    assert out["i"].dtype == np.int64 and list(out["i"]) == [1, 2]


@pytest.mark.parametrize("first,second", [
    (np.array([1], dtype="int32"), np.array([1], dtype="int64")),
    (np.array([1], dtype="int64"), np.array([1], dtype="uint64")),
    (np.array([1.0], dtype="float32"), np.array([1.0], dtype="float64")),
    (pd.to_datetime(["2024-01-01"]), pd.to_datetime(["2024-01-01"]).tz_localize("UTC")),
    # Another zone converts safely (same instants): tests/python/test_safe_conversions.py.
    (pd.Series(["a"], dtype=object), pd.Series([b"a"], dtype=object)),
    (pd.Categorical(["a"]), pd.Categorical(["a"], ordered=True)),
    (pd.Categorical(["a"]), pd.Categorical([1])),
    (pd.Series([datetime.date(2024, 1, 1)], dtype=object), pd.to_datetime(["2024-01-01"])),
    (pd.to_timedelta([1]), np.array([1], dtype="int64")),
    (np.array([True]), np.array([1], dtype="int8")),
])
def test_schema_type_mismatch(tmp_path, first, second):
    p = tmp_path / "ds"
    write(p, ordered_on="o", df=pd.DataFrame({"o": [1], "col": first}))
    with pytest.raises(TypeError) as ei:
        write(p, ordered_on="o", df=pd.DataFrame({"o": [2], "col": second}))
    assert "col" in str(ei.value)
    assert len(OrderedParquetDataset(p).to_pandas()) == 1


def test_categories_extended_in_order_of_appearance(tmp_path):
    p = tmp_path / "ds"
    write(p, ordered_on="o", df=pd.DataFrame({"o": [1, 2], "c": pd.Categorical(
        ["b", "a"], categories=["b", "a"])}))
    write(p, ordered_on="o", df=pd.DataFrame({"o": [3, 4], "c": pd.Categorical(
        ["z", "a"], categories=["a", "y", "z"])}))
    out = OrderedParquetDataset(p).to_pandas()
    assert out["c"].dtype == "category"
    assert list(out["c"].cat.categories)[:2] == ["b", "a"]
    assert set(out["c"].cat.categories) >= {"a", "b", "z"}
    assert list(out["c"].astype(object)) == ["b", "a", "z", "a"]
    cats = list(out["c"].cat.categories)
    assert cats.index("z") > cats.index("a")


# ---------------------------------------------------------------------------- MultiIndex (docs/behaviour.md#column-multiindex)

def mi_frame():
    cols = pd.MultiIndex.from_tuples([("ts", ""), ("price", "bid"), ("price", "ask"),
                                      ("qty", "x")], names=["field", "side"])
    df = pd.DataFrame([[pd.Timestamp("2024-01-01") + pd.Timedelta(hours=i), 1.0 + i, 2.0 + i, i]
                       for i in range(5)], columns=cols)
    df[("qty", "x")] = df[("qty", "x")].astype("int64")
    return df


def test_multiindex_round_trip(tmp_path):
    df = mi_frame()
    write(tmp_path / "ds", ordered_on=("ts", ""), df=df, row_group_target_size=2)
    opd = OrderedParquetDataset(tmp_path / "ds")
    assert opd.ordered_on == ("ts", "")
    out = opd.to_pandas()
    pdt.assert_frame_equal(out, df)
    assert list(out.columns.names) == ["field", "side"]
    pdt.assert_frame_equal(opd.to_pandas(columns=[("price", "ask"), ("ts", "")]),
                           df[[("price", "ask"), ("ts", "")]])
    st = opd.row_group_stats
    assert list(st["ordered_on_mins"]) == list(df[("ts", "")].iloc[[0, 2, 4]])
    # Stored column name of a tuple: compact JSON array.
    data = (tmp_path / "ds" / rg_files(tmp_path / "ds")[0]).read_bytes()
    assert b'["ts",""]' in data and b'["price","bid"]' in data
    # Duplicates on a tuple label (one label, not a list of labels).
    new = df.iloc[[4]].copy()
    new[("price", "bid")] = 99.0
    write(tmp_path / "ds", ordered_on=("ts", ""), df=new, duplicates_on=("ts", ""),
          row_group_target_size=2)
    out = opd.to_pandas()
    assert len(out) == 5 and out[("price", "bid")].iloc[-1] == 99.0
    # A handle built with the tuple ordered_on.
    assert OrderedParquetDataset(tmp_path / "ds", ordered_on=("ts", "")).ordered_on == ("ts", "")


def test_multiindex_json_escaping(tmp_path):
    cols = pd.MultiIndex.from_tuples([("o", ""), ('q"uo\\te', "é")], names=["a", "b"])
    df = pd.DataFrame([[1, 2], [3, 4]], columns=cols)
    write(tmp_path / "ds", ordered_on=("o", ""), df=df)
    out = OrderedParquetDataset(tmp_path / "ds").to_pandas()
    pdt.assert_frame_equal(out, df)
    data = (tmp_path / "ds" / rg_files(tmp_path / "ds")[0]).read_bytes()
    assert json.dumps(['q"uo\\te', "é"], separators=(",", ":"), ensure_ascii=False).encode() \
        in data


def test_multiindex_level_names_part_of_schema(tmp_path):
    df = mi_frame()
    write(tmp_path / "ds", ordered_on=("ts", ""), df=df)
    other = df.copy()
    other.columns = other.columns.set_names(["f", "s"])
    other[("ts", "")] = other[("ts", "")] + pd.Timedelta(days=1)
    with pytest.raises((ValueError, TypeError)):
        write(tmp_path / "ds", ordered_on=("ts", ""), df=other)
    assert len(OrderedParquetDataset(tmp_path / "ds").to_pandas()) == 5


def test_check_cmidx():
    ok = pd.MultiIndex.from_tuples([("a", "b"), ("c", "")], names=["x", "y"])
    assert check_cmidx(ok) is None
    with pytest.raises(ValueError, match=msg("not possible to have level name set to None.")):
        check_cmidx(pd.MultiIndex.from_tuples([("a", "b")], names=["x", None]))
    with pytest.raises(TypeError, match=msg("name 1 has to be of type 'string', not 'int'.")):
        check_cmidx(pd.MultiIndex.from_tuples([("a", 1)], names=["x", "y"]))


def test_write_applies_cmidx_rules_without_conforming(tmp_path):
    df = mi_frame()
    bad = df.copy()
    bad.columns = bad.columns.set_names(["field", None])
    with pytest.raises(ValueError, match=msg("not possible to have level name set to None.")):
        write(tmp_path / "ds", ordered_on=("ts", ""), df=bad)
    assert bad.columns.names == ["field", None]
    bad2 = pd.DataFrame([[1, 2]], columns=pd.MultiIndex.from_tuples([("o", "a"), ("v", 3)],
                                                                    names=["l0", "l1"]))
    with pytest.raises(TypeError, match=msg("name 3 has to be of type 'string', not 'int'.")):
        write(tmp_path / "ds", ordered_on=("o", "a"), df=bad2)
    assert_no_dataset(tmp_path)


def test_conform_cmidx():
    df = pd.DataFrame([[1, 2]], columns=pd.MultiIndex.from_tuples([("a", 1, "o"), ("b", 2, "p")],
                                                                  names=[None, "oh", None]))
    assert conform_cmidx(df) is None
    assert list(df.columns) == [("a", "1", "o"), ("b", "2", "p")]
    assert list(df.columns.names) == ["", "oh", ""]
    flat = pd.DataFrame({"a": [1], "b": [2]})
    conform_cmidx(flat)
    assert list(flat.columns) == ["a", "b"]


def test_conformed_frame_writes(tmp_path):
    df = pd.DataFrame([[1, 2.5]], columns=pd.MultiIndex.from_tuples([("o", 0), ("v", 1)]))
    conform_cmidx(df)
    write(tmp_path / "ds", ordered_on=("o", "0"), df=df)
    pdt.assert_frame_equal(OrderedParquetDataset(tmp_path / "ds").to_pandas(), df)


def test_write_strided_frame(tmp_path):
    # Frames that are views with strides (iloc[::2], a column of a 2-D block, reversed order)
    # are ordinary pandas inputs (docs/behaviour.md#python-api): written values must be the view's values.
    big = pd.DataFrame({"o": np.arange(2 * N, dtype="int64"),
                        **{k: pd.concat([v, v], ignore_index=True) for k, v in CASES.items()}})
    view = big.iloc[::2]
    write(tmp_path / "ds", ordered_on="o", df=view)
    pdt.assert_frame_equal(OrderedParquetDataset(tmp_path / "ds").to_pandas(),
                           view.reset_index(drop=True))
    block = pd.DataFrame(np.arange(20, dtype="int64").reshape(10, 2), columns=["o", "v"])
    write(tmp_path / "ds2", ordered_on="o", df=block)
    pdt.assert_frame_equal(OrderedParquetDataset(tmp_path / "ds2").to_pandas(), block)
    rev = pd.DataFrame({"o": np.arange(5, dtype="int64"), "v": np.arange(5.0)[::-1]})
    write(tmp_path / "ds3", ordered_on="o", df=rev)
    pdt.assert_frame_equal(OrderedParquetDataset(tmp_path / "ds3").to_pandas(), rev)


def test_decimal_round_trip_inferred_precision(tmp_path):
    # Decimal objects (object dtype) are stored as Parquet decimals of the smallest
    # precision and scale that hold every value, and read back as the same Decimals.
    vals = [decimal.Decimal("1.50"), None, decimal.Decimal("-12345.678"),
            decimal.Decimal("0"), decimal.Decimal("99999999999999999999.999")]
    df = pd.DataFrame({"o": np.arange(5), "d": pd.Series(vals, dtype=object)})
    write(tmp_path / "ds", ordered_on="o", df=df)
    opd = OrderedParquetDataset(tmp_path / "ds")
    assert [t for n, t in opd._ds.schema() if n == "d"] == [("decimal", "23,3", "")]
    out = opd.to_pandas()
    assert out["d"].dtype == object
    assert out["d"].tolist() == [None if v is None else v.quantize(decimal.Decimal("0.001"))
                                 for v in vals]
    # pyarrow reads the files as decimal128(23, 3) with the same values.
    import pyarrow.parquet as pq
    got = pq.read_table(tmp_path / "ds" / rg_files(tmp_path / "ds")[0]).column("d")
    assert str(got.type) == "decimal128(23, 3)" and got.to_pylist() == out["d"].tolist()


def test_decimal_dataset_from_another_engine_reads_and_writes_back(tmp_path):
    # A decimal(18, 2) column as DuckDB or Spark write it (here pyarrow), ingested by the
    # CLI: to_pandas gives Decimal objects, and writing them back keeps decimal(18, 2).
    import os
    import subprocess
    import pyarrow as pa
    import pyarrow.parquet as pq
    import oups
    from pathlib import Path
    # The oups tool: $OUPS_CLI (ctest), else <build>/tools/oups beside <build>/python.
    cli = os.environ.get("OUPS_CLI") or str(Path(oups.__file__).parents[2] / "tools" / "oups")
    if not Path(cli).is_file():
        pytest.skip(f"the oups tool is not built ({cli})")
    src = tmp_path / "in.parquet"
    pq.write_table(pa.table({"o": pa.array([1, 2, 3], pa.int64()),
                             "px": pa.array([decimal.Decimal("10.25"), None,
                                             decimal.Decimal("-0.01")], pa.decimal128(18, 2))}),
                   src)
    r = subprocess.run([cli, "write", str(tmp_path / "ds"), "--ordered-on", "o", "--from",
                        str(src)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    opd = OrderedParquetDataset(tmp_path / "ds")
    out = opd.to_pandas()
    assert out["px"].tolist() == [decimal.Decimal("10.25"), None, decimal.Decimal("-0.01")]
    more = pd.DataFrame({"o": [4, 5], "px": pd.Series([decimal.Decimal("7"), None], dtype=object)})
    write(tmp_path / "ds", ordered_on="o", df=out)  # the same rows again: merged
    write(tmp_path / "ds", ordered_on="o", df=more)
    assert [t for n, t in opd._ds.schema() if n == "px"] == [("decimal", "18,2", "")]
    assert opd.to_pandas()["px"].tolist()[-2:] == [decimal.Decimal("7.00"), None]
    # A value the stored scale cannot hold exactly is refused, naming the column and row.
    bad = pd.DataFrame({"o": [6], "px": pd.Series([decimal.Decimal("1.005")], dtype=object)})
    with pytest.raises(TypeError, match="column 'px': row 0 value 1.005 has more than 2"):
        write(tmp_path / "ds", ordered_on="o", df=bad)


@pytest.mark.parametrize("dtype", ["str", "string[pyarrow]", "arrow_string"])
def test_arrow_text_round_trips_through_arrow_buffers(tmp_path, dtype):
    # Arrow-backed text goes to the core and back as Arrow buffers (no str per row): values,
    # nulls, slices (offsets not starting at 0) and ranges cutting row groups all survive.
    import pyarrow as pa
    dt = pd.ArrowDtype(pa.string()) if dtype == "arrow_string" else dtype
    words = ["", "a", "é€😀", None, "x" * 300, "sym1", "sym1", None, "b", "zz"]
    df = pd.DataFrame({"o": np.arange(10), "s": pd.Series(words, dtype=dt)})
    part = df.iloc[3:].reset_index(drop=True)  # Arrow array with a non-zero offset
    write(tmp_path / "ds", ordered_on="o", df=part, row_group_target_size=3)
    write(tmp_path / "ds", ordered_on="o", df=df.iloc[:3], row_group_target_size=3)
    opd = OrderedParquetDataset(tmp_path / "ds")
    out = opd.to_pandas()
    pdt.assert_frame_equal(out, df)
    if dtype != "arrow_string":
        assert isinstance(out["s"].array, pd.arrays.ArrowStringArray)
    pdt.assert_frame_equal(opd.to_pandas(start=4, end_excl=8),
                           df.iloc[4:8].reset_index(drop=True))
    pdt.assert_frame_equal(opd[1].to_pandas(), df.iloc[3:6].reset_index(drop=True))
