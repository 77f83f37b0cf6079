"""OrderedParquetDataset and write() over the C++ OrderedDataset.

See docs/behaviour.md#datasets and docs/behaviour.md#writing for what they do.
A handle pins nothing: every call takes a fresh core snapshot (one committed state)
and works on it for the whole call (docs/behaviour.md#snapshots). Views (``opd[i]``,
``opd[a:b]``, iteration) are read-only datasets bound to the snapshot they were cut
from and to a list of row-group positions; the snapshot keeps their files readable
while they live.

Everything on disk, every check of ordered_on / schema / options and every error
message comes from the core; this module converts arguments and frames
(``_pandas``) and maps nothing but Python-level type errors itself.
"""

from __future__ import annotations

import datetime
import json
import os
import pathlib
import re

import numpy as np
import pandas as pd

from . import _arrow
from . import _evolution
from . import _filters
from . import _oups
from . import _pandas

__all__ = ["OrderedParquetDataset", "write"]

# The target of a dataset no write gave one to (the C++ library's constant).
DEFAULT_ROW_GROUP_TARGET_SIZE = _oups.DEFAULT_ROW_GROUP_TARGET_SIZE


class _Remembered:
    """Default of `max_n_off_target_rgs`: the setting remembered by the dataset
    (docs/behaviour.md#row-group-sizing), else None (no coalescing)."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self):
        return "REMEMBERED"

    def __reduce__(self):  # one instance, also across pickling (oups.dask)
        return (_Remembered, ())


REMEMBERED = _Remembered()

try:  # pandas >= 1.1
    from pandas.tseries.offsets import BaseOffset as _BaseOffset
except ImportError:  # pragma: no cover
    _BaseOffset = pd.DateOffset

def _num_threads(use_threads) -> int:
    """Threads of a read or a write: the machine's cores for True (as pyarrow's
    ``use_threads``), one for False."""
    if not isinstance(use_threads, (bool, np.bool_)):
        raise TypeError(f"'use_threads' must be a bool, not {use_threads!r}.")
    return (os.cpu_count() or 1) if use_threads else 1


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
    _oups.check_lock_timeout(value)  # the core's check, when the handle is made
    return value


def _ordered_on_name(ordered_on):
    """Stored name of an `ordered_on` argument, None when not given."""
    if ordered_on is None or (isinstance(ordered_on, (str, tuple)) and len(ordered_on) == 0):
        return None
    return _pandas.ordered_on_to_name(ordered_on)


_INT64_MAX = 2**63 - 1


def _target(row_group_target_size):
    """(target_rows, target_period) of a row_group_target_size argument
    (docs/behaviour.md#row-group-sizing); (None, None) for None: the dataset's
    remembered target. Converts types only: values are checked by the core."""
    v = row_group_target_size
    if v is None:
        return None, None
    if isinstance(v, (bool, np.bool_)):
        raise TypeError(f"'row_group_target_size' must be an int or a frequency, not {v!r}.")
    if isinstance(v, (datetime.timedelta, np.timedelta64)):  # np.timedelta64 is an np.integer
        td = pd.Timedelta(v)
        if td is pd.NaT or td.value <= 0:
            raise ValueError(f"'row_group_target_size' must be a positive duration, not {v!r}.")
        return None, f"{td.value}ns"
    if isinstance(v, (int, np.integer)):
        if v < -_INT64_MAX - 1 or v > _INT64_MAX:
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
    """Stored names of a duplicates_on argument (docs/behaviour.md#duplicates), on a copy."""
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
    """(value, given) of a max_n_off_target_rgs argument. Converts types only:
    values are checked by the core."""
    v = max_n_off_target_rgs
    if v is REMEMBERED:
        return None, False
    if v is None:
        return None, True
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)):
        raise TypeError(f"'max_n_off_target_rgs' must be an int or None, not {v!r}.")
    if v < -_INT64_MAX - 1 or v > _INT64_MAX:
        raise OverflowError(f"'max_n_off_target_rgs' must be a 64-bit integer, not {int(v)}.")
    return int(v), True


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
    return _pandas.parse_details(snapshot.schema_extra_json)


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
    details = _pandas.parse_details(extra_json)
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

    def read(self, columns=None, start=None, end_excl=None, num_threads=1, filters=None):
        if columns:
            raise _oups.KeyError(f"unknown columns: {', '.join(columns)}")
        return _oups.make_table([], [], None)

    def read_rows(self, positions, columns=None, start=None, end_excl=None, filters=None,
                  num_threads=1):
        return self.read(columns)

    def row_group_stats(self):
        return self._ds.row_group_stats()


def _check_lock_lifetime(lock_lifetime):
    """Refuse a lock lifetime: the writer lock is an OS lock that cannot expire."""
    if lock_lifetime is not None:
        raise ValueError(
            "'lock_lifetime' is not supported: the writer lock of oups is an operating-system "
            "lock held only while a write or a removal runs and released by the kernel if the "
            "process dies, so it never expires; leave 'lock_lifetime' out (use 'lock_timeout' "
            "to bound the wait for the lock).")


def _check_release_lock(release_lock):
    """Accept None/True (what remove_from_disk always does), refuse False."""
    if release_lock is None or (isinstance(release_lock, (bool, np.bool_)) and release_lock):
        return
    if isinstance(release_lock, (bool, np.bool_)):
        raise ValueError(
            "'release_lock=False' is not supported: remove_from_disk() always releases the "
            "writer lock before it returns (no lock is held between calls); leave "
            "'release_lock' out.")
    raise TypeError(f"'release_lock' must be None or a bool, not {release_lock!r}.")


def _check_n(n) -> int:
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"'n' must be an int, not {n!r}.")
    if n < 0:
        raise ValueError(f"'n' must be >= 0, not {int(n)}.")
    return int(n)


def _scalar(v):
    """A plain Python value for numpy scalars (pandas Timestamps and the like unchanged)."""
    if isinstance(v, np.generic) and not isinstance(v, (np.datetime64, np.timedelta64)):
        return v.item()
    return v


def _n_rows_of(stats_table) -> np.ndarray:
    """The n_rows column of a core row-group stats table (uint64 numpy array)."""
    return stats_table.columns()[1][2]


def _describe_positions(positions, total) -> str:
    """'row group 0 of 8', 'row groups 1:3 of 8', 'row groups [0, 2, 4] of 8'."""
    if not positions:
        return f"no row group of {total}"
    if len(positions) == 1:
        return f"row group {positions[0]} of {total}"
    if positions == list(range(positions[0], positions[-1] + 1)):
        return f"row groups {positions[0]}:{positions[-1] + 1} of {total}"
    shown = ", ".join(str(p) for p in positions[:6]) + (", ..." if len(positions) > 6 else "")
    return f"row groups [{shown}] of {total}"


def _format_value(v) -> str:
    return repr(v) if isinstance(v, (str, bytes)) else str(v)


def _as_of_args(as_of):
    """(version, UTC nanoseconds) of an `as_of`: a version number (int >= 1) or an
    instant (anything ``pandas.Timestamp`` accepts; naive means UTC)."""
    if as_of is None:
        return None, None
    if isinstance(as_of, (bool, np.bool_)):
        raise TypeError("'as_of' must be a version number or a timestamp, not a bool.")
    if isinstance(as_of, (int, np.integer)):
        if as_of < 1:
            raise ValueError(f"'as_of' version must be >= 1, not {as_of}.")
        return int(as_of), None
    try:
        ts = pd.Timestamp(as_of)
    except (TypeError, ValueError) as e:
        raise TypeError(f"'as_of' must be a version number or a timestamp, not "
                        f"{as_of!r}.") from e
    if ts is pd.NaT:
        raise ValueError("'as_of' must not be NaT.")
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    return None, int(ts.as_unit("ns").value)


