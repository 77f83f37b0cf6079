"""Arrow interchange (docs/python.md#arrow): to_arrow() and __arrow_c_stream__ on datasets
and views (the core's buffers exported through the Arrow C Data Interface without a copy),
and writes of Arrow data (pyarrow Tables and RecordBatches, any object with
__arrow_c_stream__) imported through the C stream."""
import datetime
import decimal
import gc

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from oups import _oups
from oups.store import OrderedParquetDataset, write

from test_dtypes import col_cases

CASES = col_cases()
# Text written as an object column: pyarrow's to_pandas() under pandas 3 makes every Arrow
# text column a str column, whatever the pandas metadata says (so does
# pa.Table.from_pandas(df).to_pandas()): compared as str.
OBJECT_TEXT = {"object_str"}
# A pandas.ArrowDtype(pa.string()) column: its pandas metadata says "string[pyarrow]", which
# pandas (and so pyarrow's to_pandas()) reads as StringDtype("pyarrow"): compared as such.
ARROW_TEXT = {"arrow_string"}


def _frame(name, n_rows=6):
    s = CASES[name]
    return pd.DataFrame({"k": np.arange(n_rows, dtype="int64"), "v": s.iloc[:n_rows].array})


def _as_str(df, cols):
    df = df.copy()
    for c in cols:
        if c in df.columns:
            df[c] = df[c].astype("str")
    return df


class OnlyStream:
    """Arrow data exposing nothing but the Arrow PyCapsule stream interface."""

    def __init__(self, data):
        self._data = data

    def __arrow_c_stream__(self, requested_schema=None):
        return self._data.__arrow_c_stream__(requested_schema)


# ------------------------------------------------------------------ export

@pytest.mark.parametrize("name", list(CASES))
def test_to_arrow_to_pandas_equals_to_pandas(tmp_path, name):
    """Every dtype, with nulls, over two row groups: to_arrow().to_pandas() is to_pandas()."""
    ds = OrderedParquetDataset(tmp_path / "ds", ordered_on="k")
    ds.write(df=_frame(name), row_group_target_size=4)
    assert len(ds) == 2
    table = ds.to_arrow()
    assert table.num_rows == 6 and table.column("k").num_chunks == 2
    expected = ds.to_pandas()
    got = table.to_pandas()
    if name in OBJECT_TEXT:
        expected = _as_str(expected, ["v"])
    if name in ARROW_TEXT:
        expected["v"] = expected["v"].astype(pd.StringDtype("pyarrow"))
    pdt.assert_frame_equal(got, expected)


def test_arrow_types_and_metadata(tmp_path):
    df = pd.DataFrame({
        "ts": pd.date_range("2024-01-01", periods=3, freq="h", tz="Europe/Paris", unit="us"),
        "i8": np.array([1, 2, 3], dtype="int8"), "u64": np.array([1, 2, 3], dtype="uint64"),
        "f32": np.array([1, 2, 3], dtype="float32"), "b": [True, False, True],
        "s": ["a", None, "c"], "by": [b"x", None, b"z"],
        "td": pd.to_timedelta([1, 2, 3], unit="ms").astype("timedelta64[ms]"),
        "d": [datetime.date(2024, 1, 1), None, datetime.date(2024, 1, 3)],
        "dec": [decimal.Decimal("1.25"), None, decimal.Decimal("-3.50")],
        "cat": pd.Categorical(["x", "y", "x"], categories=["y", "x", "z"], ordered=True),
    }, index=pd.Index([10, 20, 30], name="id"))
    write(tmp_path / "ds", ordered_on="ts", df=df)
    t = OrderedParquetDataset(tmp_path / "ds").to_arrow()
    assert t.schema.field("ts").type == pa.timestamp("us", tz="Europe/Paris")
    assert t.schema.field("i8").type == pa.int8()
    assert t.schema.field("u64").type == pa.uint64()
    assert t.schema.field("f32").type == pa.float32()
    assert t.schema.field("b").type == pa.bool_()
    assert t.schema.field("s").type == pa.large_string()
    assert t.schema.field("by").type == pa.large_binary()
    assert t.schema.field("td").type == pa.duration("ms")
    assert t.schema.field("d").type == pa.date32()
    assert t.schema.field("dec").type == pa.decimal128(3, 2)
    assert t.schema.field("cat").type == pa.dictionary(pa.int32(), pa.large_string(), True)
    assert t.column("cat").chunk(0).dictionary.to_pylist() == ["y", "x", "z"]
    assert t.schema.names[-1] == "id"  # the index level, a column named in the metadata
    assert t.schema.pandas_metadata["index_columns"] == ["id"]
    assert t.column("s").to_pylist() == ["a", None, "c"]
    assert t.column("dec").to_pylist() == [decimal.Decimal("1.25"), None, decimal.Decimal("-3.50")]
    assert t.column("td").to_pylist()[2] == datetime.timedelta(milliseconds=3)
    pdt.assert_frame_equal(t.to_pandas(), OrderedParquetDataset(tmp_path / "ds").to_pandas())
    pdt.assert_frame_equal(t.to_pandas(), df)


