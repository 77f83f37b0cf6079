"""docs/behaviour.md#iter-intersections (Store.iter_intersections) with small hand-computed chunks."""
import pandas as pd
import pandas.testing as pdt
import pytest

from oups.store import OrderedParquetDataset, Store, toplevel, write

from conftest import msg, write_rgs


@toplevel
class K:
    name: str


@toplevel
class Other:
    name: str


def tagged(values, tag):
    return pd.DataFrame({"t": pd.array(values, dtype="int64"),
                         "tag": [f"{tag}{v}" for v in values]})


@pytest.fixture
def store(tmp_path):
    st = Store(tmp_path / "base", K)
    base = tmp_path / "base"
    # A: rgs [1,2,3] [5,6] [6,8] [10] -> blocks [1,3] [5,8] [10,10]
    write_rgs(base / "A", tagged([1, 2, 3, 5, 6, 6, 8, 10], "a"), "t", [0, 3, 5, 7])
    # B: rgs [2,4] [7,9] [12] -> blocks [2,4] [7,9] [12,12]
    write_rgs(base / "B", tagged([2, 4, 7, 9, 12], "b"), "t", [0, 2, 4])
    # C: far away
    write_rgs(base / "C", tagged([100, 101], "c"), "t", [0])
    # M: metadata only (zero rg)
    write(base / "M", ordered_on="t", df=tagged([], "m"))
    assert len(OrderedParquetDataset(base / "A")) == 4
    return st


A, B, C, M, D = K("A"), K("B"), K("C"), K("M"), K("D")


def tags(chunks):
    return [{k.name: list(df["tag"]) for k, df in ch.items()} for ch in chunks]


def test_no_bounds(store):
    chunks = list(store.iter_intersections([A, B]))
    assert tags(chunks) == [
        {"A": ["a1", "a2", "a3"], "B": ["b2", "b4"]},
        {"A": ["a5", "a6", "a6"], "B": []},
        {"A": ["a8"], "B": ["b7", "b9"]},
        {"A": ["a10"], "B": []},
        {"A": [], "B": ["b12"]},
    ]
    for ch in chunks:
        assert list(ch) == [A, B]  # keys order
        for df in ch.values():
            assert list(df.columns) == ["t", "tag"]
            # "tag" was written as text: back in the dtype pandas gives text by default.
            assert df["t"].dtype == "int64" and df["tag"].dtype == pd.Series(["x"]).dtype
            assert isinstance(df.index, pd.RangeIndex) and df.index.start == 0


def test_keys_order_and_single_dataset(store):
    chunks = list(store.iter_intersections([B, A], start=6, end_excl=11))
    assert [list(ch) for ch in chunks] == [[B, A], [B, A]]
    assert tags(chunks) == [{"B": ["b7", "b9"], "A": ["a6", "a6", "a8"]},
                            {"B": [], "A": ["a10"]}]
    assert tags(store.iter_intersections([A])) == [
        {"A": ["a1", "a2", "a3"]}, {"A": ["a5", "a6", "a6", "a8"]}, {"A": ["a10"]}]


def test_n_prev_aligned_with_all_keys(store):
    # C and D (missing) do not participate but still take their n_prev slot.
    chunks = list(store.iter_intersections([C, A, D, B], start=6, end_excl=11,
                                           n_prev=[5, 2, 7, 1]))
    assert tags(chunks) == [{"A": ["a3", "a5", "a6", "a6", "a8"], "B": ["b4", "b7", "b9"]},
                            {"A": ["a10"], "B": []}]
    chunks = list(store.iter_intersections([A, B], start=6, end_excl=11, n_prev=10))
    assert tags(chunks)[0] == {"A": ["a1", "a2", "a3", "a5", "a6", "a6", "a8"],
                               "B": ["b2", "b4", "b7", "b9"]}
    chunks = list(store.iter_intersections((A, B), start=6, n_prev=(0, 0)))
    assert tags(chunks)[0] == {"A": ["a6", "a6", "a8"], "B": ["b7", "b9"]}
    # n_prev only applies with start.
    assert tags(store.iter_intersections([A], n_prev=3)) == tags(store.iter_intersections([A]))