def _keep_args(keep_versions, keep_for):
    """The core retention arguments of a write (None: not given)."""
    if keep_versions is not None:
        if isinstance(keep_versions, (bool, np.bool_)) or \
                not isinstance(keep_versions, (int, np.integer)):
            raise TypeError(f"'keep_versions' must be an int, not "
                            f"{type(keep_versions).__name__}.")
        keep_versions = int(keep_versions)
    if keep_for is None:
        return keep_versions, None
    if isinstance(keep_for, str) and keep_for == "":
        return keep_versions, ""
    try:
        td = pd.Timedelta(keep_for)
    except (TypeError, ValueError) as e:
        raise ValueError(f"'keep_for' must be a duration such as '30D' or a "
                         f"pandas.Timedelta, not {keep_for!r}.") from e
    if td is pd.NaT or td <= pd.Timedelta(0):
        raise ValueError(f"'keep_for' must be a positive duration, not {keep_for!r}.")
    if isinstance(keep_for, str) and re.fullmatch(r"[0-9]+(ns|us|ms|s|min|h|D|W)", keep_for):
        return keep_versions, keep_for
    return keep_versions, f"{int(td.value)}ns"


def _versions_frame(rows) -> pd.DataFrame:
    """The DataFrame of versions() from the core's list of dicts."""
    columns = ["version", "kind", "committed_at", "rows_added", "rows_removed",
               "rows_written", "row_groups_written", "row_groups_dropped", "num_rows",
               "num_row_groups", "kv_changes", "restored_from"]
    df = pd.DataFrame(rows, columns=columns)
    for c in columns:
        if c in ("kind", "committed_at", "kv_changes", "restored_from"):
            continue
        df[c] = df[c].astype("int64")
    df["committed_at"] = pd.to_datetime(df["committed_at"].replace("", None), utc=True,
                                        format="ISO8601")
    df["restored_from"] = pd.array(df["restored_from"].tolist(), dtype="Int64")
    return df