def test_to_arrow_arguments_and_views(tmp_path):
    df = pd.DataFrame({"a": np.arange(10), "b": [f"s{i}" for i in range(10)],
                       "c": np.arange(10) * 0.5})
    write(tmp_path / "ds", ordered_on="a", df=df, row_group_target_size=3)
    ds = OrderedParquetDataset(tmp_path / "ds")
    for kwargs in ({"columns": ["c", "a"]}, {"start": 2, "end_excl": 8},
                   {"columns": ["b"], "start": 4}, {"filters": [("c", ">", 2.0)]},
                   {"filters": [[("a", "<", 2)], [("b", "in", ["s7"])]], "columns": ["a"]}):
        pdt.assert_frame_equal(ds.to_arrow(**kwargs).to_pandas(), ds.to_pandas(**kwargs))
        view = ds[1:3]
        pdt.assert_frame_equal(view.to_arrow(**kwargs).to_pandas(), view.to_pandas(**kwargs))
    t = ds.to_arrow(start=2, end_excl=8)
    assert t.column("a").to_pylist() == list(range(2, 8))
    assert [len(c) for c in t.column("a").chunks] == [1, 3, 2]  # one chunk per row group read
    assert ds[-1].to_arrow().column("a").to_pylist() == [9]
    assert pa.table(ds[0]).column("a").to_pylist() == [0, 1, 2]
    with pytest.raises(KeyError, match="nope"):
        ds.to_arrow(columns=["nope"])
    with pytest.raises(TypeError):
        ds.to_arrow(start="not a number")


def test_to_arrow_of_missing_and_empty(tmp_path):
    ds = OrderedParquetDataset(tmp_path / "none", ordered_on="a")
    assert ds.to_arrow().num_rows == 0 and ds.to_arrow().num_columns == 0
    assert pa.table(ds).num_rows == 0
    write(tmp_path / "ds", ordered_on="a", df=pd.DataFrame({"a": [1, 2], "s": ["x", "y"]}))
    t = OrderedParquetDataset(tmp_path / "ds").to_arrow(start=5)
    assert t.num_rows == 0 and t.schema.names == ["a", "s"]
    assert t.schema.field("s").type == pa.large_string()


def test_export_is_zero_copy(tmp_path):
    """The Arrow arrays point at the core's buffers: same addresses, no pyarrow allocation,
    and they outlive the core table and the dataset handle."""
    n = 100_000
    df = pd.DataFrame({"a": np.arange(n), "f": np.random.default_rng(0).random(n),
                       "s": pd.array([f"v{i % 97}" for i in range(n)], dtype="str")})
    write(tmp_path / "ds", ordered_on="a", df=df)
    ds = OrderedParquetDataset(tmp_path / "ds")
    core = ds._ds.snapshot().read()
    schema_capsule, array_capsule = _oups.arrow_capsules(core)
    batch = pa.RecordBatch._import_from_c_capsule(schema_capsule, array_capsule)
    addresses = _oups.arrow_buffer_addresses(core)
    assert batch.column(0).buffers()[1].address == addresses[0][1]
    assert batch.column(1).buffers()[1].address == addresses[1][1]
    assert batch.column(2).buffers()[1].address == addresses[2][2]  # offsets
    assert batch.column(2).buffers()[2].address == addresses[2][1]  # bytes
    del core
    gc.collect()
    assert batch.column(0).to_numpy()[-1] == n - 1  # our release callback keeps them alive
    # The whole read allocates nothing in pyarrow's memory pool.
    before = pa.total_allocated_bytes()
    t = ds.to_arrow()
    assert pa.total_allocated_bytes() == before
    del ds
    gc.collect()
    assert t.column("s")[n - 1].as_py() == f"v{(n - 1) % 97}"
    pdt.assert_frame_equal(t.to_pandas(), df)