def test_participation_and_bounds(store):
    assert list(store.iter_intersections([C, M, D], end_excl=50)) == []
    assert list(store.iter_intersections([])) == []
    assert list(store.iter_intersections([A, B], start=8, end_excl=8)) == []
    assert list(store.iter_intersections([A, B], start=9, end_excl=3)) == []
    # A does not participate (every block ends before 11); B and C have one block each, so
    # there is no boundary and one chunk.
    chunks = list(store.iter_intersections([A, B, C], start=11))
    assert tags(chunks) == [{"B": ["b12"], "C": ["c100", "c101"]}]
    assert list(chunks[0]) == [B, C]
    # B's first block starts at 2: not < 2, so B is absent.
    assert tags(store.iter_intersections([A, B], end_excl=2)) == [{"A": ["a1"]}]
    # 0 is a bound like any other.
    assert tags(store.iter_intersections([A, B], end_excl=0)) == []
    assert tags(store.iter_intersections([A], start=0, end_excl=2)) == [{"A": ["a1"]}]


def test_validation_errors(store, tmp_path):
    with pytest.raises(TypeError):
        list(store.iter_intersections([A, Other("B")]))
    with pytest.raises(ValueError) as ei:
        list(store.iter_intersections([A, B, A]))
    assert "A" in str(ei.value)
    with pytest.raises(ValueError, match=msg(
            "'n_prev' values must be greater than or equal to 0.")):
        list(store.iter_intersections([A, B], start=5, n_prev=[1, -1]))
    with pytest.raises(ValueError, match=msg(
            "'n_prev' values must be greater than or equal to 0.")):
        list(store.iter_intersections([A, B], start=5, n_prev=-1))
    with pytest.raises(ValueError) as ei:
        list(store.iter_intersections([A, B, C], start=5, n_prev=[1, 2]))
    assert "2" in str(ei.value) and "3" in str(ei.value)
    for bad in ([1, 1.5], ["1", 0], 1.5, None):
        with pytest.raises(TypeError):
            list(store.iter_intersections([A, B], start=5, n_prev=bad))
    with pytest.raises(TypeError):
        list(store.iter_intersections([A], start="abc"))
    with pytest.raises(TypeError):
        list(store.iter_intersections([A], start=pd.Timestamp("2024-01-01")))
    write(tmp_path / "base" / "E", ordered_on="tag", df=tagged([1], "e"))
    with pytest.raises(ValueError, match=msg(
            "inconsistent 'ordered_on' columns. 'A' has 't', but 'E' has 'tag'.")):
        list(store.iter_intersections([D, A, B, K("E")]))


def test_lazy_generator(store):
    gen = store.iter_intersections([A, Other("x"), A], n_prev=-3)  # nothing checked yet
    with pytest.raises((TypeError, ValueError)):
        next(gen)
    gen = store.iter_intersections([A, B])
    # Nothing is snapshotted before the first next(): a write now is seen.
    write(store.basepath / "A", ordered_on="t", df=tagged([20], "n"))
    assert tags(gen)[-1] == {"A": ["n20"], "B": []}


def test_snapshot_and_no_lock_during_iteration(store):
    gen = store.iter_intersections([A, B])
    first = next(gen)
    # Writers are not blocked: lock_timeout=0 succeeds while the iterator is alive.
    # (A remembers the target 1 of write_rgs' last slice: give one that keeps z8, z9 together.)
    store.get(A, lock_timeout=0).write(ordered_on="t", df=tagged([8, 9], "z"),
                                       duplicates_on="t", row_group_target_size=10)
    write(store.basepath / "B", ordered_on="t", df=tagged([7], "z"), duplicates_on="t",
          lock_timeout=0)
    rest = list(gen)
    assert tags([first] + rest) == [
        {"A": ["a1", "a2", "a3"], "B": ["b2", "b4"]},
        {"A": ["a5", "a6", "a6"], "B": []},
        {"A": ["a8"], "B": ["b7", "b9"]},
        {"A": ["a10"], "B": []},
        {"A": [], "B": ["b12"]},
    ]
    # A new iteration sees the new state.
    assert tags(store.iter_intersections([A], start=7, end_excl=10)) == [{"A": ["z8", "z9"]}]


