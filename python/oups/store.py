"""``oups.store``: the public API of the seed document (behaviour.md §7).

    from oups.store import (toplevel, sublevel, is_toplevel, OrderedParquetDataset,
                            Store, write, check_cmidx, conform_cmidx)

``Store(basepath, indexer)`` is a mapping from keys of a ``@toplevel`` class to
dataset handles (§5) over the C++ ``oups::Store``; it caches nothing (every
question about keys looks at the disk). ``iter_intersections`` (§6) is a generator
over the core's streaming ``IntersectionIterator``: nothing happens before the
first ``next()``.
"""

from __future__ import annotations

import os
import pathlib

import numpy as np

from . import _oups
from . import _pandas
from ._pandas import check_cmidx, conform_cmidx
from .dataset import OrderedParquetDataset, _ordered_type_of, _parse_details, write
from .indexer import _build_key, _declared_schema, is_toplevel, sublevel, toplevel

__all__ = ["toplevel", "sublevel", "is_toplevel", "OrderedParquetDataset", "Store", "write",
           "check_cmidx", "conform_cmidx"]


class Store:
    """Collection of ordered datasets named by the keys of one ``@toplevel`` indexer."""

    def __init__(self, basepath, indexer):
        if not (isinstance(indexer, type) and is_toplevel(indexer)):
            name = indexer.__name__ if isinstance(indexer, type) else type(indexer).__name__
            raise TypeError(f"{name} has to be '@toplevel' decorated.")
        if not isinstance(basepath, (str, os.PathLike)):
            raise TypeError(f"'basepath' must be a str or os.PathLike, not {basepath!r}.")
        self._basepath = pathlib.Path(os.path.abspath(os.fspath(basepath)))
        self._indexer = indexer
        schema = _declared_schema(indexer)
        if schema is None:
            raise TypeError(f"{indexer.__name__} is not a valid indexer: its declared fields "
                            "do not form levels (a sub-level must be the last field of a "
                            "level, after at least one other field).")
        self._store = _oups.Store(str(self._basepath), schema)

    @property
    def basepath(self) -> pathlib.Path:
        return self._basepath

    @property
    def indexer(self):
        return self._indexer

    # -- keys
    def _check_key(self, key):
        if not isinstance(key, self._indexer):
            raise TypeError(f"expected a key of indexer '{self._indexer.__name__}', got "
                            f"'{type(key).__name__}'.")

    def _core_key(self, key):
        """The core key of `key` in the declared schema (None if its values do not
        parse with the declared types: discovery can never list such a key)."""
        return self._store_schema().from_path(key.to_path().as_posix())

    def _store_schema(self):
        return _declared_schema(self._indexer)

    @property
    def keys(self) -> list:
        out = []
        for k in self._store.keys():
            key = _build_key(self._indexer, k.levels())
            if key is not None:
                out.append(key)
        return out

    def __len__(self) -> int:
        return len(self.keys)

    def __iter__(self):
        return iter(self.keys)

    def __contains__(self, key) -> bool:
        if not isinstance(key, self._indexer):
            return False
        core = self._core_key(key)
        if core is None:
            return False
        return self._store.contains(core)

    def __repr__(self) -> str:
        return "\n".join(str(k) for k in self.keys)

    # -- datasets
    def get(self, key, ordered_on=None, lock_timeout=None, lock_lifetime=None):
        """A new handle on `key`'s dataset (nothing is created on disk)."""
        self._check_key(key)
        return OrderedParquetDataset(self._basepath / key.to_path(), ordered_on=ordered_on,
                                     lock_timeout=lock_timeout)

    def __getitem__(self, key):
        return self.get(key)

    def __delitem__(self, key):
        self._check_key(key)
        core = self._core_key(key)
        if core is None:
            raise _oups.KeyError(f"key '{key}' not found in store.")
        self._store.remove(core)

    # -- iter_intersections
    def iter_intersections(self, keys, start=None, n_prev=0, end_excl=None):
        """Yield {key: DataFrame} chunks of the datasets of `keys` side by side over
        [start, end_excl) of their ordered column (§6). A generator: nothing is
        validated or read before the first next()."""
        keys = list(keys)
        for k in keys:
            self._check_key(k)
        seen = set()
        for k in keys:
            if k in seen:
                raise ValueError(f"key '{k}' is given more than once in 'keys'.")
            seen.add(k)
        if isinstance(n_prev, (list, tuple)):
            for v in n_prev:
                if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)):
                    raise TypeError(f"'n_prev' values must be int, not {v!r}.")
            if len(n_prev) != len(keys):
                raise ValueError(f"'n_prev' has {len(n_prev)} values but {len(keys)} keys "
                                 "are given.")
            n_prev = [int(v) for v in n_prev]
        elif isinstance(n_prev, (bool, np.bool_)) or not isinstance(n_prev, (int, np.integer)):
            raise TypeError(f"'n_prev' must be an int or a list of int, not {n_prev!r}.")
        else:
            n_prev = int(n_prev)
        # Keys whose values do not parse with the declared types cannot name a
        # discoverable dataset: they never participate.
        core_keys, positions = [], []
        for i, k in enumerate(keys):
            core = self._core_key(k)
            if core is not None:
                core_keys.append(core)
                positions.append(i)
        if isinstance(n_prev, list):
            n_prev = [n_prev[i] for i in positions]
        details = []
        ordered = None
        for i in positions:
            # Committed metadata only: no reader registration, nothing created on disk.
            ds = _oups.Dataset(str(self._basepath / keys[i].to_path()))
            details.append(_parse_details(ds.schema_extra_json()))
            if ordered is None:
                ordered = _ordered_type_of(ds.ordered_on(), ds.schema())
        lo = hi = None
        if ordered is not None and (start is not None or end_excl is not None):
            name, (kind, unit, tz) = ordered
            label = _pandas.name_to_ordered_on(name)
            lo = _pandas.bound_scalar(start, label, kind, unit, tz)
            hi = _pandas.bound_scalar(end_excl, label, kind, unit, tz)
        it = self._store.iter_intersections(core_keys, lo, hi, n_prev)
        while True:
            chunk = it.next()
            if chunk is None:
                return
            yield {keys[positions[p]]: _pandas.table_to_frame(t, details[p]) for p, t in chunk}
