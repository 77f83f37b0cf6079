"""oups.dask on a real multi-process LocalCluster (GitHub issue 15): reads equal to_pandas() on
datasets whose row groups share boundary values, loc on a boundary value, divisions planned from
the metadata alone (the row-group directory is moved away while planning), a writer committing
during a compute (the planned state is read, its files kept by the client's registration),
parallel multi-key writes and map_intersections with a key class pickled by value (defined in a
``__main__`` namespace), equal to the sequential iter_intersections run.

One cluster (2 worker processes, 1 thread each) for the whole module."""
import gc
import os
import subprocess
import sys
import textwrap
import threading

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest

distributed = pytest.importorskip("distributed")
dd = pytest.importorskip("dask.dataframe")

import dask  # noqa: E402

import oups.dask as od  # noqa: E402
from oups.store import OrderedParquetDataset, Store, write  # noqa: E402

from conftest import rg_files, write_rgs  # noqa: E402


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(processes=True, n_workers=2, threads_per_worker=1,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as c:
        yield c


def main_key_class(name="SymYear"):
    """A @toplevel class defined in a namespace named __main__: cloudpickle sends it by value
    (as for a script's or a notebook's classes), so workers rebuild it (issue 15 defect 1)."""
    ns = {"__name__": "__main__"}
    exec(textwrap.dedent(f"""
        from oups.store import toplevel

        @toplevel
        class {name}:
            symbol: str
            year: int
        """), ns)
    cls = ns[name]
    assert cls.__module__ == "__main__"
    return cls


def shared_boundary_frame(n=60):
    """Rows whose ordered values repeat at the row-group boundaries of OFFSETS."""
    ts = (pd.Timestamp("2024-01-01") + pd.to_timedelta(np.arange(n), unit="min")).to_numpy().copy()
    # boundary values repeated at the offsets of SHARED: rows k-1 and k equal
    for k in SHARED:
        ts[k] = ts[k - 1]
    ts = np.maximum.accumulate(ts)
    return pd.DataFrame({"ts": ts, "v": np.arange(n, dtype="float64"),
                         "s": [f"r{i}" for i in range(n)],
                         "q": np.arange(n, dtype="int32") % 7})


OFFSETS = [0, 7, 13, 20, 21, 30, 41, 50]  # rg 3 is [20, 21): one row, shared on both sides
SHARED = [13, 20, 21, 41]


@pytest.fixture
def shared_ds(tmp_path):
    df = shared_boundary_frame()
    opd = write_rgs(tmp_path / "ds", df, "ts", OFFSETS)
    st = opd.row_group_stats
    shared = (st["ordered_on_maxs"].iloc[:-1].to_numpy() == st["ordered_on_mins"].iloc[1:]
              .to_numpy())
    assert shared.sum() == 4, st  # the dataset really has shared boundary values
    return opd


def check_partitions(ddf, partitions):
    """Each partition's index lies within its divisions, no value in two partitions."""
    divs = ddf.divisions
    assert all(a < b for a, b in zip(divs[:-2], divs[1:-1])), divs
    for i, p in enumerate(partitions):
        if len(p):
            assert p.index.min() >= divs[i]
            assert p.index.max() < divs[i + 1] if i + 2 < len(divs) else \
                p.index.max() <= divs[i + 1]


@pytest.mark.parametrize("partition_rows", [1, 10, 25, 10**6])
def test_read_equals_to_pandas_shared_boundaries(client, shared_ds, partition_rows):
    ddf = od.read_dataset(shared_ds, partition_rows=partition_rows)
    assert ddf.known_divisions
    expected = shared_ds.to_pandas().set_index("ts")
    got = ddf.compute()
    pdt.assert_frame_equal(got, expected)
    parts = client.compute(ddf.to_delayed(), sync=True)
    check_partitions(ddf, parts)
    if partition_rows == 1:
        # one partition per run of row groups chained by shared boundary values
        st = shared_ds.row_group_stats
        breaks = (st["ordered_on_maxs"].iloc[:-1].to_numpy()
                  != st["ordered_on_mins"].iloc[1:].to_numpy()).sum()
        assert ddf.npartitions == breaks + 1
    if partition_rows == 10**6:
        assert ddf.npartitions == 1


def test_read_columns_and_range(client, shared_ds):
    st = shared_ds.row_group_stats
    start, end = st["ordered_on_mins"].iloc[2], st["ordered_on_maxs"].iloc[5]
    ddf = od.read_dataset(shared_ds, columns=["v", "s"], start=start, end_excl=end,
                          partition_rows=1)
    expected = shared_ds.to_pandas(columns=["ts", "v", "s"], start=start,
                                   end_excl=end).set_index("ts")
    pdt.assert_frame_equal(ddf.compute(), expected)
    # column projection pushed into the reader
    pdt.assert_frame_equal(ddf[["s"]].compute(), expected[["s"]])
    # string bounds, as to_pandas takes them
    ddf = od.read_dataset(shared_ds.dirpath, start="2024-01-01 00:15", partition_rows=1)
    pdt.assert_frame_equal(
        ddf.compute(), shared_ds.to_pandas(start="2024-01-01 00:15").set_index("ts"))
    # nothing in range: one empty partition
    empty = od.read_dataset(shared_ds, start="2030-01-01").compute()
    assert len(empty) == 0 and list(empty.columns) == ["v", "s", "q"]


def test_read_with_filters(client, shared_ds, tmp_path):
    """filters= as to_pandas takes them: on any column, OR of ANDs, with a range."""
    st = shared_ds.row_group_stats
    start = st["ordered_on_mins"].iloc[1]
    for filters in ([("v", ">", 10.0)], [("s", "in", ["r3", "r17", "r44"])],
                    [[("v", "<", 5.0)], [("q", ">=", 6)]]):
        ddf = od.read_dataset(shared_ds, columns=["v"], start=start, partition_rows=1,
                              filters=filters)
        expected = shared_ds.to_pandas(columns=["ts", "v"], start=start,
                                       filters=filters).set_index("ts")
        assert 0 < len(expected) < len(shared_ds.to_pandas(start=start)), filters
        pdt.assert_frame_equal(ddf.compute(), expected)
    with pytest.raises(KeyError):
        od.read_dataset(shared_ds, filters=[("nope", "==", 1)])
    # The planned files read by path (a writer rewrote them since the plan): same rows.
    n = 1000
    df = pd.DataFrame({"ts": np.arange(n, dtype="int64"), "v": np.arange(n, dtype="float64")})
    path = tmp_path / "ds_rewritten"
    write_rgs(path, df, "ts", [0, 300, 600, 900, 950])
    filters = [("v", ">=", 940.0)]
    planned = OrderedParquetDataset(path).to_pandas(filters=filters).set_index("ts")
    ddf = od.read_dataset(path, partition_rows=1, filters=filters)
    more = pd.DataFrame({"ts": np.arange(n, n + 120, dtype="int64"), "v": -1.0})
    write(path, ordered_on="ts", df=more, row_group_target_size=300, max_n_off_target_rgs=2)
    pdt.assert_frame_equal(ddf.compute(), planned)


def test_loc_on_boundary_value(client, shared_ds):
    expected = shared_ds.to_pandas().set_index("ts")
    ddf = od.read_dataset(shared_ds, partition_rows=1)
    st = shared_ds.row_group_stats
    for k in range(1, len(st)):
        v = st["ordered_on_mins"].iloc[k]
        if v != st["ordered_on_maxs"].iloc[k - 1]:
            continue
        got = ddf.loc[v].compute()
        want = expected.loc[[v]]
        assert len(want) >= 2
        pdt.assert_frame_equal(got, want)
    a, b = st["ordered_on_mins"].iloc[1], st["ordered_on_maxs"].iloc[4]
    pdt.assert_frame_equal(ddf.loc[a:b].compute(), expected.loc[a:b])


def test_divisions_planned_without_reading_data(client, shared_ds, tmp_path):
    """Planning opens no row-group file: with the row-group directory moved away (only the
    metadata file and the lock files remain) the plan is made and exact."""
    data_dir = shared_ds.dirpath
    away = tmp_path / "away"
    expected = shared_ds.to_pandas().set_index("ts")
    os.rename(data_dir, away)
    try:
        ddf = od.read_dataset(data_dir, partition_rows=10)
        divisions, n = ddf.divisions, ddf.npartitions
    finally:
        os.rename(away, data_dir)
    st = shared_ds.row_group_stats
    assert divisions[0] == st["ordered_on_mins"].iloc[0]
    assert divisions[-1] == st["ordered_on_maxs"].iloc[-1]
    assert set(divisions[:-1]) <= set(st["ordered_on_mins"])
    assert n > 1
    pdt.assert_frame_equal(ddf.compute(), expected)


def test_writer_commits_during_compute(client, tmp_path):
    """The planned state is what every partition reads, whatever writers commit: rewritten
    row groups are read from their planned files, which the client's registration keeps until
    the collection is released; the next write then sweeps them."""
    n = 4000
    df = pd.DataFrame({"ts": np.arange(n, dtype="int64") * 10,
                       "v": np.arange(n, dtype="float64")})
    path = tmp_path / "ds"
    write_rgs(path, df, "ts", list(range(0, n, 250)))
    opd = OrderedParquetDataset(path)
    planned = opd.to_pandas().set_index("ts")
    planned_files = set(rg_files(path))
    ddf = od.read_dataset(path, partition_rows=500)
    assert ddf.npartitions == 8
    # a commit before the compute rewrites every row group (rows merged into each of them)
    late = pd.DataFrame({"ts": np.arange(0, n * 10, 250, dtype="int64") + 5,
                         "v": -1.0})
    write(path, ordered_on="ts", df=late, row_group_target_size=300)
    assert not planned_files & {f"file_{i:08d}.parquet"
                                for i in opd.row_group_stats["file_ids"]}
    # and writers keep committing while it runs
    stop = threading.Event()

    def writer():
        k = 0
        while not stop.is_set() and k < 50:
            extra = pd.DataFrame({"ts": np.array([k * 797 + 3], dtype="int64"), "v": -2.0})
            write(path, ordered_on="ts", df=extra, row_group_target_size=300)
            k += 1

    t = threading.Thread(target=writer)
    t.start()
    try:
        got = ddf.compute()
    finally:
        stop.set()
        t.join()
    pdt.assert_frame_equal(got, planned)
    assert planned_files <= set(rg_files(path))  # kept by the registration of `ddf`
    del ddf
    gc.collect()
    write(path, ordered_on="ts", df=df.iloc[:0])  # a write with the pin released sweeps
    assert not planned_files & set(rg_files(path))
    # a fresh plan reads the new state
    pdt.assert_frame_equal(od.read_dataset(path).compute(),
                           opd.to_pandas().set_index("ts"))


def test_append_after_plan_mixes_kept_and_rewritten_row_groups(client, tmp_path):
    """An append that coalesces the tail: the kept row groups are read through the worker's
    own snapshot, the rewritten tail from its planned files; the result is the planned
    state."""
    n = 1000
    df = pd.DataFrame({"ts": np.arange(n, dtype="int64"), "v": np.arange(n, dtype="float64")})
    path = tmp_path / "ds"
    write_rgs(path, df, "ts", [0, 300, 600, 900, 950])
    opd = OrderedParquetDataset(path)
    planned = opd.to_pandas().set_index("ts")
    before = list(opd.row_group_stats["file_ids"])
    ddf = od.read_dataset(path, partition_rows=1)
    assert ddf.npartitions == 5
    more = pd.DataFrame({"ts": np.arange(n, n + 120, dtype="int64"), "v": -1.0})
    write(path, ordered_on="ts", df=more, row_group_target_size=300, max_n_off_target_rgs=2)
    after = list(opd.row_group_stats["file_ids"])
    assert before[:3] == after[:3] and not set(before[3:]) & set(after)  # kept / rewritten
    pdt.assert_frame_equal(ddf.compute(), planned)


def test_planned_file_gone_is_an_error(client, tmp_path):
    df = pd.DataFrame({"ts": np.arange(100, dtype="int64"), "v": np.arange(100.0)})
    path = tmp_path / "ds"
    write_rgs(path, df, "ts", [0, 50])
    ddf = od.read_dataset(path, partition_rows=10)
    # the plan travels without its pin (as if built in another process and released here)
    import cloudpickle
    parts = ddf.to_delayed()
    graph_only = cloudpickle.loads(cloudpickle.dumps(parts))
    del ddf, parts
    gc.collect()
    write(path, ordered_on="ts", df=pd.DataFrame({"ts": np.array([10, 60]), "v": -1.0}),
          row_group_target_size=1000)
    with pytest.raises(od.StateChanged, match="of the planned state is gone"):
        dask.compute(*graph_only)


def test_read_store_dict_and_concat(client, tmp_path):
    SymYear = main_key_class()
    store = Store(tmp_path / "store", SymYear)
    frames = {}
    for i, sym in enumerate(["AAA", "BBB", "CCC"]):
        k = SymYear(sym, 2024)
        df = pd.DataFrame({"ts": np.arange(i, 300, 3, dtype="int64"),
                           "px": np.arange(100, dtype="float64") + i})
        store[k].write(ordered_on="ts", df=df, row_group_target_size=40)
        frames[k] = df
    out = od.read_store(store, partition_rows=1)
    assert set(out) == set(frames)
    for k, ddf in out.items():
        pdt.assert_frame_equal(ddf.compute(), frames[k].set_index("ts"))
    one = od.read_store(store, concat=True).compute()
    assert list(one.columns) == ["px", "symbol", "year"]
    for k, df in frames.items():
        sub = one[one["symbol"] == k.symbol]
        assert (sub["year"] == 2024).all()
        pdt.assert_frame_equal(sub[["px"]], df.set_index("ts"))


def test_write_many_parallel(client, tmp_path):
    SymYear = main_key_class()
    store = Store(tmp_path / "store", SymYear)
    rng = np.random.default_rng(1)
    frames = {}
    for i in range(8):
        ts = np.sort(rng.integers(0, 10**6, 2000))
        frames[SymYear(f"S{i:02d}", 2024)] = pd.DataFrame(
            {"ts": ts, "px": rng.normal(size=2000), "n": np.arange(2000, dtype="int64")})
    frames[SymYear("S03", 2024)] = dd.from_pandas(frames[SymYear("S03", 2024)],
                                                   npartitions=3)  # a Dask frame as data
    written = od.write_many(store, frames, ordered_on="ts", row_group_target_size=500)
    assert sorted(written) == sorted(str(k) for k in frames)
    assert sorted(map(str, store.keys)) == sorted(written)
    for k, df in frames.items():
        if isinstance(df, dd.DataFrame):
            df = df.compute()
        got = store[k].to_pandas()
        pdt.assert_frame_equal(got, df.reset_index(drop=True))
        assert len(store[k]) == 4
    # a second round merges into every key in parallel (each a normal locked write)
    more = {k: pd.DataFrame({"ts": np.array([5, 10**6 + 5]), "px": [0.0, 1.0],
                             "n": np.array([-1, -2])}) for k in frames}
    od.write_many(store, more, ordered_on="ts", row_group_target_size=500)
    for k in frames:
        assert len(store[k].to_pandas()) == 2002


def demo_store(path, SymYear, n_symbols=3):
    """Hourly bars of a year per instrument, with random gaps, 700-row row groups."""
    store = Store(path, SymYear)
    rng = np.random.default_rng(7)
    hours = pd.date_range("2025-01-01", "2026-01-01", freq="h", inclusive="left", unit="ns")
    keys = []
    for i in range(n_symbols):
        ts = hours[rng.random(len(hours)) > 0.05 * (i + 1)]
        close = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, len(ts))))
        k = SymYear(f"SYM{i}", 2025)
        store[k].write(ordered_on="ts", df=pd.DataFrame({"ts": ts, "close": close}),
                       row_group_target_size=700)
        keys.append(k)
    return store, keys