def test_frames_are_independent(store):
    gen = store.iter_intersections([A, B])
    c0 = next(gen)
    c0[A].loc[0, "tag"] = "changed"
    c0[B]["t"] = 0
    c1 = next(gen)
    assert list(c1[A]["tag"]) == ["a5", "a6", "a6"]
    again = list(store.iter_intersections([A, B]))
    assert list(again[0][A]["tag"]) == ["a1", "a2", "a3"]


def test_timestamps_and_seed_like_call(tmp_path):
    store = Store(tmp_path / "data", K)
    ber = pd.DataFrame({"timestamp": pd.date_range("2023-01-01", periods=2, freq="D"),
                        "v": [1, 2]})
    par = pd.DataFrame({"timestamp": pd.date_range("2023-01-02", periods=2, freq="D"),
                        "v": [3, 4]})
    store[K("berlin")].write(df=ber, ordered_on="timestamp")
    store[K("paris")].write(df=par, ordered_on="timestamp")
    found = list(store.iter_intersections([K("berlin"), K("paris")],
                                          start=pd.Timestamp("2023-01-01"), n_prev=[1, 0],
                                          end_excl=pd.Timestamp("2023-01-04")))
    # One block each: no boundary, one chunk.
    assert len(found) == 1
    pdt.assert_frame_equal(found[0][K("berlin")], ber)
    pdt.assert_frame_equal(found[0][K("paris")], par)
    # String bounds for a timestamp column; epoch is a bound.
    found = list(store.iter_intersections([K("berlin"), K("paris")], start="2023-01-02",
                                          end_excl="2023-01-03", n_prev=1))
    assert [list(found[0][k]["v"]) for k in (K("berlin"), K("paris"))] == [[1, 2], [3]]
    assert list(store.iter_intersections([K("berlin")], end_excl=pd.Timestamp(0))) == []
    with pytest.raises(TypeError):
        list(store.iter_intersections([K("berlin")], start=pd.Timestamp("2023-01-01", tz="UTC")))


def test_missing_datasets_leave_nothing_on_disk(tmp_path):
    # docs/behaviour.md#iter-intersections: keys without a dataset are ignored; like store[missing]
    # (docs/behaviour.md#store) this must not
    # leave files behind in the store.
    st = Store(tmp_path, K)
    assert list(st.iter_intersections([K("x"), K("y")], start=1)) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_details_come_from_the_state_the_chunks_are_read_from(tmp_path, monkeypatch):
    """A write that commits between the call and the first chunk (here: while the
    ordered column's type is looked up) adds a category: the chunk's categorical
    carries it, because the pandas details come from the snapshot the iterator
    reads, not from an earlier look at the dataset."""
    import oups.store as store_module

    base = tmp_path / "base"
    st = Store(base, K)
    write(base / "A", ordered_on="t",
          df=pd.DataFrame({"t": pd.array([1], dtype="int64"), "c": pd.Categorical(["x"])}))
    real = store_module._oups.Dataset
    wrote = []

    class WriterMeanwhile:
        def __init__(self, *args, **kwargs):
            self._ds = real(*args, **kwargs)

        def __getattr__(self, name):
            return getattr(self._ds, name)

        def schema(self):
            schema = self._ds.schema()
            if not wrote:
                wrote.append(True)
                write(base / "A", ordered_on="t",
                      df=pd.DataFrame({"t": pd.array([2], dtype="int64"),
                                       "c": pd.Categorical(["y"])}))
            return schema

    monkeypatch.setattr(store_module._oups, "Dataset", WriterMeanwhile)
    chunks = list(st.iter_intersections([K("A")]))
    assert wrote
    frame = pd.concat([c[K("A")] for c in chunks], ignore_index=True)
    assert list(frame["c"]) == ["x", "y"]
    assert list(frame["c"].cat.categories) == ["x", "y"]
