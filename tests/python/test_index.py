"""The DataFrame index (docs/behaviour.md#index): stored as pyarrow's
``preserve_index=None`` stores it (checked against pyarrow itself), restored by
``to_pandas()``, and usable as the ordered column by its level name."""
import glob
import json

import numpy as np
import pandas as pd
import pytest

from oups.store import OrderedParquetDataset, Store, toplevel, write

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")


def _frames():
    n = 4
    data = {"a": np.arange(n, dtype="int64"), "b": ["w", "x", "y", "z"]}
    ts = pd.date_range("2024-03-30", periods=n, freq="12h", tz="Europe/Paris", unit="ns")
    return {
        "range": pd.DataFrame(data),
        "named_range": pd.DataFrame(data, index=pd.RangeIndex(n, name="r")),
        "unnamed_int": pd.DataFrame(data, index=[10, 20, 30, 40]),
        "named_int": pd.DataFrame(data, index=pd.Index([10, 20, 30, 40], name="myidx")),
        "datetime_tz": pd.DataFrame(data, index=pd.DatetimeIndex(ts, name="ts")),
        "unnamed_datetime": pd.DataFrame(data, index=pd.DatetimeIndex(ts)),
        "string": pd.DataFrame(data, index=pd.Index(["p", "q", "r", "s"], name="k")),
        "multiindex": pd.DataFrame(data, index=pd.MultiIndex.from_arrays(
            [ts, ["p", "q", "r", "s"]], names=["ts", None])),
        "name_of_a_column": pd.DataFrame(data, index=pd.Index([5, 6, 7, 8], name="a")),
    }


FRAMES = _frames()


def _file_pandas_metadata(dirpath):
    files = sorted(glob.glob(f"{dirpath}/*.parquet"))
    assert files
    return [json.loads(pq.read_schema(f).metadata[b"pandas"]) for f in files]


def _stored(entries):
    """The index_columns entries naming stored columns (pyarrow describes a RangeIndex
    with a dict, stored nowhere)."""
    return [e for e in entries if isinstance(e, str)]


@pytest.mark.parametrize("kind", sorted(FRAMES))
def test_round_trip_and_pyarrow_metadata(tmp_path, kind):
    df = FRAMES[kind]
    write(tmp_path / "ds", ordered_on="a", df=df, row_group_target_size=2)
    ds = OrderedParquetDataset(tmp_path / "ds")
    got = ds.to_pandas()
    if isinstance(df.index, pd.RangeIndex):  # not stored: a fresh RangeIndex from 0
        pd.testing.assert_frame_equal(got, df.reset_index(drop=True))
    else:
        pd.testing.assert_frame_equal(got, df, check_freq=False)
    ref = json.loads(pa.Table.from_pandas(df).schema.metadata[b"pandas"])
    ref_columns = {c["field_name"]: c for c in ref["columns"]}
    for md in _file_pandas_metadata(tmp_path / "ds"):
        assert md["index_columns"] == _stored(ref["index_columns"])
        assert [c["field_name"] for c in md["columns"]] == [
            c["field_name"] for c in ref["columns"]]
        for c in md["columns"]:
            want = ref_columns[c["field_name"]]
            assert c["name"] == want["name"]
            if c["field_name"] in md["index_columns"]:  # index levels: as pyarrow
                assert (c["numpy_type"], c["metadata"]) == (want["numpy_type"],
                                                            want["metadata"])
                # Text: the pandas spec says "unicode"; pyarrow under pandas 3 "object".
                assert c["pandas_type"] == want["pandas_type"] or (
                    c["pandas_type"] == "unicode" and want["pandas_type"] == "object")
    # pyarrow reads the row-group files back with the same index.
    files = sorted(glob.glob(f"{tmp_path / 'ds'}/*.parquet"))
    by_pyarrow = pd.concat([pd.read_parquet(f) for f in files])
    if isinstance(df.index, pd.RangeIndex):
        by_pyarrow = by_pyarrow.reset_index(drop=True)
    pd.testing.assert_frame_equal(by_pyarrow, got, check_freq=False)
    assert list(ds.columns) == list(df.columns)


def test_index_columns_named_as_pyarrow_names_them(tmp_path):
    for kind, df in FRAMES.items():
        fields = pa.Table.from_pandas(df).column_names
        write(tmp_path / kind, ordered_on="a", df=df)
        table = pq.read_table(sorted(glob.glob(f"{tmp_path / kind}/*.parquet"))[0])
        assert table.column_names == fields, kind


