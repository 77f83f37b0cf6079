"""Schema evolution through the Python API (docs/python.md#schema-evolution,
docs/behaviour.md#schema-evolution): ``write(..., schema_evolution=True)`` adds a column
of every dtype of the dtype matrix (test_dtypes.py), widens dtypes, leaves out columns;
older row groups read back with the dtype's missing value; the row-group files stay
readable by pandas/pyarrow one by one and by DuckDB with ``union_by_name``; narrowing
and lossy changes are refused and leave the dataset as it was."""
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest

from oups.store import OrderedParquetDataset, Store, toplevel, write

from test_dtypes import CASES, N

_NULLABLE = {**{t: t.capitalize() for t in ("int8", "int16", "int32", "int64")},
             **{t: "U" + t[1:].capitalize() for t in ("uint8", "uint16", "uint32", "uint64")},
             "bool": "boolean"}


def _missing_dtype(dtype):
    """The dtype a column of `dtype` has once it holds missing values (older rows of an
    added column): numpy ints and bools become pandas' nullable dtypes, others stay."""
    return pd.api.types.pandas_dtype(_NULLABLE.get(str(dtype), dtype))


def _files(path):
    """The dataset's row-group files, in row order (from its metadata file)."""
    md = pd.read_parquet(f"{path}_opdmd")
    return [str(Path(path) / f"file_{int(i):08d}.parquet") for i in md["file_ids"]]


def _metadata(path):
    import pyarrow.parquet as pq
    return json.loads(pq.read_schema(f"{path}_opdmd").metadata[b"oups"])


def _base(n=N, start=0):
    return pd.DataFrame({"o": np.arange(start, start + n, dtype="int64"),
                         "x": np.arange(n, dtype="int64")})


@pytest.mark.parametrize("name", list(CASES))
def test_added_column_of_every_dtype(tmp_path, name):
    path = tmp_path / "ds"
    old = _base()
    write(path, ordered_on="o", df=old, row_group_target_size=N)
    new = _base(start=N)
    new[name] = CASES[name].array
    with pytest.raises(ValueError, match="schema evolution"):
        write(path, ordered_on="o", df=new, row_group_target_size=N)
    write(path, ordered_on="o", df=new, row_group_target_size=N, schema_evolution=True)
    opd = OrderedParquetDataset(path)
    assert len(opd) == 2
    out = opd.to_pandas()
    assert list(out.columns) == ["o", "x", name]
    pdt.assert_frame_equal(out[["o", "x"]], pd.concat([old, new[["o", "x"]]], ignore_index=True))
    col = out[name]
    assert col.iloc[:N].isna().all()
    assert col.dtype == _missing_dtype(new[name].dtype), (col.dtype, new[name].dtype)
    pdt.assert_series_equal(col.iloc[N:].reset_index(drop=True),
                            new[name].astype(col.dtype).reset_index(drop=True),
                            check_names=False)
    # The newer row group alone has the given dtype exactly; the older one the nulls.
    pdt.assert_frame_equal(opd[1].to_pandas(), new)
    assert opd[0].to_pandas()[name].isna().all()
    assert "schema_evolution" in _metadata(path)["required_features"]
    # Later writes of the evolved schema need no option.
    write(path, ordered_on="o", df=new.assign(o=new["o"] + N), row_group_target_size=N)
    assert len(OrderedParquetDataset(path).to_pandas()) == 3 * N


def test_row_group_files_read_by_pandas_pyarrow_and_duckdb(tmp_path):
    path = tmp_path / "ds"
    old = pd.DataFrame({"o": [1, 2, 3], "x": np.array([1, 2, 3], dtype="int32"),
                        "s": ["a", "b", "c"]})
    new = pd.DataFrame({"o": [4, 5], "x": np.array([2**40, 5], dtype="int64"),
                        "s": ["d", "e"], "f": [0.5, 1.5]})
    write(path, ordered_on="o", df=old, row_group_target_size=3)
    write(path, ordered_on="o", df=new, row_group_target_size=3, schema_evolution=True)
    files = _files(path)
    assert len(files) == 2
    # Each file is a Parquet file of its own schema, read back by pandas as written.
    pdt.assert_frame_equal(pd.read_parquet(files[0]), old)
    pdt.assert_frame_equal(pd.read_parquet(files[1]), new)
    import pyarrow.parquet as pq
    assert pq.read_schema(files[0]).field("x").type == "int32"
    assert pq.read_schema(files[1]).field("x").type == "int64"
    duckdb = pytest.importorskip("duckdb")
    listed = ", ".join(f"'{f}'" for f in files)
    rows = duckdb.sql(f"select o, x, s, f from read_parquet([{listed}], union_by_name=true) "
                      "order by o").fetchall()
    assert rows == [(1, 1, "a", None), (2, 2, "b", None), (3, 3, "c", None),
                    (4, 2**40, "d", 0.5), (5, 5, "e", 1.5)]
    expected = pd.DataFrame({"o": [1, 2, 3, 4, 5], "x": [1, 2, 3, 2**40, 5],
                             "s": ["a", "b", "c", "d", "e"],
                             "f": [np.nan, np.nan, np.nan, 0.5, 1.5]})
    pdt.assert_frame_equal(OrderedParquetDataset(path).to_pandas(), expected)


