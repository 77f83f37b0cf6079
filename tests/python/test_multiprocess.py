"""Writer lock across processes and threads (docs/behaviour.md#writer-lock, #snapshots through Python):
two Python processes writing the same dataset concurrently through the lock (final content = the
union, no lost row), TimeoutError while another process holds the lock, readers never blocked."""
import os
import subprocess
import sys
import textwrap
import threading
import time

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest

from oups.store import OrderedParquetDataset, Store, toplevel, write

from conftest import msg

N_BATCHES = 25
BATCH = 40

WRITER = textwrap.dedent("""
    import os, sys, time
    import numpy as np, pandas as pd
    from oups.store import write
    path, proc, go = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    while not os.path.exists(go):
        time.sleep(0.001)
    for k in range({n_batches}):
        a = k * 1000 + np.arange({batch}, dtype="int64") * 2 + proc
        df = pd.DataFrame({{"a": a, "p": np.full({batch}, proc, dtype="int8"),
                           "k": np.full({batch}, k, dtype="int32")}})
        write(path, ordered_on="a", df=df, row_group_target_size=64, max_n_off_target_rgs=2)
    print("done", proc)
""").format(n_batches=N_BATCHES, batch=BATCH)


def expected_union():
    parts = []
    for proc in (0, 1):
        for k in range(N_BATCHES):
            a = k * 1000 + np.arange(BATCH, dtype="int64") * 2 + proc
            parts.append(pd.DataFrame({"a": a, "p": np.full(BATCH, proc, dtype="int8"),
                                       "k": np.full(BATCH, k, dtype="int32")}))
    return pd.concat(parts).sort_values("a", kind="stable").reset_index(drop=True)


def child_env():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    return env


def test_two_processes_write_same_dataset(tmp_path):
    path = tmp_path / "ds"
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(i), str(go)],
                              env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for i in (0, 1)]
    go.write_text("go")
    # Read while they write: every read is one committed state (sorted, whole batches).
    seen = 0
    while any(p.poll() is None for p in procs):
        out = OrderedParquetDataset(path).to_pandas()
        if len(out):
            assert out["a"].is_monotonic_increasing
            assert (out.groupby(["p", "k"]).size() == BATCH).all()
            seen = max(seen, len(out))
        time.sleep(0.01)
    for p in procs:
        stdout, stderr = p.communicate(timeout=60)
        assert p.returncode == 0, stderr
        assert stdout.startswith("done")
    out = OrderedParquetDataset(path).to_pandas()
    pdt.assert_frame_equal(out, expected_union())
    st = OrderedParquetDataset(path).row_group_stats
    assert (st["ordered_on_maxs"].iloc[:-1].values <= st["ordered_on_mins"].iloc[1:].values).all()
    # Only referenced files remain once nobody reads.
    write(path, ordered_on="a", df=None)
    files = sorted(f.name for f in path.iterdir())
    assert files == sorted(f"file_{i:08d}.parquet" for i in st["file_ids"])


HOLDER = textwrap.dedent("""
    import fcntl, os, sys, time
    lock_path, ready, release = sys.argv[1], sys.argv[2], sys.argv[3]
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX)
    open(ready, "w").close()
    while not os.path.exists(release):
        time.sleep(0.005)
    fcntl.flock(fd, fcntl.LOCK_UN)
    print("released")
""")


@pytest.fixture
def lock_holder(tmp_path):
    """A child process holding the writer lock of tmp_path/'ds' until `release()`."""
    ready, release = tmp_path / "ready", tmp_path / "release"
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(tmp_path / "ds.lock"), str(ready),
                             str(release)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    deadline = time.time() + 30
    while not ready.exists():
        assert proc.poll() is None and time.time() < deadline, proc.stderr.read()
        time.sleep(0.005)

    def do_release():
        release.write_text("")

    yield do_release
    do_release()
    proc.communicate(timeout=30)


def frame(values):
    return pd.DataFrame({"a": np.asarray(values, dtype="int64")})