class OrderedParquetDataset:
    """An ordered dataset: one Parquet file per row group plus a metadata file.

    A handle on the dataset stored at `dirpath`. Opening it reads the committed
    metadata if any and creates nothing on disk; every later call works on the last
    committed state (docs/behaviour.md#datasets). Row groups are sorted on the
    ordered column ``ordered_on``; ``len(opd)`` is their number, ``opd[i]`` and
    ``opd[a:b]`` are read-only views of some of them.

    Parameters
    ----------
    dirpath : str or os.PathLike
        Directory of the row-group files. The metadata file is ``<dirpath>_opdmd`` and
        the writer lock ``<dirpath>.lock``, next to it. Made absolute, symbolic links
        resolved.
    ordered_on : str or tuple of str, optional
        Name of the ordered column (a tuple for a column MultiIndex). When the dataset
        exists, it must equal the stored one; when it does not, it is used by the first
        write (which may give it instead).
    lock_timeout : int or float, optional
        Default for :meth:`write` and :meth:`remove_from_disk`: seconds to wait for the
        writer lock (None waits without limit, 0 tries once).
    lock_lifetime : None
        Only None is accepted: the writer lock is released by the operating system when
        the holder finishes or dies, it has no lifetime (docs/behaviour.md#writer-lock).

    Raises
    ------
    ValueError
        `ordered_on` differs from the stored one; the metadata file is corrupt or of a
        newer format; `lock_timeout` is negative; `lock_lifetime` is given.
    TypeError
        `dirpath`, `ordered_on` or `lock_timeout` of a wrong type.
    OSError
        The metadata file cannot be read.

    See Also
    --------
    write : the function form of :meth:`write`.
    Store : datasets named by the keys of an indexer.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> from oups.store import OrderedParquetDataset
    >>> tmp = tempfile.TemporaryDirectory()
    >>> ds = OrderedParquetDataset(f"{tmp.name}/temperature", ordered_on="ts")
    >>> ds.is_newly_initialized
    True
    >>> ds.write(df=pd.DataFrame({"ts": pd.date_range("2024-01-01", periods=4, freq="h"),
    ...                           "celsius": [3.5, 3.1, 2.8, 2.6]}),
    ...          row_group_target_size=2)
    >>> ds.num_rows, len(ds)
    (4, 2)
    >>> ds.to_pandas(start="2024-01-01 02:00")
                       ts  celsius
    0 2024-01-01 02:00:00      2.8
    1 2024-01-01 03:00:00      2.6
    >>> tmp.cleanup()
    """

    def __new__(cls, dirpath=None, ordered_on=None, lock_timeout=None, lock_lifetime=None, *,
                as_of=None):
        if as_of is None or cls is not OrderedParquetDataset:
            return super().__new__(cls)
        # A retained version, read-only (docs/python.md#versions-and-time-travel).
        version, time_ns = _as_of_args(as_of)
        parent = OrderedParquetDataset(dirpath, ordered_on, lock_timeout, lock_lifetime)
        snapshot = parent._ds.snapshot(version, time_ns)
        return _AsOf._make(parent, snapshot)

    def __init__(self, dirpath, ordered_on=None, lock_timeout=None, lock_lifetime=None, *,
                 as_of=None):
        if as_of is not None:
            return  # a read-only version, made by __new__
        path = _check_path(dirpath).resolve()
        self._lock_timeout = _check_lock_timeout(lock_timeout)
        _check_lock_lifetime(lock_lifetime)
        name = _ordered_on_name(ordered_on)
        self._dirpath = path
        self._ds = _oups.Dataset(str(path), name, self._lock_timeout)

    # -- snapshot helpers
    def _snapshot(self):
        """A pinned committed state for a read (docs/behaviour.md#snapshots)."""
        if self._ds.is_newly_initialized():
            return _EmptySnapshot(self._ds)
        return self._ds.snapshot()

    def _stats_table(self):
        """Core row-group stats of the last committed state (no reader registration)."""
        return self._ds.row_group_stats()

    def _positions_or_none(self):
        """The row-group positions this object covers, None for all of them."""
        return None

    # -- properties
    @property
    def dirpath(self) -> pathlib.Path:
        """pathlib.Path: absolute path of the dataset directory (the row-group files).

        Examples
        --------
        >>> from oups.store import OrderedParquetDataset
        >>> OrderedParquetDataset("/tmp/never/written").dirpath
        PosixPath('/tmp/never/written')
        """
        return self._dirpath

    # (properties and len read the last committed metadata; no reader registration)
    @property
    def ordered_on(self):
        """str, tuple of str or None: name of the ordered column (None until known).

        Examples
        --------
        >>> from oups.store import OrderedParquetDataset
        >>> OrderedParquetDataset("/tmp/never/written", ordered_on="ts").ordered_on
        'ts'
        """
        return _pandas.name_to_ordered_on(self._ds.ordered_on())

    @property
    def key_value_metadata(self) -> dict:
        """dict of str to str: the user's key-value metadata (a new copy on each access).

        Changed only by the ``key_value_metadata`` argument of a write
        (docs/behaviour.md#key-value-metadata); mutating the returned dict changes
        nothing.

        Examples
        --------
        >>> import tempfile
        >>> from oups.store import OrderedParquetDataset
        >>> tmp = tempfile.TemporaryDirectory()
        >>> ds = OrderedParquetDataset(f"{tmp.name}/ds", ordered_on="ts")
        >>> ds.write(key_value_metadata={"source": "station 12"})
        >>> ds.key_value_metadata
        {'source': 'station 12'}
        >>> tmp.cleanup()
        """
        return dict(self._ds.key_value_metadata())

    @property
    def row_group_stats(self) -> pd.DataFrame:
        """pandas.DataFrame: one row per row group, in order, from the metadata file.

        Columns ``file_ids`` (uint64, the ``file_<id>.parquet`` file of the row group),
        ``n_rows`` (uint64), ``ordered_on_mins`` and ``ordered_on_maxs`` (first and last
        ordered value, in the ordered column's dtype); index = row-group positions.

        Examples
        --------
        >>> import tempfile, pandas as pd
        >>> from oups.store import write, OrderedParquetDataset
        >>> tmp = tempfile.TemporaryDirectory()
        >>> write(f"{tmp.name}/ds", ordered_on="a", df=pd.DataFrame({"a": [1, 2, 3]}),
        ...       row_group_target_size=2)
        >>> OrderedParquetDataset(f"{tmp.name}/ds").row_group_stats
           file_ids  n_rows  ordered_on_mins  ordered_on_maxs
        0         0       2                1                2
        1         1       1                3                3
        >>> tmp.cleanup()
        """
        # One committed state for the stats, their dtypes and the ordered column.
        snapshot = self._snapshot()
        return _stats_frame(snapshot.row_group_stats(), snapshot.schema_extra_json,
                            snapshot.ordered_on)

    @property
    def is_newly_initialized(self) -> bool:
        """bool: True while the dataset has no metadata file (nothing committed yet).

        Examples
        --------
        >>> from oups.store import OrderedParquetDataset
        >>> OrderedParquetDataset("/tmp/never/written").is_newly_initialized
        True
        """
        return self._ds.is_newly_initialized()

    @property
    def max_file_id(self) -> int:
        """int: largest row-group file id the dataset references, -1 if none.

        Examples
        --------
        >>> from oups.store import OrderedParquetDataset
        >>> OrderedParquetDataset("/tmp/never/written").max_file_id
        -1
        """
        return self._ds.max_file_id()

    @property
    def write_settings(self) -> dict:
        """dict: the row-group layout the dataset remembers for writes that do not give it.

        ``{"row_group_target_size": ..., "max_n_off_target_rgs": ...}``, each member only
        when a write gave it (docs/behaviour.md#remembered-settings): a row count, a pandas
        frequency string or a ``pandas.Timedelta`` (as the write gave it) for the target;
        an int or None ("no coalescing") for ``max_n_off_target_rgs``. Empty when no write
        gave a setting (the defaults apply). Read from the metadata file.

        Examples
        --------
        >>> import tempfile, pandas as pd
        >>> from oups.store import write, OrderedParquetDataset
        >>> tmp = tempfile.TemporaryDirectory()
        >>> df = pd.DataFrame({"ts": pd.date_range("2024-01-01", periods=6, freq="h")})
        >>> write(f"{tmp.name}/ds", ordered_on="ts", df=df)
        >>> OrderedParquetDataset(f"{tmp.name}/ds").write_settings
        {}
        >>> write(f"{tmp.name}/ds", ordered_on="ts", df=df, row_group_target_size="D",
        ...       max_n_off_target_rgs=None)
        >>> OrderedParquetDataset(f"{tmp.name}/ds").write_settings
        {'row_group_target_size': 'D', 'max_n_off_target_rgs': None}
        >>> write(f"{tmp.name}/ds", ordered_on="ts", df=df,
        ...       row_group_target_size=pd.Timedelta("6h"))
        >>> OrderedParquetDataset(f"{tmp.name}/ds").write_settings["row_group_target_size"]
        Timedelta('0 days 06:00:00')
        >>> tmp.cleanup()
        """
        out = dict(self._snapshot().write_settings)
        target = out.get("row_group_target_size")
        if isinstance(target, str) and target.endswith("ns") and target[:-2].isdigit():
            out["row_group_target_size"] = pd.Timedelta(int(target[:-2]), "ns")
        return out

    # -- introspection without reading data
    def _summary(self):
        """(rows, row groups, first ordered value, last ordered value, total rgs) of the
        row groups this object covers, from the metadata only."""
        stats = self.row_group_stats
        total = len(stats)
        positions = self._positions_or_none()
        if positions is None:
            positions = list(range(total))
        if not positions:
            return 0, 0, None, None, total
        rows = int(stats["n_rows"].to_numpy()[positions].sum())
        lo = _scalar(stats["ordered_on_mins"].iloc[min(positions)])
        hi = _scalar(stats["ordered_on_maxs"].iloc[max(positions)])
        return rows, len(positions), lo, hi, total

    @property
    def num_rows(self) -> int:
        """int: number of rows, from the metadata file (no row group is read).

        Examples
        --------
        >>> import tempfile, pandas as pd
        >>> from oups.store import write, OrderedParquetDataset
        >>> tmp = tempfile.TemporaryDirectory()
        >>> write(f"{tmp.name}/ds", ordered_on="a", df=pd.DataFrame({"a": range(10)}),
        ...       row_group_target_size=4)
        >>> ds = OrderedParquetDataset(f"{tmp.name}/ds")
        >>> ds.num_rows, len(ds), ds[1:].num_rows
        (10, 3, 6)
        >>> tmp.cleanup()
        """
        return self._summary()[0]

    @property
    def ordered_on_min(self):
        """Smallest ordered value (the first row's), None when there is no row.

        Read from the metadata file; of the ordered column's kind (``pandas.Timestamp``
        for a timestamp column, ``int``, ``float``, ``str``, ``datetime.date``).

        Examples
        --------
        >>> import tempfile, pandas as pd
        >>> from oups.store import write, OrderedParquetDataset
        >>> tmp = tempfile.TemporaryDirectory()
        >>> write(f"{tmp.name}/ds", ordered_on="ts",
        ...       df=pd.DataFrame({"ts": pd.date_range("2024-03-01", periods=3, freq="D")}))
        >>> ds = OrderedParquetDataset(f"{tmp.name}/ds")
        >>> ds.ordered_on_min, ds.ordered_on_max
        (Timestamp('2024-03-01 00:00:00'), Timestamp('2024-03-03 00:00:00'))
        >>> tmp.cleanup()
        """
        return self._summary()[2]

    @property
    def ordered_on_max(self):
        """Largest ordered value (the last row's), None when there is no row.

        Read from the metadata file, as :attr:`ordered_on_min`.

        Examples
        --------
        >>> import tempfile, pandas as pd
        >>> from oups.store import write, OrderedParquetDataset
        >>> tmp = tempfile.TemporaryDirectory()
        >>> write(f"{tmp.name}/ds", ordered_on="a", df=pd.DataFrame({"a": [4, 8, 9]}),
        ...       row_group_target_size=2)
        >>> ds = OrderedParquetDataset(f"{tmp.name}/ds")
        >>> ds.ordered_on_max, ds[0].ordered_on_max
        (9, 8)
        >>> tmp.cleanup()
        """
        return self._summary()[3]

    @property
    def columns(self) -> pd.Index:
        """pandas.Index: the columns :meth:`to_pandas` returns, in stored order.

        From the stored schema (no row group is read); a ``pandas.MultiIndex`` for a
        dataset written with a column MultiIndex; empty before the first write that
        passed a DataFrame.

        Examples
        --------
        >>> import tempfile, pandas as pd
        >>> from oups.store import write, OrderedParquetDataset
        >>> tmp = tempfile.TemporaryDirectory()
        >>> write(f"{tmp.name}/ds", ordered_on="a", df=pd.DataFrame({"a": [1], "b": ["x"]}))
        >>> list(OrderedParquetDataset(f"{tmp.name}/ds").columns)
        ['a', 'b']
        >>> tmp.cleanup()
        """
        return self.head(0).columns

    @property
    def dtypes(self) -> pd.Series:
        """pandas.Series: the dtype of each column as :meth:`to_pandas` returns it.

        From the stored schema and pandas details (no row group is read): the dtypes
        the first write recorded (docs/behaviour.md#column-types). One case depends on
        the rows read: an ``int*`` or ``bool`` column that later writes gave missing
        values (through ``Int*`` or ``boolean``) is returned as ``Int*``/``boolean``
        when the rows read hold a missing value.

        Examples
        --------
        >>> import tempfile, pandas as pd
        >>> from oups.store import write, OrderedParquetDataset
        >>> tmp = tempfile.TemporaryDirectory()
        >>> df = pd.DataFrame({"ts": pd.date_range("2024-01-01", periods=2, tz="UTC"),
        ...                    "n": pd.array([1, None], dtype="Int32"),
        ...                    "side": pd.Categorical(["buy", "sell"])})
        >>> write(f"{tmp.name}/ds", ordered_on="ts", df=df)
        >>> OrderedParquetDataset(f"{tmp.name}/ds").dtypes
        ts      datetime64[us, UTC]
        n                     Int32
        side               category
        dtype: object
        >>> tmp.cleanup()
        """
        return self.head(0).dtypes

    # -- row groups
    def __len__(self) -> int:
        """Number of row groups (not rows: see :attr:`num_rows`).

        Examples
        --------
        >>> import tempfile, pandas as pd
        >>> from oups.store import write, OrderedParquetDataset
        >>> tmp = tempfile.TemporaryDirectory()
        >>> write(f"{tmp.name}/ds", ordered_on="a", df=pd.DataFrame({"a": range(5)}),
        ...       row_group_target_size=2)
        >>> len(OrderedParquetDataset(f"{tmp.name}/ds"))
        3
        >>> tmp.cleanup()
        """
        return self._ds.num_row_groups()

    def _view(self, snapshot, positions, max_file_id=None):
        return _View(self, snapshot, positions,
                     _max_file_id(snapshot) if max_file_id is None else max_file_id)

    def _all_positions(self, snapshot):
        return list(range(snapshot.num_row_groups))

    def __getitem__(self, index):
        """A read-only view of one row group (int) or of several (slice).

        Parameters
        ----------
        index : int or slice
            Row-group position (negative counts from the end) or any Python slice.

        Returns
        -------
        OrderedParquetDataset
            A read-only view bound to the committed state of this call
            (docs/behaviour.md#views): it can be read, indexed and sliced again.

        Raises
        ------
        IndexError
            `index` is out of range.
        TypeError
            `index` is neither an int nor a slice.

        Examples
        --------
        >>> import tempfile, pandas as pd
        >>> from oups.store import write, OrderedParquetDataset
        >>> tmp = tempfile.TemporaryDirectory()
        >>> write(f"{tmp.name}/ds", ordered_on="a", df=pd.DataFrame({"a": range(5)}),
        ...       row_group_target_size=2)
        >>> ds = OrderedParquetDataset(f"{tmp.name}/ds")
        >>> ds[-1].to_pandas()
           a
        0  4
        >>> len(ds[1:]), ds[1:].num_rows
        (2, 3)
        >>> tmp.cleanup()
        """
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
        """Iterate over the row groups: one single-row-group view each, in order.

        All views come from the committed state taken when the iteration starts.

        Examples
        --------
        >>> import tempfile, pandas as pd
        >>> from oups.store import write, OrderedParquetDataset
        >>> tmp = tempfile.TemporaryDirectory()
        >>> write(f"{tmp.name}/ds", ordered_on="a", df=pd.DataFrame({"a": range(5)}),
        ...       row_group_target_size=2)
        >>> [rg.num_rows for rg in OrderedParquetDataset(f"{tmp.name}/ds")]
        [2, 2, 1]
        >>> tmp.cleanup()
        """
        snapshot = self._snapshot()
        positions = self._all_positions(snapshot)
        max_id = _max_file_id(snapshot)
        for p in positions:
            yield self._view(snapshot, [p], max_id)

    def __contains__(self, item):
        """Not supported: ``in`` raises TypeError (a dataset is not a container of rows)."""
        raise TypeError("'in' is not supported by OrderedParquetDataset.")

    # -- reading
    def to_pandas(self, columns=None, start=None, end_excl=None, filters=None, *,
                  use_threads=True, as_of=None) -> pd.DataFrame:
        """Read rows into a DataFrame, in order, optionally a column subset, a range and
        row filters; `as_of` reads a retained version instead of the latest.

        Only the row groups whose ``[min, max]`` can hold rows of the range are read
        (docs/behaviour.md#reading), and with `filters` only those whose statistics
        allow a matching row (docs/python.md#filters).

        Parameters
        ----------
        columns : list of labels, optional
            Columns to return, in this order (None: all, in stored order). A label is a
            str, or a tuple for a column MultiIndex.
        start : optional
            Inclusive lower bound on the ordered column (None: unbounded). Compared in
            the ordered column's type: a str is read as a timestamp for a timestamp
            column.
        end_excl : optional
            Exclusive upper bound on the ordered column (None: unbounded).
        filters : list of tuples, or list of lists of tuples, optional
            pyarrow's filter syntax: ``[(column, op, value), ...]`` keeps the rows where
            every term holds; ``[[...], [...]]`` the rows where any inner list holds.
            ``op`` is ``==`` (or ``=``), ``!=``, ``<``, ``<=``, ``>``, ``>=``, ``in`` or
            ``not in`` (with a list, tuple or set of values). Any column (or index level)
            may be filtered, selected by `columns` or not. Nulls match no comparison;
            NaN matches only ``!=``; ``in`` matches None and NaN when listed. (pyarrow
            compute expressions are not accepted.)
        use_threads : bool, default True
            Decode row groups (or the columns of one) on the machine's cores, as pyarrow
            does; False: one thread. The frame is the same either way.
        as_of : int or timestamp, optional
            A version number (see :meth:`versions`), or an instant: the version in force
            then (naive means UTC). LookupError when that version is not retained.

        Returns
        -------
        pandas.DataFrame
            The rows with ``start <= ordered value < end_excl`` matching `filters`, the
            stored index
            (docs/behaviour.md#index; else a RangeIndex from 0) and the dtypes that
            were written (see :attr:`dtypes`). No row: an empty frame
            with the selected columns.

        Raises
        ------
        KeyError
            A label of `columns` or `filters` is not a column of the dataset.
        TypeError
            A bound or a filter value cannot be compared with its column.
        ValueError
            `filters` is malformed or names an unknown operator.
        FileNotFoundError, ValueError
            A row-group file is missing or corrupt (the message names it).

        Examples
        --------
        >>> import tempfile, pandas as pd
        >>> from oups.store import write, OrderedParquetDataset
        >>> tmp = tempfile.TemporaryDirectory()
        >>> write(f"{tmp.name}/ds", ordered_on="a",
        ...       df=pd.DataFrame({"a": [1, 2, 3, 4], "b": list("wxyz")}))
        >>> OrderedParquetDataset(f"{tmp.name}/ds").to_pandas(["b"], start=2, end_excl=4)
           b
        0  x
        1  y
        >>> OrderedParquetDataset(f"{tmp.name}/ds").to_pandas(filters=[("b", "in", ["w", "z"])])
           a  b
        0  1  w
        1  4  z
        >>> OrderedParquetDataset(f"{tmp.name}/ds").to_pandas(
        ...     ["a"], filters=[[("a", "<", 2)], [("b", "==", "y")]])
           a
        0  1
        1  3
        >>> tmp.cleanup()
        """
        if as_of is not None:
            snapshot = self._ds.snapshot(*_as_of_args(as_of))
        else:
            snapshot = self._snapshot()
        return self._read(snapshot, None, columns, start, end_excl, filters, use_threads)

    # -- versions (docs/python.md#versions-and-time-travel)
    def versions(self) -> pd.DataFrame:
        """The readable versions of the dataset, oldest first: one row per commit kept.

        Every commit (a write, a write without rows, a compaction, a staged write, a
        restore) creates a version; the dataset keeps those its retention says
        (:meth:`write`'s `keep_versions` and `keep_for`; by default the latest only).

        Returns
        -------
        pandas.DataFrame
            Columns ``version`` (int), ``kind`` ("write", "metadata", "compaction",
            "staged_write", "restore"; "unknown" for a commit made before versions were
            recorded), ``committed_at`` (UTC timestamp), ``rows_added`` and
            ``rows_removed`` (net change of the number of rows), ``rows_written`` and
            ``row_groups_written`` (row groups the commit wrote), ``row_groups_dropped``,
            ``num_rows`` and ``num_row_groups`` (of the version), ``kv_changes`` (dict:
            key -> new value, None when removed) and ``restored_from`` (Int64). Empty for
            a dataset that does not exist.

        Examples
        --------
        >>> import tempfile, pandas as pd
        >>> from oups.store import write, OrderedParquetDataset
        >>> tmp = tempfile.TemporaryDirectory()
        >>> write(f"{tmp.name}/ds", ordered_on="a", df=pd.DataFrame({"a": [1, 2]}),
        ...       keep_versions=3)
        >>> write(f"{tmp.name}/ds", ordered_on="a", df=pd.DataFrame({"a": [3]}))
        >>> OrderedParquetDataset(f"{tmp.name}/ds").versions()[["version", "rows_added"]]
           version  rows_added
        0        1           2
        1        2           1
        >>> tmp.cleanup()
        """
        return _versions_frame(self._ds.versions())

    def restore(self, version, *, key_value_metadata=None, lock_timeout=None) -> int:
        """Commit a new version equal to the retained `version` (rows, columns, key-value
        metadata; `key_value_metadata` updates are applied on top). Returns the new
        version's number. The versions in between stay as the retention says.

        Raises
        ------
        LookupError
            `version` is not retained (or the dataset does not exist).
        TimeoutError
            The writer lock was not acquired within `lock_timeout`.

        Examples
        --------
        >>> import tempfile, pandas as pd
        >>> from oups.store import write, OrderedParquetDataset
        >>> tmp = tempfile.TemporaryDirectory()
        >>> write(f"{tmp.name}/ds", ordered_on="a", df=pd.DataFrame({"a": [1]}),
        ...       keep_versions=3)
        >>> write(f"{tmp.name}/ds", ordered_on="a", df=pd.DataFrame({"a": [2]}))
        >>> ds = OrderedParquetDataset(f"{tmp.name}/ds")
        >>> ds.restore(1), ds.to_pandas()["a"].tolist()
        (3, [1])
        >>> tmp.cleanup()
        """
        if isinstance(version, (bool, np.bool_)) or not isinstance(version, (int, np.integer)):
            raise TypeError(f"'version' must be an int, not {type(version).__name__}.")
        if version < 1:
            raise ValueError(f"'version' must be >= 1, not {version}.")
        timeout = _check_lock_timeout(lock_timeout)
        return self._ds.restore(int(version), _kv_update(key_value_metadata),
                                timeout if timeout is not None else self._lock_timeout)

    def vacuum(self, *, lock_timeout=None) -> dict:
        """Apply the retention completely (a write does it a bounded amount at a time):
        versions it no longer keeps stop being readable, and the row-group and history
        files only they used are deleted, except those a registered reader may still
        read (a later write or vacuum deletes them).

        Returns
        -------
        dict
            ``versions_expired``, ``files_deleted``, ``files_kept_for_readers``,
            ``history_files_deleted``.

        Examples
        --------
        >>> import tempfile, pandas as pd
        >>> from oups.store import write, OrderedParquetDataset
        >>> tmp = tempfile.TemporaryDirectory()
        >>> for a in (1, 2, 3):
        ...     write(f"{tmp.name}/ds", ordered_on="a", df=pd.DataFrame({"a": [a]}),
        ...           keep_versions=3)
        >>> ds = OrderedParquetDataset(f"{tmp.name}/ds")
        >>> ds.write(keep_versions=1)
        >>> ds.versions()["version"].tolist()
        [4]
        >>> ds.vacuum()["files_kept_for_readers"]
        0
        >>> tmp.cleanup()
        """
        timeout = _check_lock_timeout(lock_timeout)
        return dict(self._ds.vacuum(timeout if timeout is not None else self._lock_timeout))

    def _read(self, snapshot, positions, columns, start, end_excl, filters=None,
              use_threads=True):
        # The stored index levels are read with any column selection, as pyarrow does.
        cols = _pandas.with_index_columns(_columns_arg(columns), _details(snapshot))
        lo, hi = _bounds(snapshot, start, end_excl)
        core_filters = _filters.to_core(filters, snapshot.schema, _label_name,
                                        _details(snapshot))
        threads = _num_threads(use_threads)
        if positions is None:
            table = snapshot.read(cols, lo, hi, threads, core_filters)
        else:
            table = snapshot.read_rows(positions, cols, lo, hi, core_filters, threads)
        return _pandas.table_to_frame(table, _details(snapshot))

    def _arrow_positions(self):
        """Row-group positions an Arrow read covers: None, every one (views: theirs)."""
        return None

    def _arrow_args(self, snapshot, columns, start, end_excl, filters):
        cols = _pandas.with_index_columns(_columns_arg(columns), _details(snapshot))
        lo, hi = _bounds(snapshot, start, end_excl)
        core_filters = _filters.to_core(filters, snapshot.schema, _label_name,
                                        _details(snapshot))
        return snapshot, self._arrow_positions(), cols, lo, hi, core_filters

    def to_arrow(self, columns=None, start=None, end_excl=None, filters=None, *,
                 use_threads=True):
        """Read rows into a pyarrow Table without copying them (docs/python.md#arrow).

        The same rows as :meth:`to_pandas` with the same arguments, as Arrow arrays
        over the buffers the core decoded into (one chunk per row group read). The
        schema carries the dataset's ``pandas`` metadata, so ``to_pandas()`` of the
        result gives the frame :meth:`to_pandas` gives; categorical columns become
        dictionary columns (the one conversion that copies).

        Parameters
        ----------
        columns, start, end_excl, filters, use_threads
            As for :meth:`to_pandas`.

        Returns
        -------
        pyarrow.Table
            Text as ``large_string``, binary as ``large_binary`` (oups' own layout),
            timedeltas as ``duration``, dates as ``date32``, decimals as
            ``decimal128``; the stored index levels as columns, named in the
            ``pandas`` metadata.

        Raises
        ------
        KeyError, TypeError, ValueError, FileNotFoundError
            As :meth:`to_pandas`.

        See Also
        --------
        __arrow_c_stream__ : the same rows for any Arrow consumer, streamed.

        Examples
        --------
        >>> import tempfile, pandas as pd
        >>> from oups.store import write, OrderedParquetDataset
        >>> tmp = tempfile.TemporaryDirectory()
        >>> write(f"{tmp.name}/ds", ordered_on="a",
        ...       df=pd.DataFrame({"a": [1, 2, 3, 4], "b": list("wxyz")}),
        ...       row_group_target_size=2)
        >>> t = OrderedParquetDataset(f"{tmp.name}/ds").to_arrow(start=2)
        >>> t.schema.types, t.num_rows, t.column("a").num_chunks
        ([DataType(int64), DataType(large_string)], 3, 2)
        >>> t.to_pandas().equals(OrderedParquetDataset(f"{tmp.name}/ds").to_pandas(start=2))
        True
        >>> tmp.cleanup()
        """
        snapshot = self._snapshot()
        return _arrow.to_table(*self._arrow_args(snapshot, columns, start, end_excl, filters),
                               num_threads=_num_threads(use_threads))

    def __arrow_c_stream__(self, requested_schema=None):
        """The rows as an Arrow C stream (the Arrow PyCapsule interface), for any
        consumer: ``pyarrow.table(ds)``, ``polars.DataFrame(ds)``, DuckDB.

        One batch per row group, read when the consumer asks for it (the whole
        dataset is never in memory at once), over the core's buffers (no copy).
        Columns as :meth:`to_arrow` gives them (a categorical as a dictionary whose
        values a batch adds follow the recorded categories). The batches come from the
        committed state of this call.

        Parameters
        ----------
        requested_schema : PyCapsule, optional
            Ignored: the stream has the dataset's own schema (the interface lets a
            producer do so; the consumer casts if it needs to).

        Returns
        -------
        PyCapsule
            An ``arrow_array_stream`` capsule.

        Examples
        --------
        >>> import tempfile, pandas as pd, pyarrow as pa
        >>> from oups.store import write, OrderedParquetDataset
        >>> tmp = tempfile.TemporaryDirectory()
        >>> write(f"{tmp.name}/ds", ordered_on="a", df=pd.DataFrame({"a": range(5)}),
        ...       row_group_target_size=2)
        >>> reader = pa.RecordBatchReader.from_stream(OrderedParquetDataset(f"{tmp.name}/ds"))
        >>> [batch.num_rows for batch in reader]
        [2, 2, 1]
        >>> tmp.cleanup()
        """
        snapshot = self._snapshot()
        return _arrow.stream_capsule(*self._arrow_args(snapshot, None, None, None, None))

    def _head_tail(self, n, columns, from_end):
        n = _check_n(n)
        snapshot = self._snapshot()
        positions = list(self._all_positions(snapshot))
        counts = _n_rows_of(snapshot.row_group_stats())
        order = reversed(positions) if from_end else positions
        chosen, total = [], 0
        for p in order:
            if total >= n:
                break
            chosen.append(p)
            total += int(counts[p])
        if from_end:
            chosen.reverse()
        df = self._read(snapshot, chosen, columns, None, None)
        if len(df) > n:
            df = df.iloc[len(df) - n:] if from_end else df.iloc[:n]
            if isinstance(df.index, pd.RangeIndex):  # else the stored index, kept
                df = df.reset_index(drop=True)
        return df

    def head(self, n=5, columns=None) -> pd.DataFrame:
        """The first `n` rows, reading only the row groups that hold them.

        Parameters
        ----------
        n : int, default 5
            Number of rows (fewer if the dataset has fewer). 0 reads no row group and
            gives the empty frame of the dataset's columns and dtypes.
        columns : list of labels, optional
            As for :meth:`to_pandas`.

        Returns
        -------
        pandas.DataFrame
            The same rows as ``to_pandas(columns).head(n)``, with a RangeIndex from 0.

        Raises
        ------
        ValueError
            `n` is negative.
        TypeError
            `n` is not an int.
        KeyError
            A label of `columns` is not a column of the dataset.

        Examples
        --------
        >>> import tempfile, pandas as pd
        >>> from oups.store import write, OrderedParquetDataset
        >>> tmp = tempfile.TemporaryDirectory()
        >>> write(f"{tmp.name}/ds", ordered_on="a", df=pd.DataFrame({"a": range(100)}),
        ...       row_group_target_size=10)
        >>> OrderedParquetDataset(f"{tmp.name}/ds").head(2)
           a
        0  0
        1  1
        >>> tmp.cleanup()
        """
        return self._head_tail(n, columns, from_end=False)

    def tail(self, n=5, columns=None) -> pd.DataFrame:
        """The last `n` rows, reading only the row groups that hold them.

        Parameters
        ----------
        n : int, default 5
            Number of rows (fewer if the dataset has fewer).
        columns : list of labels, optional
            As for :meth:`to_pandas`.

        Returns
        -------
        pandas.DataFrame
            The same rows as ``to_pandas(columns).tail(n)``, with a RangeIndex from 0.

        Raises
        ------
        ValueError
            `n` is negative.
        TypeError
            `n` is not an int.
        KeyError
            A label of `columns` is not a column of the dataset.

        Examples
        --------
        >>> import tempfile, pandas as pd
        >>> from oups.store import write, OrderedParquetDataset
        >>> tmp = tempfile.TemporaryDirectory()
        >>> write(f"{tmp.name}/ds", ordered_on="a", df=pd.DataFrame({"a": range(100)}),
        ...       row_group_target_size=10)
        >>> OrderedParquetDataset(f"{tmp.name}/ds").tail(2)
            a
        0  98
        1  99
        >>> tmp.cleanup()
        """
        return self._head_tail(n, columns, from_end=True)

    # -- writing
    def write(self, *, ordered_on=None, df=None, row_group_target_size=None,
              duplicates_on=None, max_n_off_target_rgs=REMEMBERED, key_value_metadata=None,
              lock_timeout=None, compression="snappy", compression_level=None,
              use_threads=True, schema_evolution=False, keep_versions=None,
              keep_for=None) -> None:
        """Merge the rows of `df` into the dataset, in one atomic commit.

        The keywords of :func:`oups.store.write` except `dirpath` (see there for
        each of them and docs/behaviour.md#writing for the merge rules). The handle's
        `lock_timeout` applies unless one is given.

        Parameters
        ----------
        ordered_on : str or tuple of str, optional
            Required when the handle has none; must equal it otherwise.
        df : pandas.DataFrame or Arrow data, optional
            New rows, sorted on the ordered column: a frame, or a pyarrow Table or
            RecordBatch or any object with ``__arrow_c_stream__`` (docs/python.md#arrow).
            None or no row: only the key-value metadata (and, with
            `max_n_off_target_rgs`, the row-group layout) changes.
        row_group_target_size : int or frequency, optional
            Rows per row group, or a period such as ``"1D"`` or ``"MS"``. Stored
            with the dataset; None: the stored one, else 6_345_000.
        duplicates_on : label or list of labels, optional
            Drop rows equal on these columns (and the ordered one), keeping the last.
        max_n_off_target_rgs : int or None, optional
            Coalesce off-target row groups next to the new rows when there are more;
            None: no coalescing. Stored with the dataset; omitted: the stored one,
            else None.
        key_value_metadata : dict of str to str or None, optional
            Entries to add, replace (str) or remove (None).
        lock_timeout : int or float, optional
            Seconds to wait for the writer lock.
        compression : str or None, default "snappy"
            ``"snappy"``, ``"zstd"``, ``"gzip"``, ``"lz4"``, ``"brotli"`` or None.
        compression_level : int, optional
            Level of codecs that have one.
        use_threads : bool, default True
            Encode the columns of each row group on the machine's cores; False: one
            thread. The files written are the same either way.
        schema_evolution : bool, default False
            Let `df` add columns, widen a column's dtype and leave out stored columns
            (docs/python.md#schema-evolution); False: its columns and dtypes must be
            the stored ones.
        keep_versions : int, optional
            Retention: keep the last `keep_versions` versions readable (>= 1). Stored
            with the dataset; None: the stored one, else 1 (the latest only).
        keep_for : str or timedelta, optional
            Retention: also keep every version that was in force within this duration
            (``"30D"``, ``pandas.Timedelta``); ``""`` removes it. Stored like
            `keep_versions`.

        Raises
        ------
        PermissionError
            On a read-only view.
        ValueError, TypeError, KeyError, TimeoutError, OSError
            As for :func:`oups.store.write`.

        Examples
        --------
        >>> import tempfile, pandas as pd
        >>> from oups.store import OrderedParquetDataset
        >>> tmp = tempfile.TemporaryDirectory()
        >>> ds = OrderedParquetDataset(f"{tmp.name}/ds", ordered_on="a")
        >>> ds.write(df=pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}))
        >>> ds.write(df=pd.DataFrame({"a": [2, 3], "b": ["Y", "z"]}), duplicates_on="a")
        >>> ds.to_pandas()
           a  b
        0  1  x
        1  2  Y
        2  3  z
        >>> tmp.cleanup()
        """
        if df is not None and not isinstance(df, pd.DataFrame) and not _arrow.is_arrow_data(df):
            raise TypeError(f"'df' must be a pandas DataFrame, Arrow data (an object with "
                            f"__arrow_c_stream__) or None, not {type(df).__name__}.")
        name = None if ordered_on is None else _pandas.ordered_on_to_name(ordered_on)
        rows, period = _target(row_group_target_size)
        max_off, max_off_given = _max_off(max_n_off_target_rgs)
        kv = _kv_update(key_value_metadata)
        timeout = _check_lock_timeout(lock_timeout)
        comp, level = _compression(compression, compression_level)
        ordered_name = name if name is not None else self._ds.ordered_on()
        dups = _duplicates_on(duplicates_on, ordered_name)
        if not isinstance(schema_evolution, bool):
            raise TypeError(f"'schema_evolution' must be True or False, not "
                            f"{type(schema_evolution).__name__}.")
        keep_versions, keep_for = _keep_args(keep_versions, keep_for)
        table, merge = self._rows_and_merge(df, ordered_name, schema_evolution)
        if merge is not None:
            # Checked first against the details stored now, for errors that name the
            # cause (e.g. different index levels) before the core compares columns.
            merge(_pandas.parse_details(self._ds.schema_extra_json()))

        def details_merge(committed_text):
            # Called by the core under the writer lock with the committed details:
            # a concurrent writer's details (e.g. categories it added) are kept.
            extra = merge(_pandas.parse_details(committed_text))
            return None if extra is None else json.dumps(extra)

        self._ds.write(table, ordered_on=name, target_rows=rows, target_period=period,
                       duplicates_on=dups, max_n_off_target_rgs=max_off,
                       max_n_off_target_rgs_given=max_off_given, key_value_metadata=kv,
                       compression=comp, compression_level=level,
                       lock_timeout=timeout if timeout is not None else self._lock_timeout,
                       details_merge=None if merge is None else details_merge,
                       num_threads=_num_threads(use_threads),
                       schema_evolution=schema_evolution, keep_versions=keep_versions,
                       keep_for=keep_for)

    def _rows_and_merge(self, df, ordered_name, schema_evolution=False):
        """The core table of `df` (None: None) and the function giving the pandas details
        to store from the committed ones (None: keep the committed ones). With
        `schema_evolution`, the details and the rg files' keys follow the evolved
        schema (oups._evolution)."""
        if df is None:
            return None, None
        schema = self._ds.schema()
        if _arrow.is_arrow_data(df):  # Arrow data: imported through the C stream
            table, details, core_types = _arrow.table_from_arrow(df, schema)
        else:
            table, details, core_types = _pandas.frame_to_table(df, schema)
        _pandas.check_ordered_column(details, ordered_name)

        def merge(stored):
            if schema is None and stored is None:
                extra = details
                file_schema = core_types
            else:
                extra = _pandas.merge_details(stored, details, table.names)
                file_schema = schema if schema is not None else core_types
                if schema_evolution and schema is not None:
                    file_schema, widened, added = _evolution.evolved_schema(schema, core_types)
                    extra = _evolution.evolve_details(stored, extra, details, widened, added)
            # The core writes this member into every rg file as the "pandas" key; it
            # is refreshed when it differs from the stored one (older datasets).
            base = _pandas.stored_details(extra) if extra is not None else stored
            if base is not None:
                refreshed = _pandas.with_file_metadata(base, file_schema)
                if extra is not None or refreshed != stored:
                    extra = refreshed
            return extra

        return table, merge

    def _rows_and_details(self, df, ordered_name):
        """The core table of `df` (None: None) and the pandas details to store with it
        (None: keep the stored ones), merged with the details stored now (a staged write,
        oups.dask.write_dataset, whose commit keeps them)."""
        table, merge = self._rows_and_merge(df, ordered_name)
        if merge is None:
            return table, None
        return table, merge(_pandas.parse_details(self._ds.schema_extra_json()))

    def remove_from_disk(self, preserve_metadata=False, release_lock=None) -> None:
        """Remove the dataset from disk (a no-op when it does not exist).

        Takes the writer lock (the handle's `lock_timeout`), deletes the metadata file
        (the commit point: the dataset no longer exists), then the row-group files once
        no reader still needs them (docs/behaviour.md#removal). The handle can write
        again afterwards and keeps its `ordered_on`.

        Parameters
        ----------
        preserve_metadata : bool, default False
            Keep the key-value metadata in this handle, to be written again by its next
            write.
        release_lock : None or True
            Accepted for compatibility: the lock is always released before the call
            returns. ``False`` is refused (ValueError).

        Raises
        ------
        PermissionError
            On a read-only view.
        TimeoutError
            The writer lock was not acquired within `lock_timeout`.
        ValueError
            ``release_lock=False``.

        Examples
        --------
        >>> import tempfile, os, pandas as pd
        >>> from oups.store import write, OrderedParquetDataset
        >>> tmp = tempfile.TemporaryDirectory()
        >>> write(f"{tmp.name}/ds", ordered_on="a", df=pd.DataFrame({"a": [1]}))
        >>> ds = OrderedParquetDataset(f"{tmp.name}/ds")
        >>> ds.remove_from_disk()
        >>> ds.is_newly_initialized, sorted(os.listdir(tmp.name))
        (True, [])
        >>> tmp.cleanup()
        """
        _check_release_lock(release_lock)
        self._ds.remove(bool(preserve_metadata), self._lock_timeout)

    def _repr_head(self) -> str:
        return f"{type(self).__name__}({str(self._dirpath)!r}, ordered_on={self.ordered_on!r})"

    def _repr_body(self, rows, n_rgs, lo, hi, total) -> str:
        text = f"{rows} row{'' if rows == 1 else 's'} in {n_rgs} row " \
               f"group{'' if n_rgs == 1 else 's'}"
        if rows:
            text += f", {self.ordered_on} from {_format_value(lo)} to {_format_value(hi)}"
        return text

    def __repr__(self) -> str:
        """Path, ordered column, rows, row groups and first/last ordered value.

        Examples
        --------
        >>> import tempfile, pandas as pd
        >>> from oups.store import write, OrderedParquetDataset
        >>> tmp = tempfile.TemporaryDirectory()
        >>> ds = OrderedParquetDataset(f"{tmp.name}/ds", ordered_on="a")
        >>> repr(ds).replace(tmp.name, "TMP")
        "OrderedParquetDataset('TMP/ds', ordered_on='a'): not written yet"
        >>> ds.write(df=pd.DataFrame({"a": [1, 2, 3]}), row_group_target_size=2)
        >>> repr(ds).replace(tmp.name, "TMP")
        "OrderedParquetDataset('TMP/ds', ordered_on='a'): 3 rows in 2 row groups, a from 1 to 3"
        >>> tmp.cleanup()
        """
        head = self._repr_head()
        if self.is_newly_initialized:
            return f"{head}: not written yet"
        return f"{head}: {self._repr_body(*self._summary())}"


