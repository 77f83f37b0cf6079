"""pandas <-> core conversion: dtypes, time zones, index, column MultiIndex
(docs/behaviour.md#column-types, docs/behaviour.md#column-multiindex).

Write side: :func:`frame_to_table` turns a DataFrame into a core ``Table`` (through
``_oups.make_table``) plus the pandas details the core stores opaquely
(``WriteOptions::schema_extra_json``). Fixed-width numeric columns are passed as
numpy arrays and wrapped by the core without copying. The frame's index is stored as
pyarrow's ``preserve_index=None`` stores it (:func:`index_fields`): a RangeIndex is not,
any other index is, one column per level, after the frame's columns.

Read side: :func:`table_to_frame` rebuilds the DataFrame from the core's columns
(numpy arrays over the core's buffers when no conversion is needed) and the stored
details, restoring dtypes exactly.

Stored details (JSON, member ``"pandas"``)::

    {"pandas": {"version": 1,
                "columns": {<stored name>: {"dtype": <tag>, ...}},
                "multiindex": null | {"names": [<level names>]},
                "index": [{"field": <stored name>, "name": <level name or null>}, ...]}}

(``"index"`` absent: no index stored.)

plus, for the core to write into every row-group file as the ``pandas`` key,
``"file_key_value_metadata": {"pandas": <pyarrow's pandas metadata>}`` (see
:func:`pandas_metadata`).

Tags: numpy dtype names (``int64``, ``float32``, ``bool``, ``datetime64[ns]``,
``timedelta64[ns]``), ``datetime64tz`` (+ ``tz``), nullable ``Int8``..``UInt64``,
``Float32``/``Float64``, ``boolean``, ``object`` (str), ``string``, ``bytes``,
``date``, ``category`` (+ ``categories``, ``ordered``, ``cat_kind``). Columns without
details (datasets written by other tools) come back as their natural pandas dtype.

Stored name of a MultiIndex tuple: its compact JSON array (``("ts", "")`` ->
``["ts",""]``).
"""

from __future__ import annotations

import datetime
import decimal
import json
import math

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

from . import _oups

__all__ = ["check_cmidx", "conform_cmidx"]

_NS = {"s": 1_000_000_000, "ms": 1_000_000, "us": 1_000, "ns": 1}
_EPOCH_ORDINAL = datetime.date(1970, 1, 1).toordinal()
_INT64_MIN = np.iinfo(np.int64).min  # NaT


# ------------------------------------------------------------------ labels

def check_cmidx(cmidx) -> None:
    """Check that a column MultiIndex can be written: level names set, labels of type str.

    ``write()`` applies these rules to a frame with MultiIndex columns
    (docs/behaviour.md#column-multiindex); :func:`conform_cmidx` fixes a frame that
    breaks them.

    Parameters
    ----------
    cmidx : pandas.MultiIndex
        The columns of a DataFrame.

    Returns
    -------
    None

    Raises
    ------
    ValueError
        A level name is None.
    TypeError
        A label of any level is not a str.

    Examples
    --------
    >>> import pandas as pd
    >>> from oups.store import check_cmidx
    >>> check_cmidx(pd.MultiIndex.from_tuples([("px", "bid"), ("px", "ask")], names=["", ""]))
    >>> check_cmidx(pd.MultiIndex.from_tuples([("px", 1)], names=["a", "b"]))
    Traceback (most recent call last):
    ...
    TypeError: name 1 has to be of type 'string', not 'int'.
    """
    for name in cmidx.names:
        if name is None:
            raise ValueError("not possible to have level name set to None.")
    for level in cmidx.levels:
        for label in level:
            if not isinstance(label, str):
                raise TypeError(
                    f"name {label} has to be of type 'string', not '{type(label).__name__}'.")


def conform_cmidx(df) -> None:
    """Make `df`'s column MultiIndex writable, in place: None level names become ``""``
    and every label its text. Does nothing to flat columns.

    The only function of ``oups`` that modifies its argument.

    Parameters
    ----------
    df : pandas.DataFrame

    Returns
    -------
    None

    Examples
    --------
    >>> import pandas as pd
    >>> from oups.store import conform_cmidx
    >>> df = pd.DataFrame([[1]], columns=pd.MultiIndex.from_tuples([("a", 1, "o")],
    ...                                                            names=[None, "oh", None]))
    >>> conform_cmidx(df)
    >>> list(df.columns), list(df.columns.names)
    ([('a', '1', 'o')], ['', 'oh', ''])
    """
    cmidx = df.columns
    if not isinstance(cmidx, pd.MultiIndex):
        return
    names = ["" if n is None else n for n in cmidx.names]
    tuples = [tuple(str(x) for x in t) for t in cmidx]
    df.columns = pd.MultiIndex.from_tuples(tuples, names=names)


def tuple_name(label) -> str:
    """Stored name of a MultiIndex column label (compact JSON array)."""
    return json.dumps(list(label), separators=(",", ":"), ensure_ascii=False)


def label_to_name(label, multiindex: bool | None = None) -> str:
    """Stored name of a column label (str, or tuple for a MultiIndex)."""
    if isinstance(label, tuple):
        for x in label:
            if not isinstance(x, str):
                raise TypeError(
                    f"name {x} has to be of type 'string', not '{type(x).__name__}'.")
        return tuple_name(label)
    if not isinstance(label, str):
        raise TypeError(f"column label {label!r} has to be of type 'str', not "
                        f"'{type(label).__name__}'.")
    return label


def name_to_label(name: str, multiindex: bool):
    if multiindex and name.startswith("["):
        try:
            items = json.loads(name)
        except ValueError:
            return name
        if isinstance(items, list) and all(isinstance(x, str) for x in items):
            return tuple(items)
    return name


def ordered_on_to_name(ordered_on) -> str:
    """Stored name of `ordered_on` (str, or tuple of str)."""
    if isinstance(ordered_on, str):
        return ordered_on
    if isinstance(ordered_on, tuple) and ordered_on and all(isinstance(x, str) for x in ordered_on):
        return tuple_name(ordered_on)
    raise TypeError(f"'ordered_on' must be a str or a tuple of str, not {ordered_on!r}.")


def name_to_ordered_on(name):
    """`ordered_on` as the user gives it, from its stored name."""
    if name is None:
        return None
    return name_to_label(name, True)


def column_names(df) -> tuple[list[str], dict | None]:
    """Stored names of `df`'s columns (checked) and the MultiIndex details."""
    cols = df.columns
    if isinstance(cols, pd.MultiIndex):
        check_cmidx(cols)
        names = [tuple_name(t) for t in cols]
        mi = {"names": list(cols.names)}
    else:
        bad = [c for c in cols if not isinstance(c, str)]
        if bad:
            raise TypeError(f"column labels must be of type 'str': {bad!r} are not.")
        names = list(cols)
        mi = None
    check_unique_labels(names)
    return names, mi


