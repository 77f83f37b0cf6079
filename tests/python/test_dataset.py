"""docs/behaviour.md#datasets (OrderedParquetDataset) through the Python API."""
import os
import pathlib
import re

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest

from oups.store import OrderedParquetDataset, write

from conftest import msg, rg_files


def df_ref(n=8):
    return pd.DataFrame({"a": np.arange(n, dtype="int64") * 10,
                         "b": [f"v{i}" for i in range(n)],
                         "c": np.linspace(0.5, 4.0, n)})


def one_row_rgs(path, n=8):
    df = df_ref(n)
    write(path, ordered_on="a", df=df, row_group_target_size=1)
    return df


# ---------------------------------------------------------------------------- constructor (docs/behaviour.md#datasets)

def test_new_dataset_touches_nothing(tmp_path):
    target = tmp_path / "sub" / "ds"
    opd = OrderedParquetDataset(target, ordered_on="a")
    assert opd.dirpath == target.resolve() and isinstance(opd.dirpath, pathlib.Path)
    assert opd.ordered_on == "a"
    assert len(opd) == 0
    assert opd.key_value_metadata == {}
    assert opd.is_newly_initialized is True
    assert opd.max_file_id == -1
    assert list(tmp_path.iterdir()) == []


def test_dirpath_made_absolute_and_symlinks_resolved(tmp_path, monkeypatch):
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    monkeypatch.chdir(tmp_path)
    opd = OrderedParquetDataset("link/ds")
    assert opd.dirpath == real.resolve() / "ds"
    assert opd.ordered_on is None
    opd2 = OrderedParquetDataset(os.fspath(tmp_path / "x"))  # str accepted
    assert opd2.dirpath == (tmp_path / "x").resolve()


def test_existing_dataset_ordered_on_and_mismatch(tmp_path):
    path = tmp_path / "ds"
    write(path, ordered_on="a", df=df_ref(3))
    opd = OrderedParquetDataset(path)
    assert opd.ordered_on == "a" and not opd.is_newly_initialized
    assert OrderedParquetDataset(path, ordered_on="a").ordered_on == "a"
    assert OrderedParquetDataset(path, ordered_on="").ordered_on == "a"  # empty = not given
    with pytest.raises(ValueError, match=msg(
            "'ordered_on' parameter value 'b' does not match 'a' in record dataset.")):
        OrderedParquetDataset(path, ordered_on="b")


def test_lock_lifetime_rejected(tmp_path):
    # The original accepted a lock lifetime (its lock file expired); our writer lock is an OS
    # lock released by the kernel, so a lifetime would do nothing: refused, not ignored
    # (docs/behaviour.md#writer-lock). None is accepted (the default).
    with pytest.raises(ValueError, match=msg("'lock_lifetime' is not supported")):
        OrderedParquetDataset(tmp_path / "ds", ordered_on="a", lock_timeout=2, lock_lifetime=1)
    assert list(tmp_path.iterdir()) == []
    opd = OrderedParquetDataset(tmp_path / "ds", ordered_on="a", lock_timeout=2,
                                lock_lifetime=None)
    opd.write(df=df_ref(2))
    assert len(opd.to_pandas()) == 2


def test_release_lock_false_rejected(tmp_path):
    opd = OrderedParquetDataset(tmp_path / "ds", ordered_on="a")
    opd.write(df=df_ref(2))
    with pytest.raises(ValueError, match=msg("'release_lock=False' is not supported")):
        opd.remove_from_disk(release_lock=False)
    with pytest.raises(TypeError, match=msg("'release_lock' must be None or a bool")):
        opd.remove_from_disk(release_lock="yes")
    assert len(opd.to_pandas()) == 2  # nothing removed
    opd.remove_from_disk(release_lock=True)
    assert opd.is_newly_initialized