class _View(OrderedParquetDataset):
    """A read-only view of some row groups of one committed state (docs/behaviour.md#views)."""

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

    def _positions_or_none(self):
        return self._pos

    def _view(self, snapshot, positions, max_file_id=None):
        return _View(self, snapshot, positions, self._max_id)

    def __len__(self) -> int:
        """Number of row groups in the view."""
        return len(self._pos)

    def __iter__(self):
        """Iterate over the view's row groups, one single-row-group view each."""
        for p in self._pos:
            yield _View(self, self._snap, [p], self._max_id)

    @property
    def ordered_on(self):
        """str, tuple of str or None: name of the ordered column."""
        return _pandas.name_to_ordered_on(self._snap.ordered_on)

    @property
    def key_value_metadata(self) -> dict:
        """dict of str to str: the key-value metadata of the view's committed state."""
        return dict(self._snap.key_value_metadata)

    @property
    def row_group_stats(self) -> pd.DataFrame:
        """pandas.DataFrame: the stats of the view's row groups (the dataset's labels)."""
        return _stats_frame(self._snap.row_group_stats(), self._snap.schema_extra_json,
                            self._snap.ordered_on, self._pos)

    def _summary(self):
        stats = _stats_frame(self._snap.row_group_stats(), self._snap.schema_extra_json,
                             self._snap.ordered_on)
        total = len(stats)
        if not self._pos:
            return 0, 0, None, None, total
        rows = int(stats["n_rows"].to_numpy()[self._pos].sum())
        lo = _scalar(stats["ordered_on_mins"].iloc[min(self._pos)])
        hi = _scalar(stats["ordered_on_maxs"].iloc[max(self._pos)])
        return rows, len(self._pos), lo, hi, total

    @property
    def is_newly_initialized(self) -> bool:
        """bool: whether the view's committed state had no metadata file."""
        return self._snap.is_newly_initialized

    @property
    def max_file_id(self) -> int:
        """int: largest file id of the whole committed state the view was cut from."""
        return self._max_id

    def to_pandas(self, columns=None, start=None, end_excl=None, filters=None, *,
                  use_threads=True) -> pd.DataFrame:
        """The view's rows; see :meth:`OrderedParquetDataset.to_pandas` (`filters` and
        `use_threads` too).

        Examples
        --------
        >>> import tempfile, pandas as pd
        >>> from oups.store import write, OrderedParquetDataset
        >>> tmp = tempfile.TemporaryDirectory()
        >>> write(f"{tmp.name}/ds", ordered_on="a", row_group_target_size=2,
        ...       df=pd.DataFrame({"a": [1, 2, 3, 4], "b": [10, 20, 30, 40]}))
        >>> OrderedParquetDataset(f"{tmp.name}/ds")[1:].to_pandas(filters=[("b", ">", 30)])
           a   b
        0  4  40
        >>> tmp.cleanup()
        """
        return self._read(self._snap, self._pos, columns, start, end_excl, filters,
                          use_threads)

    def _arrow_positions(self):
        return self._pos

    def write(self, **kwargs):
        """Refused: a view is read-only (PermissionError)."""
        raise PermissionError("cannot call 'write' on a read-only dataset.")

    def remove_from_disk(self, *args, **kwargs):
        """Refused: a view is read-only (PermissionError)."""
        raise PermissionError("cannot call 'remove_from_disk' on a read-only dataset.")

    def __repr__(self) -> str:
        """Which row groups of which dataset, with their rows and ordered range.

        Examples
        --------
        >>> import tempfile, pandas as pd
        >>> from oups.store import write, OrderedParquetDataset
        >>> tmp = tempfile.TemporaryDirectory()
        >>> write(f"{tmp.name}/ds", ordered_on="a", df=pd.DataFrame({"a": range(8)}),
        ...       row_group_target_size=2)
        >>> ds = OrderedParquetDataset(f"{tmp.name}/ds")
        >>> repr(ds[1:3]).replace(tmp.name, "TMP")
        "view of row groups 1:3 of 4 of OrderedParquetDataset('TMP/ds', ordered_on='a'): 4 rows in 2 row groups, a from 2 to 5"
        >>> repr(ds[0]).replace(tmp.name, "TMP")
        "view of row group 0 of 4 of OrderedParquetDataset('TMP/ds', ordered_on='a'): 2 rows in 1 row group, a from 0 to 1"
        >>> tmp.cleanup()
        """
        summary = self._summary()
        head = f"{OrderedParquetDataset.__name__}({str(self._dirpath)!r}, " \
               f"ordered_on={self.ordered_on!r})"
        return f"view of {_describe_positions(self._pos, summary[4])} of {head}: " \
               f"{self._repr_body(*summary)}"


