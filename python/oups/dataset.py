"""OrderedParquetDataset and write() (behaviour.md §3, §4) over the C++ OrderedDataset.

A handle pins nothing: every call takes a fresh core snapshot (one committed state)
and works on it for the whole call (§3.2). Views (``opd[i]``, ``opd[a:b]``, iteration)
are read-only datasets bound to the snapshot they were cut from and to a list of
row-group positions; the snapshot keeps their files readable while they live (§2.8).

Everything on disk, every check of ordered_on / schema / options and every error
message comes from the core; this module converts arguments and frames
(``_pandas``) and maps nothing but Python-level type errors itself.
"""

from __future__ import annotations

import datetime
import json
import os
import pathlib

import numpy as np
import pandas as pd

from . import _oups
from . import _pandas

__all__ = ["OrderedParquetDataset", "write"]

DEFAULT_ROW_GROUP_TARGET_SIZE = 6_345_000

try:  # pandas >= 1.1
    from pandas.tseries.offsets import BaseOffset as _BaseOffset
except ImportError:  # pragma: no cover
    _BaseOffset = pd.DateOffset

# Threads the core may use to decode the columns of one row-group file.
READ_THREADS = 1


def _check_path(dirpath, what="dirpath") -> pathlib.Path:
    if isinstance(dirpath, (str, os.PathLike)):
        text = os.fspath(dirpath)
        if isinstance(text, str) and text:
            return pathlib.Path(text)
    raise TypeError(f"'{what}' must be a non-empty str or os.PathLike, not {dirpath!r}.")


def _check_lock_timeout(lock_timeout):
    if lock_timeout is None:
        return None
    if isinstance(lock_timeout, (bool, np.bool_)) or not isinstance(
            lock_timeout, (int, float, np.integer, np.floating)):
        raise TypeError(f"'lock_timeout' must be None, an int or a float, not {lock_timeout!r}.")
    value = float(lock_timeout)
    if not value >= 0:
        raise ValueError(f"'lock_timeout' must be >= 0 seconds or None, not {lock_timeout!r}.")
    return value


def _ordered_on_name(ordered_on):
    """Stored name of an `ordered_on` argument, None when not given."""
    if ordered_on is None or (isinstance(ordered_on, (str, tuple)) and len(ordered_on) == 0):
        return None
    return _pandas.ordered_on_to_name(ordered_on)


_INT64_MAX = 2**63 - 1


def _target(row_group_target_size):
    """(target_rows, target_period) of a row_group_target_size argument (§4.1, §4.10)."""
    v = row_group_target_size
    if v is None:
        return DEFAULT_ROW_GROUP_TARGET_SIZE, None
    if isinstance(v, (bool, np.bool_)):
        raise TypeError(f"'row_group_target_size' must be an int or a frequency, not {v!r}.")
    if isinstance(v, (datetime.timedelta, np.timedelta64)):  # np.timedelta64 is an np.integer
        td = pd.Timedelta(v)
        if td is pd.NaT or td.value <= 0:
            raise ValueError(f"'row_group_target_size' must be a positive duration, not {v!r}.")
        return None, f"{td.value}ns"
    if isinstance(v, (int, np.integer)):
        if v <= 0:
            raise ValueError(f"'row_group_target_size' must be >= 1, not {int(v)}.")
        if v > _INT64_MAX:
            raise OverflowError(f"'row_group_target_size' must be at most {_INT64_MAX} "
                                f"(a 64-bit row count), not {int(v)}.")
        return int(v), None
    if isinstance(v, str):
        return None, v
    if isinstance(v, _BaseOffset):
        try:
            freqstr = v.freqstr
        except (AttributeError, NotImplementedError, ValueError):
            raise ValueError(f"'row_group_target_size' frequency '{v}' is not supported.") \
                from None
        return None, freqstr
    raise TypeError(f"'row_group_target_size' must be an int or a frequency, not {v!r}.")


def _label_name(label):
    if isinstance(label, (str, tuple)):
        try:
            return _pandas.label_to_name(label)
        except TypeError:
            return repr(label)
    return repr(label)


def _duplicates_on(duplicates_on, ordered_name):
    """Stored names of a duplicates_on argument (§4.1), on a copy."""
    if duplicates_on is None:
        return None
    if isinstance(duplicates_on, list):
        return [_label_name(x) for x in duplicates_on]
    name = _label_name(duplicates_on)
    if ordered_name is None or name == ordered_name:
        return [name]
    return [name, ordered_name]