def test_corrupt_metadata_file(tmp_path):
    path = tmp_path / "ds"
    write(path, ordered_on="a", df=df_ref(3))
    md = tmp_path / "ds_opdmd"
    assert md.is_file()
    md.write_bytes(b"this is not a parquet file at all")
    with pytest.raises(ValueError) as ei:
        OrderedParquetDataset(path)
    assert "ds_opdmd" in str(ei.value)


def test_newer_format_version_refused(tmp_path):
    path = tmp_path / "ds"
    write(path, ordered_on="a", df=df_ref(3))
    md = tmp_path / "ds_opdmd"
    data = md.read_bytes()
    m = re.search(rb'"format_version"\s*:\s*2(?=[,}\s])', data)
    assert m, "format_version member not found uncompressed in the metadata footer"
    patched = data[:m.end() - 1] + b"9" + data[m.end():]
    md.write_bytes(patched)
    with pytest.raises(ValueError) as ei:
        OrderedParquetDataset(path)
    assert "ds_opdmd" in str(ei.value)


def test_missing_rg_file(tmp_path):
    path = tmp_path / "ds"
    write(path, ordered_on="a", df=df_ref(4), row_group_target_size=2)
    files = rg_files(path)
    assert len(files) == 2
    (path / files[1]).unlink()
    opd = OrderedParquetDataset(path)
    assert len(opd) == 2  # metadata only
    with pytest.raises(FileNotFoundError) as ei:
        opd.to_pandas()
    assert files[1] in str(ei.value)


def test_corrupt_rg_file(tmp_path):
    path = tmp_path / "ds"
    write(path, ordered_on="a", df=df_ref(4), row_group_target_size=2)
    files = rg_files(path)
    (path / files[0]).write_bytes(b"PAR1 garbage garbage garbage PAR1")
    with pytest.raises(ValueError) as ei:
        OrderedParquetDataset(path).to_pandas()
    assert files[0] in str(ei.value)


def test_rg_file_names_and_metadata_layout(tmp_path):
    path = tmp_path / "ds"
    write(path, ordered_on="a", df=df_ref(3), row_group_target_size=1)
    assert rg_files(path) == ["file_00000000.parquet", "file_00000001.parquet",
                              "file_00000002.parquet"]
    assert (tmp_path / "ds_opdmd").is_file()
    # directory: rg files only, and the history of versions
    assert sorted(p.name for p in path.iterdir() if p.name != "_history") == rg_files(path)
    for f in rg_files(path):
        assert (path / f).read_bytes()[:4] == b"PAR1"


# ---------------------------------------------------------------------------- snapshots (docs/behaviour.md#snapshots)

def test_handle_follows_commits(tmp_path):
    path = tmp_path / "ds"
    h1 = OrderedParquetDataset(path)
    h2 = OrderedParquetDataset(path, ordered_on="a")
    assert len(h1) == 0 and h1.is_newly_initialized
    h2.write(df=df_ref(4).iloc[:2], row_group_target_size=1)
    assert len(h2) == 2  # the writing handle shows what it committed
    assert len(h1) == 2 and not h1.is_newly_initialized and h1.ordered_on == "a"
    write(path, ordered_on="a", df=df_ref(4).iloc[2:], row_group_target_size=1)
    assert len(h1) == 4 and len(h2) == 4
    pdt.assert_frame_equal(h1.to_pandas(), df_ref(4))


def test_handle_with_explicit_ordered_on_sees_changed_ordered_on(tmp_path):
    path = tmp_path / "ds"
    write(path, ordered_on="a", df=df_ref(2))
    h = OrderedParquetDataset(path, ordered_on="a")
    OrderedParquetDataset(path).remove_from_disk()
    write(path, ordered_on="c", df=df_ref(2))
    mismatch = msg("'ordered_on' parameter value 'a' does not match 'c' in record dataset.")
    with pytest.raises(ValueError, match=mismatch):
        len(h)
    with pytest.raises(ValueError, match=mismatch):
        h.to_pandas()
    # A handle without explicit ordered_on just follows.
    assert OrderedParquetDataset(path).ordered_on == "c"