def test_export_format_override_is_checked():
    core = _oups.make_table(["x"], [("float64", np.arange(3.0), None, None, None)], pd.NA)
    with pytest.raises(TypeError, match="column 'x': cannot export float64 as Arrow format 'U'"):
        _oups.arrow_capsules(core, {"x": "U"})
    s, a = _oups.arrow_capsules(core, {"x": "l"})  # same layout: accepted
    assert pa.RecordBatch._import_from_c_capsule(s, a).column(0).type == pa.int64()


def test_stream_consumers(tmp_path):
    df = pd.DataFrame({"a": np.arange(10), "s": [f"s{i}" for i in range(10)],
                       "c": pd.Categorical(list("xyxyxyxyxy"))})
    write(tmp_path / "ds", ordered_on="a", df=df, row_group_target_size=4)
    ds = OrderedParquetDataset(tmp_path / "ds")
    reader = pa.RecordBatchReader.from_stream(ds)
    assert reader.schema.field("c").type == pa.dictionary(pa.int32(), pa.large_string())
    assert [b.num_rows for b in reader] == [4, 4, 2]  # one batch per row group
    t = pa.table(ds)
    assert t.column("a").to_pylist() == list(range(10))
    assert t.column("c").to_pylist() == list("xyxyxyxyxy")
    assert pa.table(ds[1:]).column("a").to_pylist() == list(range(4, 10))
    # requested_schema is ignored (allowed by the interface): the stream keeps its schema.
    capsule = ds.__arrow_c_stream__(pa.schema([("a", pa.int32())]).__arrow_c_schema__())
    assert pa.RecordBatchReader._import_from_c_capsule(capsule).schema.field("a").type == pa.int64()
    # A stream reads its row groups lazily, from the state of the call.
    capsule = ds.__arrow_c_stream__()
    write(tmp_path / "ds", ordered_on="a", df=pd.DataFrame(
        {"a": [20], "s": ["late"], "c": pd.Categorical(["x"])}))
    assert pa.RecordBatchReader._import_from_c_capsule(capsule).read_all().num_rows == 10
    assert pa.table(ds).num_rows == 11


def test_duckdb(tmp_path):
    duckdb = pytest.importorskip("duckdb")
    df = pd.DataFrame({"ts": pd.date_range("2024-01-01", periods=100, freq="min", tz="UTC"),
                       "sym": ["a", "b", "c", "d"] * 25, "px": np.arange(100.0)})
    write(tmp_path / "ds", ordered_on="ts", df=df, row_group_target_size=30)
    ds = OrderedParquetDataset(tmp_path / "ds")
    tbl = ds.to_arrow()  # noqa: F841 (named in the SQL)
    q = "select sym, count(*) n, sum(px) s from {} group by sym order by sym"
    expected = [("a", 25, float(sum(range(0, 100, 4)))), ("b", 25, float(sum(range(1, 100, 4)))),
                ("c", 25, float(sum(range(2, 100, 4)))), ("d", 25, float(sum(range(3, 100, 4))))]
    assert duckdb.sql(q.format("tbl")).fetchall() == expected
    assert duckdb.sql(q.format("ds")).fetchall() == expected  # the stream object itself
    got = duckdb.sql("select max(ts) from ds").fetchall()[0][0]
    assert pd.Timestamp(got) == pd.Timestamp("2024-01-01 01:39", tz="UTC")


# ------------------------------------------------------------------ import