def _kv_update(key_value_metadata):
    if key_value_metadata is None:
        return {}
    if not isinstance(key_value_metadata, dict):
        raise TypeError("'key_value_metadata' must be a dict of str to str or None, not "
                        f"{type(key_value_metadata).__name__}.")
    for k, v in key_value_metadata.items():
        if not isinstance(k, str):
            raise TypeError(f"'key_value_metadata' key {k!r} is not a str.")
        if v is not None and not isinstance(v, str):
            raise TypeError(f"'key_value_metadata' value of key {k!r} is not a str or None: "
                            f"{v!r}.")
    return dict(key_value_metadata)


def _max_off(max_n_off_target_rgs):
    v = max_n_off_target_rgs
    if v is None:
        return None
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)):
        raise TypeError(f"'max_n_off_target_rgs' must be an int or None, not {v!r}.")
    if v == 0:
        raise ValueError("'max_n_off_target_rgs' cannot be 0.")
    if v < 0:
        raise ValueError(f"'max_n_off_target_rgs' must be >= 1, not {int(v)}.")
    return int(v)


def _compression(compression, compression_level):
    if compression is None:
        compression = "none"
    if not isinstance(compression, str):
        raise TypeError(f"'compression' must be a str or None, not {compression!r}.")
    if compression_level is not None and (
            isinstance(compression_level, (bool, np.bool_))
            or not isinstance(compression_level, (int, np.integer))):
        raise TypeError(f"'compression_level' must be an int or None, not {compression_level!r}.")
    return compression, None if compression_level is None else int(compression_level)


def _details(snapshot) -> dict | None:
    return _parse_details(snapshot.schema_extra_json)


def _parse_details(text) -> dict | None:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def _ordered_type(snapshot):
    """(stored name, (kind, unit, tz)) of the ordered column, or None if unknown."""
    return _ordered_type_of(snapshot.ordered_on, snapshot.schema)


def _ordered_type_of(name, schema):
    """(name, (kind, unit, tz)) of column `name` in a core schema listing, or None."""
    if name is None or schema is None:
        return None
    for n, t in schema:
        if n == name:
            return n, t
    return None


def _bounds(snapshot, start, end_excl):
    if start is None and end_excl is None:
        return None, None
    ot = _ordered_type(snapshot)
    if ot is None:
        return None, None
    name, (kind, unit, tz) = ot
    label = _pandas.name_to_ordered_on(name)
    return (_pandas.bound_scalar(start, label, kind, unit, tz),
            _pandas.bound_scalar(end_excl, label, kind, unit, tz))


def _columns_arg(columns):
    if columns is None:
        return None
    if isinstance(columns, (str, tuple)):
        columns = [columns]
    return [_label_name(c) for c in columns]


def _stats_frame(table, extra_json, ordered_name, positions=None) -> pd.DataFrame:
    """row_group_stats DataFrame of a core stats Table (index = rg positions)."""
    details = _parse_details(extra_json)
    cols = {}
    if details and ordered_name is not None:
        info = details.get("pandas", {}).get("columns", {}).get(ordered_name)
        if info is not None:
            cols = {"ordered_on_mins": info, "ordered_on_maxs": info}
    df = _pandas.table_to_frame(table, {"pandas": {"columns": cols, "multiindex": None}})
    if positions is not None:
        df = df.iloc[positions]
    return df


def _max_file_id(snapshot) -> int:
    if snapshot.num_row_groups == 0:
        return -1
    ids = snapshot.row_group_stats().columns()[0][2]
    return int(ids.max())


class _EmptySnapshot:
    """The committed state of a dataset without metadata file, read without
    registering as a reader (which would create files next to the dataset)."""

    def __init__(self, ds):
        self._ds = ds
        self.num_row_groups = 0
        self.key_value_metadata = ds.key_value_metadata()
        self.ordered_on = ds.ordered_on()
        self.schema = None
        self.schema_extra_json = None
        self.is_newly_initialized = True
        self.path = ds.path

    def read(self, columns=None, start=None, end_excl=None, num_threads=1):
        if columns:
            raise _oups.KeyError(f"unknown columns: {', '.join(columns)}")
        return _oups.make_table([], [], None)

    def read_rows(self, positions, columns=None, start=None, end_excl=None):
        return self.read(columns)

    def row_group_stats(self):
        return self._ds.row_group_stats()


