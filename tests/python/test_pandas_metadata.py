"""The ``pandas`` key-value metadata of row-group files written from Python (architecture.md,
parquet layer: pandas/pyarrow users get their dtypes back).

pyarrow is not installed, so ``pandas.read_parquet`` cannot read the files: the footer is read
with the C++ reader through the CLI (``oups parquet meta FILE --json``), and the key is checked
against the pyarrow format (the pandas "Storing pandas DataFrame objects in Apache Parquet
format" spec) and against the dtypes the dataset gives back."""
import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import oups
from oups.store import OrderedParquetDataset, write

from conftest import rg_files
from test_dtypes import CASES, N


def _cli() -> Path:
    env = os.environ.get("OUPS_CLI")
    if env:
        return Path(env)
    # PYTHONPATH=<build>/python: the tool is <build>/tools/oups.
    return Path(oups.__file__).parent.parent.parent / "tools" / "oups"


CLI = _cli()
pytestmark = pytest.mark.skipif(not CLI.is_file(), reason=f"oups CLI not built ({CLI})")


def footer_kv(path) -> dict:
    """Key-value metadata of a Parquet file, read by the C++ reader (CLI)."""
    out = subprocess.run([str(CLI), "parquet", "meta", str(path), "--json"], check=True,
                         capture_output=True, text=True).stdout
    return {kv["key"]: kv["value"] for kv in json.loads(out)["key_value_metadata"]}


def pandas_key(path) -> dict:
    kv = footer_kv(path)
    assert "pandas" in kv, f"{path}: keys {sorted(kv)}"
    return json.loads(kv["pandas"])


def expected_types(name):
    """(pandas_type, numpy_type, metadata) pyarrow writes for CASES[name]."""
    if name in ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
                "float32", "float64", "bool"):
        return name, name, None
    if name in ("Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64",
                "Float32", "Float64"):
        return name.lower(), name, None
    series = CASES[name]
    if name.startswith("arrow_"):  # pyarrow-backed: numpy_type is the ArrowDtype's name
        base = {"arrow_int64": "int64", "arrow_uint8": "uint8", "arrow_double": "float64",
                "arrow_bool": "bool", "arrow_string": "unicode", "arrow_timestamp_tz": "datetimetz",
                "arrow_timestamp_us": "datetime", "arrow_duration": "timedelta",
                "arrow_date32": "date"}[name]
        return base, str(series.dtype), None
    if name in ("datetime_s", "datetime_ms", "datetime_us"):
        return "datetime", str(series.dtype), None
    if name.startswith("timedelta_"):
        return "timedelta", str(series.dtype), None
    if name.startswith("datetime_") and name != "datetime_naive":
        return ("datetimetz", f"datetime64[{series.dtype.unit}]",
                {"timezone": name[len("datetime_"):]})
    return {
        "datetime_naive": ("datetime", str(series.dtype), None),
        "timedelta": ("timedelta", str(series.dtype), None),
        # pandas 3 text dtypes (str, StringDtype): pyarrow writes "object".
        "str_default": ("object", "str", None),
        "object_str": ("unicode", "object", None),
        "string": ("object", "string", None),
        "boolean": ("bool", "boolean", None),
        "bytes": ("bytes", "object", None),
        "date": ("date", "object", None),
        "category_str": ("categorical", "int8", {"num_categories": 4, "ordered": False}),
        "category_ordered": ("categorical", "int8", {"num_categories": 3, "ordered": True}),
        "category_int": ("categorical", "int8", {"num_categories": 3, "ordered": False}),
    }[name]


def physical_dtype(series) -> str:
    """str of the numpy dtype holding `series` (the spec's numpy_type)."""
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return str(series.cat.codes.dtype)
    if isinstance(dtype, pd.DatetimeTZDtype):
        return f"datetime64[{dtype.unit}]"
    return str(dtype)


# pyarrow's own entry for a level of str column labels (numpy_type "str" with pandas 3's
# str dtype for labels, "object" before).
STR_LEVEL = json.loads(pa.Table.from_pandas(pd.DataFrame({"a": [1]}), preserve_index=None)
                       .schema.metadata[b"pandas"])["column_indexes"][0]


@pytest.mark.parametrize("name", list(CASES))
def test_every_rg_file_carries_pandas_key(tmp_path, name):
    df = pd.DataFrame({"o": np.arange(N, dtype="int64"), name: CASES[name]})
    write(tmp_path / "ds", ordered_on="o", df=df, row_group_target_size=4)
    files = rg_files(tmp_path / "ds")
    assert len(files) == 2
    back = OrderedParquetDataset(tmp_path / "ds").to_pandas()
    pandas_type, numpy_type, meta = expected_types(name)
    for f in files:
        md = pandas_key(tmp_path / "ds" / f)
        assert list(md) == ["index_columns", "column_indexes", "columns", "creator",
                            "pandas_version"]
        assert md["index_columns"] == []
        assert md["column_indexes"] == [STR_LEVEL]
        assert md["creator"] == {"library": "oups", "version": oups.__version__}
        assert md["pandas_version"] == pd.__version__
        assert md["columns"] == [
            {"name": "o", "field_name": "o", "pandas_type": "int64", "numpy_type": "int64",
             "metadata": None},
            {"name": name, "field_name": name, "pandas_type": pandas_type,
             "numpy_type": numpy_type, "metadata": meta}]
        # numpy_type is what the frame read back holds.
        for col in md["columns"]:
            assert col["numpy_type"] == physical_dtype(back[col["name"]]), col