def test_timeout_while_other_process_holds_lock(tmp_path, lock_holder):
    path = tmp_path / "ds"
    # The dataset exists before the other process took the lock? Not needed: a first write
    # waits as well. Readers are never blocked.
    opd = OrderedParquetDataset(path, ordered_on="a")
    assert len(opd) == 0 and opd.to_pandas().empty
    expected = "failed to acquire lock for dataset '" + str(path.resolve()) + "' within "
    with pytest.raises(TimeoutError, match=msg(expected)) as ei:
        write(path, ordered_on="a", df=frame([1]), lock_timeout=0)
    assert str(ei.value).endswith(" seconds. Another process may be using this dataset.")
    t0 = time.monotonic()
    with pytest.raises(TimeoutError, match=msg("failed to acquire lock for dataset '")):
        opd.write(df=frame([1]), lock_timeout=0.4)
    assert time.monotonic() - t0 >= 0.35
    with pytest.raises(TimeoutError):
        OrderedParquetDataset(path, ordered_on="a", lock_timeout=0).write(df=frame([1]))
    assert not (tmp_path / "ds_opdmd").exists()
    # lock_timeout=None waits until the holder releases.
    threading.Timer(0.3, lock_holder).start()
    t0 = time.monotonic()
    write(path, ordered_on="a", df=frame([1, 2]))
    assert time.monotonic() - t0 >= 0.25
    pdt.assert_frame_equal(OrderedParquetDataset(path).to_pandas(), frame([1, 2]))


def test_readers_not_blocked_by_lock_holder(tmp_path):
    path = tmp_path / "ds"
    write(path, ordered_on="a", df=frame([1, 2, 3]), row_group_target_size=2)
    ready, release = tmp_path / "ready", tmp_path / "release"
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(tmp_path / "ds.lock"), str(ready),
                             str(release)], text=True, stdout=subprocess.PIPE)
    try:
        while not ready.exists():
            time.sleep(0.005)
        opd = OrderedParquetDataset(path)
        assert len(opd) == 2
        pdt.assert_frame_equal(opd.to_pandas(), frame([1, 2, 3]))
        pdt.assert_frame_equal(opd[1].to_pandas(), frame([3]))
        assert [len(rg) for rg in opd] == [1, 1]
        assert len(opd.row_group_stats) == 2

        @toplevel
        class K:
            name: str

        store = Store(tmp_path, K)
        assert K("ds") in store and store.keys == [K("ds")]
        chunks = list(store.iter_intersections([K("ds")], start=2))
        assert [list(c[K("ds")]["a"]) for c in chunks] == [[2], [3]]  # two blocks
        with pytest.raises(TimeoutError):
            store.get(K("ds"), lock_timeout=0).write(ordered_on="a", df=frame([4]))
        with pytest.raises(TimeoutError):
            OrderedParquetDataset(path, lock_timeout=0).remove_from_disk()
    finally:
        release.write_text("")
        proc.communicate(timeout=30)


def test_threads_serialise_writes_in_one_process(tmp_path):
    path = tmp_path / "ds"
    errors = []

    def worker(t):
        try:
            h = OrderedParquetDataset(path, ordered_on="a")
            for k in range(10):
                h.write(df=frame(k * 100 + np.arange(5) * 4 + t), row_group_target_size=8,
                        max_n_off_target_rgs=2, lock_timeout=60)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(120)
    assert not errors, errors
    expected = sorted(k * 100 + i * 4 + t for t in range(4) for k in range(10) for i in range(5))
    assert list(OrderedParquetDataset(path).to_pandas()["a"]) == expected


def test_writers_race_with_parent_pruning(tmp_path):
    # docs/behaviour.md#store: `del store[k]` prunes now-empty parents; a writer of a sibling dataset racing with
    # the pruning re-creates the missing parent directories and retries, never fails.
    from oups.store import sublevel

    @sublevel
    class Leaf:
        name: str

    @toplevel
    class Top:
        city: str
        leaf: Leaf

    store = Store(tmp_path / "base", Top)
    errors = []

    def churn(name):
        key = Top("berlin", Leaf(name))
        try:
            for i in range(30):
                store[key].write(ordered_on="a", df=frame([i, i + 1]))
                assert len(store[key].to_pandas()) == 2
                del store[key]
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=churn, args=(n,)) for n in ("x", "y", "z")]
    for th in threads:
        th.start()
    for th in threads:
        th.join(120)
    assert not errors, errors
    assert store.keys == []
    assert not (tmp_path / "base" / "berlin").exists()


