"""Threads (issue 18): use_threads=True (the default, the machine's cores) and
use_threads=False give the same frames, Arrow tables, chunks and files over the dtype
matrix, with row groups decoded in parallel (many rgs) and columns decoded in parallel
(one rg); and text columns whose dictionary overflowed mid-chunk (later pages PLAIN, as
pyarrow writes them with a small dictionary_pagesize_limit) read correctly on every
path: Arrow-backed str, object strings and categoricals."""
import os
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest

import oups
from oups import _pandas
from oups.store import OrderedParquetDataset, Store, toplevel, write

from conftest import rg_files
from test_dtypes import CASES

# Rows per case value: 138,000 rows, so that a read or write uses more than one thread (one
# per 65,536 rows at most: dataset/parallel_read.h).
REPEAT = 23_000


def matrix_frame(offset=0):
    """Every dtype of the matrix in one frame (but one, see below), each case's 6 values
    repeated REPEAT times, with an increasing ordered column."""
    n = len(next(iter(CASES.values()))) * REPEAT
    cols = {"o": np.arange(offset, offset + n, dtype="int64")}
    for name, s in CASES.items():
        if name == "arrow_timestamp_tz":
            # Its pandas conversion takes seconds at this size, and its core column (a
            # timestamp with a zone) is the one of datetime_Europe/Paris, also here.
            continue
        cols[name] = s.take(np.tile(np.arange(len(s)), REPEAT)).reset_index(drop=True)
    return pd.DataFrame(cols)


def assert_same(a, b):
    """Identical frames: labels, dtypes and every value (NaN/None/NaT in the same places)."""
    assert list(a.columns) == list(b.columns)
    assert a.dtypes.equals(b.dtypes)
    assert a.index.equals(b.index)
    for c in a.columns:
        assert a[c].equals(b[c]), c