# ------------------------------------------------------------------ index

def _arrow_column_name(label) -> str:
    """A column label as pyarrow names it (`str` of a tuple)."""
    return label if isinstance(label, str) else str(label)


def index_fields(df) -> list[dict]:
    """The index levels of `df` stored as columns, as pyarrow's ``preserve_index=None``
    (docs/behaviour.md#index): none for a RangeIndex; else one per level,
    ``{"field": <stored name>, "name": <level name>}``. A level is stored under its name
    (its ``str`` when not a str, as pyarrow) unless it has none or a column has that
    name: then under ``__index_level_<position>__``."""
    index = df.index
    if isinstance(index, pd.RangeIndex):
        return []
    taken = {_arrow_column_name(c) for c in df.columns}
    out = []
    for i, name in enumerate(index.names):
        if name is not None and name not in taken:
            field = _arrow_column_name(name)
            out.append({"field": field, "name": field})
        else:
            out.append({"field": f"__index_level_{i}__",
                        "name": None if name is None else _arrow_column_name(name)})
    return out


def with_index_columns(names, details: dict | None):
    """Stored names to read for a column selection `names` (None: all): the selection
    plus the stored index levels, which are read back as the index (as pyarrow does)."""
    if names is None:
        return None
    fields = [e["field"] for e in ((details or {}).get("pandas") or {}).get("index") or []]
    return list(names) + [f for f in fields if f not in names]


def _index_description(fields) -> str:
    return "no index (a RangeIndex)" if not fields else "index levels " + ", ".join(
        f"{e['name']!r} (column {e['field']!r})" for e in fields)


def check_index(stored: dict | None, new: dict) -> None:
    """ValueError when a write's index levels differ from the stored ones: a dataset's
    frames all have the same index levels (docs/behaviour.md#index)."""
    if stored is None or "pandas" not in stored:
        return
    old_ix = stored["pandas"].get("index") or []
    new_ix = new["pandas"].get("index") or []
    if old_ix != new_ix:
        raise ValueError(f"the DataFrame has {_index_description(new_ix)} but the dataset "
                         f"stores {_index_description(old_ix)}; give the frame the same "
                         "index (e.g. df.reset_index(drop=True) for none).")


# ------------------------------------------------------------------ write side