@pytest.mark.parametrize("name", [n for n in CASES if n not in OBJECT_TEXT])
def test_write_from_arrow_equals_write_from_pandas(tmp_path, name):
    df = _frame(name)
    write(tmp_path / "pd", ordered_on="k", df=df, row_group_target_size=4)
    write(tmp_path / "pa", ordered_on="k", df=pa.Table.from_pandas(df), row_group_target_size=4)
    a = OrderedParquetDataset(tmp_path / "pd")
    b = OrderedParquetDataset(tmp_path / "pa")
    expected = a.to_pandas()
    if name in ARROW_TEXT:  # as pa.Table.from_pandas(df).to_pandas() gives it
        expected["v"] = expected["v"].astype(pd.StringDtype("pyarrow"))
    pdt.assert_frame_equal(b.to_pandas(), expected)
    assert b.row_group_stats["n_rows"].tolist() == [4, 2]


def test_write_arrow_objects(tmp_path):
    df = pd.DataFrame({"k": np.arange(8), "s": [f"x{i}" for i in range(8)],
                       "f": np.linspace(0, 1, 8)})
    write(tmp_path / "pd", ordered_on="k", df=df)
    expected = OrderedParquetDataset(tmp_path / "pd").to_pandas()
    table = pa.Table.from_pandas(df, preserve_index=False)
    chunked = pa.concat_tables([table.slice(0, 3), table.slice(3)])  # two batches
    sources = {"table": table, "batch": table.to_batches()[0], "chunked": chunked,
               "only_stream": OnlyStream(table), "sliced": table.slice(2, 4),
               "reader": pa.RecordBatchReader.from_batches(table.schema, table.to_batches()),
               "small_string": table.set_column(1, "s", table.column("s").cast(pa.string())),
               "large_string": table.set_column(1, "s", table.column("s").cast(pa.large_string()))}
    for label, source in sources.items():
        write(tmp_path / label, ordered_on="k", df=source)
        got = OrderedParquetDataset(tmp_path / label).to_pandas()
        want = expected.iloc[2:6].reset_index(drop=True) if label == "sliced" else expected
        pdt.assert_frame_equal(got, want, obj=label)


def test_write_arrow_nulls_dictionaries_and_durations(tmp_path):
    t = pa.table({
        "k": pa.array([1, 2, 3, 4], pa.int64()),
        "i": pa.array([1, None, 3, None], pa.int32()),
        "s": pa.array(["a", None, "ccc", ""]),
        "b": pa.array([True, None, False, True]),
        "cat": pa.array(["u", None, "v", "u"]).dictionary_encode(),
        "icat": pa.DictionaryArray.from_arrays(pa.array([0, 1, None, 0], pa.int8()),
                                               pa.array([30, 10], pa.int64())),
        "du": pa.array([1, None, 3, 4], pa.duration("ms")),
        "ts": pa.array([0, 1, None, 3], pa.timestamp("s", tz="Asia/Tokyo")),
        "d": pa.array([0, 1, 2, None], pa.date32()),
        "dec": pa.array([decimal.Decimal("1.1"), None, decimal.Decimal("2.2"),
                         decimal.Decimal("-3.3")], pa.decimal128(5, 1)),
        "by": pa.array([b"a", None, b"", b"zz"], pa.binary()),
    })
    write(tmp_path / "ds", ordered_on="k", df=t)
    ds = OrderedParquetDataset(tmp_path / "ds")
    got = ds.to_pandas()
    want = t.to_pandas()
    # oups keeps integers with nulls exact (nullable Int32) where pyarrow makes floats.
    want["i"] = pd.array([1, None, 3, None], dtype="Int32")
    want["b"] = pd.array([True, None, False, True], dtype="boolean")
    pdt.assert_frame_equal(got, want)
    assert list(got["cat"].cat.categories) == ["u", "v"]
    assert list(got["icat"].cat.categories) == [30, 10]
    back = ds.to_arrow()
    assert back.schema.field("du").type == pa.duration("ms")
    assert back.column("du").to_pylist() == t.column("du").to_pylist()
    assert back.column("cat").to_pylist() == t.column("cat").to_pylist()
    # A later write extends the categories with new dictionary values.
    write(tmp_path / "ds", ordered_on="k", df=pa.table({
        "k": [5], "i": pa.array([5], pa.int32()), "s": ["e"], "b": [False],
        "cat": pa.array(["w"]).dictionary_encode(),
        "icat": pa.DictionaryArray.from_arrays(pa.array([0], pa.int8()), pa.array([20])),
        "du": pa.array([5], pa.duration("ms")), "ts": pa.array([5], pa.timestamp("s", "Asia/Tokyo")),
        "d": pa.array([5], pa.date32()), "dec": pa.array([decimal.Decimal("5.0")], pa.decimal128(5, 1)),
        "by": pa.array([b"e"])}))
    got = ds.to_pandas()
    assert list(got["cat"].cat.categories) == ["u", "v", "w"]
    assert list(got["icat"].cat.categories) == [30, 10, 20]


