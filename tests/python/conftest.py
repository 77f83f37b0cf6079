"""Shared fixtures and helpers of the oups pytest suite (docs/behaviour.md through the Python API).

The suite imports the built package: run it with PYTHONPATH pointing at the build's python
directory, e.g. ``PYTHONPATH=build-py/python /usr/bin/python3 -m pytest -q tests/python``.
Nothing here uses the network or files outside the temporary directories pytest creates.
"""
import os
import re
from pathlib import Path

import pandas as pd
import pytest

import oups  # noqa: F401  (fails the whole session early when the package is not importable)
from oups.store import OrderedParquetDataset, write

HERE = Path(__file__).resolve().parent


def msg(text):
    """Regex matching `text` literally at the start of an exception message."""
    return "^" + re.escape(text)


def write_rgs(dirpath, df, ordered_on, offsets, **kwargs):
    """Builds a dataset whose row groups are df[offsets[k]:offsets[k+1]] (last one to the end).

    Each slice is appended by its own write with a row-group target equal to its length and no
    de-duplication: a pure append of rows >= the last stored max forms an orphan OAR that is
    written as one rg (without de-duplication a value equal to the max goes after the rg: docs/behaviour.md#merge).
    """
    bounds = list(offsets) + [len(df)]
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        assert hi > lo, "empty row group requested"
        write(dirpath, ordered_on=ordered_on, df=df.iloc[lo:hi], row_group_target_size=hi - lo,
              **kwargs)
    return OrderedParquetDataset(dirpath)


def rg_frames(opd):
    """The row groups of a dataset as a list of DataFrames (RangeIndex each)."""
    return [rg.to_pandas() for rg in opd]


def rg_files(dirpath):
    """Sorted names of the row-group files present in a dataset directory."""
    p = Path(dirpath)
    if not p.is_dir():
        return []
    return sorted(f.name for f in p.iterdir() if f.name.endswith(".parquet"))


@pytest.fixture
def ts_df():
    """8 rows, two-hourly timestamps (the write example of docs/behaviour.md#writing)."""
    return pd.DataFrame({
        "timestamp": pd.date_range("2021-01-01 08:00", periods=8, freq="2h"),
        "temperature": [8.5, 5.0, 7.0, 1.5, 3.0, 9.5, 4.0, 2.5],
        "city": ["a", "b", "c", "d", "e", "f", "g", "h"],
    })


def pytest_report_header(config):
    return f"oups {getattr(oups, '__version__', '?')} from {Path(oups.__file__).parent}; " \
           f"pandas {pd.__version__}; PYTHONPATH={os.environ.get('PYTHONPATH', '')}"


def assert_no_dataset(parent, name="ds"):
    """Nothing of dataset `name` exists under `parent` (metadata file, directory)."""
    parent = Path(parent)
    assert not (parent / f"{name}_opdmd").exists()
    assert not (parent / name).exists()