class OrderedParquetDataset:
    """An ordered dataset: row-group Parquet files plus a metadata file (§3)."""

    def __init__(self, dirpath, ordered_on=None, lock_timeout=None, lock_lifetime=None):
        path = _check_path(dirpath).resolve()
        self._lock_timeout = _check_lock_timeout(lock_timeout)
        name = _ordered_on_name(ordered_on)
        self._dirpath = path
        self._ds = _oups.Dataset(str(path), name, self._lock_timeout)

    # -- snapshot helpers
    def _snapshot(self):
        """A pinned committed state for a read (§3.2)."""
        if self._ds.is_newly_initialized():
            return _EmptySnapshot(self._ds)
        return self._ds.snapshot()

    # -- properties
    @property
    def dirpath(self) -> pathlib.Path:
        return self._dirpath

    # (properties and len read the last committed metadata; no reader registration)
    @property
    def ordered_on(self):
        return _pandas.name_to_ordered_on(self._ds.ordered_on())

    @property
    def key_value_metadata(self) -> dict:
        return dict(self._ds.key_value_metadata())

    @property
    def row_group_stats(self) -> pd.DataFrame:
        return _stats_frame(self._ds.row_group_stats(), self._ds.schema_extra_json(),
                            self._ds.ordered_on())

    @property
    def is_newly_initialized(self) -> bool:
        return self._ds.is_newly_initialized()

    @property
    def max_file_id(self) -> int:
        return self._ds.max_file_id()

    # -- row groups
    def __len__(self) -> int:
        return self._ds.num_row_groups()

    def _view(self, snapshot, positions, max_file_id=None):
        return _View(self, snapshot, positions,
                     _max_file_id(snapshot) if max_file_id is None else max_file_id)

    def _all_positions(self, snapshot):
        return list(range(snapshot.num_row_groups))

    def __getitem__(self, index):
        snapshot = self._snapshot()
        return self._getitem(snapshot, self._all_positions(snapshot), index, None)

    def _getitem(self, snapshot, positions, index, max_file_id):
        n = len(positions)
        if isinstance(index, slice):
            return self._view(snapshot, positions[index], max_file_id)
        if isinstance(index, (bool, np.bool_)) or not isinstance(index, (int, np.integer)):
            raise TypeError(f"row group index must be an int or a slice, not "
                            f"{type(index).__name__}.")
        i = int(index)
        j = i + n if i < 0 else i
        if not 0 <= j < n:
            raise IndexError(f"row group index {i} is out of range for a dataset of {n} "
                             f"row groups.")
        return self._view(snapshot, [positions[j]], max_file_id)

    def __iter__(self):
        snapshot = self._snapshot()
        positions = self._all_positions(snapshot)
        max_id = _max_file_id(snapshot)
        for p in positions:
            yield self._view(snapshot, [p], max_id)

    def __contains__(self, item):
        raise TypeError("'in' is not supported by OrderedParquetDataset.")

    # -- reading
    def to_pandas(self, columns=None, start=None, end_excl=None) -> pd.DataFrame:
        """Rows in order (RangeIndex from 0), optionally a column subset and a range
        start <= ordered value < end_excl (§3.5)."""
        snapshot = self._snapshot()
        return self._read(snapshot, None, columns, start, end_excl)

    def _read(self, snapshot, positions, columns, start, end_excl):
        cols = _columns_arg(columns)
        lo, hi = _bounds(snapshot, start, end_excl)
        if positions is None:
            table = snapshot.read(cols, lo, hi, READ_THREADS)
        else:
            table = snapshot.read_rows(positions, cols, lo, hi)
        return _pandas.table_to_frame(table, _details(snapshot))

    # -- writing
    def write(self, *, ordered_on=None, df=None, row_group_target_size=DEFAULT_ROW_GROUP_TARGET_SIZE,
              duplicates_on=None, max_n_off_target_rgs=None, key_value_metadata=None,
              lock_timeout=None, compression="snappy", compression_level=None) -> None:
        """Merge `df` into the dataset (keywords of :func:`write` except dirpath; §3.6)."""
        if df is not None and not isinstance(df, pd.DataFrame):
            raise TypeError(f"'df' must be a pandas DataFrame or None, not {type(df).__name__}.")
        name = None if ordered_on is None else _pandas.ordered_on_to_name(ordered_on)
        rows, period = _target(row_group_target_size)
        max_off = _max_off(max_n_off_target_rgs)
        kv = _kv_update(key_value_metadata)
        timeout = _check_lock_timeout(lock_timeout)
        comp, level = _compression(compression, compression_level)
        ordered_name = name if name is not None else self._ds.ordered_on()
        dups = _duplicates_on(duplicates_on, ordered_name)
        table = None
        extra = None
        if df is not None:
            schema = self._ds.schema()
            table, details, core_types = _pandas.frame_to_table(df, schema)
            _pandas.check_ordered_column(details, ordered_name)
            stored = _parse_details(self._ds.schema_extra_json())
            if schema is None:
                extra = details
                schema = core_types
            else:
                extra = _pandas.merge_details(stored, details, table.names)
            # The core writes this member into every rg file as the "pandas" key; it
            # is refreshed when it differs from the stored one (older datasets).
            base = _pandas.stored_details(extra) if extra is not None else stored
            if base is not None:
                refreshed = _pandas.with_file_metadata(base, schema)
                if extra is not None or refreshed != stored:
                    extra = refreshed
        self._ds.write(table, ordered_on=name, target_rows=rows, target_period=period,
                       duplicates_on=dups, max_n_off_target_rgs=max_off, key_value_metadata=kv,
                       compression=comp, compression_level=level,
                       lock_timeout=timeout if timeout is not None else self._lock_timeout,
                       schema_extra_json=None if extra is None else json.dumps(extra))

    def remove_from_disk(self, preserve_metadata=False, release_lock=None) -> None:
        """Remove the dataset from disk (§3.7); a no-op when it does not exist."""
        self._ds.remove(bool(preserve_metadata), self._lock_timeout)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self._dirpath)!r})"


