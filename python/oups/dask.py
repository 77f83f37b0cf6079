"""``oups.dask``: oups datasets and stores on Dask (``dask.dataframe`` / ``dask.distributed``).

Optional: ``import oups`` never imports Dask; ``import oups.dask`` does (install the
``dask`` extra: ``dask[dataframe]`` and ``distributed``). See ``docs/dask.md``.

* :func:`read_dataset` / :func:`read_store`: a dataset (or the datasets of store keys) as
  a ``dask.dataframe.DataFrame`` indexed by the ordered column, with known divisions
  planned from the metadata file alone (no row-group file is opened to plan).
* :func:`write_many`: many keys written in parallel, one task per key, each task a normal
  oups write under that dataset's writer lock.
* :func:`write_dataset`: one key from many partitions: each partition staged by a
  worker, one final task committing them all at once, in order (all or nothing).
* :func:`map_intersections`: ``Store.iter_intersections`` over time slices of a range, one
  task per slice, a user function applied to each slice's chunks, results in slice order.

**Partitions.** A partition is a run of consecutive row groups covering the range
``[min_k, min_{k+1})`` of the ordered column: a new partition starts at row group ``k``
only when the current one holds at least ``partition_rows`` rows *and* the previous row
group's max is strictly below ``min_k``. Row groups sharing a boundary value
(``max_{k-1} == min_k``) are always in the same partition, so every value lives in one
partition and ``ddf.loc[v]`` returns every row equal to ``v`` (divisions are the first
row group's min of each partition, then the last row group's max).

**One committed state (the pin).** Planning takes a ``DatasetSnapshot`` of each dataset
in the calling process: that is a reader registration (a shared ``flock`` on
``<name>.readers``), and it is held by the returned collection (and by every collection
derived from it) in this process until they are garbage collected. While it is held, no
writer deletes a file of the planned state (docs/format.md, *Readers and writers*). Each
task receives the list of its row groups as planned: ``(file id, n_rows, min, max)``.
On the worker it registers as a reader itself and loads the committed metadata; when
every planned file id is still listed with the planned row count and bounds (nothing was
committed, or a commit kept these row groups: a file id never changes content), it reads
them with the oups reader (which checks each file's footer against the metadata). If a
writer has committed a state that no longer lists some of them, it reads the planned
files ``<name>/file_<id>.parquet`` by path (kept alive by the client's registration),
checks their row count and first/last ordered values against the plan, and converts them
to the planned dtypes. A planned file that is gone (the pin was released, e.g. the
collection was rebuilt elsewhere from a pickle) fails the task with an error naming it:
a partition never mixes states.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import pathlib
import weakref
from collections.abc import Mapping

import dask
import dask.dataframe as dd
import numpy as np
import pandas as pd

from . import _filters
from . import _oups
from . import _pandas
from .dataset import (OrderedParquetDataset, _bounds, _columns_arg, _details, _label_name,
                      _stats_frame)
from .store import Store

__all__ = ["read_dataset", "read_store", "write_many", "write_dataset", "map_intersections",
           "StateChanged", "DEFAULT_PARTITION_ROWS"]

# A task costs a few ms of scheduling (about 4 ms per trivial task measured on a
# 2-worker LocalCluster): a partition should carry well over 100 ms of work.
DEFAULT_PARTITION_ROWS = 2_000_000


class StateChanged(RuntimeError):
    """A writer committed to a dataset between planning and a task that requires the
    planned state (map_intersections with check_state=True, or a planned row-group
    file that is no longer on disk)."""


# --------------------------------------------------------------------------- planning
def _raw_stats(snapshot):
    """[(file_id, n_rows, raw_min, raw_max)] of a snapshot, in row order (core values:
    integers for timestamps, as the metadata stores them)."""
    cols = {c[0]: c[2] for c in snapshot.row_group_stats().columns()}
    ids, n_rows, mins, maxs = (cols[n] for n in ("file_ids", "n_rows", "ordered_on_mins",
                                                 "ordered_on_maxs"))
    return list(zip((int(v) for v in ids), (int(v) for v in n_rows), mins.tolist(),
                    maxs.tolist()))


def _plan_groups(raw, keep, partition_rows):
    """Positions of the kept row groups grouped into partitions (lists of positions):
    close a partition once it has >= partition_rows rows, never between two row groups
    sharing a boundary value."""
    groups, current, rows = [], [], 0
    for i in keep:
        if current and rows >= partition_rows and raw[current[-1]][3] != raw[i][2]:
            groups.append(current)
            current, rows = [], 0
        current.append(i)
        rows += raw[i][1]
    if current:
        groups.append(current)
    return groups


def _kept_positions(stats, start, end_excl):
    """Positions of the row groups that may hold rows in [start, end_excl) (by their
    min/max; the worker bounds the rows exactly)."""
    keep = np.ones(len(stats), dtype=bool)
    if start is not None:
        keep &= np.asarray(stats["ordered_on_maxs"] >= start)
    if end_excl is not None:
        keep &= np.asarray(stats["ordered_on_mins"] < end_excl)
    return [int(i) for i in np.flatnonzero(keep)]


def _token(*parts) -> str:
    return hashlib.sha1(repr(parts).encode()).hexdigest()[:16]


def _key_columns(key) -> dict:
    """Field name -> value of a key, sub-level fields flattened (by their own names)."""
    out = {}

    def walk(record):
        for f in dataclasses.fields(record):
            v = getattr(record, f.name)
            if dataclasses.is_dataclass(v) and not isinstance(v, type):
                walk(v)
            else:
                if f.name in out:
                    raise ValueError(f"key field name '{f.name}' occurs twice in {key!r}: "
                                     "use the dict form of read_store.")
                out[f.name] = v

    walk(key)
    return out


class _PartitionReader:
    """The function dd.from_map calls once per partition (plain data, picklable)."""

    def __init__(self, path, label, columns, start, end_excl, meta, key_columns, token,
                 filters=None):
        self.path = path                # dataset directory (str)
        self.label = label              # ordered column label (the index)
        self.columns = columns          # all column labels of meta (None: all)
        self.start = start
        self.end_excl = end_excl
        self.filters = filters          # the user's filters (to_pandas syntax) or None
        self.meta = meta                # zero-row frame: dtypes of every partition
        self.key_columns = key_columns  # {field: value} added as columns (read_store)
        self.token = token

    def __dask_tokenize__(self):
        return ("oups-read", self.token)

    def __call__(self, part, columns=None):
        labels = list(self.meta.columns) if columns is None else [
            c for c in columns if c in self.meta.columns]
        data_labels = [c for c in labels if c not in self.key_columns]
        df = _read_part(self.path, self.label, data_labels, self.start, self.end_excl, part,
                        self.meta[data_labels], self.filters)
        for name, value in self.key_columns.items():
            if name in labels:
                df[name] = pd.Series(value, index=df.index, dtype=self.meta[name].dtype)
        return df[labels]


def _conform(df, meta):
    """df with meta's column and index dtypes (no copy when they already agree)."""
    if not df.dtypes.equals(meta.dtypes):
        df = df.astype(meta.dtypes.to_dict())
    if df.index.dtype != meta.index.dtype:
        df.index = df.index.astype(meta.index.dtype)
    return df


