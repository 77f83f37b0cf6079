"""Row filters of ``to_pandas(filters=...)`` (docs/python.md#filters).

pyarrow's filter syntax: a list of ``(column, op, value)`` tuples (all must hold),
or a list of such lists (any of them must hold); ``op`` is one of ``==`` (or ``=``),
``!=``, ``<``, ``<=``, ``>``, ``>=``, ``in``, ``not in``. This module checks the shape
and turns values into the core's scalar specs for the column's stored type; the core
checks the types and evaluates the filter (src/dataset/filter.cc).
"""
from __future__ import annotations

import datetime

import numpy as np
import pandas as pd

from . import _oups, _pandas

_OPS = {"=": "==", "==": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">=",
        "in": "in", "not in": "not in"}
_INT64_MAX = int(np.iinfo(np.int64).max)
_INT64_MIN = int(np.iinfo(np.int64).min)
_UINT64_MAX = int(np.iinfo(np.uint64).max)


def _is_term(t) -> bool:
    return isinstance(t, tuple) and len(t) == 3 and not isinstance(t[0], (list, dict))


def normalize(filters) -> list[list[tuple]] | None:
    """Disjunctive normal form (a list of lists of 3-tuples) of a filters argument."""
    if filters is None:
        return None
    if not isinstance(filters, list) or not filters:
        raise ValueError(f"Malformed filters: expected a non-empty list of (column, op, value) "
                         f"tuples or a list of such lists, got {filters!r}.")
    if all(_is_term(t) for t in filters):
        return [filters]
    out = []
    for conj in filters:
        if not isinstance(conj, list) or not conj or not all(_is_term(t) for t in conj):
            raise ValueError(f"Malformed filters: {conj!r} is not a non-empty list of "
                             f"(column, op, value) tuples.")
        out.append(conj)
    return out


def _null(value) -> bool:
    if value is None or value is pd.NaT:
        return True
    return isinstance(value, (np.datetime64, np.timedelta64)) and np.isnat(value)


def _timedelta_count(value, dtype: str):
    """A timedelta-like value as a count of the unit of a ``timedelta64[unit]`` column (stored
    as int64): an int when exact, else a float between the neighbouring counts."""
    td = pd.Timedelta(value)
    per = _pandas._NS[dtype[len("timedelta64["):-1]]
    ns = int(td.as_unit("ns").value)
    return ("int", ns // per) if ns % per == 0 else ("float", ns / per)


def _spec(value, kind: str, unit: str, tz: str, describe, dtype: str = ""):
    """Core scalar spec of one filter value for a column of type (kind, unit, tz) (and pandas
    dtype `dtype` when known)."""
    def incomparable(reason=""):
        return TypeError(f"filter {describe()}: value {value!r} ({type(value).__name__}) cannot "
                         f"be compared with column of type {kind}"
                         f"{'[' + unit + (', tz=' + tz if tz else '') + ']' if unit else ''}"
                         f"{reason}.")
    if _null(value):
        return None
    if isinstance(value, np.generic) and not isinstance(value, (np.datetime64, np.timedelta64)):
        value = value.item()
    if dtype.startswith("timedelta64[") and kind == "int64":
        if isinstance(value, (pd.Timedelta, datetime.timedelta, np.timedelta64, str)):
            try:
                return _timedelta_count(value, dtype)
            except (TypeError, ValueError, KeyError) as e:
                raise incomparable(f" ({e})") from None
        raise incomparable(f" (a {dtype} column compares with timedeltas)")
    if kind.startswith(("int", "uint", "float")):
        if isinstance(value, bool):
            raise incomparable()
        if isinstance(value, int):
            if _INT64_MIN <= value <= _INT64_MAX:
                return ("int", value)
            if 0 <= value <= _UINT64_MAX:
                return ("uint", value)
            return ("float", float(value))
        if isinstance(value, float):
            return ("float", value)
        raise incomparable()
    if kind == "bool":
        if isinstance(value, bool):
            return ("bool", value)
        raise incomparable()
    if kind == "string":
        if isinstance(value, str):
            return ("string", value)
        raise incomparable()
    if kind == "binary":
        if isinstance(value, bytes):
            return ("binary", value)
        if isinstance(value, str):
            return ("binary", value.encode())
        raise incomparable()

    def as_timestamp():
        return _pandas.value_as_timestamp(value, "", incomparable)
    if kind == "timestamp":
        ts = _pandas.value_as_timestamp(value, tz, incomparable).as_unit("ns")
        return ("timestamp", int(ts.value), "ns", "" if ts.tz is None else str(ts.tz))
    if kind == "date32":
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            return ("date32", value.toordinal() - _pandas._EPOCH_ORDINAL)
        ts = as_timestamp()
        if ts.tz is not None or ts != ts.normalize():
            raise incomparable(" (a date column compares with dates)")
        return ("date32", ts.date().toordinal() - _pandas._EPOCH_ORDINAL)
    if kind == "duration":
        if isinstance(value, (bool, int, float)):
            raise incomparable()
        try:
            td = pd.Timedelta(value)
        except (TypeError, ValueError) as e:
            raise incomparable(f" ({e})") from None
        return ("duration", int(td.as_unit("ns").value), "ns")
    raise incomparable(" (filters on this type are not supported)")


def to_core(filters, schema, label_name, details=None) -> list | None:
    """The core form of a filters argument: [[(stored name, op, [spec or None, ...])]].

    `schema` is the snapshot's core schema listing [(name, (kind, unit, tz))], `label_name`
    maps a user label to its stored name, `details` are the stored pandas details (dtypes).
    KeyError for an unknown column, ValueError for a malformed filter or operator, TypeError
    for a value the column cannot be compared with.
    """
    dnf = normalize(filters)
    if dnf is None:
        return None
    types = dict(schema or [])
    dtypes = {name: str(info.get("dtype", "")) for name, info in
              ((details or {}).get("pandas", {}).get("columns", {}) or {}).items()
              if isinstance(info, dict)}
    out = []
    for conj in dnf:
        terms = []
        for col, op, val in conj:
            describe = lambda: f"({col!r}, {op!r}, {val!r})"  # noqa: E731
            key = op.lower() if isinstance(op, str) else op
            if key not in _OPS:
                raise ValueError(f'"{op}" is not a valid operator in predicates '
                                 f"(filter {describe()}); expected one of "
                                 f"{', '.join(sorted(set(_OPS)))}.")
            op = _OPS[key]
            name = label_name(col)
            if name not in types:
                raise _oups.KeyError(f"unknown column {col!r} in filter {describe()}")
            kind, unit, tz = types[name]
            if op in ("in", "not in"):
                if isinstance(val, (str, bytes)) or not hasattr(val, "__iter__"):
                    raise TypeError(f"filter {describe()}: '{op}' takes a collection of values "
                                    f"(list, tuple, set, array), not {type(val).__name__}.")
                values = [_spec(v, kind, unit, tz, describe, dtypes.get(name, "")) for v in val]
            else:
                if isinstance(val, (list, tuple, set, np.ndarray, pd.Series)):
                    raise TypeError(f"filter {describe()}: '{op}' takes one value, not a "
                                    f"{type(val).__name__} (use 'in').")
                values = [_spec(val, kind, unit, tz, describe, dtypes.get(name, ""))]
            terms.append((name, op, values))
        out.append(terms)
    return out