# Many rgs (decoded in parallel), one rg (its columns decoded in parallel).
@pytest.mark.parametrize("target", [20_011, 1_000_000])
def test_same_frames_and_files_for_one_and_n_threads(tmp_path, target):
    df = matrix_frame()
    write(tmp_path / "one", ordered_on="o", df=df, row_group_target_size=target,
          use_threads=False)
    write(tmp_path / "many", ordered_on="o", df=df, row_group_target_size=target,
          use_threads=True)
    # The files written do not depend on the threads.
    names = rg_files(tmp_path / "one")
    assert names == rg_files(tmp_path / "many")
    assert len(names) == (1 if target > len(df) else -(-len(df) // target))
    for name in names:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "many" / name).read_bytes()
    opd = OrderedParquetDataset(tmp_path / "one")
    one = opd.to_pandas(use_threads=False)
    many = opd.to_pandas(use_threads=True)
    # The values written (checked in full by test_dtypes; here the first and last rows of
    # each case, assert_frame_equal being slow on object columns of this size) ...
    some = np.r_[0:600, len(df) - 600:len(df)]
    pdt.assert_frame_equal(one.iloc[some], df.iloc[some])
    # ... and the same frame for one and N threads (values and dtypes, every row).
    assert_same(many, one)
    # A range, a column subset, filters, a view, Arrow: the same either way.
    for kw in ({"start": 5_000, "end_excl": 125_000},
               {"columns": ["category_str", "str_default"]},
               {"filters": [("o", ">=", 100), ("int64", "!=", 0)]}):
        assert_same(opd.to_pandas(use_threads=True, **kw), opd.to_pandas(use_threads=False, **kw))
    view = opd[1:] if len(opd) > 1 else opd[0]
    assert_same(view.to_pandas(use_threads=True), view.to_pandas(use_threads=False))
    assert opd.to_arrow(use_threads=True).equals(opd.to_arrow(use_threads=False))


def test_threads_are_the_default_and_the_keyword_is_checked(tmp_path, monkeypatch):
    from oups import dataset
    seen = []
    real = dataset._num_threads

    def spy(use_threads):
        seen.append(real(use_threads))
        return seen[-1]
    monkeypatch.setattr(dataset, "_num_threads", spy)
    df = pd.DataFrame({"o": [1, 2, 3], "x": ["a", "b", "c"]})
    write(tmp_path / "ds", ordered_on="o", df=df)
    OrderedParquetDataset(tmp_path / "ds").to_pandas()
    assert seen == [os.cpu_count() or 1] * 2
    OrderedParquetDataset(tmp_path / "ds").to_pandas(use_threads=False)
    assert seen[-1] == 1
    with pytest.raises(TypeError, match="'use_threads' must be a bool"):
        OrderedParquetDataset(tmp_path / "ds").to_pandas(use_threads=2)


@toplevel
class K:
    name: str


def test_iter_intersections_same_chunks_for_one_and_n_threads(tmp_path):
    store = Store(tmp_path / "store", K)
    a, b = K("a"), K("b")
    store[a].write(ordered_on="o", df=matrix_frame(), row_group_target_size=20_011)
    store[b].write(ordered_on="o", df=matrix_frame(7)[["o", "object_str", "float64"]],
                   row_group_target_size=30_011)
    one = list(store.iter_intersections([a, b], start=2_000, n_prev=3, use_threads=False))
    many = list(store.iter_intersections([a, b], start=2_000, n_prev=3, use_threads=True))
    assert len(one) == len(many) > 3
    for c1, cn in zip(one, many):
        assert list(c1) == list(cn)
        for k in c1:
            assert_same(c1[k], cn[k])


# ------------------------------------------------------------- dictionary fallback pages

def fallback_dataset(tmp_path):
    """A dataset whose one rg file (written by pyarrow, recovered by the oups tool) holds
    text columns whose dictionary overflowed mid-chunk: dictionary-encoded pages first,
    PLAIN ones after. Returns (path, values) or skips without the tool."""
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    cli = os.environ.get("OUPS_CLI") or str(Path(oups.__file__).parents[2] / "tools" / "oups")
    if not Path(cli).is_file():
        pytest.skip(f"the oups tool is not built ({cli})")
    n = 20_000
    i = np.arange(n)
    # Few values first (dictionary pages), then many distinct ones (the dictionary
    # overflows its 2 KiB limit: the rest of the chunk is PLAIN), with nulls.
    values = np.where(i < 5_000, np.char.add("s", (i % 7).astype(str)),
                      np.char.add("distinct-", i.astype(str))).astype(object)
    values[i % 97 == 0] = None
    path = tmp_path / "ds"
    path.mkdir()
    pq.write_table(pa.table({"o": pa.array(i, pa.int64()),
                             "t": pa.array(values, pa.string()),
                             "b": pa.array([None if v is None else v.encode() for v in values],
                                           pa.binary())}),
                   path / "file_00000000.parquet", dictionary_pagesize_limit=2048,
                   data_page_size=4096, row_group_size=n, compression="snappy")
    # The chunk really mixes dictionary and PLAIN data pages.
    meta = pq.ParquetFile(path / "file_00000000.parquet").metadata.row_group(0).column(1)
    assert meta.has_dictionary_page and "PLAIN" in meta.encodings
    assert any(e in meta.encodings for e in ("RLE_DICTIONARY", "PLAIN_DICTIONARY"))
    r = subprocess.run([cli, "recover", str(path), "--ordered-on", "o"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return path, values


def test_dictionary_fallback_pages_read_on_every_path(tmp_path):
    path, values = fallback_dataset(tmp_path)
    want = pd.Series(values, dtype=object, name="t")
    opd = OrderedParquetDataset(path)
    snap = opd._snapshot()
    for threads in (1, 4):
        table = snap.read(None, None, None, threads, None)
        # Object strings (one str per distinct value).
        (_, kind, obj, valid) = table.columns()[1]
        assert kind[0] == "string" and valid is not None
        assert list(obj) == list(values)
        # Arrow buffers (offsets + bytes, no Python object), as pandas' str dtype.
        (_, _, (offsets, data), _) = table.columns(arrow_strings=["t"])[1]
        arrow = _pandas._arrow_string_pandas((offsets, data), valid, None)
        assert list(pd.Series(arrow).astype(object).where(pd.notna(arrow), None)) == \
            list(values)
        # Categorical, object and str frames through the stored details.
        for info, expect in (
                ({"dtype": "category", "categories": ["s3", "s1"], "ordered": False,
                  "cat_kind": "str"},
                 pd.Series(pd.Categorical(values, categories=["s3", "s1"] + [
                     v for v in pd.unique(want.dropna()) if v not in ("s3", "s1")]),
                     name="t")),
                ({"dtype": "object"}, want),
                ({"dtype": "str"}, want.astype("str"))):
            frame = _pandas.table_to_frame(
                table, {"pandas": {"columns": {"t": info}, "multiindex": None}})
            pdt.assert_series_equal(frame["t"], expect)
        # Binary: bytes objects.
        assert list(table.columns()[2][2]) == [None if v is None else v.encode()
                                               for v in values]
    # The public reads (natural dtypes after recovery: pandas' default text dtype).
    pdt.assert_series_equal(opd.to_pandas(use_threads=False)["t"], want.astype("str"))
    pdt.assert_series_equal(opd.to_pandas(use_threads=True, start=4_000)["t"],
                            want.iloc[4_000:].reset_index(drop=True).astype("str"))
    assert opd.to_arrow()["t"].to_pylist() == list(values)