def _read_part(path, label, labels, start, end_excl, part, meta, filters=None):
    """Rows of the planned row groups `part` [(file_id, n_rows, raw_min, raw_max, min,
    max)] matching `filters`, ordered column as index, columns `labels`; see the module
    docstring."""
    ordered_name = _pandas.label_to_name(label) if isinstance(label, (str, tuple)) else label
    snap = _oups.Dataset(path).snapshot()  # registers as a reader, loads the metadata
    listed = {r[0]: (i, r) for i, r in enumerate(_raw_stats(snap))}
    positions = []
    for fid, n, lo, hi, _, _ in part:
        hit = listed.get(fid)
        if hit is None or hit[1][1:] != (n, lo, hi):
            positions = None
            break
        positions.append(hit[0])
    read_labels = list(labels) + [label]
    if positions is not None:
        cols = _columns_arg(read_labels)
        lo, hi = _bounds(snap, start, end_excl)
        core_filters = _filters.to_core(filters, snap.schema, _label_name, _details(snap))
        table = snap.read_rows(positions, cols, lo, hi, core_filters)
        df = _pandas.table_to_frame(table, _details(snap))
        del snap
        return _conform(df.set_index(label), meta)
    del snap
    return _conform(_read_files(path, label, ordered_name, labels, start, end_excl, part,
                                filters), meta)