_SIGNED = ["int8", "int16", "int32", "int64"]
_UNSIGNED = ["uint8", "uint16", "uint32", "uint64"]
# Every widening of the numeric dtypes (docs/behaviour.md#schema-evolution): an integer
# to every wider one of its signedness, every integer to float64, float32 to float64;
# then nullable dtypes and every finer timestamp unit.
WIDENINGS = [
    *[(a, b) for kind in (_SIGNED, _UNSIGNED)
      for i, a in enumerate(kind) for b in kind[i + 1:]],
    *[(a, "float64") for a in _SIGNED + _UNSIGNED],
    ("float32", "float64"),
    ("Int8", "Int64"), ("UInt16", "UInt32"), ("Int32", "Float64"), ("UInt64", "Float64"),
    ("Int16", "Int32"), ("UInt8", "UInt64"),
    ("datetime64[s]", "datetime64[ms]"), ("datetime64[ms]", "datetime64[us]"),
    ("datetime64[us]", "datetime64[ns]"), ("datetime64[s]", "datetime64[ns]"),
    ("datetime64[s]", "datetime64[us]"), ("datetime64[ms]", "datetime64[ns]"),
    ("datetime64[s, UTC]", "datetime64[ns, UTC]"),
    ("datetime64[ms, Europe/Paris]", "datetime64[ns, Europe/Paris]"),
]


def _values(dtype, start):
    if dtype.startswith("datetime64"):
        unit = dtype[len("datetime64["):].split(",")[0].rstrip("]")
        tz = dtype.split(", ")[1].rstrip("]") if ", " in dtype else None
        ts = pd.Series(pd.to_datetime(["2024-01-01", "2024-06-30 12:00:01", "1999-12-31"],
                                      format="ISO8601")
                       + pd.Timedelta(seconds=start)).astype(f"datetime64[{unit}]")
        return ts.dt.tz_localize(tz) if tz else ts
    if dtype.startswith("uint") or dtype.startswith("UInt"):
        top = 2**53 if dtype.lower() == "uint64" else np.iinfo(dtype.lower()).max  # exact in float64
        return pd.Series([start, 7, top], dtype=dtype)
    if dtype.startswith("int") or dtype.startswith("Int"):
        info = np.iinfo(dtype.lower())
        vals = [info.min, start, info.max]
        if dtype.lower() == "int64":  # float64 holds integers up to 2**53 exactly
            vals = [-(2**53), start, 2**53]
        return pd.Series(vals, dtype=dtype)
    return pd.Series([0.5, start, -1.25e30], dtype=dtype)


@pytest.mark.parametrize("old_dtype,new_dtype", WIDENINGS)
def test_widening_round_trips(tmp_path, old_dtype, new_dtype):
    path = tmp_path / "ds"
    old = pd.DataFrame({"o": [0, 1, 2], "v": _values(old_dtype, 1)})
    new = pd.DataFrame({"o": [3, 4, 5], "v": _values(new_dtype, 2)})
    write(path, ordered_on="o", df=old, row_group_target_size=3)
    with pytest.raises(TypeError, match="schema evolution"):
        write(path, ordered_on="o", df=new, row_group_target_size=3)
    write(path, ordered_on="o", df=new, row_group_target_size=3, schema_evolution=True)
    out = OrderedParquetDataset(path).to_pandas()
    assert out["v"].dtype == new["v"].dtype
    expected = pd.concat([old.astype({"v": new["v"].dtype}), new], ignore_index=True)
    pdt.assert_frame_equal(out, expected)
    # A row merged into the older row group rewrites it in the new dtype.
    write(path, ordered_on="o", df=new.iloc[[0]].assign(o=1), row_group_target_size=3,
          duplicates_on="o")
    out = OrderedParquetDataset(path).to_pandas()
    assert out["v"].dtype == new["v"].dtype
    assert out["v"].iloc[1] == new["v"].iloc[0]


