"""Introspection without reading data (num_rows, columns, dtypes, ordered_on_min/max,
head/tail), informative reprs, and the refused lock options (GitHub issue 14)."""
import pathlib

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest

from oups.store import OrderedParquetDataset, Store, toplevel, write

from conftest import msg


@toplevel
class Key:
    name: str
    year: int


def frame(n=10):
    return pd.DataFrame({
        "ts": pd.date_range("2024-01-01", periods=n, freq="h", tz="Europe/Paris"),
        "px": np.linspace(1.0, 2.0, n),
        "qty": pd.array(range(n), dtype="Int32"),
        "side": pd.Categorical(["buy", "sell"] * (n // 2)),
        "venue": [f"v{i % 3}" for i in range(n)],
    })


def rg_paths(path):
    return sorted(pathlib.Path(path).glob("file_*.parquet"))


def test_introspection_from_metadata_only(tmp_path):
    path = tmp_path / "ds"
    df = frame()
    write(path, ordered_on="ts", df=df, row_group_target_size=3)
    ds = OrderedParquetDataset(path)
    full = ds.to_pandas()
    for f in rg_paths(path):  # nothing below may read a row-group file
        f.unlink()
    assert ds.num_rows == 10 and len(ds) == 4
    assert ds.ordered_on_min == df["ts"].iloc[0] and ds.ordered_on_max == df["ts"].iloc[-1]
    assert isinstance(ds.ordered_on_min, pd.Timestamp)
    pdt.assert_index_equal(ds.columns, full.columns)
    pdt.assert_series_equal(ds.dtypes, full.dtypes)
    pdt.assert_series_equal(ds.dtypes, df.dtypes.set_axis(full.columns))
    assert ds.head(0).shape == (0, 5)
    v = ds[1:3]
    assert v.num_rows == 6 and v.ordered_on_min == df["ts"].iloc[3]
    assert v.ordered_on_max == df["ts"].iloc[8]
    assert ds[-1].num_rows == 1 and ds[2:2].num_rows == 0 and ds[2:2].ordered_on_min is None
    assert ds[::-1].ordered_on_min == df["ts"].iloc[0]  # positions in any order
    with pytest.raises(FileNotFoundError):
        ds.to_pandas()


def test_introspection_of_new_and_metadata_only_datasets(tmp_path):
    ds = OrderedParquetDataset(tmp_path / "new", ordered_on="a")
    assert ds.num_rows == 0 and ds.ordered_on_min is None and ds.ordered_on_max is None
    assert list(ds.columns) == [] and len(ds.dtypes) == 0
    assert ds.head().empty and ds.tail().empty
    ds.write(key_value_metadata={"k": "v"})
    assert ds.num_rows == 0 and list(ds.columns) == []
    ds.write(df=pd.DataFrame({"a": pd.Series([], dtype="int16"), "b": pd.Series([], dtype="str")}))
    assert ds.num_rows == 0 and list(ds.columns) == ["a", "b"]
    assert ds.dtypes["a"] == np.dtype("int16")
    assert list(tmp_path.iterdir()) != []


def test_ordered_min_max_kinds(tmp_path):
    write(tmp_path / "i", ordered_on="a", df=pd.DataFrame({"a": [3, 5, 7]}))
    i = OrderedParquetDataset(tmp_path / "i")
    assert (i.ordered_on_min, i.ordered_on_max) == (3, 7) and type(i.ordered_on_min) is int
    write(tmp_path / "s", ordered_on="a", df=pd.DataFrame({"a": ["ab", "b"]}))
    s = OrderedParquetDataset(tmp_path / "s")
    assert (s.ordered_on_min, s.ordered_on_max) == ("ab", "b")
    write(tmp_path / "f", ordered_on="a", df=pd.DataFrame({"a": [0.5, 1.5]}))
    assert OrderedParquetDataset(tmp_path / "f").ordered_on_max == 1.5


@pytest.mark.parametrize("n", [0, 1, 2, 3, 4, 7, 10, 11, 100])
def test_head_tail_equal_pandas(tmp_path, n):
    df = frame()
    write(tmp_path / "ds", ordered_on="ts", df=df, row_group_target_size=3)
    ds = OrderedParquetDataset(tmp_path / "ds")
    full = ds.to_pandas()
    pdt.assert_frame_equal(ds.head(n), full.head(n).reset_index(drop=True))
    pdt.assert_frame_equal(ds.tail(n), full.tail(n).reset_index(drop=True))
    pdt.assert_frame_equal(ds.head(n, columns=["venue", "px"]),
                           full[["venue", "px"]].head(n).reset_index(drop=True))
    v = ds[1:3]
    vf = v.to_pandas()
    pdt.assert_frame_equal(v.head(n), vf.head(n).reset_index(drop=True))
    pdt.assert_frame_equal(v.tail(n), vf.tail(n).reset_index(drop=True))


def test_head_tail_read_only_the_row_groups_they_need(tmp_path):
    path = tmp_path / "ds"
    write(path, ordered_on="ts", df=frame(), row_group_target_size=3)  # rgs of 3, 3, 3, 1
    ds = OrderedParquetDataset(path)
    full = ds.to_pandas()
    files = rg_paths(path)
    for f in files[1:3]:  # the middle row groups
        f.unlink()
    pdt.assert_frame_equal(ds.head(3), full.head(3))
    pdt.assert_frame_equal(ds.tail(1), full.tail(1).reset_index(drop=True))
    files[3].unlink()
    pdt.assert_frame_equal(ds.head(2), full.head(2))
    with pytest.raises(FileNotFoundError):
        ds.tail(2)
    with pytest.raises(FileNotFoundError):
        ds.head(4)


def test_head_tail_arguments(tmp_path):
    write(tmp_path / "ds", ordered_on="a", df=pd.DataFrame({"a": [1, 2]}))
    ds = OrderedParquetDataset(tmp_path / "ds")
    with pytest.raises(ValueError, match=msg("'n' must be >= 0")):
        ds.head(-1)
    with pytest.raises(TypeError, match=msg("'n' must be an int")):
        ds.tail(1.5)
    with pytest.raises(KeyError):
        ds.head(1, columns=["nope"])
    assert ds.head(np.int64(1))["a"].tolist() == [1]


def test_dataset_and_view_reprs(tmp_path):
    path = tmp_path / "ds"
    ds = OrderedParquetDataset(path, ordered_on="a")
    head = f"OrderedParquetDataset({str(path.resolve())!r}, ordered_on='a')"
    assert repr(ds) == f"{head}: not written yet"
    ds.write(key_value_metadata={"k": "v"})
    assert repr(ds) == f"{head}: 0 rows in 0 row groups"
    ds.write(df=pd.DataFrame({"a": range(8)}), row_group_target_size=2)
    assert repr(ds) == f"{head}: 8 rows in 4 row groups, a from 0 to 7"
    assert repr(ds[1:3]) == f"view of row groups 1:3 of 4 of {head}: 4 rows in 2 row groups, " \
                            "a from 2 to 5"
    assert repr(ds[0]) == f"view of row group 0 of 4 of {head}: 2 rows in 1 row group, " \
                          "a from 0 to 1"
    assert repr(ds[::2]).startswith("view of row groups [0, 2] of 4 of ")
    assert repr(ds[2:2]) == f"view of no row group of 4 of {head}: 0 rows in 0 row groups"
    assert repr(ds[0]) != repr(ds[1:3])
    s = tmp_path / "s"
    write(s, ordered_on="t", df=pd.DataFrame({"t": ["a", "b"]}))
    assert repr(OrderedParquetDataset(s)).endswith("t from 'a' to 'b'")
    ts = tmp_path / "ts"
    write(ts, ordered_on="t", df=pd.DataFrame({"t": pd.date_range("2024-01-01", periods=2)}))
    assert repr(OrderedParquetDataset(ts)).endswith(
        "t from 2024-01-01 00:00:00 to 2024-01-02 00:00:00")


def test_store_and_key_reprs(tmp_path):
    store = Store(tmp_path / "data", Key)
    base = str(store.basepath)
    assert repr(store) == f"Store({base!r}, Key): no key"
    for i in range(7):
        store[Key("k", 2000 + i)].write(ordered_on="a")
    assert repr(store) == (f"Store({base!r}, Key): 7 keys: k-2000, k-2001, k-2002, k-2003, "
                           "k-2004, ...")
    assert repr(Key("k", 2000)) == "Key(name='k', year=2000)"
    assert repr(store.keys[:1]) == "[Key(name='k', year=2000)]"


def test_release_lock_and_lock_lifetime_on_store(tmp_path):
    store = Store(tmp_path, Key)
    with pytest.raises(ValueError, match=msg("'lock_lifetime' is not supported")):
        store.get(Key("a", 1), lock_lifetime=15)
    assert list(tmp_path.iterdir()) == []
