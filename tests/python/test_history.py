"""Versions, time travel, restore, retention and vacuum from Python and the CLI
(docs/python.md#versions-and-time-travel)."""
import json
import os
import subprocess

import pandas as pd
import pytest

from oups.store import OrderedParquetDataset, Store, toplevel, write


def frame(ts, px):
    return pd.DataFrame({"ts": pd.to_datetime(ts), "px": px})


def test_versions_frame_and_reads_as_of(tmp_path):
    path = tmp_path / "ds"
    write(path, ordered_on="ts", df=frame(["2024-01-01", "2024-01-02"], [1.0, 2.0]),
          keep_versions=5)
    write(path, ordered_on="ts", df=frame(["2024-01-03"], [3.0]))
    write(path, ordered_on="ts", key_value_metadata={"src": "feed"})
    ds = OrderedParquetDataset(path)
    v = ds.versions()
    assert v["version"].tolist() == [1, 2, 3]
    assert v["kind"].tolist() == ["write", "write", "metadata"]
    assert v["rows_added"].tolist() == [2, 1, 0]
    assert v["num_rows"].tolist() == [2, 3, 3]
    assert v["kv_changes"].tolist() == [{}, {}, {"src": "feed"}]
    assert isinstance(v["committed_at"].dtype, pd.DatetimeTZDtype)
    assert str(v["committed_at"].dtype.tz) == "UTC"
    assert v["restored_from"].isna().all()
    assert ds.to_pandas(as_of=1)["px"].tolist() == [1.0, 2.0]
    # By time: the version in force then (naive = UTC).
    t2 = v["committed_at"].iloc[1]
    assert OrderedParquetDataset(path, as_of=t2).num_rows == 3
    assert ds.to_pandas(as_of=t2.tz_localize(None))["px"].tolist() == [1.0, 2.0, 3.0]
    with pytest.raises(LookupError, match="readable versions are 1 to 3"):
        ds.to_pandas(as_of=7)
    with pytest.raises(LookupError, match="no readable version"):
        ds.to_pandas(as_of=pd.Timestamp("2000-01-01"))
    with pytest.raises(ValueError):
        ds.to_pandas(as_of=0)
    assert ds.write_settings == {"keep_versions": 5}


def test_as_of_handle_is_read_only_and_restore(tmp_path):
    path = tmp_path / "ds"
    write(path, ordered_on="ts", df=frame(["2024-01-01", "2024-01-02"], [1.0, 2.0]),
          keep_versions=4)
    write(path, ordered_on="ts", df=frame(["2024-01-02"], [-9.0]), duplicates_on="ts",
          key_value_metadata={"bad": "1"})
    old = OrderedParquetDataset(path, as_of=1)
    assert old.to_pandas()["px"].tolist() == [1.0, 2.0]
    assert old.key_value_metadata == {}
    for call in (lambda: old.write(df=None), old.remove_from_disk, lambda: old.restore(1)):
        with pytest.raises(PermissionError, match="read-only"):
            call()
    ds = OrderedParquetDataset(path)
    assert ds.restore(1) == 3
    assert ds.to_pandas()["px"].tolist() == [1.0, 2.0]
    assert ds.key_value_metadata == {}
    v = ds.versions()
    assert v["kind"].iloc[-1] == "restore" and v["restored_from"].iloc[-1] == 1
    assert old.to_pandas()["px"].tolist() == [1.0, 2.0]


def rg_files(path):
    return sorted(p.name for p in path.iterdir() if p.name.startswith("file_"))


def test_retention_and_vacuum_delete_only_unneeded_files(tmp_path):
    path = tmp_path / "ds"
    for i in range(6):
        # The same row each time: each write rewrites the row group.
        write(path, ordered_on="ts", df=frame(["2024-01-01"], [float(i)]),
              duplicates_on="ts", keep_versions=6)
    ds = OrderedParquetDataset(path)
    assert len(ds.versions()) == 6
    assert len(rg_files(path)) > len(ds)  # files of older versions are kept
    ds.write(keep_versions=1)
    res = ds.vacuum()
    assert ds.versions()["version"].tolist() == [7]
    assert len(rg_files(path)) == len(ds)
    assert res["files_kept_for_readers"] == 0
    with pytest.raises(ValueError, match="keep_versions"):
        ds.write(keep_versions=0)
    with pytest.raises(ValueError, match="keep_for"):
        ds.write(keep_for="soon")
    ds.write(keep_for="2h")
    assert ds.write_settings["keep_for"] == "2h"


def test_iter_intersections_as_of(tmp_path):
    @toplevel
    class Key:
        name: str

    store = Store(tmp_path, Key)
    a, b = Key("a"), Key("b")
    store[a].write(ordered_on="ts", df=frame(["2024-01-01", "2024-01-02"], [1.0, 2.0]),
                   keep_versions=3)
    t = OrderedParquetDataset(tmp_path / "a").versions()["committed_at"].iloc[-1]
    store[a].write(df=frame(["2024-01-03"], [3.0]))
    store[b].write(ordered_on="ts", df=frame(["2024-01-01"], [9.0]))  # created later
    chunks = list(store.iter_intersections([a, b], as_of=t))
    got = pd.concat([c[a] for c in chunks])
    assert got["px"].tolist() == [1.0, 2.0]
    assert all(b not in c for c in chunks)
    now = list(store.iter_intersections([a, b]))
    assert pd.concat([c[a] for c in now])["px"].tolist() == [1.0, 2.0, 3.0]
    with pytest.raises(TypeError, match="timestamp"):
        list(store.iter_intersections([a, b], as_of=1))


def cli():
    return os.environ.get("OUPS_CLI")


@pytest.mark.skipif(not cli(), reason="OUPS_CLI not set")
def test_cli_log_as_of_and_vacuum(tmp_path):
    path = tmp_path / "ds"
    write(path, ordered_on="ts", df=frame(["2024-01-01"], [1.0]), keep_versions=3)
    write(path, ordered_on="ts", df=frame(["2024-01-02"], [2.0]))
    out = subprocess.run([cli(), "log", str(path), "--json"], capture_output=True, text=True,
                         check=True).stdout
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["version"] for r in rows] == [1, 2]
    assert rows[1]["rows_added"] == 1
    text = subprocess.run([cli(), "log", str(path)], capture_output=True, text=True,
                          check=True).stdout
    assert "version 2  write" in text
    cat = subprocess.run([cli(), "cat", str(path), "--as-of", "1"], capture_output=True,
                         text=True, check=True).stdout
    assert [json.loads(line)["px"] for line in cat.splitlines()] == [1.0]
    bad = subprocess.run([cli(), "cat", str(path), "--as-of", "yesterday"], capture_output=True,
                         text=True)
    assert bad.returncode == 2 and "--as-of" in bad.stderr  # a usage error
    write(path, ordered_on="ts", df=None, keep_versions=1)
    vac = subprocess.run([cli(), "vacuum", str(path), "--json"], capture_output=True, text=True,
                         check=True).stdout
    assert json.loads(vac)["files_kept_for_readers"] == 0
    assert len(OrderedParquetDataset(path).versions()) == 1
