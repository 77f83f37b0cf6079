"""Safe conversions on write (docs/behaviour.md#safe-conversions): a column given in another type
than the stored one is converted when pyarrow's safe cast converts it without changing a value
(checked against ``pa.Array.from_pandas(col).cast(stored, safe=True)``); anything lossy stays a
TypeError naming the column and both types."""
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from oups.store import OrderedParquetDataset, write

from conftest import msg


def stored_then(tmp_path, stored, given):
    """Writes `stored` (a Series) as column x, then `given`; returns the dataset."""
    path = tmp_path / "ds"
    write(path, ordered_on="a", df=pd.DataFrame({"a": np.arange(len(stored)), "x": stored}))
    n = len(stored)
    write(path, ordered_on="a", df=pd.DataFrame({"a": np.arange(n, n + len(given)), "x": given}))
    return OrderedParquetDataset(path)


def pyarrow_cast(given, stored):
    """pyarrow's safe cast of `given` to the type pyarrow gives `stored`."""
    return pa.Array.from_pandas(given).cast(pa.Array.from_pandas(stored).type, safe=True)


ACCEPTED = [
    ("int64 -> float64", pd.Series([0.5]), pd.Series([-1, 2**53, -(2**53)], dtype="int64")),
    ("int8 -> float64", pd.Series([0.5]), pd.Series([-128, 127], dtype="int8")),
    ("uint32 -> float64", pd.Series([0.5]), pd.Series([4_000_000_000], dtype="uint32")),
    ("Int64 with NA -> float64", pd.Series([0.5]), pd.Series([3, None], dtype="Int64")),
    ("int32 -> int64", pd.Series([1], dtype="int64"), pd.Series([-2**31, 2**31 - 1], dtype="int32")),
    ("int8 -> int16", pd.Series([1], dtype="int16"), pd.Series([-128], dtype="int8")),
    ("uint8 -> uint64", pd.Series([1], dtype="uint64"), pd.Series([255], dtype="uint8")),
    ("float32 -> float64", pd.Series([0.5]), pd.Series([0.1, 2.5], dtype="float32")),
    ("UTC -> Europe/Paris", pd.Series(pd.to_datetime(["2024-01-01 10:00"]).tz_localize("Europe/Paris")),
     pd.Series(pd.to_datetime(["2024-06-01 08:00", "2024-12-01 23:30"]).tz_localize("UTC"))),
]


@pytest.mark.parametrize("stored, given", [c[1:] for c in ACCEPTED], ids=[c[0] for c in ACCEPTED])
def test_accepted_as_pyarrow_safe_cast(tmp_path, stored, given):
    expected = pyarrow_cast(given, stored)  # pyarrow accepts too
    ds = stored_then(tmp_path, stored, given)
    out = ds.to_pandas()["x"]
    assert out.dtype == stored.dtype  # the stored dtype
    got = pa.Array.from_pandas(out.iloc[len(stored):].reset_index(drop=True))
    assert got.cast(expected.type).equals(expected)
    if isinstance(stored.dtype, pd.DatetimeTZDtype):
        assert out.iloc[len(stored):].tolist() == given.dt.tz_convert(stored.dt.tz).tolist()


REFUSED = [
    # (id, stored, given, pyarrow refuses too)
    ("int64 beyond 2**53 -> float64", pd.Series([0.5]), pd.Series([2**53 + 1], dtype="int64"), True),
    ("uint64 beyond 2**53 -> float64", pd.Series([0.5]), pd.Series([2**64 - 1], dtype="uint64"), True),
    ("float64 -> int64", pd.Series([1], dtype="int64"), pd.Series([1.5]), True),
    ("int64 -> int8 (narrower)", pd.Series([1], dtype="int8"), pd.Series([300], dtype="int64"), True),
    ("int64 -> int32 (narrower, fits)", pd.Series([1], dtype="int32"), pd.Series([3], dtype="int64"),
     False),
    ("uint8 -> int64 (signedness)", pd.Series([1], dtype="int64"), pd.Series([3], dtype="uint8"),
     False),
    ("float64 -> float32", pd.Series([0.5], dtype="float32"), pd.Series([0.1]), False),
    ("str -> float64", pd.Series([0.5]), pd.Series(["a"]), True),
    ("naive -> tz-aware", pd.Series(pd.to_datetime(["2024-01-01"]).tz_localize("UTC")),
     pd.Series(pd.to_datetime(["2024-01-02"])), False),
]


@pytest.mark.parametrize("stored, given, pa_refuses", [c[1:] for c in REFUSED],
                         ids=[c[0] for c in REFUSED])
def test_lossy_refused(tmp_path, stored, given, pa_refuses):
    if pa_refuses:
        with pytest.raises((pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError)):
            pyarrow_cast(given, stored)
    path = tmp_path / "ds"
    write(path, ordered_on="a", df=pd.DataFrame({"a": np.arange(len(stored)), "x": stored}))
    with pytest.raises(TypeError, match=r"column 'x' is stored as .* but given as "):
        write(path, ordered_on="a", df=pd.DataFrame({"a": [10], "x": given}))
    assert OrderedParquetDataset(path).num_rows == len(stored)


def test_issue_example_price_and_zone(tmp_path):
    path = tmp_path / "ticks"
    ts = pd.date_range("2024-01-02 09:00", periods=3, freq="min", tz="America/New_York")
    write(path, ordered_on="ts", df=pd.DataFrame({"ts": ts, "price": [1.5, 2.0, 2.5]}))
    late = pd.DataFrame({"ts": ts[-1:].tz_convert("Europe/Paris") + pd.Timedelta("1min")})
    late["price"] = -1
    write(path, ordered_on="ts", df=late)
    out = OrderedParquetDataset(path).to_pandas()
    assert str(out["ts"].dt.tz) == "America/New_York"
    assert out["price"].dtype == np.float64
    assert out["price"].tolist() == [1.5, 2.0, 2.5, -1.0]
    assert out["ts"].iloc[-1] == ts[-1] + pd.Timedelta("1min")


def test_refusal_names_the_first_offending_value(tmp_path):
    path = tmp_path / "ds"
    write(path, ordered_on="a", df=pd.DataFrame({"a": [0], "x": [0.5]}))
    with pytest.raises(TypeError, match=msg("column 'x' is stored as float64 but given as int64: "
                                            f"row 1 holds {2**53 + 1}")):
        write(path, ordered_on="a", df=pd.DataFrame({"a": [1, 2], "x": [1, 2**53 + 1]}))
