"""Row filters of to_pandas (docs/python.md#filters): pyarrow's syntax and semantics, checked
against pyarrow's own filtering of the same row-group files (``pq.read_table(files,
filters=...)``) and against a pandas boolean mask, on random data and random filters; plus
the errors, projections, ranges, views and statistics pruning."""
import datetime
import random

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from oups.store import OrderedParquetDataset, write

PARIS = "Europe/Paris"


def make_frame(rng: random.Random, n: int) -> pd.DataFrame:
    """Random rows; few distinct values, so that row groups share their boundary values."""
    base = pd.Timestamp("2024-01-01")
    ts = sorted(base + pd.Timedelta(minutes=rng.randrange(0, n // 3 + 1)) for _ in range(n))

    def maybe(v, p=0.15):
        return None if rng.random() < p else v
    return pd.DataFrame({
        "ts": pd.to_datetime(ts),
        "rid": np.arange(n, dtype="int64"),
        "i": pd.array([maybe(rng.randrange(-5, 6)) for _ in range(n)], dtype="Int64"),
        "u": np.array([rng.randrange(0, 4) for _ in range(n)], dtype="uint8"),
        "f": [maybe(rng.choice([-1.5, 0.0, 0.25, 2.0, 1e300])) for _ in range(n)],
        "s": pd.array([maybe(rng.choice(["", "a", "ab", "b", "é", "zz"])) for _ in range(n)],
                      dtype=object),
        "b": [rng.random() < 0.5 for _ in range(n)],
        "tz": pd.DatetimeIndex([base + pd.Timedelta(hours=rng.randrange(0, 48))
                                for _ in range(n)]).tz_localize("UTC").tz_convert(PARIS),
    })


def random_value(rng, df, col):
    """A value of the column's domain: mostly one present in the data (boundaries)."""
    present = df[col].dropna()
    if len(present) and rng.random() < 0.8:
        v = present.iloc[rng.randrange(len(present))]
    elif col == "ts":
        v = pd.Timestamp("2024-01-01") + pd.Timedelta(seconds=rng.randrange(-600, 90_000))
    elif col == "tz":
        v = pd.Timestamp("2024-01-01", tz=PARIS) + pd.Timedelta(minutes=rng.randrange(-60, 3000))
    elif col in ("i", "rid", "u"):
        v = rng.randrange(-10, 400)
    elif col == "f":
        v = rng.choice([-2.0, 0.1, 1.0, 3e300])
    elif col == "s":
        v = rng.choice(["", "a", "aa", "c", "zzz"])
    else:
        v = rng.random() < 0.5
    if isinstance(v, (np.generic,)):
        v = v.item()
    if col in ("i", "u") and rng.random() < 0.2:
        v = float(v) + rng.choice([0.0, 0.5])   # a float against an integer column
    return v


COLUMNS = ["ts", "rid", "i", "u", "f", "s", "b", "tz"]
OPS = ["==", "=", "!=", "<", "<=", ">", ">=", "in", "not in"]


def random_filter(rng, df):
    def term():
        col = rng.choice(COLUMNS)
        op = rng.choice(OPS)
        if col == "b":
            op = rng.choice(["==", "!=", "in", "not in"])
        if op in ("in", "not in"):
            # (pyarrow cannot type an empty list: test_values_of_each_kind has them)
            vals = [random_value(rng, df, col) for _ in range(rng.randrange(1, 4))]
            if col in ("i", "f", "s") and rng.random() < 0.3:
                # pyarrow cannot type a list of nulls only: one value with it.
                vals += [random_value(rng, df, col), None]
            return (col, op, vals)
        return (col, op, random_value(rng, df, col))
    conjs = [[term() for _ in range(rng.randrange(1, 4))] for _ in range(rng.randrange(1, 3))]
    return conjs[0] if len(conjs) == 1 and rng.random() < 0.5 else conjs


def pandas_mask(df, filters):
    """pyarrow's semantics as a pandas mask: comparisons never select nulls, `in` matches a
    null when None is listed, `not in` is the negation of `in`."""
    dnf = [filters] if isinstance(filters[0], tuple) else filters
    out = pd.Series(False, index=df.index)
    for conj in dnf:
        m = pd.Series(True, index=df.index)
        for col, op, val in conj:
            s = df[col]
            valid = s.notna()
            if op in ("in", "not in"):
                listed = [v for v in val if v is not None]
                hit = s.isin(listed).fillna(False).astype(bool) & valid
                if any(v is None for v in val):
                    hit = hit | ~valid
                t = hit if op == "in" else ~hit
            else:
                pyop = {"=": "__eq__", "==": "__eq__", "!=": "__ne__", "<": "__lt__",
                        "<=": "__le__", ">": "__gt__", ">=": "__ge__"}[op]
                if s.dtype == object:   # strings: compare the present values only
                    t = pd.Series(False, index=df.index)
                    t[valid] = getattr(s[valid].astype(str), pyop)(val)
                else:
                    t = getattr(s, pyop)(val).fillna(False).astype(bool) & valid
            m &= t
        out |= m
    return out


def rg_files(ds_path):
    ds = OrderedParquetDataset(ds_path)
    ids = ds.row_group_stats["file_ids"].tolist()
    return [str(ds_path / f"file_{int(i):08d}.parquet") for i in ids]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_filters_match_pyarrow_and_pandas(tmp_path, seed):
    rng = random.Random(seed)
    df = make_frame(rng, 300)
    path = tmp_path / "ds"
    write(path, ordered_on="ts", df=df, row_group_target_size=rng.choice([20, 37, 64]))
    ds = OrderedParquetDataset(path)
    files = rg_files(path)
    assert len(files) > 3
    assert len(pq.read_table(files)) == len(df)
    checked = selective = 0
    for _ in range(150):
        filters = random_filter(rng, df)
        got = ds.to_pandas(filters=filters)
        theirs = pq.read_table(files, filters=filters).to_pandas()
        mask = pandas_mask(df, filters)
        assert got["rid"].tolist() == theirs["rid"].tolist(), filters
        assert got["rid"].tolist() == df.loc[mask, "rid"].tolist(), filters
        # The other columns come with their rows.
        pd.testing.assert_frame_equal(got.reset_index(drop=True),
                                      df[mask].reset_index(drop=True), check_dtype=False)
        checked += 1
        selective += 0 < len(got) < len(df)
    assert checked == 150 and selective > 30


def test_filters_with_projection_range_and_views(tmp_path):
    rng = random.Random(7)
    df = make_frame(rng, 200)
    path = tmp_path / "ds"
    write(path, ordered_on="ts", df=df, row_group_target_size=25)
    ds = OrderedParquetDataset(path)
    start, end = df["ts"].iloc[40], df["ts"].iloc[150]
    for _ in range(40):
        filters = random_filter(rng, df)
        mask = pandas_mask(df, filters) & (df["ts"] >= start) & (df["ts"] < end)
        got = ds.to_pandas(["rid"], start=start, end_excl=end, filters=filters)
        assert list(got.columns) == ["rid"]
        assert got["rid"].tolist() == df.loc[mask, "rid"].tolist(), filters
        # A view of row groups 2..5: the same filter on the view's rows only.
        view = ds[2:6]
        lo = sum(ds.row_group_stats["n_rows"].tolist()[:2])
        hi = lo + sum(ds.row_group_stats["n_rows"].tolist()[2:6])
        in_view = pd.Series(False, index=df.index)
        in_view.iloc[lo:hi] = True
        got = view.to_pandas(["s", "rid"], filters=filters)
        assert list(got.columns) == ["s", "rid"]
        assert got["rid"].tolist() == df.loc[pandas_mask(df, filters) & in_view, "rid"].tolist()


def small(tmp_path):
    df = pd.DataFrame({
        "ts": pd.date_range("2024-01-01", periods=6, freq="h", tz=PARIS),
        "x": [1, 2, 3, 4, 5, 6],
        "s": ["a", "b", None, "b", "c", "a"],
        "d": [datetime.date(2024, 1, k) for k in range(1, 7)],
        "td": pd.to_timedelta([1, 2, 3, 4, 5, 6], unit="s"),
    })
    write(tmp_path / "ds", ordered_on="ts", df=df, row_group_target_size=2)
    return OrderedParquetDataset(tmp_path / "ds")


def test_values_of_each_kind(tmp_path):
    ds = small(tmp_path)
    x = lambda f: ds.to_pandas(filters=f)["x"].tolist()  # noqa: E731
    assert x([("ts", ">=", pd.Timestamp("2024-01-01 03:00", tz=PARIS))]) == [4, 5, 6]
    assert x([("ts", ">=", pd.Timestamp("2024-01-01 02:00", tz="UTC"))]) == [4, 5, 6]
    assert x([("ts", "<", "2024-01-01 01:00")]) == [1]          # text: wall time in the zone
    assert x([("ts", "<", pd.Timestamp("2024-01-01 00:30", tz=PARIS).to_pydatetime())]) == [1]
    assert x([("x", "in", np.array([2, 5]))]) == [2, 5]
    assert x([("x", "<", 2.5)]) == [1, 2]
    assert x([("x", "==", np.int8(3))]) == [3]
    assert x([("s", "not in", ["a"])]) == [2, 3, 4, 5]          # the null row is not "a"
    assert x([("s", "!=", "a")]) == [2, 4, 5]                   # a comparison skips nulls
    assert x([("s", "in", [None])]) == [3]
    assert x([("d", ">", datetime.date(2024, 1, 4))]) == [5, 6]
    assert x([("td", ">=", pd.Timedelta("4s"))]) == [4, 5, 6]
    assert x([[("x", "==", 1)], [("x", "==", 6)]]) == [1, 6]
    assert x([("s", "in", [])]) == []
    assert x([("s", "not in", [])]) == [1, 2, 3, 4, 5, 6]


@pytest.mark.parametrize("filters, error, text", [
    ([("zz", "==", 1)], KeyError, "zz"),
    ([("x", "~", 1)], ValueError, "not a valid operator"),
    ([], ValueError, "Malformed"),
    ([("x", "==")], ValueError, "Malformed"),
    ([[("x", "==", 1)], []], ValueError, "Malformed"),
    ([("x", "in", 3)], TypeError, "collection"),
    ([("x", "==", [1, 2])], TypeError, "use 'in'"),
    ([("x", "==", "one")], TypeError, "cannot be compared"),
    ([("s", ">", 3)], TypeError, "cannot be compared"),
    ([("ts", ">", pd.Timestamp("2024-01-01"))], TypeError, "tz-naive"),
])
def test_errors(tmp_path, filters, error, text):
    ds = small(tmp_path)
    with pytest.raises(error, match=text):
        ds.to_pandas(filters=filters)
    with pytest.raises(error, match=text):
        ds[1:].to_pandas(filters=filters)


def test_pruned_row_groups_are_not_read(tmp_path):
    """A row group whose statistics exclude every match is not decoded: a truncated file
    would fail the read if it were."""
    df = pd.DataFrame({"a": range(30), "k": [0] * 10 + [1] * 10 + [2] * 10})
    path = tmp_path / "ds"
    write(path, ordered_on="a", df=df, row_group_target_size=10)
    files = rg_files(path)
    # Corrupt the data pages of the middle file, keep its footer: statistics say k == 1.
    raw = bytearray(open(files[1], "rb").read())
    raw[4:40] = b"\xff" * 36
    open(files[1], "wb").write(bytes(raw))
    ds = OrderedParquetDataset(path)
    assert ds.to_pandas(filters=[("k", "==", 2)])["a"].tolist() == list(range(20, 30))
    assert ds.to_pandas(filters=[("k", "!=", 1)])["a"].tolist() == list(range(10)) + list(
        range(20, 30))
    assert ds.to_pandas(filters=[("a", ">=", 25)])["a"].tolist() == list(range(25, 30))
    with pytest.raises(Exception):
        ds.to_pandas(filters=[("k", ">=", 1)])


def test_no_metadata_and_empty_results(tmp_path):
    empty = OrderedParquetDataset(tmp_path / "none")
    with pytest.raises(KeyError):
        empty.to_pandas(filters=[("x", "==", 1)])
    ds = small(tmp_path)
    got = ds.to_pandas(["x", "s"], filters=[("x", ">", 100)])
    assert len(got) == 0 and list(got.columns) == ["x", "s"]


def test_to_arrow_takes_the_same_filters(tmp_path):
    ds = small(tmp_path)
    for filters in ([("x", ">", 2), ("s", "!=", "c")], [[("s", "in", [None])], [("x", "==", 1)]]):
        want = ds.to_pandas(["x"], filters=filters)["x"].tolist()
        got = ds.to_arrow(["x"], filters=filters).column("x").to_pylist()
        assert got == want and want
        assert ds[1:].to_arrow(filters=filters).num_rows == len(ds[1:].to_pandas(filters=filters))