class _View(OrderedParquetDataset):
    """A read-only view of some row groups of one snapshot (§3.4)."""

    def __init__(self, parent, snapshot, positions, max_file_id):
        object.__setattr__(self, "_dirpath", parent._dirpath)
        object.__setattr__(self, "_ds", parent._ds)
        object.__setattr__(self, "_lock_timeout", parent._lock_timeout)
        object.__setattr__(self, "_snap", snapshot)
        object.__setattr__(self, "_pos", list(positions))
        object.__setattr__(self, "_max_id", max_file_id)

    def __setattr__(self, name, value):
        raise PermissionError(f"cannot set attribute '{name}' on a read-only dataset.")

    def __delattr__(self, name):
        raise PermissionError(f"cannot set attribute '{name}' on a read-only dataset.")

    def _snapshot(self):
        return self._snap

    def _all_positions(self, snapshot):
        return self._pos

    def _view(self, snapshot, positions, max_file_id=None):
        return _View(self, snapshot, positions, self._max_id)

    def __len__(self) -> int:
        return len(self._pos)

    def __iter__(self):
        for p in self._pos:
            yield _View(self, self._snap, [p], self._max_id)

    @property
    def ordered_on(self):
        return _pandas.name_to_ordered_on(self._snap.ordered_on)

    @property
    def key_value_metadata(self) -> dict:
        return dict(self._snap.key_value_metadata)

    @property
    def row_group_stats(self) -> pd.DataFrame:
        return _stats_frame(self._snap.row_group_stats(), self._snap.schema_extra_json,
                            self._snap.ordered_on, self._pos)

    @property
    def is_newly_initialized(self) -> bool:
        return self._snap.is_newly_initialized

    @property
    def max_file_id(self) -> int:
        return self._max_id

    def to_pandas(self, columns=None, start=None, end_excl=None) -> pd.DataFrame:
        return self._read(self._snap, self._pos, columns, start, end_excl)

    def write(self, **kwargs):
        raise PermissionError("cannot call 'write' on a read-only dataset.")

    def remove_from_disk(self, *args, **kwargs):
        raise PermissionError("cannot call 'remove_from_disk' on a read-only dataset.")


def write(dirpath, ordered_on, df=None, row_group_target_size=DEFAULT_ROW_GROUP_TARGET_SIZE,
          duplicates_on=None, max_n_off_target_rgs=None, key_value_metadata=None, *,
          lock_timeout=None, compression="snappy", compression_level=None) -> None:
    """Write `df` into the ordered dataset at `dirpath` (a path or a dataset handle; §4)."""
    if isinstance(dirpath, OrderedParquetDataset):
        opd = dirpath
    else:
        if ordered_on is not None:
            _pandas.ordered_on_to_name(ordered_on)
        opd = OrderedParquetDataset(dirpath, ordered_on=ordered_on, lock_timeout=lock_timeout)
    opd.write(ordered_on=ordered_on, df=df, row_group_target_size=row_group_target_size,
              duplicates_on=duplicates_on, max_n_off_target_rgs=max_n_off_target_rgs,
              key_value_metadata=key_value_metadata, lock_timeout=lock_timeout,
              compression=compression, compression_level=compression_level)