def _tz_name(tz) -> str:
    zone = getattr(tz, "zone", None)  # pytz
    if isinstance(zone, str):
        return zone
    key = getattr(tz, "key", None)  # zoneinfo
    if isinstance(key, str):
        return key
    if tz is datetime.timezone.utc:
        return "UTC"
    text = str(tz)
    if text.startswith("tzfile("):  # dateutil: tzfile('/usr/share/zoneinfo/Europe/Paris')
        inner = text[len("tzfile("):-1].strip("'\"")
        marker = "zoneinfo/"
        return inner.split(marker, 1)[1] if marker in inner else inner
    if text == "tzutc()":
        return "UTC"
    offset = tz.utcoffset(None) if hasattr(tz, "utcoffset") else None
    if offset is not None:
        minutes = int(offset.total_seconds() // 60)
        sign = "+" if minutes >= 0 else "-"
        minutes = abs(minutes)
        return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"
    return text


def _tz_lib(tz) -> str:
    """Which library `tz` comes from, to restore the same kind of object
    (docs/behaviour.md#column-types)."""
    module = type(tz).__module__
    if module.startswith("pytz"):
        return "pytz"
    if module.startswith("zoneinfo"):
        return "zoneinfo"
    if module.startswith("dateutil"):
        return "dateutil"
    if isinstance(tz, datetime.timezone):
        return "datetime"
    return ""


def _make_tz(name: str, lib: str):
    """A tzinfo of library `lib` for zone `name` ("+02:00" for fixed offsets)."""
    fixed = len(name) == 6 and name[0] in "+-" and name[3] == ":"
    try:
        if fixed:
            minutes = (int(name[1:3]) * 60 + int(name[4:6])) * (1 if name[0] == "+" else -1)
            if lib == "pytz":
                import pytz
                return pytz.FixedOffset(minutes)
            if lib == "dateutil":
                import dateutil.tz
                return dateutil.tz.tzoffset(None, minutes * 60)
            return datetime.timezone(datetime.timedelta(minutes=minutes))
        if lib == "zoneinfo":
            import zoneinfo
            return zoneinfo.ZoneInfo(name)
        if lib == "dateutil":
            import dateutil.tz
            if name == "UTC":
                return dateutil.tz.tzutc()
            tz = dateutil.tz.gettz(name)
            if tz is not None:
                return tz
        if lib == "datetime" and name == "UTC":
            return datetime.timezone.utc
    except Exception:  # library missing or zone unknown to it: fall back to pandas' default
        pass
    return name


def _na_is_nan(dtype) -> bool:
    """True for a StringDtype whose missing value is NaN (pandas 3's default ``str``)."""
    na = getattr(dtype, "na_value", pd.NA)
    return isinstance(na, float) and na != na


def _str_dtype(storage: str | None, nan: bool):
    """The StringDtype of a stored string column (``str`` when `nan`, else ``string``)."""
    if storage not in ("python", "pyarrow"):
        storage = None
    try:
        return pd.StringDtype(storage, na_value=np.nan if nan else pd.NA)
    except TypeError:  # pandas < 2.3: no na_value; "str" did not exist
        return pd.StringDtype(storage)


def _infers_str() -> bool:
    """Whether this pandas gives text columns its ``str`` dtype by default (pandas 3)."""
    if int(pd.__version__.split(".")[0]) >= 3:
        return True
    return bool(getattr(getattr(pd.options, "future", None), "infer_string", False))


def _valid_or_none(mask):
    """`~mask` when any value is missing, else None."""
    if mask is None or not mask.any():
        return None
    return ~mask


def _nat_valid(ints):
    """Validity of int64 timestamps/durations (NaT = INT64_MIN) or None: one reduction
    pass, the mask only built when a NaT exists."""
    if len(ints) == 0 or ints.min() != _INT64_MIN:
        return None
    return ints != _INT64_MIN


def _nan_valid(values):
    """Validity of a float array (NaN = missing) or None: min propagates NaN, so one
    reduction pass, the mask only built when a NaN exists."""
    if len(values) == 0 or not np.isnan(values.min()):
        return None
    return ~np.isnan(values)


def _unsupported(label, dtype, detail=""):
    return TypeError(f"column {label!r} has unsupported dtype '{dtype}'{detail}.")


def _first_value(values):
    """The first non-missing value of an object array (None if there is none)."""
    for v in values[:64]:
        if not _is_missing(v):
            return v
    mask = pd.isna(values)
    if mask.all():
        return None
    return values[int(np.argmin(mask))]


def _is_missing(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and v != v)


def _arrow_text_spec(series):
    """Core spec of an Arrow-backed text column: its large_string buffers (offsets, data)
    as numpy views (no copy when pandas holds one large_string chunk, as pandas 3 does)."""
    import pyarrow as pa
    arr = pa.array(series.array)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if not pa.types.is_large_string(arr.type):
        arr = arr.cast(pa.large_string())
    n = len(arr)
    _, off_buf, data_buf = arr.buffers()
    offsets = np.frombuffer(off_buf, dtype=np.int64)[arr.offset:arr.offset + n + 1] \
        if off_buf is not None else np.zeros(n + 1, dtype=np.int64)
    data = np.frombuffer(data_buf, dtype=np.uint8) if data_buf is not None and \
        data_buf.size else np.zeros(0, dtype=np.uint8)
    valid = arr.is_valid().to_numpy(zero_copy_only=False) if arr.null_count else None
    return ("string", (offsets, data), valid, None, None)


def _decimal_spec(label, values, stored):
    """Spec of an object column of decimal.Decimal values: unscaled 16-byte integers at the
    stored (precision, scale), or the smallest ones that hold every value exactly."""
    present = [(i, v) for i, v in enumerate(values) if not _is_missing(v)]
    bad = next(((i, v) for i, v in present if not isinstance(v, decimal.Decimal)
                or not v.is_finite()), None)
    if bad is not None:
        raise TypeError(f"column {label!r}: row {bad[0]} holds {bad[1]!r}, expected a finite "
                        "decimal.Decimal (or None).")
    if stored is not None:
        precision, scale = stored
    else:
        scale = max([max(0, -v.as_tuple().exponent) for _, v in present] or [0])
        digits = max([len(v.scaleb(scale).to_integral_value().as_tuple().digits)
                      for _, v in present] or [1])
        precision = max(1, digits, scale)
    limit = 10 ** precision
    out = bytearray(16 * len(values))
    valid = np.ones(len(values), dtype=bool)
    for i, v in enumerate(values):
        if _is_missing(v):
            valid[i] = False
            continue
        sign, digits, exponent = v.as_tuple()
        shift = exponent + scale
        if shift >= 0:
            unscaled = int("".join(map(str, digits)) or "0") * 10 ** shift
        else:
            whole, rest = divmod(int("".join(map(str, digits)) or "0"), 10 ** -shift)
            if rest:
                raise TypeError(f"column {label!r}: row {i} value {v} has more than {scale} "
                                f"decimal places (stored as decimal({precision}, {scale})).")
            unscaled = whole
        if unscaled >= limit:
            raise TypeError(f"column {label!r}: row {i} value {v} does not fit "
                            f"decimal({precision}, {scale}).")
        out[16 * i:16 * i + 16] = (-unscaled if sign else unscaled).to_bytes(
            16, "little", signed=True)
    arr = np.frombuffer(bytes(out), dtype="V16")
    return (("decimal", arr, None if valid.all() else valid, f"{precision},{scale}", None),
            {"dtype": "decimal", "precision": precision, "scale": scale})


def _object_spec(label, values, stored=None):
    # Fast path (no scan in Python): the first value decides str or bytes; the core
    # checks every row while converting and raises a TypeError naming the column, the
    # row and the type of any other value.
    first = _first_value(values)
    if first is None or type(first) is str:
        return ("string", values, None, None, None), {"dtype": "object"}
    if type(first) is bytes:
        return ("binary", values, None, None, None), {"dtype": "bytes"}
    if isinstance(first, decimal.Decimal) or stored is not None:
        return _decimal_spec(label, values, stored)
    kind = infer_dtype(values, skipna=True)
    if kind in ("string", "empty"):
        return ("string", values, None, None, None), {"dtype": "object"}
    if kind == "bytes":
        return ("binary", values, None, None, None), {"dtype": "bytes"}
    if kind == "date":
        days = np.empty(len(values), dtype=np.int32)
        valid = np.ones(len(values), dtype=bool)
        for i, v in enumerate(values):
            if isinstance(v, datetime.date) and not isinstance(v, datetime.datetime):
                days[i] = v.toordinal() - _EPOCH_ORDINAL
            else:
                days[i] = 0
                valid[i] = False
        return ("date32", days, None if valid.all() else valid, None, None), {"dtype": "date"}
    raise _unsupported(label, "object", f" (values of kind '{kind}')")


def _arrow_plain_dtype(label, dtype):
    """The pandas (non-Arrow) dtype holding the values of an ArrowDtype column exactly."""
    import pyarrow as pa
    t = dtype.pyarrow_dtype
    if pa.types.is_integer(t):
        return ("Int" if pa.types.is_signed_integer(t) else "UInt") + str(t.bit_width)
    if pa.types.is_floating(t) and t.bit_width in (32, 64):
        return f"Float{t.bit_width}"
    if pa.types.is_boolean(t):
        return "boolean"
    if pa.types.is_timestamp(t):
        return pd.DatetimeTZDtype(t.unit, t.tz) if t.tz else f"datetime64[{t.unit}]"
    if pa.types.is_duration(t):
        return f"timedelta64[{t.unit}]"
    if (pa.types.is_date32(t) or pa.types.is_binary(t) or pa.types.is_large_binary(t)
            or pa.types.is_decimal(t)):
        return object
    raise _unsupported(label, dtype)


def _arrow_dtype(text: str):
    """The ArrowDtype named `text` (str() of an ArrowDtype)."""
    import pyarrow as pa
    # pandas parses "string[pyarrow]" as its own StringDtype: the Arrow string types by hand.
    texts = {"string[pyarrow]": pa.string(), "large_string[pyarrow]": pa.large_string()}
    if text in texts:
        return pd.ArrowDtype(texts[text])
    return pd.api.types.pandas_dtype(text)


def column_spec(label, series, stored_decimal=None):
    """(core column spec, stored details) of one column; `stored_decimal`: the (precision,
    scale) of the stored column when it is a decimal one."""
    dtype = series.dtype
    if isinstance(dtype, pd.ArrowDtype) and str(dtype) in _ARROW_STRING_TEXTS:
        return (_arrow_text_spec(series),
                {"dtype": "string", "storage": "python", "arrow": str(dtype)})
    if isinstance(dtype, pd.ArrowDtype):
        # pyarrow-backed columns (int64[pyarrow], timestamp[ns, tz=...][pyarrow], ...):
        # stored as the equivalent pandas dtype, restored as the same ArrowDtype.
        spec, info = column_spec(label, series.astype(_arrow_plain_dtype(label, dtype)),
                                 stored_decimal)
        return spec, dict(info, arrow=str(dtype))
    if isinstance(dtype, pd.CategoricalDtype):
        cat = series.array
        cats = cat.categories
        codes = np.asarray(cat.codes)
        missing = codes < 0
        text = cats.dtype == object or isinstance(cats.dtype, pd.StringDtype)
        ckind = infer_dtype(cats, skipna=True) if text else cats.dtype.kind
        if text and ckind in ("string", "empty"):
            table = np.asarray(cats, dtype=object)
            values = table.take(np.where(missing, 0, codes)) if len(table) else \
                np.full(len(codes), None, dtype=object)
            if missing.any():
                values[missing] = None
            spec = ("string", values, None, None, None)
            cat_kind = "str"
        elif cats.dtype.kind in "iu":
            table = np.asarray(cats)
            values = table.take(np.where(missing, 0, codes)) if len(table) else \
                np.zeros(len(codes), dtype=table.dtype)
            spec = (table.dtype.name, np.ascontiguousarray(values), _valid_or_none(missing),
                    None, None)
            cat_kind = table.dtype.name
        else:
            raise _unsupported(label, dtype, " (categories must be str or int)")
        cat_values = [c if isinstance(c, str) else int(c) for c in cats]
        # Categories in order of first appearance in the data, then the unused ones:
        # the order in which a later write extends the recorded categories (docs/behaviour.md#schema).
        used = pd.unique(codes[~missing]) if len(codes) else codes
        seen = set(int(c) for c in used)
        appearance = [cat_values[int(c)] for c in used] + [
            v for i, v in enumerate(cat_values) if i not in seen]
        return spec, {"dtype": "category", "categories": cat_values,
                      "ordered": bool(dtype.ordered), "cat_kind": cat_kind,
                      APPEARANCE: appearance}
    if isinstance(dtype, pd.DatetimeTZDtype):
        if getattr(dtype, "unit", "ns") not in _NS:
            raise _unsupported(label, dtype)
        values = np.ascontiguousarray(series.array.asi8)
        valid = _nat_valid(values)
        tz = _tz_name(dtype.tz)
        return (("timestamp", values, valid, dtype.unit, tz),
                {"dtype": "datetime64tz", "tz": tz, "tz_lib": _tz_lib(dtype.tz),
                 "unit": dtype.unit, "pandas": str(dtype)})
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
        # Arrow-backed text (pandas 3's default str): its buffers go to the core as they
        # are, without a Python object per row.
        tag = "str" if _na_is_nan(dtype) else "string"
        return _arrow_text_spec(series), {"dtype": tag, "storage": dtype.storage}
    if isinstance(dtype, pd.StringDtype):
        arr = series.array
        values = getattr(arr, "_ndarray", None)
        if values is None or values.dtype != object:
            values = np.asarray(arr, dtype=object)
        values = np.ascontiguousarray(values)
        # pandas 3's default "str" dtype (missing = NaN) and the opt-in "string" dtype
        # (missing = pd.NA) are both StringDtype; the tag tells which one to restore.
        tag = "str" if _na_is_nan(dtype) else "string"
        return ("string", values, None, None, None), {"dtype": tag, "storage": dtype.storage}
    if isinstance(dtype, pd.BooleanDtype):
        arr = series.array
        return (("bool", np.ascontiguousarray(arr._data), _valid_or_none(arr._mask), None, None),
                {"dtype": "boolean"})
    if isinstance(dtype, (pd.core.arrays.integer.IntegerDtype,
                          pd.core.arrays.floating.FloatingDtype)):
        arr = series.array
        data = np.ascontiguousarray(arr._data)
        mask = np.asarray(arr._mask)
        if data.dtype.kind == "f":
            mask = mask | np.isnan(data)
        return ((data.dtype.name, data, _valid_or_none(mask), None, None),
                {"dtype": dtype.name})
    if not isinstance(dtype, np.dtype):
        raise _unsupported(label, dtype)
    values = series.to_numpy(copy=False)
    k = dtype.kind
    if k == "b":
        return ("bool", np.ascontiguousarray(values), None, None, None), {"dtype": "bool"}
    if k in "iu":
        return (dtype.name, np.ascontiguousarray(values), None, None, None), {"dtype": dtype.name}
    if k == "f":
        if dtype.itemsize not in (4, 8):
            raise _unsupported(label, dtype)
        values = np.ascontiguousarray(values)
        return ((dtype.name, values, _nan_valid(values), None, None),
                {"dtype": dtype.name})
    if k in "Mm":
        unit = np.datetime_data(dtype)[0]
        if unit not in _NS:
            raise _unsupported(label, dtype)
        ints = np.ascontiguousarray(values).view(np.int64)
        valid = _nat_valid(ints)
        if k == "M":
            return ("timestamp", ints, valid, unit, ""), {"dtype": dtype.name}
        # Durations are stored as an INT64 count of the unit, the unit in the details
        # (docs/behaviour.md#column-types); the core's duration type does not survive its row-group reader.
        return ("int64", ints, valid, None, None), {"dtype": f"timedelta64[{unit}]"}
    if k == "O":
        return _object_spec(label, np.ascontiguousarray(values), stored_decimal)
    raise _unsupported(label, dtype)


APPEARANCE = "_appearance"  # transient member of a write's details, never stored


def stored_details(details: dict | None) -> dict | None:
    """`details` without transient members, as committed with a write."""
    if details is None:
        return None
    pdet = details.get("pandas", {})
    cols = {k: {m: v for m, v in info.items() if m != APPEARANCE}
            for k, info in pdet.get("columns", {}).items()}
    return dict(details, pandas=dict(pdet, columns=cols))


def frame_to_table(df, stored_schema=None):
    """(core Table, stored details dict, [(name, (kind, unit, tz))]) of a DataFrame
    (its index as :func:`index_fields` says); `stored_schema`: the dataset's schema as the binding gives it, if any
    (decimal columns are converted to its precision and scale)."""
    names, mi = column_names(df)
    decimals = {}
    for name, core_type in stored_schema or []:
        if core_type is not None and core_type[0] == "decimal":
            p, sc = core_type[1].split(",")
            decimals[name] = (int(p), int(sc))
    specs = []
    details = {}
    for i, name in enumerate(names):
        label = df.columns[i]
        spec, info = column_spec(label, df.iloc[:, i], decimals.get(name))
        specs.append(spec)
        details[name] = info
    index = index_fields(df)
    for i, entry in enumerate(index):
        field = entry["field"]
        if field in details:
            raise ValueError(f"duplicate column labels: [{field!r}] (a column and an index "
                             "level).")
        level = pd.Series(df.index.get_level_values(i), copy=False)
        spec, info = column_spec(field, level, decimals.get(field))
        names.append(field)
        specs.append(spec)
        details[field] = info
    table = _oups.make_table(names, specs, pd.NA)
    # The core type of each column, as the binding describes a stored schema.
    core_types = [(n, (sp[0], sp[3] or "", sp[4] or "")) for n, sp in zip(names, specs)]
    pdet = {"version": 1, "columns": details, "multiindex": mi}
    if index:
        pdet["index"] = index
    return table, {"pandas": pdet}, core_types


def check_ordered_column(details: dict, ordered_name: str | None) -> None:
    """TypeError when the ordered column's pandas dtype cannot order rows
    (docs/behaviour.md#ordered-column): the
    core sees categoricals as strings and durations as integers."""
    if ordered_name is None:
        return
    info = details["pandas"]["columns"].get(ordered_name)
    if info is None:
        return
    tag = str(info.get("dtype"))
    if tag == "category" or tag.startswith("timedelta64"):
        raise TypeError(f"ordered column '{name_to_ordered_on(ordered_name)}' has dtype "
                        f"'{tag}', which cannot be an ordered column (integers, floats, "
                        "timestamps, dates or strings).")


def merge_details(stored: dict | None, new: dict, table_names) -> dict | None:
    """Details to commit with a write whose new details are `new`, given the stored ones.

    Returns None when the stored details stay as they are. Raises TypeError when a
    categorical's `ordered` flag or category type differs, or when a column is
    categorical on one side only (the stored type would be the same).
    """
    if stored is None or "pandas" not in stored:
        return new
    check_index(stored, new)
    old_mi = stored["pandas"].get("multiindex")
    new_mi = new["pandas"].get("multiindex")
    if old_mi is not None and new_mi is not None and old_mi.get("names") != new_mi.get("names"):
        raise ValueError(f"column MultiIndex level names {new_mi.get('names')!r} differ from "
                         f"the stored ones {old_mi.get('names')!r}.")
    old_cols = stored["pandas"].get("columns", {})
    new_cols = new["pandas"]["columns"]
    changed = False
    merged_cols = dict(old_cols)
    for name in table_names:
        o, n = old_cols.get(name), new_cols.get(name)
        if o is None or n is None:
            continue
        o_td = str(o.get("dtype")).startswith("timedelta64")
        n_td = str(n.get("dtype")).startswith("timedelta64")
        if (o_td or n_td) and o.get("dtype") != n.get("dtype"):
            raise TypeError(f"column {name!r} is stored as {o.get('dtype')} but given as "
                            f"{n.get('dtype')}.")
        o_cat, n_cat = o.get("dtype") == "category", n.get("dtype") == "category"
        if o_cat != n_cat:
            raise TypeError(f"column {name!r} is stored as "
                            f"{'category' if o_cat else o.get('dtype')} but given as "
                            f"{'category' if n_cat else n.get('dtype')}.")
        if o_cat:
            if o.get("ordered") != n.get("ordered") or o.get("cat_kind") != n.get("cat_kind"):
                raise TypeError(
                    f"column {name!r} is stored as category (ordered={o.get('ordered')}, "
                    f"categories of {o.get('cat_kind')}) but given as category "
                    f"(ordered={n.get('ordered')}, categories of {n.get('cat_kind')}).")
            known = set(o["categories"])
            extra = [c for c in n.get(APPEARANCE, n["categories"]) if c not in known]
            if extra:
                merged_cols[name] = dict(o, categories=list(o["categories"]) + extra)
                changed = True
    if not changed:
        return None
    out = dict(stored)
    out["pandas"] = dict(stored["pandas"], columns=merged_cols)
    return out


# ------------------------------------------------------------------ rg files' "pandas" key

# Stored dtype tag -> (pandas_type, numpy_type) of pyarrow's pandas metadata (the
# pandas "Storing pandas DataFrame objects in Apache Parquet format" spec). Tags
# with a unit, datetime64tz and category are handled in _pandas_column_types.
_PANDAS_TYPES = {
    **{t: (t, t) for t in ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
                           "uint64", "float32", "float64", "bool")},
    **{t: (t.lower(), t) for t in ("Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16",
                                   "UInt32", "UInt64", "Float32", "Float64")},
    "boolean": ("bool", "boolean"),
    "object": ("unicode", "object"),
    # pyarrow (with pandas 3) tags Arrow-backed text "object", object text "unicode".
    "string": ("object", "string"),
    "str": ("object", "str"),
    "bytes": ("bytes", "object"),
    "date": ("date", "object"),
}