def returns(chunks):
    """Per-instrument returns close_t / close_(t-1) - 1 of the rows in [start, end_excl) of
    the slice; the warm-up row (n_prev=1) gives the first row its previous close."""
    last, out = {}, {}
    for chunk in chunks:
        for k, df in chunk.items():
            if df.empty:
                continue
            prev = np.concatenate([[last.get(k, np.nan)], df["close"].to_numpy()[:-1]])
            r = pd.Series(df["close"].to_numpy() / prev - 1, index=df["ts"].to_numpy())
            last[k] = df["close"].iloc[-1]
            if chunks.start is not None:
                r = r[r.index >= chunks.start]
            out.setdefault(str(k), []).append(r)
    return {k: pd.concat(v) for k, v in out.items()}


def combine(results):
    out = {}
    for res in results:
        for k, s in res.items():
            out.setdefault(k, []).append(s)
    return {k: pd.concat(v) for k, v in out.items()}


@pytest.mark.parametrize("splits", ["MS", 5])
def test_map_intersections_equals_sequential(client, tmp_path, splits):
    SymYear = main_key_class("Bars")
    store, keys = demo_store(tmp_path / "store", SymYear)
    start, end = pd.Timestamp("2025-01-01"), pd.Timestamp("2026-01-01")
    seq = returns(od.SliceChunks(store.iter_intersections(keys, start=start, n_prev=1,
                                                          end_excl=end), 0, start, end))
    par = od.map_intersections(store, keys, returns, start=start, end_excl=end, n_prev=1,
                               splits=splits)
    assert len(par) == (12 if splits == "MS" else 5)
    par = combine(par)
    assert set(par) == set(seq)
    for k in seq:
        pdt.assert_series_equal(par[k], seq[k])
        assert par[k].index.is_unique and len(par[k]) > 8000 * 0.8
    # without bounds: slices over the keys' whole range (from the metadata)
    seq_all = returns(od.SliceChunks(store.iter_intersections(keys, n_prev=1), 0, None, None))
    par_all = combine(od.map_intersections(store, keys, returns, n_prev=1, splits=splits))
    for k in seq_all:
        pdt.assert_series_equal(par_all[k], seq_all[k])


