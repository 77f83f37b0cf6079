"""``oups.store``: collections of ordered Parquet datasets named by indexer keys.

    from oups.store import (toplevel, sublevel, is_toplevel, OrderedParquetDataset,
                            Store, write, check_cmidx, conform_cmidx)

``Store(basepath, indexer)`` is a mapping from keys of a ``@toplevel`` class to
dataset handles (docs/behaviour.md#store) over the C++ ``oups::Store``; it caches
nothing (every question about keys looks at the disk). ``iter_intersections``
(docs/behaviour.md#iter-intersections) is a generator over the core's streaming
``IntersectionIterator``: nothing happens before the first ``next()``.
"""

from __future__ import annotations

import os
import pathlib

import numpy as np

from . import _oups
from . import _pandas
from ._pandas import check_cmidx, conform_cmidx
from .dataset import (OrderedParquetDataset, _as_of_args, _check_lock_lifetime, _num_threads,
                      _ordered_type_of, write)
from .indexer import _declared_schema, _keys_from_listing, is_toplevel, sublevel, toplevel

__all__ = ["toplevel", "sublevel", "is_toplevel", "OrderedParquetDataset", "Store", "write",
           "check_cmidx", "conform_cmidx"]

_REPR_KEYS = 5  # keys shown by repr(store)