def test_import_is_zero_copy():
    n = 1000
    t = pa.table({"a": pa.array(np.arange(n)), "s": pa.array([f"v{i}" for i in range(n)],
                                                              pa.large_string()),
                  "small": pa.array([f"w{i}" for i in range(n)], pa.string())})
    core, fields, _ = _oups.table_from_arrow_stream(t.__arrow_c_stream__())
    addresses = _oups.arrow_buffer_addresses(core)
    assert addresses[0][1] == t.column("a").chunk(0).buffers()[1].address
    assert addresses[1][2] == t.column("s").chunk(0).buffers()[1].address  # offsets
    assert addresses[1][1] == t.column("s").chunk(0).buffers()[2].address  # bytes
    assert addresses[2][1] == t.column("small").chunk(0).buffers()[2].address  # bytes kept
    assert addresses[2][2] != t.column("small").chunk(0).buffers()[1].address  # offsets widened
    assert [f[1] for f in fields] == ["l", "U", "u"]
    del t
    gc.collect()
    cols = core.columns()
    assert cols[0][2][-1] == n - 1 and cols[1][2][-1] == f"v{n - 1}"


def test_appending_arrow_to_a_pandas_dataset(tmp_path):
    """Arrow rows merge into a dataset written from pandas (and back), with the stored
    dtypes, the safe conversions of the pandas path and the same ordering checks."""
    df = pd.DataFrame({"ts": pd.date_range("2024-01-01", periods=4, freq="D"),
                       "v": np.arange(4, dtype="int64"), "s": ["a", "b", "c", "d"]})
    write(tmp_path / "ds", ordered_on="ts", df=df, row_group_target_size="2D")
    stored_unit = np.datetime_data(df["ts"].dtype)[0]
    late = pa.table({"ts": pa.array([pd.Timestamp("2024-01-02 12:00"),
                                     pd.Timestamp("2024-01-05")], pa.timestamp(stored_unit)),
                     "v": pa.array([10, 11], pa.int32()),  # widened safely to int64
                     "s": ["late", "new"]})
    write(tmp_path / "ds", ordered_on="ts", df=late)
    got = OrderedParquetDataset(tmp_path / "ds").to_pandas()
    assert got["v"].tolist() == [0, 1, 10, 2, 3, 11]
    assert got["v"].dtype == np.int64 and got["s"].tolist()[2] == "late"


# ------------------------------------------------------------------ errors

