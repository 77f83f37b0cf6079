"""Schema evolution, Python side (docs/python.md#schema-evolution).

The core evolves the stored schema of a write given ``schema_evolution=True``
(``src/dataset/schema_evolution.h``): columns the rows add are appended, a stored
column given in a wider type takes that type, stored columns the rows leave out stay
(their new rows are null). This module gives the pandas details of such a write the
same shape: the dtype details of added and widened columns come from the new frame,
and the ``pandas`` / ``ARROW:schema`` keys written into the new row-group files
describe the evolved schema (older files keep theirs).

Core types are the binding's ``(kind, unit, tz)`` tuples, e.g. ``("int32", "", "")``,
``("timestamp", "ns", "UTC")``.
"""

from __future__ import annotations

_SIGNED = {"int8": 1, "int16": 2, "int32": 4, "int64": 8}
_UNSIGNED = {"uint8": 1, "uint16": 2, "uint32": 4, "uint64": 8}
_UNIT_RANK = {"s": 0, "ms": 1, "us": 2, "ns": 3}


def is_widening(old, new) -> bool:
    """Whether the core type `old` widens to `new` (the core's rule, IsWidening)."""
    ok, _ou, otz = old
    nk, _nu, ntz = new
    if tuple(old) == tuple(new):
        return False
    for ints in (_SIGNED, _UNSIGNED):
        if ok in ints and nk in ints:
            return ints[ok] < ints[nk]
    if (ok in _SIGNED or ok in _UNSIGNED) and nk == "float64":
        return True
    if ok == "float32" and nk == "float64":
        return True
    if ok == "timestamp" and nk == "timestamp":
        same_kind = (otz or "") == (ntz or "") or (bool(otz) and bool(ntz))
        return same_kind and _UNIT_RANK.get(old[1], 3) < _UNIT_RANK.get(new[1], 3)
    return False


def evolved_schema(stored, given):
    """(evolved schema, widened names, added names) of a write whose rows have the core
    types `given` (``[(name, core type)]``) into a dataset of schema `stored`; the
    schema is the stored one when nothing is added or widened."""
    given_types = dict(given)
    out, widened = [], []
    for name, core in stored:
        new = given_types.get(name)
        if new is not None and core is not None and is_widening(core, new):
            kind, unit, _tz = new
            out.append((name, (kind, unit, core[2])))  # an aware timestamp keeps its zone
            widened.append(name)
        else:
            out.append((name, core))
    names = {name for name, _ in stored}
    added = [name for name, _ in given if name not in names]
    out += [(name, core) for name, core in given if name not in names]
    return out, widened, added


def evolve_details(committed: dict | None, merged: dict | None, new: dict, widened, added):
    """The details to commit: `merged` (the details the write would commit without
    evolution, None: `committed` unchanged) with the new frame's details of the
    `widened` and `added` columns (a widened timestamp keeps its stored zone's name)."""
    if not widened and not added:
        return merged
    base = merged if merged is not None else committed
    if base is None or "pandas" not in base:
        return new
    new_cols = new["pandas"]["columns"]
    cols = dict(base["pandas"].get("columns", {}))
    for name in list(widened) + list(added):
        info = new_cols.get(name)
        if info is None:
            continue
        old = cols.get(name) or {}
        info = dict(info)
        for member in ("tz", "tz_lib"):
            if member in old and info.get("dtype") == "datetime64tz":
                info[member] = old[member]
        cols[name] = info
    out = dict(base)
    out["pandas"] = dict(base["pandas"], columns=cols)
    return out