def test_views_and_iterators_keep_their_snapshot(tmp_path):
    path = tmp_path / "ds"
    df = df_ref(4)
    write(path, ordered_on="a", df=df, row_group_target_size=2)
    opd = OrderedParquetDataset(path)
    view = opd[:]
    last = opd[-1]
    it = iter(opd)
    first = next(it)
    # Rewrite the last rg (duplicates on 'a' replace rows 20 and 30) and append.
    new = pd.DataFrame({"a": [20, 30, 40], "b": ["n20", "n30", "n40"], "c": [9.0, 9.5, 10.0]})
    write(path, ordered_on="a", df=new, row_group_target_size=2, duplicates_on="a")
    assert len(opd) == 3
    assert len(view) == 2
    pdt.assert_frame_equal(view.to_pandas(), df)  # old files still readable
    pdt.assert_frame_equal(last.to_pandas(), df.iloc[2:].reset_index(drop=True))
    pdt.assert_frame_equal(first.to_pandas(), df.iloc[:2].reset_index(drop=True))
    rest = list(it)
    assert len(rest) == 1
    pdt.assert_frame_equal(rest[0].to_pandas(), df.iloc[2:].reset_index(drop=True))
    expected = pd.concat([df.iloc[:2], new], ignore_index=True)
    pdt.assert_frame_equal(opd.to_pandas(), expected)
    del view, last, it, first, rest


# ---------------------------------------------------------------------------- properties (docs/behaviour.md#properties)

def test_key_value_metadata_is_a_copy(tmp_path):
    path = tmp_path / "ds"
    write(path, ordered_on="a", df=df_ref(2), key_value_metadata={"k": "v"})
    opd = OrderedParquetDataset(path)
    kv = opd.key_value_metadata
    assert kv == {"k": "v"} and type(kv) is dict
    kv["x"] = "y"
    kv["k"] = "changed"
    assert opd.key_value_metadata == {"k": "v"}
    assert opd.key_value_metadata is not opd.key_value_metadata


def test_row_group_stats(tmp_path):
    path = tmp_path / "ds"
    df = pd.DataFrame({"ts": pd.date_range("2024-01-01", periods=5, freq="h"),
                       "v": range(5)})
    write(path, ordered_on="ts", df=df, row_group_target_size=2)
    opd = OrderedParquetDataset(path)
    st = opd.row_group_stats
    assert list(st.columns) == ["file_ids", "n_rows", "ordered_on_mins", "ordered_on_maxs"]
    assert st["file_ids"].dtype == np.uint64 and st["n_rows"].dtype == np.uint64
    assert st["ordered_on_mins"].dtype == df["ts"].dtype
    assert st["ordered_on_maxs"].dtype == df["ts"].dtype
    assert list(st.index) == [0, 1, 2]
    assert list(st["file_ids"]) == [0, 1, 2]
    assert list(st["n_rows"]) == [2, 2, 1]
    assert list(st["ordered_on_mins"]) == [df.ts[0], df.ts[2], df.ts[4]]
    assert list(st["ordered_on_maxs"]) == [df.ts[1], df.ts[3], df.ts[4]]
    st.iloc[0, 1] = 99
    assert opd.row_group_stats["n_rows"].iloc[0] == 2
    pdt.assert_frame_equal(opd[1:3].row_group_stats, opd.row_group_stats.iloc[1:3])
    assert list(opd[1:3].row_group_stats.index) == [1, 2]


def test_max_file_id(tmp_path):
    path = tmp_path / "ds"
    assert OrderedParquetDataset(path).max_file_id == -1
    assert OrderedParquetDataset(path)[0:0].max_file_id == -1
    one_row_rgs(path, 8)
    opd = OrderedParquetDataset(path)
    assert opd.max_file_id == 7
    assert opd[1:4].max_file_id == 7
    assert opd[5:5].max_file_id == 7
    assert opd[0].max_file_id == 7