def test_map_intersections_state_changed(client, tmp_path):
    SymYear = main_key_class()
    store, keys = demo_store(tmp_path / "store", SymYear, n_symbols=2)
    tasks = od.map_intersections(store, keys, returns, n_prev=1, splits=3, compute=False)
    store[keys[0]].write(ordered_on="ts", df=pd.DataFrame(
        {"ts": pd.DatetimeIndex(["2025-06-01 00:30"]).as_unit("ns"), "close": [1.0]}))
    with pytest.raises(od.StateChanged, match="a writer committed to key 'SYM0-2025'"):
        dask.compute(*tasks)
    # check_state=False: each slice reads the state committed when it runs
    res = od.map_intersections(store, keys, returns, n_prev=1, splits=3, check_state=False)
    assert len(res) == 3


def test_importing_oups_does_not_import_dask():
    code = ("import sys, oups, oups.store, oups.dataset, oups.indexer; "
            "assert not [m for m in sys.modules if m == 'dask' or m.startswith('dask.')], "
            "sorted(m for m in sys.modules if 'dask' in m)")
    subprocess.run([sys.executable, "-c", code], check=True, env=dict(os.environ))


# ------------------------------------------------------------------ staged one-key writes
def ticks(start, n, seed=3):
    """n sorted ticks from `start` (a few equal timestamps in a row), three dtypes."""
    rng = np.random.default_rng(seed)
    ts = pd.Timestamp("2025-01-01", tz="UTC") + pd.to_timedelta(
        start + np.sort(rng.integers(0, 4 * n, n)), unit="s")
    return pd.DataFrame({"ts": ts, "px": rng.normal(size=n),
                         "side": rng.choice(["b", "s"], n),
                         "qty": rng.integers(1, 100, n).astype("int32")})