KILLED_WRITER = textwrap.dedent("""
    import sys
    import numpy as np, pandas as pd
    from oups.store import write
    path = sys.argv[1]
    k = 0
    while True:
        a = np.arange(k * 20000, (k + 1) * 20000, dtype="int64")
        write(path, ordered_on="a", df=pd.DataFrame({"a": a, "s": a.astype(str)}),
              row_group_target_size=7000, max_n_off_target_rgs=2)
        print(k, flush=True)
        k += 1
""")


@pytest.mark.parametrize("delay", [0.0, 0.03, 0.1, 0.2])
def test_writer_killed_leaves_whole_batches(tmp_path, delay):
    # docs/behaviour.md#crash-safety with a real process: SIGKILL at an arbitrary instant leaves the dataset as it was
    # before or after the write in progress (whole batches only), and the next write succeeds
    # and removes the leftovers.
    path = tmp_path / "ds"
    proc = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(path)], env=child_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first = proc.stdout.readline()  # the first batch is committed
    assert first.strip() == "0", proc.stderr.read()
    time.sleep(delay)
    proc.kill()
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == -9, err
    done = 1 + len(out.split())
    df = OrderedParquetDataset(path).to_pandas()
    n = len(df)
    assert n % 20000 == 0 and n // 20000 in (done, done + 1)
    assert (df["a"].to_numpy() == np.arange(n)).all()
    assert (df["s"] == df["a"].astype(str)).all()
    a = np.arange(n, n + 100, dtype="int64")
    write(path, ordered_on="a", df=pd.DataFrame({"a": a, "s": a.astype(str)}),
          row_group_target_size=7000, max_n_off_target_rgs=2)
    opd = OrderedParquetDataset(path)
    assert len(opd.to_pandas()) == n + 100
    ids = sorted(int(i) for i in opd.row_group_stats["file_ids"])
    assert sorted(f.name for f in path.iterdir()) == [f"file_{i:08d}.parquet" for i in ids]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []



CATEGORY_WRITER = textwrap.dedent("""
    import sys
    import numpy as np, pandas as pd
    from oups.store import write
    path, done = sys.argv[1], sys.argv[2]
    df = pd.DataFrame({"a": np.array([5], dtype="int64"), "c": pd.Categorical(["theirs"])})
    write(path, ordered_on="a", df=df, lock_timeout=60)
    open(done, "w").close()
""")


def test_concurrent_writer_categories_survive_a_merge(tmp_path, monkeypatch):
    """Another process adds a category while this write prepares its pandas details: the
    details are merged under the writer lock with the committed ones, so its category (and
    its row) survive this commit. The other write is started from inside the merge of
    details; with the merge under the lock it waits for this commit, otherwise it commits
    first and would be overwritten by a merge made from a stale copy."""
    import oups._pandas as _pandas

    path = tmp_path / "ds"
    write(path, ordered_on="a", df=pd.DataFrame({"a": np.array([1], dtype="int64"),
                                                 "c": pd.Categorical(["first"])}))
    done = tmp_path / "done"
    real_merge = _pandas.merge_details
    started = []

    def merge_with_a_concurrent_writer(*args, **kwargs):
        if not started:
            started.append(subprocess.Popen(
                [sys.executable, "-c", CATEGORY_WRITER, str(path), str(done)],
                env=child_env(), stderr=subprocess.PIPE, text=True))
            deadline = time.time() + 8
            while not done.exists() and time.time() < deadline:
                time.sleep(0.05)  # long enough for an unlocked write to commit
        return real_merge(*args, **kwargs)

    monkeypatch.setattr(_pandas, "merge_details", merge_with_a_concurrent_writer)
    write(path, ordered_on="a", df=pd.DataFrame({"a": np.array([9], dtype="int64"),
                                                 "c": pd.Categorical(["mine"])}),
          lock_timeout=60)
    _, stderr = started[0].communicate(timeout=120)
    assert started[0].returncode == 0, stderr
    out = OrderedParquetDataset(path).to_pandas()
    assert out["a"].tolist() == [1, 5, 9]
    assert out["c"].astype(str).tolist() == ["first", "theirs", "mine"]
    assert set(out["c"].cat.categories) == {"first", "theirs", "mine"}
    # The stored details hold every category (a stale merge had dropped "theirs": reads
    # then saw it only as a value, and dtypes, from the details alone, not at all).
    assert set(OrderedParquetDataset(path).dtypes["c"].categories) == {"first", "theirs",
                                                                        "mine"}
