"""Remembered row-group layout (docs/behaviour.md#remembered-settings, docs/format.md
"write_settings"): `row_group_target_size` and `max_n_off_target_rgs` given to a write are stored
with the dataset and used by later writes that omit them, also from other processes; a value given
overrides and is stored; `duplicates_on` stays per write."""
import json
import os
import subprocess
import sys
import textwrap

import pandas as pd
import pyarrow.parquet as pq
import pytest

import oups
from oups.store import OrderedParquetDataset, write

from conftest import msg


def stored_settings(path):
    """The "write_settings" member of the dataset's metadata, read with pyarrow."""
    meta = pq.read_schema(f"{path}_opdmd").metadata
    return json.loads(meta[b"oups"]).get("write_settings")


def run(code, *args):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code), *map(str, args)],
                         capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr


def monthly(start, periods):
    ts = pd.date_range(start, periods=periods, freq="MS")
    return pd.DataFrame({"ts": ts, "v": range(periods)})


def test_target_remembered_across_processes(tmp_path):
    path = tmp_path / "ds"
    run("""
        import sys, pandas as pd
        from oups.store import write
        ts = pd.date_range("2024-01-01", periods=3, freq="MS")
        write(sys.argv[1], ordered_on="ts", df=pd.DataFrame({"ts": ts, "v": [0, 1, 2]}),
              row_group_target_size="MS")
    """, path)
    assert stored_settings(path) == {"row_group_target_size": "MS"}
    run("""
        import sys, pandas as pd
        from oups.store import write
        ts = pd.to_datetime(["2024-04-03", "2024-05-07", "2024-05-08"])
        write(sys.argv[1], ordered_on="ts", df=pd.DataFrame({"ts": ts, "v": [3, 4, 5]}))
    """, path)
    ds = OrderedParquetDataset(path)
    # One row group per month (the default target would have made [1, 1, 1, 3]).
    assert ds.row_group_stats["n_rows"].tolist() == [1, 1, 1, 1, 2]
    assert stored_settings(path) == {"row_group_target_size": "MS"}


def test_given_value_overrides_and_is_stored(tmp_path):
    path = tmp_path / "ds"
    write(path, ordered_on="a", df=pd.DataFrame({"a": [1, 2]}), row_group_target_size=2)
    write(path, ordered_on="a", df=pd.DataFrame({"a": [3, 4, 5]}), row_group_target_size=3)
    assert stored_settings(path) == {"row_group_target_size": 3}
    write(path, ordered_on="a", df=pd.DataFrame({"a": range(6, 12)}))
    assert OrderedParquetDataset(path).row_group_stats["n_rows"].tolist() == [2, 3, 3, 3]


def test_defaults_when_never_given(tmp_path):
    path = tmp_path / "ds"
    write(path, ordered_on="a", df=pd.DataFrame({"a": range(5)}))
    assert stored_settings(path) is None
    assert len(OrderedParquetDataset(path)) == 1
    assert oups.store.OrderedParquetDataset is OrderedParquetDataset
    from oups import dataset
    assert dataset.DEFAULT_ROW_GROUP_TARGET_SIZE == 6_345_000


def test_timedelta_target_is_stored_in_nanoseconds(tmp_path):
    path = tmp_path / "ds"
    ts = pd.date_range("2024-01-01", periods=4, freq="3h")
    write(path, ordered_on="ts", df=pd.DataFrame({"ts": ts}),
          row_group_target_size=pd.Timedelta("6h"))
    assert stored_settings(path) == {"row_group_target_size": f"{6 * 3600 * 10**9}ns"}
    write(path, ordered_on="ts", df=pd.DataFrame({"ts": ts + pd.Timedelta("12h")}))
    assert OrderedParquetDataset(path).row_group_stats["n_rows"].tolist() == [2, 2, 2, 2]


def test_many_small_appends_coalesce_when_given_once(tmp_path):
    path = tmp_path / "ds"
    write(path, ordered_on="a", df=pd.DataFrame({"a": [0]}), row_group_target_size=50,
          max_n_off_target_rgs=2)
    handle = OrderedParquetDataset(path)
    for i in range(1, 200):
        handle.write(df=pd.DataFrame({"a": [i]}))
    ds = OrderedParquetDataset(path)
    assert ds.to_pandas()["a"].tolist() == list(range(200))
    assert len(ds) <= 8  # 200 without the remembered setting
    assert stored_settings(path) == {"row_group_target_size": 50, "max_n_off_target_rgs": 2}