def test_left_out_columns_read_missing(tmp_path):
    path = tmp_path / "ds"
    full = pd.DataFrame({"o": [1, 2], "i": np.array([1, 2], dtype="int16"),
                         "f": [0.5, 1.5], "s": ["a", "b"],
                         "t": pd.to_datetime(["2024-01-01", "2024-01-02"]),
                         "c": pd.Categorical(["x", "y"])})
    write(path, ordered_on="o", df=full)
    narrow = pd.DataFrame({"o": [3], "f": [2.5]})
    with pytest.raises(ValueError, match="Missing"):
        write(path, ordered_on="o", df=narrow)
    write(path, ordered_on="o", df=narrow, schema_evolution=True)
    out = OrderedParquetDataset(path).to_pandas()
    assert list(out.columns) == ["o", "i", "f", "s", "t", "c"]
    assert out["i"].dtype == "Int16" and out["i"].isna().tolist() == [False, False, True]
    assert out["f"].tolist() == [0.5, 1.5, 2.5]
    assert out["s"].isna().tolist() == [False, False, True]
    assert out["t"].isna().tolist() == [False, False, True]
    assert out["c"].dtype == "category" and out["c"].isna().tolist() == [False, False, True]
    # The older row group still reads as written.
    pdt.assert_frame_equal(OrderedParquetDataset(path)[0].to_pandas(), full)


NARROWER = [
    ("int64", "int32"), ("float64", "float32"), ("uint32", "uint8"),
    ("datetime64[ns, UTC]", "datetime64[ns, Europe/Paris]"),
]


@pytest.mark.parametrize("stored,given", NARROWER)
def test_narrower_rows_never_narrow_the_stored_dtype(tmp_path, stored, given):
    path = tmp_path / "ds"
    old = pd.DataFrame({"o": [0, 1, 2], "v": _values(stored, 1)})
    write(path, ordered_on="o", df=old)
    new = pd.DataFrame({"o": [3], "v": _values(given, 2).iloc[[1]].reset_index(drop=True)})
    write(path, ordered_on="o", df=new, schema_evolution=True)
    out = OrderedParquetDataset(path).to_pandas()
    assert out["v"].dtype == old["v"].dtype
    pdt.assert_frame_equal(out.iloc[:3], old)


REFUSED = [
    ("float64 -> int64, not exact", pd.Series([0.5]), pd.Series([2**60 + 1]), "exactly"),
    ("int32 -> float32", pd.Series([1], dtype="int32"), pd.Series([0.5], dtype="float32"),
     "not a widening"),
    ("str -> int64", pd.Series(["a"]), pd.Series([1]), "not a widening"),
    ("int64 -> str", pd.Series([1]), pd.Series(["a"]), "not a widening"),
    ("datetime ns -> s (coarser)", pd.Series(pd.to_datetime(["2024-01-01"])).astype("M8[ns]"),
     pd.Series(pd.to_datetime(["2024-01-02"])).astype("M8[s]"), "not a widening"),
    ("naive -> UTC", pd.Series(pd.to_datetime(["2024-01-01"])),
     pd.Series(pd.to_datetime(["2024-01-02"])).dt.tz_localize("UTC"), "not a widening"),
    ("int64 -> float64 beyond 2**53", pd.Series([2**53 + 1]), pd.Series([0.5]),
     "cannot be widened"),
    ("datetime s -> ns beyond 2262", pd.Series(pd.to_datetime(["2900-01-01"])).astype("M8[s]"),
     pd.Series(pd.to_datetime(["2024-01-01"])).astype("M8[ns]"), "cannot be widened"),
]


@pytest.mark.parametrize("case,stored,given,text", REFUSED, ids=[r[0] for r in REFUSED])
def test_narrowing_and_lossy_changes_are_refused(tmp_path, case, stored, given, text):
    path = tmp_path / "ds"
    write(path, ordered_on="o", df=pd.DataFrame({"o": [0], "v": stored}))
    before = Path(f"{path}_opdmd").read_bytes()
    with pytest.raises(TypeError, match=text):
        write(path, ordered_on="o", df=pd.DataFrame({"o": [1], "v": given}),
              schema_evolution=True)
    assert Path(f"{path}_opdmd").read_bytes() == before
    pdt.assert_frame_equal(OrderedParquetDataset(path).to_pandas(),
                           pd.DataFrame({"o": [0], "v": stored}))


@toplevel
class K:
    name: str