def _read_files(path, label, ordered_name, labels, start, end_excl, part, filters=None):
    """The planned files read by path (a writer committed since the plan)."""
    import pyarrow.parquet as pq

    names = [_pandas.label_to_name(c) if isinstance(c, (str, tuple)) else c for c in labels]
    frames = []
    for fid, n, _, _, vmin, vmax in part:
        fpath = os.path.join(path, f"file_{fid:08d}.parquet")
        try:
            f = pq.ParquetFile(fpath)
        except FileNotFoundError:
            raise StateChanged(
                f"row-group file '{fpath}' of the planned state is gone: the collection's "
                "reader registration was released (or the collection was planned in another "
                "process). Plan the read again.") from None
        if f.metadata.num_rows != n:
            raise ValueError(f"'{fpath}' holds {f.metadata.num_rows} rows, the "
                                        f"planned state lists {n}.")
        wanted = names + [ordered_name]
        filter_names = []
        if filters is not None:
            filter_names = [_label_name(t[0]) for c in _filters.normalize(filters) for t in c]
        t = f.read(columns=wanted + [n for n in dict.fromkeys(filter_names) if n not in wanted])
        if filters is not None:
            # Filters on stored names (pyarrow's syntax); the ordered values are checked
            # on the unfiltered rows first.
            oc_all = t.column(ordered_name).to_pandas()
            if len(oc_all) and (oc_all.iloc[0] != vmin or oc_all.iloc[-1] != vmax):
                raise ValueError(f"'{fpath}': first/last ordered values differ from the "
                                 f"planned ({vmin}, {vmax}).")
            named = [[(_label_name(c), op, v) for c, op, v in conj]
                     for conj in _filters.normalize(filters)]
            t = t.filter(pq.filters_to_expression(named)).select(wanted)
            frames.append(t.to_pandas())
            continue
        df = t.to_pandas()
        oc = df[label] if label in df.columns else df[ordered_name]
        if len(oc) and (oc.iloc[0] != vmin or oc.iloc[-1] != vmax):
            raise ValueError(f"'{fpath}': first/last ordered values "
                                        f"({oc.iloc[0]}, {oc.iloc[-1]}) differ from the "
                                        f"planned ({vmin}, {vmax}).")
        frames.append(df)
    df = pd.concat(frames, ignore_index=True)
    if ordered_name in df.columns and ordered_name != label:
        df = df.rename(columns={ordered_name: label})
    df = df.set_index(label)
    if start is not None:
        df = df[df.index >= start]
    if end_excl is not None:
        df = df[df.index < end_excl]
    return df[list(labels)]