def test_is_newly_initialized_metadata_only(tmp_path):
    path = tmp_path / "ds"
    write(path, ordered_on="a", df=None, key_value_metadata={"a": "b"})
    opd = OrderedParquetDataset(path)
    assert not opd.is_newly_initialized and len(opd) == 0
    assert (tmp_path / "ds_opdmd").is_file() and not path.exists()


# ---------------------------------------------------------------------------- indexing (docs/behaviour.md#views)

def test_len_indexing_slicing(tmp_path):
    path = tmp_path / "ds"
    df = one_row_rgs(path, 8)
    opd = OrderedParquetDataset(path)
    assert len(opd) == 8
    for i in range(-8, 8):
        v = opd[i]
        assert len(v) == 1
        pdt.assert_frame_equal(v.to_pandas(), df.iloc[[i]].reset_index(drop=True))
    for i in (8, 100, -9):
        with pytest.raises(IndexError):
            opd[i]
    for sl in (slice(2, 4), slice(None, None, 2), slice(-3, None), slice(6, 2, -1),
               slice(5, 5), slice(10, 20)):
        v = opd[sl]
        assert len(v) == len(range(8)[sl])
        pdt.assert_frame_equal(v.to_pandas(), df.iloc[sl].reset_index(drop=True))
    assert len(opd[1:3][0]) == 1
    pdt.assert_frame_equal(opd[1:6][1:3].to_pandas(), df.iloc[2:4].reset_index(drop=True))
    pdt.assert_frame_equal(opd[1:3][-1].to_pandas(), df.iloc[[2]].reset_index(drop=True))
    with pytest.raises(IndexError):
        opd[1:3][2]
    for bad in ("a", 1.0, None, (1, 2)):
        with pytest.raises(TypeError):
            opd[bad]


def test_iteration(tmp_path):
    path = tmp_path / "ds"
    df = one_row_rgs(path, 5)
    opd = OrderedParquetDataset(path)
    parts = [rg.to_pandas() for rg in opd]
    assert len(parts) == 5 and all(len(p) == 1 for p in parts)
    pdt.assert_frame_equal(pd.concat(parts, ignore_index=True), df)
    assert list(OrderedParquetDataset(tmp_path / "none")) == []
    assert sum(1 for _ in opd[1:3]) == 2


def test_views_are_read_only(tmp_path):
    path = tmp_path / "ds"
    one_row_rgs(path, 4)
    opd = OrderedParquetDataset(path)
    view = opd[1:3]
    assert isinstance(view, OrderedParquetDataset)
    assert type(view) is not OrderedParquetDataset
    assert view.ordered_on == "a" and view.dirpath == opd.dirpath
    assert not view.is_newly_initialized and view.key_value_metadata == {}
    for name in ("ordered_on", "foo", "key_value_metadata"):
        with pytest.raises(PermissionError, match=msg(
                f"cannot set attribute '{name}' on a read-only dataset.")):
            setattr(view, name, "x")
    with pytest.raises(PermissionError, match=msg("cannot call 'write' on a read-only dataset.")):
        view.write(df=df_ref(2))
    with pytest.raises(PermissionError, match=msg(
            "cannot call 'remove_from_disk' on a read-only dataset.")):
        view.remove_from_disk()
    with pytest.raises(PermissionError):
        write(view, ordered_on="a", df=df_ref(2))
    for v in (opd[0], next(iter(opd))):
        with pytest.raises(PermissionError):
            v.write(df=df_ref(2))
    assert len(opd) == 4


# ---------------------------------------------------------------------------- to_pandas (docs/behaviour.md#reading)

def test_to_pandas_reference_examples(tmp_path):
    path = tmp_path / "ds"
    df = one_row_rgs(path, 8)
    opd = OrderedParquetDataset(path)
    out = opd.to_pandas()
    pdt.assert_frame_equal(out, df)
    assert isinstance(out.index, pd.RangeIndex) and out.index.start == 0
    pdt.assert_frame_equal(opd[2:4].to_pandas(), df.iloc[2:4].reset_index(drop=True))
    assert list(opd[2:4].to_pandas().index) == [0, 1]