# Core type kind (binding's schema) -> (pandas_type, numpy_type), for a column
# without stored details (a dataset first written by another tool).
_CORE_PANDAS_TYPES = {
    "decimal": ("decimal", "object"),
    "string": ("unicode", "object"),
    "binary": ("bytes", "object"),
    "date32": ("date", "object"),
    "duration": ("timedelta", "timedelta64[ns]"),
}


def _codes_dtype(n_categories: int) -> str:
    """numpy dtype of the codes pandas uses for `n_categories` categories."""
    for bits in (8, 16, 32):
        if n_categories < 2 ** (bits - 1):
            return f"int{bits}"
    return "int64"


def _pandas_column_types(info: dict | None, core_type) -> tuple[str, str, dict | None]:
    """(pandas_type, numpy_type, metadata) of one column."""
    if info and info.get("arrow"):  # a pyarrow-backed column: its ArrowDtype, as pyarrow says
        pandas_type, _, _ = _pandas_column_types(dict(info, arrow=None), core_type)
        # pyarrow tags an ArrowDtype text column "unicode" (StringDtype/str: "object").
        return ("unicode" if pandas_type == "object" else pandas_type), info["arrow"], None
    if info is None:
        kind, _unit, tz = core_type if core_type is not None else ("", "", "")
        if kind == "timestamp":
            return (("datetimetz", "datetime64[ns]", {"timezone": tz}) if tz
                    else ("datetime", "datetime64[ns]", None))
        pandas_type, numpy_type = _CORE_PANDAS_TYPES.get(kind, (kind, kind) if kind
                                                          else ("object", "object"))
        return pandas_type, numpy_type, None
    tag = str(info.get("dtype"))
    if tag == "category":
        n = len(info.get("categories", []))
        return ("categorical", _codes_dtype(n),
                {"num_categories": n, "ordered": bool(info.get("ordered"))})
    if tag == "decimal":
        return ("decimal", "object",
                {"precision": info.get("precision"), "scale": info.get("scale")})
    if tag == "datetime64tz":
        return ("datetimetz", f"datetime64[{info.get('unit', 'ns')}]",
                {"timezone": info.get("tz")})
    if tag.startswith("datetime64"):
        return "datetime", tag, None
    if tag.startswith("timedelta64"):
        return "timedelta", tag, None
    pandas_type, numpy_type = _PANDAS_TYPES.get(tag, ("object", "object"))
    return pandas_type, numpy_type, None