def _read_one(dataset, columns, start, end_excl, partition_rows, key_columns=None,
              filters=None):
    if isinstance(dataset, OrderedParquetDataset):
        path = str(dataset.dirpath)
    else:
        path = str(pathlib.Path(os.fspath(dataset)).resolve())
    key_columns = dict(key_columns or {})
    ds = _oups.Dataset(path)
    if ds.is_newly_initialized():
        raise FileNotFoundError(f"no dataset at '{path}' (no metadata file).")
    snap = ds.snapshot()  # the pin: reader registration + metadata, no row-group file
    ordered_name = snap.ordered_on
    label = _pandas.name_to_ordered_on(ordered_name)
    cols = None if columns is None else [c for c in ([columns] if isinstance(
        columns, (str, tuple)) else list(columns)) if c != label]
    read_cols = None if cols is None else cols + [label]
    meta = _pandas.table_to_frame(snap.read_rows([], _columns_arg(read_cols)),
                                  _details(snap)).set_index(label)
    # Checked here, in the client, before any task runs (KeyError, ValueError, TypeError
    # as to_pandas).
    _filters.to_core(filters, snap.schema, _label_name, _details(snap))
    for name, value in key_columns.items():
        if name in meta.columns or name == label:
            raise ValueError(f"key field '{name}' is also a column of '{path}': use the "
                             "dict form of read_store.")
        meta[name] = pd.Series([value]).iloc[:0].set_axis(meta.index)
    raw = _raw_stats(snap)
    stats = _stats_frame(snap.row_group_stats(), snap.schema_extra_json, ordered_name)
    keep = _kept_positions(stats, start, end_excl)
    groups = _plan_groups(raw, keep, partition_rows)
    mins, maxs = stats["ordered_on_mins"].tolist(), stats["ordered_on_maxs"].tolist()
    parts = [tuple(raw[i] + (mins[i], maxs[i]) for i in g) for g in groups]
    token = _token(path, [r[0] for r in raw], columns, start, end_excl, partition_rows,
                   sorted(key_columns.items()), filters)
    reader = _PartitionReader(path, label, list(meta.columns), start, end_excl, meta,
                              key_columns, token, filters)
    if not parts:  # nothing in range: one empty partition (no file to read)
        parts = [()]
        divisions = None
    else:
        divisions = tuple(mins[g[0]] for g in groups) + (maxs[groups[-1][-1]],)
    # Dask would convert str columns to "string[pyarrow]" (NA semantics): keep the dtypes
    # to_pandas() gives.
    with dask.config.set({"dataframe.convert-string": False}):
        ddf = dd.from_map(reader, parts, meta=meta, divisions=divisions,
                          label="oups-read-" + pathlib.Path(path).name,
                          enforce_metadata=False)
    # The pin lives as long as the collection's expression (every collection derived from
    # it references it). Not in the tasks: a LocalCluster's scheduler, in this process,
    # keeps recent task messages for a while.
    weakref.finalize(ddf.expr, _release, snap)
    return ddf


def _release(snapshot):
    """Finalizer of a read's expression: drops the last reference to its snapshot (the
    reader registration ends with it)."""
    del snapshot


def read_dataset(dataset, columns=None, start=None, end_excl=None, *,
                 partition_rows=DEFAULT_PARTITION_ROWS, filters=None):
    """A dataset as a ``dask.dataframe.DataFrame`` indexed by its ordered column.

    `dataset`: an :class:`~oups.store.OrderedParquetDataset` or its directory. `columns`:
    labels to read (all by default; the ordered column is the index). `start` /
    `end_excl`: rows with start <= ordered value < end_excl. `partition_rows`: a partition
    closes once it holds at least this many rows (row groups sharing a boundary value are
    never split). `filters`: rows matching them only, in the syntax of
    :meth:`~oups.store.OrderedParquetDataset.to_pandas` (each partition prunes and filters
    its row groups; divisions stay those of the plan). Divisions are known, planned from the
    metadata file alone. The collection pins the planned committed state while it lives
    (module docstring). ``ddf.compute()`` equals ``dataset.to_pandas(columns, start,
    end_excl, filters).set_index(ordered_on)``.
    """
    return _read_one(dataset, columns, start, end_excl, int(partition_rows), filters=filters)


def read_store(store, keys=None, columns=None, start=None, end_excl=None, *,
               partition_rows=DEFAULT_PARTITION_ROWS, concat=False, filters=None):
    """The datasets of `keys` (all keys of `store` by default) as Dask DataFrames.

    ``concat=False``: a dict {key: DataFrame}, each as :func:`read_dataset`.
    ``concat=True``: one DataFrame, the keys' frames one after the other, with the key's
    fields (sub-level fields flattened by name) as extra columns; its divisions are known
    only when the keys' ranges do not overlap (they do in general: then unknown).
    """
    if not isinstance(store, Store):
        raise TypeError(f"'store' must be an oups Store, not {type(store).__name__}.")
    keys = store.keys if keys is None else list(keys)
    out = {}
    for k in keys:
        store._check_key(k)
        out[k] = _read_one(store.basepath / k.to_path(), columns, start, end_excl,
                           int(partition_rows), _key_columns(k) if concat else None,
                           filters)
    if not concat:
        return out
    if not out:
        raise ValueError("no key to read.")
    frames = list(out.values())
    return frames[0] if len(frames) == 1 else dd.concat(frames)