def test_filters_and_iter_intersections_on_an_evolved_dataset(tmp_path):
    path = tmp_path / "ds"
    write(path, ordered_on="o", df=pd.DataFrame({"o": [1, 2, 3], "x": [1, 2, 3]}),
          row_group_target_size=3)
    write(path, ordered_on="o", df=pd.DataFrame({"o": [4, 5], "x": [4, 5], "y": [0.5, 9.0]}),
          row_group_target_size=3, schema_evolution=True)
    opd = OrderedParquetDataset(path)
    got = opd.to_pandas(filters=[("y", ">", 1.0)])
    assert got["o"].tolist() == [5]
    got = opd.to_pandas(filters=[("x", "<=", 4)], columns=["o", "y"])
    assert got["o"].tolist() == [1, 2, 3, 4] and got["y"].isna().tolist() == [True] * 3 + [False]

    base = tmp_path / "store"
    store = Store(base, K)
    write(base / "a", ordered_on="o", df=pd.DataFrame({"o": [1, 3], "x": [1, 3]}))
    write(base / "a", ordered_on="o", df=pd.DataFrame({"o": [5], "x": [5], "y": ["z"]}),
          schema_evolution=True)
    write(base / "b", ordered_on="o", df=pd.DataFrame({"o": [2, 4, 6], "w": [2.0, 4.0, 6.0]}))
    parts = list(store.iter_intersections([K("a"), K("b")]))
    a = pd.concat([p[K("a")] for p in parts], ignore_index=True)
    assert a["o"].tolist() == [1, 3, 5]
    assert a["y"].isna().tolist() == [True, True, False]


def test_arrow_data_evolves_too(tmp_path):
    pa = pytest.importorskip("pyarrow")
    path = tmp_path / "ds"
    write(path, ordered_on="o", df=pa.table({"o": pa.array([1, 2], pa.int64()),
                                             "x": pa.array([1, 2], pa.int8())}))
    write(path, ordered_on="o", df=pa.table({"o": pa.array([3], pa.int64()),
                                             "x": pa.array([300], pa.int16()),
                                             "z": pa.array(["q"], pa.string())}),
          schema_evolution=True)
    out = OrderedParquetDataset(path).to_pandas()
    assert out["x"].dtype == "int16" and out["x"].tolist() == [1, 2, 300]
    assert out["z"].isna().tolist() == [True, True, False]


def test_schema_evolution_must_be_a_bool(tmp_path):
    with pytest.raises(TypeError, match="'schema_evolution' must be True or False"):
        write(tmp_path / "ds", ordered_on="o", df=pd.DataFrame({"o": [1]}),
              schema_evolution="yes")


def _cli():
    import os
    import oups
    env = os.environ.get("OUPS_CLI")
    path = Path(env) if env else Path(oups.__file__).parent.parent.parent / "tools" / "oups"
    if not path.exists():
        pytest.skip("the oups command-line tool is not built")
    return path


def test_cli_write_schema_evolution(tmp_path):
    import subprocess
    cli = _cli()
    path = tmp_path / "ds"
    (tmp_path / "a.csv").write_text("o,x\n1,10\n2,20\n")
    (tmp_path / "b.csv").write_text("o,x,note\n3,2.5,late\n")
    run = lambda *args: subprocess.run([str(cli), *map(str, args)], capture_output=True,
                                       text=True)
    assert run("write", path, "--ordered-on", "o", "--from", tmp_path / "a.csv").returncode == 0
    refused = run("write", path, "--from", tmp_path / "b.csv", "--types", "x=float64")
    assert refused.returncode != 0 and "schema evolution" in refused.stderr, refused.stderr
    # CSV columns a dataset has are read in their stored types: --types widens one.
    ok = run("write", path, "--from", tmp_path / "b.csv", "--schema-evolution",
             "--types", "x=float64")
    assert ok.returncode == 0, ok.stderr
    out = OrderedParquetDataset(path).to_pandas()
    assert out["x"].tolist() == [10.0, 20.0, 2.5]
    assert out["note"].isna().tolist() == [True, True, False]


def test_an_older_version_reads_with_its_own_dtypes(tmp_path):
    path = tmp_path / "ds"
    old = pd.DataFrame({"o": [1, 2], "x": np.array([1, 2], dtype="int8")})
    write(path, ordered_on="o", df=old, keep_versions=10)
    new = pd.DataFrame({"o": [3], "x": [2**40], "y": ["s"]})
    write(path, ordered_on="o", df=new, schema_evolution=True, keep_versions=10)
    pdt.assert_frame_equal(OrderedParquetDataset(path, as_of=1).to_pandas(), old)
    out = OrderedParquetDataset(path).to_pandas()
    assert out["x"].dtype == "int64" and out["x"].tolist() == [1, 2, 2**40]
    assert out["y"].isna().tolist() == [True, True, False]