class _AsOf(_View):
    """A retained version of a dataset, read-only (OrderedParquetDataset(..., as_of=))."""

    def __init__(self, *args, **kwargs):
        pass  # made by _make

    @classmethod
    def _make(cls, parent, snapshot):
        obj = object.__new__(cls)
        _View.__init__(obj, parent, snapshot, list(range(snapshot.num_row_groups)),
                       _max_file_id(snapshot))
        return obj

    def _refuse(self, what):
        raise PermissionError(
            f"cannot call '{what}' on dataset '{self._dirpath}' opened as of a past "
            f"version: it is read-only (restore(version) on a handle opened without "
            f"'as_of' commits it as a new version).")

    def write(self, **kwargs):
        """Refused: a past version is read-only (PermissionError)."""
        self._refuse("write")

    def remove_from_disk(self, *args, **kwargs):
        """Refused: a past version is read-only (PermissionError)."""
        self._refuse("remove_from_disk")

    def restore(self, *args, **kwargs):
        """Refused: a past version is read-only (PermissionError)."""
        self._refuse("restore")

    def vacuum(self, *args, **kwargs):
        """Refused: a past version is read-only (PermissionError)."""
        self._refuse("vacuum")


def write(dirpath, ordered_on, df=None, row_group_target_size=None,
          duplicates_on=None, max_n_off_target_rgs=REMEMBERED, key_value_metadata=None, *,
          lock_timeout=None, compression="snappy", compression_level=None,
          use_threads=True, schema_evolution=False, keep_versions=None,
          keep_for=None) -> None:
    """Merge the rows of `df` into the ordered dataset at `dirpath`, in one atomic commit.

    New rows are merged into the row groups whose range they fall in; only those (and,
    with `max_n_off_target_rgs`, small neighbours) are rewritten, each as a new file.
    When the call returns the new state is durable; a failure or a crash leaves the
    previous state (docs/behaviour.md#writing, docs/behaviour.md#crash-safety).

    Parameters
    ----------
    dirpath : str, os.PathLike or OrderedParquetDataset
        Dataset directory, or a dataset handle (not a view).
    ordered_on : str or tuple of str
        Name of the ordered column (a tuple for a column MultiIndex); must equal the
        stored one.
    df : pandas.DataFrame or Arrow data, optional
        New rows, non-decreasing on the ordered column (no missing value there). None
        or no row: nothing is merged, the key-value update is committed (a dataset
        that did not exist is created with metadata only). Arrow data (a pyarrow
        Table or RecordBatch, a polars frame, any object with ``__arrow_c_stream__``)
        is imported through the Arrow C stream without going through pandas, its
        buffers used without copying where oups' layout is Arrow's; the columns get
        the dtypes ``pyarrow.Table.to_pandas()`` would give them (with the schema's
        ``pandas`` metadata, index levels included), and the checks and errors are
        those of a frame (docs/python.md#arrow).
    row_group_target_size : int, str, timedelta or DateOffset, optional
        An int: target rows per row group (no written row group exceeds it). A
        frequency (``"1D"``, ``"2h"``, ``"W"``, ``"MS"``, ``pandas.Timedelta``...):
        one row group per period of a timestamp or date ordered column
        (docs/behaviour.md#row-group-sizing). A value given is stored with the
        dataset and used by later writes that give None (the default); a dataset
        never given one uses 6_345_000.
    duplicates_on : label or list of labels, optional
        None: keep every row. ``[]``: rows equal on all columns are duplicates. A label
        or a list: rows equal on these columns and the ordered column are duplicates.
        The last one is kept, new rows winning over stored ones
        (docs/behaviour.md#duplicates).
    max_n_off_target_rgs : int or None, optional
        None: no coalescing. An int >= 1: a run of off-target (too small, too large)
        row groups next to the new rows is rewritten into on-target ones when it has
        more than this many off-target parts (docs/behaviour.md#coalescing). A value
        given (None too) is stored with the dataset; when omitted, the stored one is
        used, else None.
    key_value_metadata : dict of str to (str or None), optional
        Update of the dataset's key-value metadata in the same commit: a str adds or
        replaces the entry, None removes it (docs/behaviour.md#key-value-metadata).
    lock_timeout : int or float, optional
        Seconds to wait for the writer lock (None: without limit).
    compression : str or None, default "snappy"
        Codec of new row-group files: None/"none", "snappy", "gzip", "zstd", "lz4",
        "brotli".
    compression_level : int, optional
        Level for codecs that have one.
    use_threads : bool, default True
        Encode the columns of each row group on the machine's cores (as pyarrow does);
        False: one thread. The files written are the same either way.
    schema_evolution : bool, default False
        Let `df` add columns (older rows read them as the dtype's missing value),
        widen a column's dtype (int8 -> int16 -> int32 -> int64, uint likewise, any
        int -> float64, float32 -> float64, datetime64 to a finer unit) and leave out
        stored columns (their new rows read as missing), in the same commit
        (docs/python.md#schema-evolution). False: a column added, left out or of
        another dtype is refused as before.
    keep_versions : int, optional
        Retention of versions (docs/python.md#versions-and-time-travel): keep the last
        `keep_versions` (>= 1) readable. Stored with the dataset like
        `row_group_target_size`; never given: 1, the latest only.
    keep_for : str or timedelta, optional
        Retention: also keep the versions in force within this duration (``"30D"``);
        ``""`` removes it. Stored like `keep_versions`.

    Returns
    -------
    None

    Raises
    ------
    ValueError
        Unsorted rows; `ordered_on` missing or differing from the stored one; columns
        differing from the stored ones; an unsupported frequency; a bad option value.
    TypeError
        A column dtype that is not supported or differs from the stored one; an
        argument of a wrong type.
    KeyError
        The ordered column or a `duplicates_on` label is not in `df`.
    TimeoutError
        The writer lock was not acquired within `lock_timeout`.
    PermissionError
        `dirpath` is a read-only view.
    OSError
        A file-system failure (the dataset is left as it was).

    See Also
    --------
    OrderedParquetDataset.write : the same, on a handle.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> from oups.store import write, OrderedParquetDataset
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = f"{tmp.name}/bars"
    >>> ts = pd.date_range("2024-01-01 09:00", periods=4, freq="12h")
    >>> write(path, ordered_on="ts", df=pd.DataFrame({"ts": ts, "px": [1.0, 2.0, 3.0, 4.0]}),
    ...       row_group_target_size="1D")
    >>> late = pd.DataFrame({"ts": [ts[1], pd.Timestamp("2024-01-03")], "px": [2.5, 5.0]})
    >>> write(path, ordered_on="ts", df=late, row_group_target_size="1D", duplicates_on="ts")
    >>> ds = OrderedParquetDataset(path)
    >>> ds.to_pandas()
                       ts   px
    0 2024-01-01 09:00:00  1.0
    1 2024-01-01 21:00:00  2.5
    2 2024-01-02 09:00:00  3.0
    3 2024-01-02 21:00:00  4.0
    4 2024-01-03 00:00:00  5.0
    >>> ds.row_group_stats["n_rows"].tolist()
    [2, 2, 1]
    >>> import pyarrow as pa   # Arrow data is written the same way
    >>> write(path, ordered_on="ts", df=pa.table({"ts": pa.array([pd.Timestamp("2024-01-04")],
    ...                                                          pa.timestamp("us")),
    ...                                           "px": [6.0]}))
    >>> ds.to_pandas()["px"].tolist()
    [1.0, 2.5, 3.0, 4.0, 5.0, 6.0]
    >>> tmp.cleanup()
    """
    if isinstance(dirpath, OrderedParquetDataset):
        opd = dirpath
    else:
        if ordered_on is not None:
            _pandas.ordered_on_to_name(ordered_on)
        opd = OrderedParquetDataset(dirpath, ordered_on=ordered_on, lock_timeout=lock_timeout)
    opd.write(ordered_on=ordered_on, df=df, row_group_target_size=row_group_target_size,
              duplicates_on=duplicates_on, max_n_off_target_rgs=max_n_off_target_rgs,
              key_value_metadata=key_value_metadata, lock_timeout=lock_timeout,
              compression=compression, compression_level=compression_level,
              use_threads=use_threads, schema_evolution=schema_evolution,
              keep_versions=keep_versions, keep_for=keep_for)