# --------------------------------------------------------------------------- writing
def _write_key(basepath, indexer, key, df, kwargs):
    if isinstance(df, (list, tuple)):  # partitions of a Dask DataFrame, in order
        df = pd.concat(df) if df else None
    if df is not None and not isinstance(df, pd.DataFrame):
        raise TypeError(f"data of key '{key}' is a {type(df).__name__}, not a DataFrame.")
    Store(basepath, indexer)[key].write(df=df, **kwargs)
    return str(key)


def write_many(store, frames: Mapping, *, compute=True, **write_kwargs):
    """Write many keys in parallel: one Dask task per key, each a normal oups write
    (:meth:`OrderedParquetDataset.write` with `write_kwargs`: ordered_on,
    row_group_target_size, duplicates_on, ...) under that dataset's own writer lock.

    `frames`: {key: data}, data a pandas DataFrame (sent to the worker), a
    ``dask.delayed`` object producing one, or a Dask DataFrame (its partitions are
    gathered, in order, by the key's write task; the write then holds the whole frame).
    Keys must be distinct datasets (one task per key: two tasks writing one key would
    only be serialised by the lock). Returns the list of str(key) written (``compute``)
    or the list of Delayed tasks (``compute=False``).
    """
    if not isinstance(store, Store):
        raise TypeError(f"'store' must be an oups Store, not {type(store).__name__}.")
    tasks = []
    for key, data in frames.items():
        store._check_key(key)
        if isinstance(data, dd.DataFrame):
            data = list(data.to_delayed())
        name = "oups-write-" + _token(str(store.basepath), str(key), id(data))
        tasks.append(dask.delayed(_write_key, pure=False)(
            str(store.basepath), store.indexer, key, data, dict(write_kwargs),
            dask_key_name=name))
    if not compute:
        return tasks
    return list(dask.compute(*tasks))


def _stage_part(path, df, ordered_name, group, options):
    """On a worker: stage one partition's rows (no writer lock); its part as JSON."""
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"a partition is a {type(df).__name__}, not a DataFrame.")
    ds = OrderedParquetDataset(path)
    if ordered_name is None:
        ordered_name = ds._ds.ordered_on()
    table, extra = ds._rows_and_details(df, ordered_name)
    return ds._ds.stage(table, ordered_on=ordered_name, group=group,
                        schema_extra_json=None if extra is None else json.dumps(extra),
                        **options)


def _commit_parts(path, parts, key_value_metadata, lock_timeout):
    """The final task: commit every staged part, in partition order, at once."""
    ds = _oups.Dataset(path)
    ds.commit_staged(list(parts), key_value_metadata=key_value_metadata,
                     lock_timeout=lock_timeout)
    return sum(json.loads(p)["n_rows"] for p in parts)


def _client():
    """The current dask.distributed client, else None."""
    try:
        import distributed
        return distributed.get_client()
    except (ImportError, ValueError):
        return None