def test_appends_column_selection_head_tail_keep_the_index(tmp_path):
    df = FRAMES["named_int"]
    ds = OrderedParquetDataset(tmp_path / "ds", ordered_on="a")
    ds.write(df=df.iloc[:2], row_group_target_size=1)
    ds.write(df=df.iloc[2:])
    pd.testing.assert_frame_equal(ds.to_pandas(), df)
    pd.testing.assert_frame_equal(ds.to_pandas(["b"]), df[["b"]])
    pd.testing.assert_frame_equal(ds.to_pandas(start=1, end_excl=3), df.iloc[1:3])
    pd.testing.assert_frame_equal(ds.head(3), df.iloc[:3])
    pd.testing.assert_frame_equal(ds.tail(1), df.iloc[3:])
    pd.testing.assert_frame_equal(ds[1].to_pandas(), df.iloc[1:2])
    assert list(ds.dtypes.index) == ["a", "b"]


def test_ordered_on_names_an_index_level(tmp_path):
    df = FRAMES["datetime_tz"]
    write(tmp_path / "ds", ordered_on="ts", df=df, row_group_target_size="1D")
    ds = OrderedParquetDataset(tmp_path / "ds")
    assert ds.ordered_on == "ts"
    pd.testing.assert_frame_equal(ds.to_pandas(), df, check_freq=False)
    assert ds.ordered_on_min == df.index[0] and ds.ordered_on_max == df.index[-1]
    part = ds.to_pandas(start="2024-03-31", end_excl="2024-03-31 12:00")
    pd.testing.assert_frame_equal(part, df.loc["2024-03-31":"2024-03-31 11:00"],
                                  check_freq=False)
    # Late rows are merged in order of the index level, duplicates dropped on it.
    late = pd.DataFrame({"a": [100, 101], "b": ["L", "M"]},
                        index=pd.DatetimeIndex(df.index[[1, 1]], name="ts"))
    ds.write(df=late, duplicates_on="ts")
    got = ds.to_pandas()
    assert got.index.is_monotonic_increasing and len(got) == 4
    assert got.loc[df.index[1], "b"] == "M"
    # A level of a MultiIndex too.
    write(tmp_path / "mi", ordered_on="ts", df=FRAMES["multiindex"])
    pd.testing.assert_frame_equal(OrderedParquetDataset(tmp_path / "mi").to_pandas(),
                                  FRAMES["multiindex"], check_freq=False)


def test_ordered_on_index_level_must_be_sorted(tmp_path):
    df = pd.DataFrame({"a": [1, 2]}, index=pd.Index([2, 1], name="k"))
    with pytest.raises(ValueError, match="sorted"):
        write(tmp_path / "ds", ordered_on="k", df=df)


def test_a_column_named_as_the_index_wins(tmp_path):
    # As pyarrow: the level is stored as __index_level_0__, `ordered_on` names the column.
    df = FRAMES["name_of_a_column"]
    write(tmp_path / "ds", ordered_on="a", df=df)
    ds = OrderedParquetDataset(tmp_path / "ds")
    assert ds.ordered_on_max == 3
    pd.testing.assert_frame_equal(ds.to_pandas(), df)


def test_every_write_has_the_same_index_levels(tmp_path):
    df = FRAMES["named_int"]
    write(tmp_path / "ds", ordered_on="a", df=df)
    with pytest.raises(ValueError, match="index"):
        write(tmp_path / "ds", ordered_on="a", df=df.reset_index(drop=True))
    with pytest.raises(ValueError, match="index"):
        write(tmp_path / "ds", ordered_on="a", df=df.rename_axis("other"))
    write(tmp_path / "plain", ordered_on="a", df=FRAMES["range"])
    with pytest.raises(ValueError, match="index"):
        write(tmp_path / "plain", ordered_on="a", df=df)
    # A RangeIndex, named or not, is never stored: both append to a plain dataset.
    write(tmp_path / "plain", ordered_on="a", df=FRAMES["named_range"])
    assert OrderedParquetDataset(tmp_path / "plain").num_rows == 8


def test_iter_intersections_restores_the_index(tmp_path):
    @toplevel
    class K:
        name: str

    store = Store(tmp_path, K)
    df = FRAMES["datetime_tz"]
    store[K("x")].write(ordered_on="ts", df=df)
    chunks = list(store.iter_intersections([K("x")]))
    got = pd.concat([c[K("x")] for c in chunks])
    pd.testing.assert_frame_equal(got, df, check_freq=False)