def _level_descriptor(name) -> dict:
    """Entry of "column_indexes" for one level of str labels named `name` (the labels'
    numpy_type is "str" where pandas gives str labels its str dtype, as pyarrow writes)."""
    return {"name": name, "field_name": name, "pandas_type": "unicode",
            "numpy_type": "str" if _infers_str() else "object",
            "metadata": {"encoding": "UTF-8"}}


def pandas_metadata(details: dict, schema) -> dict:
    """pyarrow's ``pandas`` metadata of the frames a dataset returns (what ``to_pandas``
    gives back): the stored index levels in ``index_columns`` (none: a fresh RangeIndex).

    `details`: the stored details (module docstring); `schema`: the stored schema as
    the binding gives it, ``[(stored name, (kind, unit, tz)), ...]``, in stored order.
    A MultiIndex column is named as pyarrow names it (the ``str`` of its tuple), with
    its stored name as ``field_name``.
    """
    pdet = details.get("pandas", {})
    infos = pdet.get("columns", {})
    mi = pdet.get("multiindex")
    index = pdet.get("index") or []
    level_names = {e["field"]: e["name"] for e in index}
    columns, index_entries = [], {}
    for name, core_type in schema:
        pandas_type, numpy_type, meta = _pandas_column_types(infos.get(name), core_type)
        if name in level_names:  # pyarrow lists index levels after the columns
            index_entries[name] = {"name": level_names[name], "field_name": name,
                                   "pandas_type": pandas_type, "numpy_type": numpy_type,
                                   "metadata": meta}
            continue
        label = name_to_label(name, mi is not None)
        columns.append({"name": str(label) if isinstance(label, tuple) else label,
                        "field_name": name, "pandas_type": pandas_type,
                        "numpy_type": numpy_type, "metadata": meta})
    index_columns = [e["field"] for e in index if e["field"] in index_entries]
    columns += [index_entries[f] for f in index_columns]
    if mi is not None:
        column_indexes = [_level_descriptor(n) for n in mi.get("names", [])]
    elif columns:
        column_indexes = [_level_descriptor(None)]
    else:
        column_indexes = [{"name": None, "field_name": None, "pandas_type": "empty",
                           "numpy_type": "object", "metadata": None}]
    return {"index_columns": index_columns, "column_indexes": column_indexes,
            "columns": columns,
            "creator": {"library": "oups", "version": _oups.__version__},
            "pandas_version": pd.__version__}