def test_write_arrow_errors(tmp_path):
    good = pa.table({"k": [1, 2, 3], "v": [1.0, 2.0, 3.0]})
    with pytest.raises(ValueError, match="'k'"):
        write(tmp_path / "unsorted", ordered_on="k", df=pa.table({"k": [2, 1], "v": [1.0, 2.0]}))
    assert not (tmp_path / "unsorted").exists()
    with pytest.raises(KeyError, match="nope"):
        write(tmp_path / "missing", ordered_on="nope", df=good)
    with pytest.raises(TypeError, match="column 'v': Arrow type float16"):
        write(tmp_path / "f16", ordered_on="k", df=pa.table(
            {"k": [1], "v": pa.array([np.float16(1)], pa.float16())}))
    with pytest.raises(TypeError, match="column 'l': Arrow type list"):
        write(tmp_path / "list", ordered_on="k", df=pa.table({"k": [1], "l": [[1, 2]]}))
    with pytest.raises(TypeError, match="column 't': Arrow type time"):
        write(tmp_path / "time", ordered_on="k", df=pa.table(
            {"k": [1], "t": pa.array([datetime.time(1)], pa.time64("us"))}))
    with pytest.raises(ValueError, match="duplicate column name 'k'"):
        write(tmp_path / "dup", ordered_on="k", df=pa.Table.from_arrays(
            [pa.array([1]), pa.array([2])], names=["k", "k"]))
    with pytest.raises(TypeError, match="ordered column 'd' has dtype 'timedelta64\\[ms\\]'"):
        write(tmp_path / "td", ordered_on="d", df=pa.table(
            {"d": pa.array([1, 2], pa.duration("ms"))}))
    with pytest.raises(TypeError, match="'df' must be a pandas DataFrame, Arrow data"):
        write(tmp_path / "bad", ordered_on="k", df=[1, 2, 3])
    # A type differing from the stored one: the error names the column; data stays intact.
    write(tmp_path / "ds", ordered_on="k", df=good)
    with pytest.raises(TypeError, match="'v'"):
        write(tmp_path / "ds", ordered_on="k", df=pa.table({"k": [4], "v": ["text"]}))
    with pytest.raises(TypeError, match="'k'"):  # int64 -> unsigned is not a safe conversion
        write(tmp_path / "ds", ordered_on="k", df=pa.table(
            {"k": pa.array([4], pa.uint64()), "v": [4.0]}))
    with pytest.raises(ValueError):  # columns differ
        write(tmp_path / "ds", ordered_on="k", df=pa.table({"k": [4], "w": [4.0]}))
    # The index of pandas metadata must match the stored one, as for a frame.
    indexed = pd.DataFrame({"k": [5], "v": [5.0]}, index=pd.Index([7], name="i"))
    with pytest.raises(ValueError, match="index levels 'i'"):
        write(tmp_path / "ds", ordered_on="k", df=pa.Table.from_pandas(indexed))
    pdt.assert_frame_equal(OrderedParquetDataset(tmp_path / "ds").to_pandas(), good.to_pandas())


def test_stream_producer_errors_are_reported(tmp_path):
    class Failing:
        def __arrow_c_stream__(self, requested_schema=None):
            def batches():
                yield pa.record_batch({"k": [1, 2]})
                raise RuntimeError("producer broke")
            return pa.RecordBatchReader.from_batches(
                pa.schema([("k", pa.int64())]), batches()).__arrow_c_stream__()
    with pytest.raises(ValueError, match="producer broke"):
        write(tmp_path / "ds", ordered_on="k", df=Failing())
    assert OrderedParquetDataset(tmp_path / "ds").is_newly_initialized


def test_store_datasets_take_and_give_arrow(tmp_path):
    from oups.store import Store, toplevel

    @toplevel
    class Sym:
        name: str

    store = Store(tmp_path / "store", Sym)
    bars = pa.table({"ts": pa.array([1, 2, 3], pa.timestamp("s")), "px": [1.0, 2.0, 3.0]})
    store[Sym("abc")].write(ordered_on="ts", df=bars)
    store[Sym("xyz")].write(ordered_on="ts", df=OnlyStream(bars.slice(1)))
    assert store[Sym("abc")].to_arrow().column("px").to_pylist() == [1.0, 2.0, 3.0]
    assert pa.table(store[Sym("xyz")]).column("px").to_pylist() == [2.0, 3.0]
    assert store[Sym("abc")].to_arrow().schema.field("ts").type == pa.timestamp("s")


@pytest.mark.parametrize("offset,length", [(3, 10), (5, 7), (19, 1), (0, 0)])
def test_write_sliced_arrow_with_nulls(tmp_path, offset, length):
    """Arrow slices (offsets not on a byte boundary) of bool, 32-bit-offset text and float
    columns with nulls round-trip exactly; an empty slice writes nothing."""
    t = pa.table({"k": pa.array(np.arange(20)),
                  "b": pa.array([i % 3 == 0 if i % 5 else None for i in range(20)]),
                  "s": pa.array([None if i % 4 == 0 else str(i) for i in range(20)], pa.string()),
                  "f": pa.array([None if i % 6 == 0 else i * 0.5 for i in range(20)])})
    part = t.slice(offset, length)
    write(tmp_path / "ds", ordered_on="k", df=part)
    got = OrderedParquetDataset(tmp_path / "ds").to_arrow()
    assert got.num_rows == length
    if length:
        for name in part.column_names:
            assert got.column(name).to_pylist() == part.column(name).to_pylist(), name