def write_dataset(ddf, target, *, key=None, ordered_on=None, row_group_target_size=None,
                  key_value_metadata=None, lock_timeout=None, compression="snappy",
                  compression_level=None) -> int:
    """Write a Dask DataFrame into ONE dataset from many workers, committed at once.

    Each partition is staged by its own task on a worker: its rows are validated and
    written, split by the row-group target, to new row-group files in a private staging
    directory of the dataset (``<dataset>/_staging/``), without the dataset's writer
    lock. One final task then commits every staged part in partition order with one
    metadata commit, under the writer lock: all or nothing. If any task fails (a worker
    killed, bad data, a refused commit), nothing is committed, this call waits for every
    staging task to end, deletes every file the write staged (those of a killed worker
    included) and raises. See docs/dask.md, *Staged writes*.

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame
        Rows sorted on the ordered column across partitions: each partition starts at or
        after the end of the previous one (a boundary value may be shared).
    target : Store, OrderedParquetDataset, str or os.PathLike
        The dataset (with `key` for a Store).
    key : a key of the Store, optional
    ordered_on : str or tuple of str, optional
        Required when the dataset has none.
    row_group_target_size : int or frequency, optional
        Per partition (a partition's last row group may be smaller); None: the
        dataset's remembered target, else the default.
    key_value_metadata : dict of str to str or None, optional
        Updates committed with the rows.
    lock_timeout, compression, compression_level
        As for :meth:`OrderedParquetDataset.write`.

    Returns
    -------
    int
        Rows committed.

    Raises
    ------
    ValueError
        Parts out of order or overlapping each other, or rows before the end of the
        stored ones (a staged write only appends: use ``write`` to merge), or a schema
        differing from the stored one. Nothing is committed.
    """
    from .dataset import _check_lock_timeout, _compression, _kv_update, _target
    if not isinstance(ddf, dd.DataFrame):
        raise TypeError(f"'ddf' must be a Dask DataFrame, not {type(ddf).__name__}.")
    if isinstance(target, Store):
        if key is None:
            raise ValueError("'key' is required to write into a Store.")
        target._check_key(key)
        target = target[key]
    elif key is not None:
        raise ValueError("'key' is only for a Store target.")
    if isinstance(target, OrderedParquetDataset):
        path = str(target.dirpath)
    else:
        path = str(pathlib.Path(os.fspath(target)).resolve())
    name = None if ordered_on is None else _pandas.ordered_on_to_name(ordered_on)
    rows, period = _target(row_group_target_size)
    comp, level = _compression(compression, compression_level)
    kv = _kv_update(key_value_metadata)
    timeout = _check_lock_timeout(lock_timeout)
    options = {"target_rows": rows, "target_period": period, "compression": comp,
               "compression_level": level}
    group = _oups.new_staging_group()
    token = _token(path, group)
    stages = [dask.delayed(_stage_part, pure=False)(
        path, part, name, group, options, dask_key_name=f"oups-stage-{token}-{i}")
        for i, part in enumerate(ddf.to_delayed())]
    client = _client()
    try:
        if client is not None:
            futures = client.compute(stages)
            try:
                commit = client.submit(_commit_parts, path, futures, kv, timeout,
                                       key=f"oups-commit-{token}", pure=False)
                n = commit.result()
            except BaseException:
                import distributed
                distributed.wait(futures)  # no staging task still running
                raise
        else:
            parts = dask.compute(*stages)
            n = _commit_parts(path, parts, kv, timeout)
    except BaseException:
        _oups.Dataset(path).abort_staging(group)
        raise
    # Parts a lost worker had staged before its results were recomputed elsewhere.
    _oups.Dataset(path).abort_staging(group)
    return n


# ---------------------------------------------------------------- iter_intersections
class SliceChunks:
    """The chunks ({key: DataFrame}) of one slice, as ``Store.iter_intersections``
    yields them, with the slice's bounds: ``index`` (position of the slice), ``start``,
    ``end_excl``. With n_prev, the first chunk of each key also holds its last n_prev
    rows before ``start`` (warm-up rows: drop them from what the slice returns)."""

    def __init__(self, iterator, index, start, end_excl):
        self._it = iterator
        self.index = index
        self.start = start
        self.end_excl = end_excl

    def __iter__(self):
        return self._it


def _file_ids(basepath, keys):
    """{str(key): tuple of listed file ids} from the committed metadata files (no
    reader registration, no row-group file)."""
    out = {}
    for k in keys:
        ds = _oups.Dataset(str(pathlib.Path(basepath) / k.to_path()))
        if ds.is_newly_initialized():
            out[str(k)] = ()
        else:
            cols = {c[0]: c[2] for c in ds.row_group_stats().columns()}
            out[str(k)] = tuple(int(v) for v in cols["file_ids"])
    return out


def _run_slice(basepath, indexer, keys, index, start, end_excl, n_prev, func, planned):
    store = Store(basepath, indexer)
    if planned is not None:
        _check_state(basepath, keys, planned, index, "before")
    result = func(SliceChunks(store.iter_intersections(keys, start=start, n_prev=n_prev,
                                                       end_excl=end_excl),
                              index, start, end_excl))
    if planned is not None:
        # The iterator's snapshots were taken between the two checks; file ids are never
        # reused, so equal lists before and after mean it read the planned rows.
        _check_state(basepath, keys, planned, index, "after")
    return result