def test_to_pandas_returns_new_objects(tmp_path):
    path = tmp_path / "ds"
    df = one_row_rgs(path, 3)
    opd = OrderedParquetDataset(path)
    a = opd.to_pandas()
    a.loc[0, "a"] = 12345
    pdt.assert_frame_equal(opd.to_pandas(), df)


def test_to_pandas_columns(tmp_path):
    path = tmp_path / "ds"
    df = one_row_rgs(path, 4)
    opd = OrderedParquetDataset(path)
    pdt.assert_frame_equal(opd.to_pandas(columns=["c", "a"]), df[["c", "a"]])
    pdt.assert_frame_equal(opd.to_pandas(columns=["b"]), df[["b"]])
    with pytest.raises(KeyError) as ei:
        opd.to_pandas(columns=["a", "zz", "yy"])
    assert "zz" in str(ei.value) and "yy" in str(ei.value)


def test_to_pandas_range(tmp_path):
    path = tmp_path / "ds"
    df = one_row_rgs(path, 8)   # a = 0, 10, ..., 70
    opd = OrderedParquetDataset(path)

    def rows(**kw):
        return opd.to_pandas(**kw)

    pdt.assert_frame_equal(rows(start=20, end_excl=50), df.iloc[2:5].reset_index(drop=True))
    pdt.assert_frame_equal(rows(start=15), df.iloc[2:].reset_index(drop=True))
    pdt.assert_frame_equal(rows(end_excl=15), df.iloc[:2].reset_index(drop=True))
    pdt.assert_frame_equal(rows(start=0, end_excl=1), df.iloc[:1].reset_index(drop=True))
    pdt.assert_frame_equal(rows(end_excl=0), df.iloc[:0].reset_index(drop=True))  # 0 is a bound
    pdt.assert_frame_equal(rows(start=np.int64(70)), df.iloc[7:].reset_index(drop=True))
    pdt.assert_frame_equal(rows(start=40.0, end_excl=60.0), df.iloc[4:6].reset_index(drop=True))
    for s, e in ((50, 50), (60, 20)):
        out = rows(start=s, end_excl=e)
        assert len(out) == 0 and list(out.columns) == ["a", "b", "c"]
        pdt.assert_series_equal(out.dtypes, df.dtypes)
    out = opd[2:4].to_pandas(start=30, columns=["b"])
    pdt.assert_frame_equal(out, df[["b"]].iloc[3:4].reset_index(drop=True))


def test_to_pandas_range_prunes_row_groups(tmp_path):
    path = tmp_path / "ds"
    df = one_row_rgs(path, 8)
    opd = OrderedParquetDataset(path)
    ids = list(opd.row_group_stats["file_ids"])
    # Delete the files of rgs outside [20, 50): a pruned read never opens them.
    for i in (0, 1, 5, 6, 7):
        (path / f"file_{ids[i]:08d}.parquet").unlink()
    pdt.assert_frame_equal(opd.to_pandas(start=20, end_excl=50),
                           df.iloc[2:5].reset_index(drop=True))
    with pytest.raises(FileNotFoundError):
        opd.to_pandas()


def test_to_pandas_timestamp_bounds(tmp_path):
    path = tmp_path / "ds"
    df = pd.DataFrame({"ts": pd.date_range("2024-01-01", periods=6, freq="D"), "v": range(6)})
    write(path, ordered_on="ts", df=df, row_group_target_size=2)
    opd = OrderedParquetDataset(path)
    exp = df.iloc[1:3].reset_index(drop=True)
    pdt.assert_frame_equal(opd.to_pandas(start="2024-01-02", end_excl="2024-01-04"), exp)
    pdt.assert_frame_equal(opd.to_pandas(start=pd.Timestamp("2024-01-02"),
                                         end_excl=np.datetime64("2024-01-04")), exp)
    import datetime
    pdt.assert_frame_equal(opd.to_pandas(start=datetime.datetime(2024, 1, 2),
                                         end_excl=datetime.datetime(2024, 1, 4)), exp)
    with pytest.raises(TypeError):
        opd.to_pandas(start=pd.Timestamp("2024-01-02", tz="UTC"))