FILE_KV = "file_key_value_metadata"  # member of the details the core writes to rg files


def _arrow_type(pa, kind: str, unit: str, tz: str, info: dict | None):
    """The Arrow type pyarrow should give a stored column of core type (kind, unit, tz)."""
    tag = str(info.get("dtype")) if info else ""
    if kind == "int64" and tag.startswith("timedelta64["):
        return pa.duration(_tag_unit(tag, "ns"))  # stored as a count of that unit
    if tag == "category":
        # Read as a dictionary column, so pandas.read_parquet gives a categorical (its
        # categories are the values of each file, as for any Parquet dictionary).
        values = {"string": pa.string(), "binary": pa.binary()}.get(kind)
        if values is None and kind in ("int8", "int16", "int32", "int64", "uint8", "uint16",
                                       "uint32", "uint64"):
            values = pa.from_numpy_dtype(np.dtype(kind))
        return None if values is None else pa.dictionary(pa.int32(), values)
    simple = {"bool": pa.bool_(), "int8": pa.int8(), "int16": pa.int16(), "int32": pa.int32(),
              "int64": pa.int64(), "uint8": pa.uint8(), "uint16": pa.uint16(),
              "uint32": pa.uint32(), "uint64": pa.uint64(), "float32": pa.float32(),
              "float64": pa.float64(), "string": pa.string(), "binary": pa.binary(),
              "date32": pa.date32()}
    if kind in simple:
        return simple[kind]
    if kind == "timestamp":
        want = info.get("unit", "ns") if tag == "datetime64tz" else _tag_unit(tag, unit or "ns")
        return pa.timestamp(want, tz=tz or None)
    if kind == "duration":
        return pa.duration(unit or "ns")
    if kind == "decimal":
        precision, scale = (int(x) for x in unit.split(","))
        return pa.decimal128(precision, scale)
    return None


def arrow_schema(details: dict, schema, pandas_md: dict) -> str | None:
    """The ``ARROW:schema`` key-value of the rg files (base64 of the Arrow IPC schema, as
    pyarrow writes it), so that pyarrow and pandas.read_parquet give back the types
    Parquet cannot say (durations, second/ns timestamp units); None without pyarrow or
    when a column has no Arrow equivalent here."""
    try:
        import base64
        import pyarrow as pa
    except ImportError:
        return None
    infos = details.get("pandas", {}).get("columns", {})
    fields = []
    for name, core_type in schema:
        if core_type is None:
            return None
        t = _arrow_type(pa, *core_type, infos.get(name))
        if t is None:
            return None
        fields.append(pa.field(name, t))
    # pyarrow takes the schema's key-values from here when the key exists: "pandas" too.
    arrow = pa.schema(fields, metadata={"pandas": json.dumps(pandas_md)})
    return base64.b64encode(arrow.serialize().to_pybytes()).decode("ascii")


def with_file_metadata(details: dict, schema) -> dict:
    """`details` whose rg-file key-value member carries the ``pandas`` metadata (and
    ``ARROW:schema`` where it can be made)."""
    kv = dict(details.get(FILE_KV) or {})
    kv["pandas"] = pandas_metadata(details, schema)
    arrow = arrow_schema(details, schema, kv["pandas"])
    if arrow is not None:
        kv["ARROW:schema"] = arrow
    else:
        kv.pop("ARROW:schema", None)
    return dict(details, **{FILE_KV: kv})


# ------------------------------------------------------------------ read side

