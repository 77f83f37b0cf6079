"""Arrow interchange (docs/python.md#arrow): datasets to Arrow and Arrow to datasets.

Read side: the core hands its columns over through the Arrow C Data Interface
(``_oups.arrow_stream``, one batch per row group): the Arrow arrays ARE the core's
buffers, no copy. The stored pandas details decide what the columns mean (a
timedelta column is stored as int64 counts of its unit and exported as an Arrow
duration, same buffer; a categorical is encoded as a dictionary column, its recorded
categories first) and give the schema its ``pandas`` metadata, so that
``to_arrow().to_pandas()`` rebuilds the frame ``to_pandas()`` returns.
:func:`to_table` casts the one type that needs it (a timestamp unit that pandas had
and the file does not).

Write side: :func:`table_from_arrow` takes any object with ``__arrow_c_stream__``
(a pyarrow Table or RecordBatch, a polars frame, a DuckDB relation...), imports it
through the C stream into a core Table (no copy of fixed-width and 64-bit-offset
text buffers) and records the pandas details the same frame would have had after
``pyarrow.Table.to_pandas()``, taken from the Arrow types and the schema's
``pandas`` metadata (made on an empty frame: no data goes through pandas).
"""

from __future__ import annotations

import ast
import json

import numpy as np
import pandas as pd

from . import _oups
from . import _pandas

_UNIT_CHAR = {"s": "s", "ms": "m", "us": "u", "ns": "n"}
_INT_KINDS = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")


def is_arrow_data(obj) -> bool:
    """Whether a write should import `obj` through the Arrow C stream (pandas frames,
    which also have ``__arrow_c_stream__``, go through their own path)."""
    return not isinstance(obj, pd.DataFrame) and hasattr(obj, "__arrow_c_stream__")


# ------------------------------------------------------------------ read side

def _details(snapshot) -> dict | None:
    """The stored pandas details of a snapshot (None: written by another tool)."""
    return _pandas.parse_details(snapshot.schema_extra_json)


def _schema_of(snapshot, names):
    """[(stored name, (kind, unit, tz))] of the stored columns `names`, in that order."""
    types = dict(snapshot.schema or [])
    return [(n, types[n]) for n in names if n in types]


def _export_plan(snapshot, names):
    """(formats, categories, metadata) exporting the stored columns `names`: Arrow formats
    for the columns whose Arrow type differs from the core's with the same buffers
    (durations stored as int64), the categoricals to export as dictionaries (their
    recorded categories, as core tables, and ordered flags), and the schema's ``pandas``
    metadata."""
    details = _details(snapshot)
    schema = _schema_of(snapshot, names)
    infos = ((details or {}).get("pandas") or {}).get("columns") or {}
    formats, categories = {}, {}
    for name, (kind, _unit, _tz) in schema:
        info = infos.get(name) or {}
        tag = str(info.get("dtype", ""))
        if kind == "int64" and tag.startswith("timedelta64["):
            formats[name] = "tD" + _UNIT_CHAR[_pandas._tag_unit(tag, "ns")]
        if tag == "category" and (kind == "string" or kind in _INT_KINDS):
            values = info.get("categories", [])
            array = np.array(values, dtype=object if kind == "string" else kind)
            core = _oups.make_table([name], [(kind, array, None, None, None)], pd.NA)
            categories[name] = (core, bool(info.get("ordered")))
    metadata = {}
    if details is not None and "pandas" in details:
        metadata["pandas"] = json.dumps(_pandas.pandas_metadata(details, schema))
    return formats, categories, metadata


def stream_capsule(snapshot, positions, cols, lo, hi, core_filters, num_threads=1):
    """An ``arrow_array_stream`` PyCapsule of the rows of row groups `positions` (all
    when None) of `snapshot`, one batch per row group holding rows (read when the
    consumer asks for it, its columns decoded by up to `num_threads` threads)."""
    if positions is None:
        positions = list(range(snapshot.num_row_groups))
    empty = snapshot.read_rows([], cols, None, None)  # the columns, no row group read
    formats, categories, metadata = _export_plan(snapshot, empty.names)
    pending = iter(list(positions))

    def next_batch():
        for p in pending:
            table = snapshot.read_rows([p], cols, lo, hi, core_filters, num_threads)
            if table.num_rows:
                return table
        return None

    return _oups.arrow_stream(empty, formats, categories, metadata, next_batch)


class _Stream:
    """A stream capsule made once, handed to pyarrow's public from_stream()."""

    def __init__(self, capsule):
        self._capsule = capsule

    def __arrow_c_stream__(self, requested_schema=None):
        return self._capsule


def to_table(snapshot, positions, cols, lo, hi, core_filters, num_threads=1):
    """A pyarrow Table of the rows (one chunk per row group read), whose ``to_pandas()``
    is the frame the dataset's ``to_pandas`` returns."""
    import pyarrow as pa
    capsule = stream_capsule(snapshot, positions, cols, lo, hi, core_filters, num_threads)
    table = pa.RecordBatchReader.from_stream(_Stream(capsule)).read_all()
    details = _details(snapshot)
    infos = ((details or {}).get("pandas") or {}).get("columns") or {}
    types = dict(snapshot.schema or [])
    for i, name in enumerate(table.schema.names):
        info = infos.get(name)
        if not info or name not in types:
            continue
        want = _pandas._arrow_type(pa, *types[name], info)
        have = table.schema.field(i).type
        if want is None or want == have:
            continue
        if pa.types.is_timestamp(want) and pa.types.is_timestamp(have) and \
                want.unit != have.unit:
            column = table.column(i).cast(want)  # exact: stored in the coarser unit
        else:
            continue  # large_string/large_binary for string/binary: the same values
        table = table.set_column(i, table.schema.field(i).with_type(column.type), column)
    return table