def test_stream_read_error_names_the_file(tmp_path):
    """A row group that cannot be read when the consumer asks for it fails the consumer's
    read with the core's message, naming the file."""
    write(tmp_path / "ds", ordered_on="a", df=pd.DataFrame({"a": np.arange(6)}),
          row_group_target_size=3)
    capsule = OrderedParquetDataset(tmp_path / "ds").__arrow_c_stream__()
    files = sorted((tmp_path / "ds").iterdir())
    files[-1].unlink()  # behind oups' back
    reader = pa.RecordBatchReader._import_from_c_capsule(capsule)
    assert reader.read_next_batch().num_rows == 3
    with pytest.raises(OSError, match=files[-1].name):
        reader.read_next_batch()


def test_column_multiindex(tmp_path):
    """A frame with a column MultiIndex: exported with its level names in the pandas
    metadata, and imported from pa.Table.from_pandas under the same stored names as the
    frame itself (so the same ordered_on tuple works)."""
    df = pd.DataFrame({("ts", ""): pd.date_range("2024-01-01", periods=4, freq="h"),
                       ("px", "bid"): [1.0, 2.0, 3.0, 4.0], ("px", "ask"): [2.0, 3.0, 4.0, 5.0]})
    df.columns.names = ["field", "side"]
    write(tmp_path / "pd", ordered_on=("ts", ""), df=df)
    ds = OrderedParquetDataset(tmp_path / "pd")
    pdt.assert_frame_equal(ds.to_arrow().to_pandas(), ds.to_pandas())
    write(tmp_path / "pa", ordered_on=("ts", ""), df=pa.Table.from_pandas(df))
    pdt.assert_frame_equal(OrderedParquetDataset(tmp_path / "pa").to_pandas(), ds.to_pandas())
    write(tmp_path / "pd", ordered_on=("ts", ""), df=ds.to_arrow())  # appended again
    assert OrderedParquetDataset(tmp_path / "pd").num_rows == 8


def test_write_string_views(tmp_path):
    """string_view / binary_view columns (what polars exports) are copied into oups' layout:
    inline values (<= 12 bytes), values in data buffers, nulls, a slice."""
    values = ["short", "a value longer than twelve bytes", None, "", "x" * 100, "twelve bytes"]
    t = pa.table({"k": pa.array(np.arange(6)), "s": pa.array(values, pa.string_view()),
                  "b": pa.array([None if v is None else v.encode() for v in values],
                                pa.binary_view())})
    for label, part in (("whole", t), ("slice", t.slice(1, 4))):
        write(tmp_path / label, ordered_on="k", df=part)
        got = OrderedParquetDataset(tmp_path / label).to_arrow()
        assert got.column("s").to_pylist() == part.column("s").to_pylist(), label
        assert got.column("b").to_pylist() == part.column("b").to_pylist(), label
        assert got.schema.field("s").type == pa.large_string()


def test_polars(tmp_path):
    pl = pytest.importorskip("polars")
    frame = pl.DataFrame({
        "ts": pl.datetime_range(pl.datetime(2024, 1, 1), pl.datetime(2024, 1, 2), "6h",
                                eager=True),
        "v": [1, 2, None, 4, 5], "s": ["a", "a value longer than twelve", None, "d" * 40, "e"],
        "cat": pl.Series(["u", "v", "u", "u", "v"], dtype=pl.Categorical)})
    write(tmp_path / "ds", ordered_on="ts", df=frame, row_group_target_size=2)
    ds = OrderedParquetDataset(tmp_path / "ds")
    got = ds.to_pandas()
    assert got["s"].tolist()[:2] == ["a", "a value longer than twelve"]
    assert list(got["cat"].cat.categories) == ["u", "v"]
    back = pl.DataFrame(ds)  # the stream, read by polars
    assert back["v"].to_list() == [1, 2, None, 4, 5]
    assert back["s"].to_list() == frame["s"].to_list()
    assert back["cat"].cast(pl.String).to_list() == frame["cat"].cast(pl.String).to_list()