def test_to_pandas_text_bounds_on_tz_aware_column(tmp_path):
    # A text bound is read as a wall time in the column's zone, as pandas compares text with a
    # tz-aware column; a tz-naive Timestamp stays incomparable.
    path = tmp_path / "ds"
    df = pd.DataFrame({"ts": pd.date_range("2024-03-30", periods=6, freq="12h", tz="Europe/Paris"),
                       "v": range(6)})
    write(path, ordered_on="ts", df=df, row_group_target_size=2)
    opd = OrderedParquetDataset(path)
    exp = df[(df.ts >= "2024-03-31") & (df.ts < "2024-04-01 12:00")].reset_index(drop=True)
    assert len(exp) == 3
    pdt.assert_frame_equal(opd.to_pandas(start="2024-03-31", end_excl="2024-04-01 12:00"), exp)
    pdt.assert_frame_equal(opd.to_pandas(start="2024-03-30T23:00:00Z",
                                         end_excl="2024-04-01 12:00"), exp)
    with pytest.raises(TypeError, match="Europe/Paris"):
        opd.to_pandas(start="2024-03-31 02:30")  # skipped by the DST change
    with pytest.raises(TypeError):
        opd.to_pandas(start=pd.Timestamp("2024-03-31"))


def test_to_pandas_incomparable_bounds(tmp_path):
    path = tmp_path / "ds"
    write(path, ordered_on="a", df=df_ref(3))
    opd = OrderedParquetDataset(path)
    with pytest.raises(TypeError):
        opd.to_pandas(start="abc")
    with pytest.raises(TypeError):
        opd.to_pandas(end_excl=pd.Timestamp("2024-01-01"))
    path2 = tmp_path / "ds2"
    write(path2, ordered_on="b", df=df_ref(3))
    opd2 = OrderedParquetDataset(path2)
    pdt.assert_frame_equal(opd2.to_pandas(start="v1"), df_ref(3).iloc[1:].reset_index(drop=True))
    with pytest.raises(TypeError):
        opd2.to_pandas(start=1)


def test_to_pandas_no_rows(tmp_path):
    assert OrderedParquetDataset(tmp_path / "none").to_pandas().equals(pd.DataFrame())
    out = OrderedParquetDataset(tmp_path / "none").to_pandas()
    assert out.shape == (0, 0)
    path = tmp_path / "ds"
    df = df_ref(0)
    write(path, ordered_on="a", df=df)
    out = OrderedParquetDataset(path).to_pandas()
    assert list(out.columns) == ["a", "b", "c"] and len(out) == 0
    assert out["a"].dtype == np.int64 and out["c"].dtype == np.float64
    out = OrderedParquetDataset(path).to_pandas(columns=["c"])
    assert list(out.columns) == ["c"] and out["c"].dtype == np.float64
    # Empty view of a written dataset.
    p2 = tmp_path / "ds2"
    one_row_rgs(p2, 3)
    out = OrderedParquetDataset(p2)[3:].to_pandas()
    assert list(out.columns) == ["a", "b", "c"] and len(out) == 0
    assert out["a"].dtype == np.int64


# ---------------------------------------------------------------------------- write() (docs/behaviour.md#writing)

def test_write_method_example(tmp_path):
    df = pd.DataFrame({"timestamp": pd.date_range("2021-01-01 08:00", periods=8, freq="2h"),
                       "temperature": [8.5, 5.0, 7.0, 1.5, 3.0, 9.5, 4.0, 2.5]})
    opd = OrderedParquetDataset(tmp_path / "ds", ordered_on="timestamp")
    assert opd.write(df=df, row_group_target_size="1h", max_n_off_target_rgs=2,
                     duplicates_on="temperature") is None
    pdt.assert_frame_equal(opd.to_pandas(), df)
    assert len(opd) == 8