class Store:
    """A collection of ordered datasets named by the keys of one ``@toplevel`` indexer.

    Each key names a dataset stored under ``basepath / key.to_path()``. The store
    keeps no state of its own: ``keys``, ``len``, ``in`` and iteration look at the
    disk when called, so datasets written or removed by other handles or processes
    show at once (docs/behaviour.md#store). Nothing is created on disk before a
    dataset is written.

    Parameters
    ----------
    basepath : str or os.PathLike
        Directory of the collection (made absolute; need not exist).
    indexer : class
        A ``@toplevel`` class (not an instance) whose instances are the keys.

    Raises
    ------
    TypeError
        `indexer` is not a ``@toplevel`` class, or `basepath` not a path.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> from oups.store import Store, toplevel
    >>> @toplevel
    ... class Sensor:
    ...     site: str
    ...     year: int
    >>> tmp = tempfile.TemporaryDirectory()
    >>> store = Store(f"{tmp.name}/data", Sensor)
    >>> store[Sensor("oslo", 2024)].write(
    ...     ordered_on="ts", df=pd.DataFrame({"ts": pd.date_range("2024-01-01", periods=3),
    ...                                       "kw": [1.5, 1.7, 1.2]}))
    >>> store.keys
    [Sensor(site='oslo', year=2024)]
    >>> Sensor("oslo", 2024) in store, len(store)
    (True, 1)
    >>> store[Sensor("oslo", 2024)].num_rows
    3
    >>> tmp.cleanup()
    """

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
        """pathlib.Path: absolute path of the collection's directory.

        Examples
        --------
        >>> from oups.store import Store, toplevel
        >>> @toplevel
        ... class Key:
        ...     name: str
        ...     year: int
        >>> Store("/tmp/nowhere", Key).basepath
        PosixPath('/tmp/nowhere')
        """
        return self._basepath

    @property
    def indexer(self):
        """type: the ``@toplevel`` class whose instances are the keys.

        Examples
        --------
        >>> from oups.store import Store, toplevel
        >>> @toplevel
        ... class Key:
        ...     name: str
        ...     year: int
        >>> Store("/tmp/nowhere", Key).indexer is Key
        True
        """
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
        """list: the keys of the datasets present now, sorted (a new list each time).

        A dataset is present when its metadata file exists
        (docs/behaviour.md#discovery); the disk is scanned at each access.

        Examples
        --------
        >>> import tempfile
        >>> from oups.store import Store, toplevel
        >>> @toplevel
        ... class Key:
        ...     name: str
        ...     year: int
        >>> tmp = tempfile.TemporaryDirectory()
        >>> store = Store(tmp.name, Key)
        >>> for k in (Key("b", 2024), Key("a", 2025)):
        ...     store[k].write(ordered_on="ts", key_value_metadata={"unit": "kW"})
        >>> store.keys
        [Key(name='a', year=2025), Key(name='b', year=2024)]
        >>> tmp.cleanup()
        """
        return _keys_from_listing(self._indexer, self._store.key_levels())

    def keys_under(self, prefix) -> list:
        """The keys present now whose path starts with the directories of `prefix`, sorted.

        `prefix` names leading levels of a key as :meth:`to_path` writes them: the
        top-level's own fields joined by its separator (``"BTCUSD-2024"``), then the
        values of sub-levels (``"BTCUSD-2024/1min"``), fewer levels than a key has.
        Only that directory of the store is listed, so the cost is that of the keys
        returned whatever the number of other keys (docs/python.md#store).

        Parameters
        ----------
        prefix : str or os.PathLike
            Leading levels, '/'-separated (a key's ``to_path()`` cut after a level).

        Returns
        -------
        list
            Keys of the indexer, as :attr:`keys` sorts them; empty when no directory
            has that name.

        Raises
        ------
        ValueError
            `prefix` is empty, has an empty, ``.`` or ``..`` component, or names as
            many levels as a key has (that is a key: use ``key in store``).
        TypeError
            `prefix` is not a str or os.PathLike.

        Examples
        --------
        >>> import tempfile
        >>> from oups.store import Store, toplevel, sublevel
        >>> @sublevel
        ... class Year:
        ...     year: int
        >>> @toplevel
        ... class Inst:
        ...     symbol: str
        ...     year: Year
        >>> tmp = tempfile.TemporaryDirectory()
        >>> store = Store(tmp.name, Inst)
        >>> for sym, year in [("AAA", 2023), ("AAA", 2024), ("BBB", 2024)]:
        ...     store[Inst(sym, Year(year))].write(ordered_on="ts")
        >>> store.keys_under("AAA")
        [Inst(symbol='AAA', year=Year(year=2023)), Inst(symbol='AAA', year=Year(year=2024))]
        >>> store.keys_under("CCC")
        []
        >>> tmp.cleanup()
        """
        if isinstance(prefix, pathlib.PurePath):
            text = prefix.as_posix()
        elif isinstance(prefix, (str, os.PathLike)):
            text = os.fspath(prefix)
            if not isinstance(text, str):
                raise TypeError(f"'prefix' must be a str or os.PathLike of str, not "
                                f"{type(text).__name__}.")
        else:
            raise TypeError(f"'prefix' must be a str or os.PathLike, not "
                            f"{type(prefix).__name__}.")
        if text.strip("/") == "":
            raise ValueError("'prefix' is empty: use 'store.keys' for every key.")
        return _keys_from_listing(self._indexer, self._store.key_levels(text))

    def __len__(self) -> int:
        """Number of datasets present now (a scan of the disk); see :attr:`keys`."""
        return self._store.size()

    def __iter__(self):
        """Iterate over the keys present when iteration starts, sorted."""
        return iter(self.keys)

    def __contains__(self, key) -> bool:
        """True iff `key`'s dataset exists now (False for a key of another class)."""
        if not isinstance(key, self._indexer):
            return False
        core = self._core_key(key)
        if core is None:
            return False
        return self._store.contains(core)

    def __repr__(self) -> str:
        """Indexer class, base path and number of keys, with the first keys.

        (The original oups gave the keys joined by newlines, ``''`` when empty; see
        docs/python.md#reprs.)

        Examples
        --------
        >>> import tempfile
        >>> from oups.store import Store, toplevel
        >>> @toplevel
        ... class Key:
        ...     name: str
        ...     year: int
        >>> tmp = tempfile.TemporaryDirectory()
        >>> store = Store(tmp.name, Key)
        >>> repr(store).replace(tmp.name, "TMP")
        "Store('TMP', Key): no key"
        >>> store[Key("a", 2025)].write(ordered_on="ts")
        >>> repr(store).replace(tmp.name, "TMP")
        "Store('TMP', Key): 1 key: a-2025"
        >>> tmp.cleanup()
        """
        keys = self.keys
        head = f"{type(self).__name__}({str(self._basepath)!r}, {self._indexer.__name__})"
        if not keys:
            return f"{head}: no key"
        shown = ", ".join(str(k) for k in keys[:_REPR_KEYS])
        if len(keys) > _REPR_KEYS:
            shown += ", ..."
        return f"{head}: {len(keys)} key{'' if len(keys) == 1 else 's'}: {shown}"

    # -- datasets
    def get(self, key, ordered_on=None, lock_timeout=None, lock_lifetime=None):
        """A new handle on `key`'s dataset; nothing is created on disk.

        Never fails for a missing dataset: the handle is then newly initialized and the
        first write creates the dataset.

        Parameters
        ----------
        key : instance of the indexer
            Names the dataset ``basepath / key.to_path()``.
        ordered_on, lock_timeout, lock_lifetime
            As for :class:`OrderedParquetDataset`.

        Returns
        -------
        OrderedParquetDataset

        Raises
        ------
        TypeError
            `key` is not an instance of the store's indexer.
        ValueError
            `ordered_on` differs from the stored one; `lock_lifetime` is given.

        Examples
        --------
        >>> import tempfile
        >>> from oups.store import Store, toplevel
        >>> @toplevel
        ... class Key:
        ...     name: str
        ...     year: int
        >>> tmp = tempfile.TemporaryDirectory()
        >>> store = Store(tmp.name, Key)
        >>> ds = store.get(Key("a", 2025), ordered_on="ts", lock_timeout=5)
        >>> ds.is_newly_initialized, ds.dirpath.relative_to(tmp.name).as_posix()
        (True, 'a-2025')
        >>> tmp.cleanup()
        """
        self._check_key(key)
        _check_lock_lifetime(lock_lifetime)
        return OrderedParquetDataset(self._basepath / key.to_path(), ordered_on=ordered_on,
                                     lock_timeout=lock_timeout)

    def __getitem__(self, key):
        """``store[key]`` is ``store.get(key)``: a new handle on `key`'s dataset."""
        return self.get(key)

    def __delitem__(self, key):
        """Remove `key`'s dataset, then the parent directories it leaves empty.

        Waits for the writer lock without limit (docs/behaviour.md#removal).

        Raises
        ------
        KeyError
            No dataset of `key` exists.
        TypeError
            `key` is not an instance of the store's indexer.

        Examples
        --------
        >>> import tempfile, os
        >>> from oups.store import Store, toplevel
        >>> @toplevel
        ... class Key:
        ...     name: str
        ...     year: int
        >>> tmp = tempfile.TemporaryDirectory()
        >>> store = Store(tmp.name, Key)
        >>> store[Key("a", 2025)].write(ordered_on="ts")
        >>> del store[Key("a", 2025)]
        >>> len(store), os.listdir(tmp.name)
        (0, [])
        >>> tmp.cleanup()
        """
        self._check_key(key)
        core = self._core_key(key)
        if core is None:
            raise _oups.KeyError(f"key '{key}' not found in store.")
        self._store.remove(core)

    # -- iter_intersections
    def iter_intersections(self, keys, start=None, n_prev=0, end_excl=None, *,
                           use_threads=True, as_of=None):
        """Stream several datasets side by side over a range of their ordered column.

        Yields dicts ``{key: DataFrame}``; each chunk holds, for every dataset that has
        rows in ``[start, end_excl)``, its rows between two consecutive chunk edges.
        Edges are where some dataset's next row group starts, so about one row group
        per dataset is in memory at a time (docs/behaviour.md#iter-intersections).
        A generator: nothing is checked or read before the first ``next()``; each
        dataset is read from the committed state taken then, and no lock is taken.

        Parameters
        ----------
        keys : iterable of keys
            Keys of the store's indexer, each at most once. Keys without a dataset are
            ignored; datasets without rows in the range are absent from the chunks.
        start : optional
            Inclusive lower bound on the ordered column (None: unbounded).
        n_prev : int or list of int, default 0
            Rows before `start` to prepend to each dataset's first chunk ("warm-up"
            rows, docs/behaviour.md#n-prev); a list gives one count per key, in `keys`
            order. Used only when `start` is given.
        end_excl : optional
            Exclusive upper bound on the ordered column (None: unbounded).
        use_threads : bool, default True
            Decode the row groups of a chunk (or the columns of one) on the machine's
            cores; False: one thread. The chunks are the same either way.
        as_of : timestamp, optional
            Read every dataset as it was at this instant (naive means UTC): the version
            of each in force then (docs/python.md#versions-and-time-travel). Datasets
            created later take no part; one whose version of then is no longer retained
            raises LookupError.

        Yields
        ------
        dict
            ``{key: pandas.DataFrame}``, keys in `keys` order, frames with all columns
            and a RangeIndex from 0.

        Raises
        ------
        TypeError
            A key of another class; a bound incomparable with the ordered column; a
            non-int `n_prev`.
        ValueError
            A key given twice; datasets ordered on different columns; a negative
            `n_prev`, or a list of another length than `keys`.

        Examples
        --------
        >>> import tempfile, pandas as pd
        >>> from oups.store import Store, toplevel
        >>> @toplevel
        ... class Key:
        ...     name: str
        ...     year: int
        >>> tmp = tempfile.TemporaryDirectory()
        >>> store = Store(tmp.name, Key)
        >>> a, b = Key("a", 2024), Key("b", 2024)
        >>> store[a].write(ordered_on="t", row_group_target_size=2,
        ...                df=pd.DataFrame({"t": [1, 2, 3, 4], "x": [10, 20, 30, 40]}))
        >>> store[b].write(ordered_on="t", df=pd.DataFrame({"t": [2, 3, 4, 5], "y": [1, 2, 3, 4]}))
        >>> for chunk in store.iter_intersections([a, b], start=2, n_prev=[1, 0]):
        ...     print({str(k): df["t"].tolist() for k, df in chunk.items()})
        {'a-2024': [1, 2], 'b-2024': [2]}
        {'a-2024': [3, 4], 'b-2024': [3, 4, 5]}
        >>> tmp.cleanup()
        """
        keys = list(keys)
        as_of_ns = None
        if as_of is not None:
            if isinstance(as_of, (int, np.integer)) and not isinstance(as_of, (bool, np.bool_)):
                raise TypeError("'as_of' of iter_intersections must be a timestamp (version "
                                "numbers differ from one dataset to another).")
            as_of_ns = _as_of_args(as_of)[1]
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
        ordered = None
        for i in positions:
            # The ordered column's type, to convert the bounds (committed metadata
            # only: no reader registration, nothing created on disk).
            ds = _oups.Dataset(str(self._basepath / keys[i].to_path()))
            ordered = _ordered_type_of(ds.ordered_on(), ds.schema())
            if ordered is not None:
                break
        lo = hi = None
        if ordered is not None and (start is not None or end_excl is not None):
            name, (kind, unit, tz) = ordered
            label = _pandas.name_to_ordered_on(name)
            lo = _pandas.bound_scalar(start, label, kind, unit, tz)
            hi = _pandas.bound_scalar(end_excl, label, kind, unit, tz)
        it = self._store.iter_intersections(core_keys, lo, hi, n_prev,
                                            num_threads=_num_threads(use_threads),
                                            as_of_time_ns=as_of_ns)
        details = {}
        while True:
            chunk = it.next()
            if chunk is None:
                return
            # The pandas details of each dataset come from the state the
            # iterator reads (taken at its first chunk), not from an earlier open.
            for p, _ in chunk:
                if p not in details:
                    details[p] = _pandas.parse_details(it.schema_extra_json(p))
            yield {keys[positions[p]]: _pandas.table_to_frame(t, details[p]) for p, t in chunk}