def staging_entries(path):
    d = path / "_staging"
    return sorted(os.listdir(d)) if d.exists() else []


def test_write_dataset_equals_sequential_write(client, tmp_path):
    first, rest = ticks(0, 3000, seed=1), ticks(20_000, 50_000, seed=2)
    seq = OrderedParquetDataset(tmp_path / "seq", ordered_on="ts")
    seq.write(df=first, row_group_target_size=4000)
    seq.write(df=rest, row_group_target_size=4000)

    SymYear = main_key_class()
    store = Store(tmp_path / "store", SymYear)
    key = SymYear("ABC", 2025)
    store[key].write(ordered_on="ts", df=first, row_group_target_size=4000)
    # Partitions cut inside runs of equal timestamps: boundaries shared between parts.
    ddf = dd.from_pandas(rest, npartitions=7, sort=False)
    n = od.write_dataset(ddf, store, key=key, key_value_metadata={"source": "dask"})
    assert n == len(rest)
    got = store[key].to_pandas()
    pdt.assert_frame_equal(got, seq.to_pandas())
    pdt.assert_frame_equal(got, pd.concat([first, rest], ignore_index=True))
    assert store[key].key_value_metadata == {"source": "dask"}
    # The remembered target (4000) applied in every partition: 7 parts of about 7,143
    # rows give two row groups each.
    assert len(store[key]) == 1 + 14
    assert staging_entries(tmp_path / "store" / "ABC-2025") == []
    assert len(rg_files(tmp_path / "store" / "ABC-2025")) == len(store[key])

    # A new dataset (by path), from partitions of a pandas frame with an index.
    new = tmp_path / "new"
    ddf = dd.from_pandas(rest.set_index("qty"), npartitions=3, sort=False)
    od.write_dataset(ddf, new, ordered_on="ts", row_group_target_size=20_000)
    # (Dask turns the strings into its own string dtype: compared with its partitions.)
    pdt.assert_frame_equal(OrderedParquetDataset(new).to_pandas(), ddf.compute())