def _check_state(basepath, keys, planned, index, when):
    now = _file_ids(basepath, keys)
    for k, ids in now.items():
        if ids != planned[k]:
            raise StateChanged(f"a writer committed to key '{k}' during map_intersections "
                               f"(seen {when} slice {index}): the slices would not read one "
                               "committed state. Run again, or pass check_state=False.")


def _slice_bounds(store, keys, start, end_excl, splits):
    """[(start, end_excl)] of the slices."""
    if splits is None:
        return [(start, end_excl)]
    if isinstance(splits, (int, np.integer)) or isinstance(splits, str):
        lo, hi = start, end_excl
        if lo is None or hi is None:
            mins, maxs = [], []
            for k in keys:
                ds = store.get(k)
                if ds.is_newly_initialized or len(ds) == 0:
                    continue
                st = ds.row_group_stats
                mins.append(st["ordered_on_mins"].iloc[0])
                maxs.append(st["ordered_on_maxs"].iloc[-1])
            if not mins:
                return [(start, end_excl)]
            lo = min(mins) if lo is None else lo
            hi = max(maxs) if hi is None else hi
        lo, hi = (pd.Timestamp(v) if isinstance(v, str) else v for v in (lo, hi))
        if isinstance(splits, str):
            lo, hi = pd.Timestamp(lo), pd.Timestamp(hi)
            cuts = [c for c in pd.date_range(lo, hi, freq=splits) if lo < c < hi]
        else:
            n = int(splits)
            if n < 1:
                raise ValueError(f"'splits' must be >= 1, not {n}.")
            cuts = [lo + (hi - lo) * i / n for i in range(1, n)]
            if isinstance(lo, (int, np.integer)):
                cuts = sorted({int(c) for c in cuts if lo < int(c) < hi})
    else:
        cuts = list(splits)
    if any(b <= a for a, b in zip(cuts, cuts[1:])):
        raise ValueError("'splits' must be strictly increasing.")
    edges = [start] + cuts + [end_excl]
    return list(zip(edges[:-1], edges[1:]))


def map_intersections(store, keys, func, *, start=None, end_excl=None, n_prev=0,
                      splits=None, check_state=True, compute=True):
    """``func`` applied to ``store.iter_intersections`` of each time slice, in parallel.

    The range [start, end_excl) is cut at `splits`: a list of interior cut points, an int
    (that many slices of equal length over the range, the keys' metadata giving missing
    bounds) or a pandas frequency string (cuts at its dates, e.g. ``"MS"``). One task per
    slice runs ``store.iter_intersections(keys, start=lo, n_prev=n_prev, end_excl=hi)``
    on a worker and returns ``func(chunks)`` where `chunks` is a :class:`SliceChunks`
    (iterable of {key: DataFrame}, with ``start``/``end_excl``/``index``). Results come
    back as a list in slice order. n_prev gives each slice the warm-up rows a sequential
    run would have carried over from the previous slice.

    ``check_state=True``: the committed file lists of the keys are read here (metadata
    only) and each task checks them before and after its iteration; a commit in between
    raises :class:`StateChanged` (a slice never silently reads a state other slices did
    not). ``compute=False`` returns the list of Delayed tasks.
    """
    if not isinstance(store, Store):
        raise TypeError(f"'store' must be an oups Store, not {type(store).__name__}.")
    keys = list(keys)
    for k in keys:
        store._check_key(k)
    bounds = _slice_bounds(store, keys, start, end_excl, splits)
    planned = _file_ids(store.basepath, keys) if check_state else None
    token = _token(str(store.basepath), [str(k) for k in keys], bounds, n_prev, planned)
    tasks = [dask.delayed(_run_slice, pure=False)(
        str(store.basepath), store.indexer, keys, i, lo, hi, n_prev, func, planned,
        dask_key_name=f"oups-slice-{token}-{i}") for i, (lo, hi) in enumerate(bounds)]
    if not compute:
        return tasks
    return list(dask.compute(*tasks))