def test_max_n_off_none_given_is_stored_and_turns_coalescing_off(tmp_path):
    path = tmp_path / "ds"
    write(path, ordered_on="a", df=pd.DataFrame({"a": [0]}), row_group_target_size=10,
          max_n_off_target_rgs=1)
    write(path, ordered_on="a", df=pd.DataFrame({"a": [1]}), max_n_off_target_rgs=None)
    assert stored_settings(path) == {"row_group_target_size": 10, "max_n_off_target_rgs": None}
    n = len(OrderedParquetDataset(path))
    for i in range(2, 6):
        write(path, ordered_on="a", df=pd.DataFrame({"a": [i]}))
    assert len(OrderedParquetDataset(path)) == n + 4


def test_duplicates_on_is_not_remembered(tmp_path):
    path = tmp_path / "ds"
    write(path, ordered_on="a", df=pd.DataFrame({"a": [1, 2], "b": [1, 2]}), duplicates_on="a")
    write(path, ordered_on="a", df=pd.DataFrame({"a": [2], "b": [3]}))
    assert OrderedParquetDataset(path).to_pandas()["b"].tolist() == [1, 2, 3]
    assert stored_settings(path) is None


def test_metadata_only_write_stores_settings(tmp_path):
    path = tmp_path / "ds"
    write(path, ordered_on="a", df=None, row_group_target_size=2)
    write(path, ordered_on="a", df=pd.DataFrame({"a": [1, 2, 3]}))
    assert OrderedParquetDataset(path).row_group_stats["n_rows"].tolist() == [2, 1]


@pytest.mark.parametrize("kwargs, exc, text", [
    ({"row_group_target_size": 0}, ValueError, "'row_group_target_size' must be >= 1, not 0."),
    ({"row_group_target_size": -3}, ValueError, "'row_group_target_size' must be >= 1, not -3."),
    ({"max_n_off_target_rgs": 0}, ValueError, "'max_n_off_target_rgs' cannot be 0."),
    ({"max_n_off_target_rgs": -1}, ValueError, "'max_n_off_target_rgs' must be >= 1, not -1."),
    ({"row_group_target_size": True}, TypeError, "'row_group_target_size' must be an int"),
    ({"max_n_off_target_rgs": 1.5}, TypeError, "'max_n_off_target_rgs' must be an int or None"),
])
def test_invalid_values_refused_and_nothing_stored(tmp_path, kwargs, exc, text):
    path = tmp_path / "ds"
    write(path, ordered_on="a", df=pd.DataFrame({"a": [1, 2]}), row_group_target_size=2)
    with pytest.raises(exc, match=msg(text)):
        write(path, ordered_on="a", df=pd.DataFrame({"a": [3]}), **kwargs)
    assert stored_settings(path) == {"row_group_target_size": 2}
    assert OrderedParquetDataset(path).num_rows == 2


def test_write_settings_property_shows_what_is_stored(tmp_path):
    """The property mirrors the stored member (read with pyarrow), on datasets and views."""
    path = tmp_path / "ds"
    write(path, ordered_on="ts", df=monthly("2024-01-01", 6))
    ds = OrderedParquetDataset(path)
    assert ds.write_settings == {} and stored_settings(path) is None
    write(path, ordered_on="ts", df=monthly("2024-07-01", 3), row_group_target_size=2,
          max_n_off_target_rgs=3)
    assert ds.write_settings == {"row_group_target_size": 2, "max_n_off_target_rgs": 3}
    assert stored_settings(path) == {"row_group_target_size": 2, "max_n_off_target_rgs": 3}
    assert ds[0].write_settings == ds.write_settings
    write(path, ordered_on="ts", df=monthly("2024-10-01", 1), row_group_target_size="QS",
          max_n_off_target_rgs=None)
    assert ds.write_settings == {"row_group_target_size": "QS", "max_n_off_target_rgs": None}
    write(path, ordered_on="ts", df=monthly("2024-11-01", 1),
          row_group_target_size=pd.Timedelta("30D"))
    assert ds.write_settings == {"row_group_target_size": pd.Timedelta("30D"),
                                 "max_n_off_target_rgs": None}