def test_multiindex_columns(tmp_path):
    cols = pd.MultiIndex.from_tuples([("ts", ""), ("price", "bid"), ("price", "ask")],
                                     names=["field", "side"])
    df = pd.DataFrame([[1, 1.0, 2.0], [2, 3.0, 4.0]], columns=cols)
    df[("ts", "")] = pd.to_datetime(["2024-01-01", "2024-01-02"]).tz_localize("Europe/Paris")
    write(tmp_path / "ds", ordered_on=("ts", ""), df=df)
    [f] = rg_files(tmp_path / "ds")
    md = pandas_key(tmp_path / "ds" / f)
    assert md["index_columns"] == []
    assert md["column_indexes"] == [dict(STR_LEVEL, name=n, field_name=n)
                                    for n in ("field", "side")]
    assert [(c["name"], c["field_name"]) for c in md["columns"]] == [
        ("('ts', '')", '["ts",""]'), ("('price', 'bid')", '["price","bid"]'),
        ("('price', 'ask')", '["price","ask"]')]
    assert md["columns"][0]["pandas_type"] == "datetimetz"
    assert md["columns"][0]["metadata"] == {"timezone": "Europe/Paris"}
    unit = df[("ts", "")].dtype.unit  # pandas 3 parses these as "us", earlier ones "ns"
    assert [c["numpy_type"] for c in md["columns"]] == [f"datetime64[{unit}]", "float64",
                                                       "float64"]


def test_new_categories_update_the_key_of_new_files(tmp_path):
    cat = pd.CategoricalDtype(["a", "b"])
    df1 = pd.DataFrame({"o": [1, 2], "c": pd.Series(["a", "b"], dtype=cat)})
    write(tmp_path / "ds", ordered_on="o", df=df1, row_group_target_size=2)
    [first] = rg_files(tmp_path / "ds")
    df2 = pd.DataFrame({"o": [3, 4], "c": pd.Series(["z", "a"], dtype="category")})
    write(tmp_path / "ds", ordered_on="o", df=df2, row_group_target_size=2)
    files = rg_files(tmp_path / "ds")
    assert first in files and len(files) == 2
    [second] = [f for f in files if f != first]
    assert pandas_key(tmp_path / "ds" / first)["columns"][1]["metadata"] == {
        "num_categories": 2, "ordered": False}
    # The stored categories grew to a, b, z: the new file says so, as read back.
    assert pandas_key(tmp_path / "ds" / second)["columns"][1]["metadata"] == {
        "num_categories": 3, "ordered": False}
    back = OrderedParquetDataset(tmp_path / "ds").to_pandas()
    assert list(back["c"].cat.categories) == ["a", "b", "z"]


def test_dataset_without_the_key_gets_it_on_next_write(tmp_path):
    # A dataset whose stored details predate the key (written through the binding with
    # the details only): the next write stores the key, and every file it writes has it.
    df = pd.DataFrame({"o": [1, 2, 3], "v": pd.array([1, None, 3], dtype="Int16")})
    from oups import _pandas
    opd = OrderedParquetDataset(tmp_path / "ds", ordered_on="o")
    table, details, _ = _pandas.frame_to_table(df)
    opd._ds.write(table, ordered_on="o", target_rows=2,
                  schema_extra_json=json.dumps(_pandas.stored_details(details)))
    assert all("pandas" not in footer_kv(tmp_path / "ds" / f) for f in rg_files(tmp_path / "ds"))
    write(tmp_path / "ds", ordered_on="o", df=df.assign(o=[4, 5, 6]), row_group_target_size=2)
    stored = json.loads(OrderedParquetDataset(tmp_path / "ds")._ds.schema_extra_json())
    assert stored["file_key_value_metadata"]["pandas"]["columns"][1]["numpy_type"] == "Int16"
    new_files = [f for f in rg_files(tmp_path / "ds") if "pandas" in footer_kv(tmp_path / "ds" / f)]
    assert len(new_files) >= 2
    for f in new_files:
        assert pandas_key(tmp_path / "ds" / f)["columns"][1] == {
            "name": "v", "field_name": "v", "pandas_type": "int16", "numpy_type": "Int16",
            "metadata": None}