def test_write_dataset_refuses_parts_out_of_order_or_overlapping(client, tmp_path):
    path = tmp_path / "ds"
    ds = OrderedParquetDataset(path, ordered_on="ts")
    ds.write(df=ticks(0, 1000))
    before = ds.to_pandas()
    a, b = ticks(10_000, 2000, seed=4), ticks(20_000, 2000, seed=5)
    cases = {
        "out of order": pd.concat([b, a], ignore_index=True),
        "overlap": pd.concat([a, ticks(10_500, 2000, seed=6)], ignore_index=True),
        "only appends": pd.concat([ticks(100, 2000, seed=7), b], ignore_index=True),
    }
    for what, frame in cases.items():
        ddf = dd.from_pandas(frame, npartitions=2, sort=False)
        with pytest.raises(ValueError, match=what):
            od.write_dataset(ddf, path)
        pdt.assert_frame_equal(OrderedParquetDataset(path).to_pandas(), before)
        assert staging_entries(path) == []
        assert len(rg_files(path)) == len(OrderedParquetDataset(path))


def produce_or_die(frame, marker, staging, n_staged):
    """A partition that kills its worker (SIGKILL) once `n_staged` parts are staged by
    the other worker, the first time (the marker file exists); later attempts fail."""
    import signal
    import time
    if not os.path.exists(marker):
        raise RuntimeError("partition failed again after its worker was killed")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        staged = [d for d in (os.listdir(staging) if os.path.isdir(staging) else [])
                  if os.path.exists(os.path.join(staging, d, "manifest.parquet"))]
        if len(staged) >= n_staged:
            break
        time.sleep(0.05)
    with open(marker + ".staged", "w") as f:
        f.write("\n".join(staged))
    os.remove(marker)
    os.kill(os.getpid(), signal.SIGKILL)