def _convert_unit(values, unit, want):
    """int64 counts of `values` (in `unit`) in unit `want` (a multiple or a fraction:
    stored values were written in `want`, so the division is exact)."""
    unit = unit or "ns"
    if unit == want:
        return values
    a, b = _NS[unit], _NS[want]
    return values * (a // b) if a >= b else values // (b // a)


def _with_nat(values, unit, want, missing):
    """int64 counts of `values` (in `unit`) in unit `want`, NaT (int64 min) where
    `missing`; never modifies `values`."""
    out = _convert_unit(values, unit, want)
    if missing is not None:
        out = out.copy() if out is values else out
        out[missing] = _INT64_MIN
    return out


def _tag_unit(tag, default):
    """The unit of a "datetime64[us]"-like tag, else `default` (ns when unknown)."""
    if tag and tag.endswith("]") and "[" in tag:
        unit = tag[tag.index("[") + 1:-1].split(",")[0].strip()
        if unit in _NS:
            return unit
    return default if default in _NS else "ns"


def _restore(values, valid, kind, unit, tz, info):
    """A pandas array/ndarray for one core column."""
    tag = info.get("dtype") if info else None
    missing = None if valid is None else ~valid
    if tag == "category" and isinstance(values, tuple):
        # Text codes from the binding (one per row, -1 for null) into the distinct values
        # in order of first appearance: no row is hashed again here.
        codes, uniques = values
        cats = info["categories"]
        known = set(cats)
        extra = [u for u in pd.unique(uniques) if u not in known]
        dtype = pd.CategoricalDtype(list(cats) + extra, ordered=info.get("ordered", False))
        # Each distinct value's category, then -1 last: a null's code -1 takes it. In the
        # codes' final width (int8 for up to 127 categories), so the take writes little.
        where = np.append(dtype.categories.get_indexer(uniques), -1).astype(
            _codes_dtype(len(dtype.categories)))
        return pd.Categorical.from_codes(where.take(codes), dtype=dtype)
    if tag == "category":
        cats = info["categories"]
        if kind in ("string", "binary"):
            observed = values
        else:
            observed = values if missing is None else values[valid]
        known = set(cats)
        extra = []
        if len(observed):
            for c in pd.unique(observed[pd.notna(observed)] if observed.dtype == object
                               else observed):
                c = c if isinstance(c, str) else int(c)
                if c not in known:
                    known.add(c)
                    extra.append(c)
        categories = list(cats) + extra
        if info.get("cat_kind", "str") != "str":
            categories = pd.Index(np.asarray(categories, dtype=info["cat_kind"]))
        if missing is not None and kind not in ("string", "binary"):
            values = pd.array(values, dtype=pd.Int64Dtype() if kind.startswith("int")
                              else pd.UInt64Dtype())
            values[missing] = pd.NA
        dtype = pd.CategoricalDtype(categories, ordered=info.get("ordered", False))
        return pd.Categorical(values, dtype=dtype)
    if kind == "int64" and tag and tag.startswith("timedelta64["):
        # Stored as a count of the tag's own unit.
        want = _tag_unit(tag, "ns")
        return _with_nat(values, want, want, missing).view(f"m8[{want}]")
    if kind in ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"):
        if (tag and tag[0] in "IU") or missing is not None:
            return pd.arrays.IntegerArray(values, np.zeros(len(values), dtype=bool)
                                          if missing is None else missing)
        return values
    if kind in ("float32", "float64"):
        if tag in ("Float32", "Float64"):
            return pd.arrays.FloatingArray(values, np.zeros(len(values), dtype=bool)
                                           if missing is None else missing)
        if missing is not None:
            values = values.copy()
            values[missing] = np.nan
        return values
    if kind == "bool":
        if tag == "boolean" or missing is not None:
            return pd.arrays.BooleanArray(values, np.zeros(len(values), dtype=bool)
                                          if missing is None else missing)
        return values
    if kind == "timestamp":
        # The unit pandas had (kept in the details; older details: ns), else the stored one.
        if info and tag == "datetime64tz":
            want = info.get("unit", "ns")
        elif info and tag and tag.startswith("datetime64"):
            want = _tag_unit(tag, "ns")
        else:
            want = unit if unit in _NS else "ns"
        dt = _with_nat(values, unit, want, missing).view(f"M8[{want}]")
        if tz:
            zone = _make_tz(info.get("tz", tz), info.get("tz_lib", "")) if info else tz
            return pd.DatetimeIndex(dt).tz_localize("UTC").tz_convert(zone).array
        return dt
    if kind == "duration":
        want = unit if unit in _NS else "ns"
        return _with_nat(values, unit, want, missing).view(f"m8[{want}]")
    if kind == "date32":
        out = values.astype("M8[D]").astype(object)
        if missing is not None:
            out[missing] = None
        return out
    if kind == "string":
        if tag in ("string", "str"):
            return pd.array(values, dtype=_str_dtype(info.get("storage"), tag == "str"))
        if tag is None and _infers_str():  # written by another tool: pandas' default for text
            return pd.array(values, dtype=_str_dtype(None, True))
        return values
    if kind == "binary":
        return values
    if kind == "decimal":  # decimal.Decimal objects (None for nulls), as pyarrow gives them
        scale = int(unit.split(",")[1])
        raw = values.tobytes()
        out = np.empty(len(values), dtype=object)
        for i in range(len(values)):
            if missing is not None and missing[i]:
                out[i] = None
                continue
            n = int.from_bytes(raw[16 * i:16 * i + 16], "little", signed=True)
            digits = tuple(int(c) for c in str(abs(n)))
            out[i] = decimal.Decimal((1 if n < 0 else 0, digits, -scale))
        return out
    raise TypeError(f"stored column type '{kind}' is not supported by the Python binding.")


_ARROW_STRING_TEXTS = ("string[pyarrow]", "large_string[pyarrow]")


def _wants_arrow_strings(info: dict | None) -> bool:
    """Whether a stored text column becomes an Arrow-backed pandas array: pandas 3's str
    dtype, the string dtype with pyarrow storage, an ArrowDtype string, or (without
    details) pandas' default for text where that is str."""
    if info is None:
        return _infers_str()
    if info.get("arrow") in _ARROW_STRING_TEXTS:
        return True
    return info.get("dtype") in ("str", "string") and info.get("storage") in (None, "pyarrow")


def _arrow_string_columns(names, cols_info) -> list:
    """Names of the columns whose text the binding should hand over as Arrow buffers
    (none without pyarrow)."""
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return []
    return [n for n in names if _wants_arrow_strings(cols_info.get(n))]


def _arrow_text_array(values, valid, binary: bool):
    """A pyarrow large_string (large_binary) array over the core's (offsets, data) buffers,
    without copying them; nulls where `valid` is False."""
    import pyarrow as pa
    offsets, data = values
    n = len(offsets) - 1
    if valid is None:
        bitmap, nulls = None, 0
    else:
        bitmap, nulls = pa.py_buffer(np.packbits(valid, bitorder="little")), n - int(valid.sum())
    return pa.Array.from_buffers(pa.large_binary() if binary else pa.large_string(), n,
                                 [bitmap, pa.py_buffer(offsets), pa.py_buffer(data)],
                                 null_count=nulls)


def _arrow_string_pandas(values, valid, info):
    """The pandas array of a text column handed over as Arrow buffers (no str objects)."""
    arr = _arrow_text_array(values, valid, binary=False)
    if info and info.get("arrow") in _ARROW_STRING_TEXTS:
        import pyarrow as pa
        if info["arrow"] == "string[pyarrow]":
            arr = arr.cast(pa.string())
        return pd.arrays.ArrowExtensionArray(arr)
    nan = info is None or info.get("dtype") == "str"
    return pd.arrays.ArrowStringArray(arr, dtype=_str_dtype("pyarrow", nan))


def table_to_frame(table, details: dict | None, multiindex_default: bool = False):
    """DataFrame of a core Table, with the stored details: the stored index levels the
    table holds become the index (docs/behaviour.md#index), else a RangeIndex from 0."""
    pdet = (details or {}).get("pandas") or {}
    cols_info = pdet.get("columns") or {}
    mi = pdet.get("multiindex")
    columns = table.columns(arrow_strings=_arrow_string_columns(table.names, cols_info),
                            codes=[n for n in table.names
                                   if (cols_info.get(n) or {}).get("dtype") == "category"])
    if not columns:
        return pd.DataFrame()
    index_names = {e["field"]: e["name"] for e in pdet.get("index") or []}
    arrays = {}
    labels = []
    levels = {}
    for i, (name, (kind, unit, tz), values, valid) in enumerate(columns):
        if name in index_names:
            levels[name] = _column_values(name, kind, unit, tz, values, valid, cols_info)
            continue
        arrays[i] = _column_values(name, kind, unit, tz, values, valid, cols_info)
        labels.append(name_to_label(name, mi is not None))
    df = pd.DataFrame(arrays, copy=False)
    if mi is not None:
        df.columns = pd.MultiIndex.from_tuples(labels, names=mi.get("names"))
    else:
        df.columns = pd.Index(labels)  # str labels: pandas' default dtype for them
    if levels:
        fields = [f for f in index_names if f in levels]  # in the index's level order
        if len(fields) == 1:
            index = pd.Index(levels[fields[0]], name=index_names[fields[0]])
        else:
            index = pd.MultiIndex.from_arrays([levels[f] for f in fields],
                                              names=[index_names[f] for f in fields])
        if arrays:
            df.index = index
        else:
            df = pd.DataFrame(index=index, columns=df.columns)
    return df


def _column_values(name, kind, unit, tz, values, valid, cols_info):
    """The pandas values of one core column (an array, or a Series for object)."""
    info = cols_info.get(name)
    if isinstance(values, tuple) and info and info.get("dtype") == "category":
        return _restore(values, valid, kind, unit, tz, info)  # text codes (table_to_frame)
    if isinstance(values, tuple) and kind == "string":
        # Text handed over as Arrow buffers (_arrow_string_columns): no str objects.
        return _arrow_string_pandas(values, valid, info)
    if isinstance(values, tuple):  # binary data asked for as text: bytes objects
        values = _arrow_text_array(values, valid, True).to_numpy(zero_copy_only=False)
    arr = _restore(values, valid, kind, unit, tz, info)
    if info and info.get("arrow"):  # written from a pyarrow-backed column
        arr = pd.array(arr).astype(_arrow_dtype(info["arrow"]))
    elif isinstance(arr, np.ndarray) and arr.dtype == object:
        # Kept as object: pandas 3 would turn an object array of str into "str".
        arr = pd.Series(arr, dtype=object, copy=False)
    return arr


# ------------------------------------------------------------------ bounds

def _ceil_div(a: int, b: int) -> int:
    return -((-a) // b)


def check_unique_labels(names):
    """ValueError listing the column labels that occur more than once."""
    seen, dups = set(), []
    for n in names:
        if n in seen and n not in dups:
            dups.append(n)
        seen.add(n)
    if dups:
        raise ValueError(f"duplicate column labels: {dups!r}.")


def parse_details(text) -> dict | None:
    """The stored pandas details (a snapshot's schema_extra_json), None when absent or
    not JSON (a dataset written by another tool)."""
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def value_as_timestamp(value, tz: str, incomparable):
    """pandas.Timestamp of a value compared with a timestamp (or date) column of zone `tz`
    ("" when naive): a text without zone is a wall time in `tz`, as pandas compares a text
    with a tz-aware column. `incomparable(reason)` makes the TypeError raised for numbers,
    bytes, NaT, unparsable text or a wall time `tz` cannot place."""
    if isinstance(value, (bool, int, float, bytes, np.number)):
        raise incomparable()
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError) as e:
        raise incomparable(f" ({e})") from None
    if ts is pd.NaT:
        raise incomparable()
    if isinstance(value, str) and tz and ts.tz is None:
        try:
            ts = ts.tz_localize(tz)
        except Exception as e:  # unknown zone name, time skipped or repeated by a DST change
            raise incomparable(f" (as a time in {tz}: {e})") from None
    return ts


def bound_scalar(value, column: str, kind: str, unit: str, tz: str):
    """Core scalar spec of a range bound for an ordered column of type (kind, unit, tz)."""
    def incomparable(reason=""):
        return TypeError(f"bound {value!r} ({type(value).__name__}) is not comparable with "
                         f"ordered column '{column}' of type {kind}"
                         f"{'[' + unit + (', tz=' + tz if tz else '') + ']' if unit else ''}"
                         f"{reason}.")
    if value is None:
        return None
    if kind.startswith("int") or kind.startswith("uint"):
        if isinstance(value, (bool, np.bool_)):
            raise incomparable()
        if isinstance(value, (int, np.integer)):
            v = int(value)
            if v > np.iinfo(np.int64).max:  # beyond 64 bits: the nearest representable bound
                return ("uint", min(v, int(np.iinfo(np.uint64).max)))
            return ("int", max(v, int(np.iinfo(np.int64).min)))
        if isinstance(value, (float, np.floating)) and not math.isnan(value):
            if math.isinf(value):
                big = np.iinfo(np.int64)
                return ("int", int(big.max) if value > 0 else int(big.min))
            return ("int", math.ceil(value))
        raise incomparable()
    if kind.startswith("float"):
        if isinstance(value, (bool, np.bool_)):
            raise incomparable()
        if isinstance(value, (int, float, np.integer, np.floating)):
            return ("float", float(value))
        raise incomparable()
    if kind == "string":
        if isinstance(value, str):
            return ("string", value)
        raise incomparable()
    if kind == "binary":
        if isinstance(value, bytes):
            return ("binary", value)
        raise incomparable()

    def as_timestamp():
        return value_as_timestamp(value, "", incomparable)
    if kind == "timestamp":
        ts = value_as_timestamp(value, tz, incomparable)
        if bool(tz) != (ts.tz is not None):
            raise incomparable(" (tz-naive and tz-aware values cannot be compared)")
        return ("timestamp", _ceil_div(int(ts.value), _NS[unit]), unit, tz)
    if kind == "date32":
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            return ("date32", value.toordinal() - _EPOCH_ORDINAL)
        ts = as_timestamp()
        if ts.tz is not None:
            raise incomparable()
        return ("date32", _ceil_div(int(ts.value), 86_400 * 10**9))
    if kind == "duration":
        if isinstance(value, (bool, int, float, np.number, str)) and not isinstance(
                value, (np.timedelta64,)):
            if not isinstance(value, str):
                raise incomparable()
        try:
            td = pd.Timedelta(value)
        except (TypeError, ValueError) as e:
            raise incomparable(f" ({e})") from None
        return ("duration", _ceil_div(int(td.value), _NS[unit]), unit)
    raise incomparable()