def test_dictionary_export():
    """Categories given to the export become the dictionary, in their order; values a batch
    holds beyond them follow, in order of appearance; nulls stay nulls; integer categories
    work the same way; categories of another type are refused, naming the column."""
    core = _oups.make_table(
        ["s", "i"], [("string", np.array(["a", "b", None, "c", "a"], dtype=object), None,
                      None, None),
                     ("int64", np.array([7, 3, 7, 9, 3]), None, None, None)], pd.NA)
    cats_s = _oups.make_table(["s"], [("string", np.array(["b", "z"], dtype=object), None,
                                       None, None)], pd.NA)
    cats_i = _oups.make_table(["i"], [("int64", np.array([9, 7]), None, None, None)], pd.NA)
    schema, array = _oups.arrow_capsules(core, {}, {"s": (cats_s, True), "i": (cats_i, False)})
    batch = pa.RecordBatch._import_from_c_capsule(schema, array)
    s, i = batch.column(0), batch.column(1)
    assert s.type == pa.dictionary(pa.int32(), pa.large_string(), ordered=True)
    assert s.dictionary.to_pylist() == ["b", "z", "a", "c"]
    assert s.indices.to_pylist() == [2, 0, None, 3, 2]
    assert s.to_pylist() == ["a", "b", None, "c", "a"]
    assert i.dictionary.to_pylist() == [9, 7, 3]
    assert i.indices.to_pylist() == [1, 2, 1, 0, 2]
    with pytest.raises(TypeError, match="column 'i': categories of string"):
        _oups.arrow_capsules(core, {}, {"i": (cats_s, False)})


def test_index_levels_with_column_selections(tmp_path):
    """Stored index levels (a MultiIndex, one level unnamed) come with any column selection,
    on datasets and views, and to_pandas() of the Arrow table restores them."""
    df = pd.DataFrame({"a": np.arange(6), "s": list("abcdef"),
                       "c": pd.Categorical(list("xyxyxy"))},
                      index=pd.MultiIndex.from_arrays([np.arange(6), list("pqrstu")],
                                                      names=["i0", None]))
    write(tmp_path / "ds", ordered_on="a", df=df, row_group_target_size=4)
    ds = OrderedParquetDataset(tmp_path / "ds")
    for cols in (None, ["s"], ["c", "a"]):
        pdt.assert_frame_equal(ds.to_arrow(columns=cols).to_pandas(), ds.to_pandas(columns=cols))
        pdt.assert_frame_equal(ds[1].to_arrow(columns=cols).to_pandas(),
                               ds[1].to_pandas(columns=cols))
    assert ds.to_arrow(columns=["s"]).schema.names == ["s", "i0", "__index_level_1__"]
    pdt.assert_frame_equal(ds.to_arrow().to_pandas(), df)


def test_write_a_dataset_into_another(tmp_path):
    """A dataset (or a view) is Arrow data: writing it into another dataset copies its rows,
    with categories, timedeltas and the index, without going through pandas."""
    df = pd.DataFrame({"a": np.arange(6), "s": list("abcdef"),
                       "c": pd.Categorical(list("xyxyxy"), categories=["y", "x"]),
                       "td": pd.to_timedelta(np.arange(6), unit="s")},
                      index=pd.Index(np.arange(6) * 10, name="id"))
    write(tmp_path / "src", ordered_on="a", df=df, row_group_target_size=4)
    src = OrderedParquetDataset(tmp_path / "src")
    write(tmp_path / "copy", ordered_on="a", df=src)
    pdt.assert_frame_equal(OrderedParquetDataset(tmp_path / "copy").to_pandas(), df)
    write(tmp_path / "last", ordered_on="a", df=src[-1])
    pdt.assert_frame_equal(OrderedParquetDataset(tmp_path / "last").to_pandas(), df.iloc[4:])