def test_write_method_ordered_on_rules(tmp_path):
    opd = OrderedParquetDataset(tmp_path / "ds")
    with pytest.raises(ValueError, match=msg("'ordered_on' parameter is required.")):
        opd.write(df=df_ref(2))
    assert opd.is_newly_initialized and not (tmp_path / "ds_opdmd").exists()
    opd.write(df=df_ref(2), ordered_on="a")
    assert opd.ordered_on == "a"
    with pytest.raises(ValueError, match=msg(
            "'ordered_on' parameter value 'b' does not match 'a' in record dataset.")):
        opd.write(df=df_ref(2), ordered_on="b")
    opd2 = OrderedParquetDataset(tmp_path / "ds2", ordered_on="a")
    with pytest.raises(ValueError, match=msg(
            "'ordered_on' parameter value 'b' does not match 'a' in record dataset.")):
        opd2.write(df=df_ref(2), ordered_on="b")
    with pytest.raises(TypeError):
        opd.write(df=df_ref(2), dirpath=tmp_path / "other")


# ---------------------------------------------------------------------------- removal (docs/behaviour.md#removal)

def test_remove_from_disk(tmp_path):
    path = tmp_path / "ds"
    write(path, ordered_on="a", df=df_ref(4), row_group_target_size=2,
          key_value_metadata={"k": "v"})
    opd = OrderedParquetDataset(path)
    other = OrderedParquetDataset(path)
    assert opd.remove_from_disk() is None
    assert len(opd) == 0 and opd.is_newly_initialized and opd.ordered_on == "a"
    assert opd.key_value_metadata == {}
    assert not (tmp_path / "ds_opdmd").exists() and not path.exists()
    assert len(other) == 0 and other.is_newly_initialized
    opd.remove_from_disk()  # second time: no-op
    OrderedParquetDataset(tmp_path / "never").remove_from_disk(release_lock=True)
    # The same handle writes again.
    opd.write(df=df_ref(2))
    pdt.assert_frame_equal(OrderedParquetDataset(path).to_pandas(), df_ref(2))
    assert OrderedParquetDataset(path).key_value_metadata == {}


def test_remove_preserve_metadata(tmp_path):
    path = tmp_path / "ds"
    write(path, ordered_on="a", df=df_ref(2), key_value_metadata={"k": "v", "x": "y"})
    opd = OrderedParquetDataset(path)
    opd.remove_from_disk(preserve_metadata=True)
    assert opd.key_value_metadata == {"k": "v", "x": "y"}
    assert opd.is_newly_initialized and not (tmp_path / "ds_opdmd").exists()
    assert OrderedParquetDataset(path).key_value_metadata == {}
    opd.write(df=df_ref(2), key_value_metadata={"x": None, "z": "w"})
    assert OrderedParquetDataset(path).key_value_metadata == {"k": "v", "z": "w"}


def test_remove_metadata_only_dataset(tmp_path):
    path = tmp_path / "ds"
    write(path, ordered_on="a", df=None, key_value_metadata={"a": "b"})
    assert (tmp_path / "ds_opdmd").exists() and not path.exists()
    OrderedParquetDataset(path).remove_from_disk()
    assert not (tmp_path / "ds_opdmd").exists()
    assert OrderedParquetDataset(path).is_newly_initialized


def test_remove_keeps_live_views(tmp_path):
    path = tmp_path / "ds"
    df = df_ref(4)
    write(path, ordered_on="a", df=df, row_group_target_size=2)
    opd = OrderedParquetDataset(path)
    view = opd[:]
    opd.remove_from_disk()
    assert len(view) == 2
    pdt.assert_frame_equal(view.to_pandas(), df)
    # A write after removal picks ids above any leftover file.
    opd.write(df=df_ref(2))
    ids = list(OrderedParquetDataset(path).row_group_stats["file_ids"])
    assert len(ids) == 1 and ids[0] >= 2  # files 0 and 1 were still there (live view)
    del view