# ------------------------------------------------------------------ write side

_PA_TYPES = {"bool": "bool_", "int8": "int8", "int16": "int16", "int32": "int32",
             "int64": "int64", "uint8": "uint8", "uint16": "uint16", "uint32": "uint32",
             "uint64": "uint64", "float32": "float32", "float64": "float64",
             "string": "large_string", "binary": "large_binary", "date32": "date32"}


def _arrow_type_of(pa, fmt, core_type, dictionary):
    """The Arrow type a frame column read from the stream would have (for the pandas
    dtype of an empty frame)."""
    kind, unit, tz = core_type
    if fmt.startswith("tD"):
        return pa.duration({"s": "s", "m": "ms", "u": "us", "n": "ns"}[fmt[2]])
    if kind == "timestamp":
        return pa.timestamp(unit or "ns", tz=tz or None)
    if kind == "decimal":
        p, s = unit.split(",")
        return pa.decimal128(int(p), int(s))
    value = getattr(pa, _PA_TYPES[kind])()
    if dictionary is not None:
        return pa.dictionary(pa.int32(), value)
    return value


def table_from_arrow(obj, stored_schema=None):
    """(core Table, stored details, [(name, (kind, unit, tz))]) of an object with
    ``__arrow_c_stream__``, as :func:`oups._pandas.frame_to_table` gives them for a frame:
    the details are those of ``pyarrow.Table.to_pandas()`` of the same data (index levels
    from the schema's ``pandas`` metadata included)."""
    import pyarrow as pa
    capsule = obj.__arrow_c_stream__()
    originals = {}  # stored name -> Arrow name

    def rename(names, metadata):
        stored = _stored_names(names, metadata)
        originals.update(zip(stored, names))
        return stored

    table, fields, metadata = _oups.table_from_arrow_stream(capsule, rename)
    names = [f[0] for f in fields]
    _pandas.check_unique_labels(names)
    arrow_fields = [pa.field(originals.get(name, name),
                             _arrow_type_of(pa, fmt, core_type, dictionary))
                    for name, fmt, core_type, dictionary, _ in fields]
    pandas_md = metadata.get(b"pandas")
    details = None
    if pandas_md is not None:
        details = _empty_frame_details(pa, arrow_fields, {b"pandas": pandas_md}, names)
    if details is None:  # no (usable) pandas metadata: the columns as pyarrow converts them
        details = _empty_frame_details(pa, arrow_fields, None, names)
    columns = details["pandas"]["columns"]
    for name, fmt, (kind, unit, _tz), dictionary, ordered in fields:
        info = columns[name]
        if dictionary is not None:
            values = dictionary.columns()[0][2]
            cats = [v if isinstance(v, str) else int(v)
                    for v in pd.unique(pd.Series(values, dtype=object)) if v is not None]
            columns[name] = dict(info, categories=cats, ordered=bool(ordered),
                                 cat_kind="str" if kind == "string" else kind,
                                 **{_pandas.APPEARANCE: cats})
        elif kind in ("date32", "binary", "decimal"):
            # Object columns of an empty frame look like text: the Arrow type says.
            if kind == "decimal":
                p, s = unit.split(",")
                fixed = {"dtype": "decimal", "precision": int(p), "scale": int(s)}
            else:
                fixed = {"dtype": "date" if kind == "date32" else "bytes"}
            if info.get("arrow"):  # a pyarrow-backed column of the frame: restored as such
                fixed["arrow"] = info["arrow"]
            columns[name] = fixed
    core_types = [(name, core_type) for name, _, core_type, _, _ in fields]
    return table, details, core_types


def _stored_names(names, metadata) -> list:
    """The stored names of Arrow columns: those of a frame with a column MultiIndex (its
    ``pandas`` metadata has several column levels) are the str of each label tuple, which
    oups stores as a JSON array (docs/behaviour.md#column-multiindex); others unchanged."""
    text = metadata.get(b"pandas")
    try:
        pmd = json.loads(text) if text is not None else {}
    except ValueError:
        return list(names)
    if len(pmd.get("column_indexes") or []) < 2:
        return list(names)
    labels = {c.get("field_name"): c.get("name") for c in pmd.get("columns") or []}
    out = []
    for name in names:
        label = labels.get(name, name)
        try:
            items = ast.literal_eval(label) if isinstance(label, str) else None
        except (ValueError, SyntaxError):
            items = None
        if isinstance(items, tuple) and all(isinstance(x, str) for x in items):
            out.append(_pandas.tuple_name(items))
        else:
            out.append(name)
    return out


def _empty_frame_details(pa, arrow_fields, metadata, names):
    """The stored details of the zero-row frame pyarrow makes of this schema, or None when
    they do not name the same columns (pandas metadata of another layout)."""
    empty = pa.schema(arrow_fields, metadata=metadata).empty_table()
    try:
        frame = empty.to_pandas()
        _, details, core_types = _pandas.frame_to_table(frame)
    except (TypeError, ValueError, KeyError):
        if metadata is None:
            raise
        return None
    if sorted(n for n, _ in core_types) != sorted(names):
        if metadata is None:
            raise ValueError(f"cannot describe the Arrow columns {names!r} as a frame's.")
        return None
    return details