def test_write_dataset_worker_killed_before_commit(client, tmp_path):
    path = tmp_path / "ds"
    ds = OrderedParquetDataset(path, ordered_on="ts")
    ds.write(df=ticks(0, 1000))
    before = ds.to_pandas()
    frames = [ticks(10_000 * (i + 1), 1500, seed=10 + i) for i in range(6)]
    marker = str(tmp_path / "kill-marker")
    open(marker, "w").close()
    parts = [dask.delayed(f) for f in frames[:5]]
    parts.append(dask.delayed(produce_or_die)(frames[5], marker, str(path / "_staging"), 3))
    ddf = dd.from_delayed(parts, meta=frames[0].iloc[:0])
    # The write fails: the partition's worker died, its retry fails (or the retries are
    # exhausted, KilledWorker).
    with pytest.raises((RuntimeError, distributed.scheduler.KilledWorker)):
        od.write_dataset(ddf, path)
    assert not os.path.exists(marker)  # the worker was killed
    staged = open(marker + ".staged").read().split()
    assert len(staged) >= 3  # staged files existed when the worker died ...
    assert staging_entries(path) == []  # ... and were swept
    after = OrderedParquetDataset(path)
    pdt.assert_frame_equal(after.to_pandas(), before)  # nothing committed
    assert len(rg_files(path)) == len(after)
    client.wait_for_workers(2, timeout=60)


def test_verify_reports_staging_until_aborted(tmp_path):
    """A staged part left behind is reported by `oups verify` (a problem naming _staging),
    invisible to readers, and gone after abort_staging; the dataset then verifies clean."""
    from oups import _oups
    cli = os.environ.get("OUPS_CLI")
    if not cli:
        pytest.skip("OUPS_CLI not set")
    path = tmp_path / "ds"
    ds = OrderedParquetDataset(path, ordered_on="ts")
    ds.write(df=ticks(0, 100))
    group = _oups.new_staging_group()
    table, extra = ds._rows_and_details(ticks(1000, 50), "ts")
    part = ds._ds.stage(table, ordered_on="ts", group=group)
    assert len(staging_entries(path)) == 1
    assert len(OrderedParquetDataset(path).to_pandas()) == 100
    run = subprocess.run([cli, "verify", str(path)], capture_output=True, text=True)
    assert run.returncode == 1 and "_staging: staging directory" in run.stdout, run.stdout
    assert ds._ds.abort_staging(group) == 1
    assert not (path / "_staging").exists()
    with pytest.raises(FileNotFoundError, match="holds no part"):
        ds._ds.commit_staged([part])
    run = subprocess.run([cli, "verify", str(path)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout
