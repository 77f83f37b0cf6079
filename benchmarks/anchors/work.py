"""The user work of the anchors benchmark, and one adapter per system that does it.

Run by ``run.py`` once per system, each in its own virtual environment:

    <venv>/bin/python work.py --system ours --data DIR --out DIR

``--generate`` (project venv) writes the input data once to Parquet. Every adapter loads it
first, untimed, then runs the steps below, each timed (wall and CPU of the whole process,
all threads) with the peak RSS of the step (Linux: VmHWM, reset before each step through
/proc/self/clear_refs), and prints one JSON object on stdout.

The work, on a tick table (ts datetime64 at microsecond resolution, symbol: one of 100
strings, price float64, qty int64), one dataset per instrument (key):

* bulk: write each key's history (``--days`` days);
* appends: ``--appends`` daily batches per key, each the next day's rows plus 1 % late rows
  (new timestamps in the previous day) and 1 % duplicated rows (timestamps already stored,
  with a changed price): after the merge a timestamp is stored once, with its newest row;
* range: read one day of one key (ten times, different days);
* all: read every key entirely;
* side: several keys side by side over a range of days, summing price * qty per key;
* bytes on disk of the whole system directory (allocated bytes, sparse files counted as
  allocated).

Each read frame is summarised (row count, sorted-ness, exact sums of ts, price and qty,
symbol counts) so that ``run.py`` checks every system returns what ours returns.
"""

import argparse
import hashlib
import json
import math
import os
import resource
import sys
import time

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

DAY = 86_400_000_000_000  # ns
T0 = np.datetime64("2024-01-01T00:00:00", "ns").astype(np.int64)
N_SYMBOLS = 100
COLUMNS = ["ts", "symbol", "price", "qty"]


# ---------------------------------------------------------------- input data


def _day_rows(rng, day, n):
    """n rows of one day, ts distinct multiples of 1 us, sorted."""
    offs = np.unique(rng.integers(0, DAY // 1000, size=n)) * 1000
    ts = T0 + day * DAY + offs
    m = len(ts)
    return pd.DataFrame({
        "ts": ts.astype("datetime64[ns]"),
        "symbol": np.array([f"S{i:03d}" for i in range(N_SYMBOLS)], dtype=object)[
            rng.integers(0, N_SYMBOLS, size=m)],
        "price": np.round(rng.normal(100.0, 5.0, size=m), 4),
        "qty": rng.integers(1, 1000, size=m, dtype=np.int64),
    })


def generate(data, rows, keys, days, appends, seed=1):
    """Bulk history of `rows` rows over `keys` keys and `days` days, and daily batches."""
    os.makedirs(data, exist_ok=True)
    rng = np.random.default_rng(seed)
    per_day = max(1, rows // (keys * days))
    meta = {"rows": 0, "keys": keys, "days": days, "appends": appends, "append_rows": 0}
    for k in range(keys):
        frames = [_day_rows(rng, d, per_day) for d in range(days)]
        bulk = pd.concat(frames, ignore_index=True)
        pq.write_table(pa.Table.from_pandas(bulk, preserve_index=False),
                       os.path.join(data, f"bulk_{k}.parquet"))
        meta["rows"] += len(bulk)
        prev = frames[-1]
        batches = []
        for i in range(appends):
            day = days + i
            new = _day_rows(rng, day, per_day)
            n_extra = max(1, len(new) // 100)
            late = _day_rows(rng, day - 1, n_extra)
            dup = prev.iloc[rng.choice(len(prev), size=min(n_extra, len(prev)), replace=False)]
            dup = dup.assign(price=dup["price"] + 0.5)
            batch = pd.concat([late, dup, new], ignore_index=True)
            batch = batch.drop_duplicates("ts", keep="last").sort_values("ts", kind="stable")
            batch["batch"] = i
            batches.append(batch)
            prev = new
        app = pd.concat(batches, ignore_index=True)
        pq.write_table(pa.Table.from_pandas(app, preserve_index=False),
                       os.path.join(data, f"appends_{k}.parquet"))
        meta["append_rows"] += len(app)
    with open(os.path.join(data, "meta.json"), "w") as f:
        json.dump(meta, f)
    return meta


def load(data):
    with open(os.path.join(data, "meta.json")) as f:
        meta = json.load(f)
    bulk, batches = [], []
    for k in range(meta["keys"]):
        bulk.append(_pandas(pq.read_table(os.path.join(data, f"bulk_{k}.parquet"))))
        app = _pandas(pq.read_table(os.path.join(data, f"appends_{k}.parquet")))
        batches.append([g.drop(columns="batch").reset_index(drop=True)
                        for _, g in app.groupby("batch", sort=True)])
    return meta, bulk, batches


def _pandas(table):
    df = table.to_pandas()
    df["ts"] = df["ts"].astype("datetime64[ns]")
    return df


# ---------------------------------------------------------------- summaries


def _len(df):
    return 0 if df is None else len(df)


def summary(df):
    """Row count, order, exact sums and symbol counts of a frame (ts, symbol, price, qty)."""
    if df is None or len(df) == 0:
        return {"rows": 0, "digest": "empty"}
    ts = np.asarray(df["ts"].astype("datetime64[ns]")).astype(np.int64)
    sym = pd.Series(np.asarray(df["symbol"], dtype=object)).value_counts()
    parts = [
        str(len(df)),
        str(int(ts.view(np.uint64).sum())),
        str(int(ts[0])), str(int(ts[-1])), str(int(np.bitwise_xor.reduce(ts))),
        repr(math.fsum(np.asarray(df["price"], dtype=np.float64))),
        str(int(np.asarray(df["qty"], dtype=np.int64).sum())),
        repr(sorted((str(k), int(v)) for k, v in sym.items())),
    ]
    return {"rows": int(len(df)), "sorted": bool(np.all(np.diff(ts) > 0)),
            "digest": hashlib.sha1("|".join(parts).encode()).hexdigest()[:16]}


def merge_by_hand(old, new):
    """The merge every adapter without one does: last row wins on ts, sorted on ts."""
    if old is None or len(old) == 0:
        return new.reset_index(drop=True)
    both = pd.concat([old, new], ignore_index=True)
    both = both.drop_duplicates("ts", keep="last")
    return both.sort_values("ts", kind="stable").reset_index(drop=True)


def disk_bytes(path):
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            st = os.lstat(os.path.join(root, name))
            total += min(st.st_size, st.st_blocks * 512)
    return total


# ---------------------------------------------------------------- adapters


class Adapter:
    """One system. Subclasses implement the steps; None from a step means n/a."""

    name = "?"
    na = {}  # step -> reason it cannot be done

    def __init__(self, root, meta):
        self.root = root
        self.meta = meta
        self.keys = list(range(meta["keys"]))

    def version(self):
        return ""


class OupsAdapter(Adapter):
    """Ours (PYTHONPATH) and the original oups (PyPI): both import as `oups`."""

    def __init__(self, root, meta, original):
        super().__init__(root, meta)
        import oups
        from oups.store import Store, toplevel
        self.oups = oups
        self.original = original
        self.name = "oups (original)" if original else "oups"

        @toplevel
        class Instrument:
            name: str

        self.Key = Instrument
        import pathlib
        self.store = Store(pathlib.Path(root), Instrument)
        self.k = [Instrument(f"I{k}") for k in self.keys]

    def version(self):
        return getattr(self.oups, "__version__", "?")

    def bulk(self, bulk):
        for k, df in zip(self.k, bulk):
            self.store[k].write(ordered_on="ts", df=df, row_group_target_size="1D")

    def append(self, k, df):
        self.store[self.k[k]].write(ordered_on="ts", df=df, row_group_target_size="1D",
                                    duplicates_on="ts")

    def read_range(self, k, lo, hi):
        ds = self.store[self.k[k]]
        if not self.original:
            return ds.to_pandas(start=lo, end_excl=hi)
        # The original's to_pandas() reads everything: select the row groups overlapping
        # [lo, hi) from row_group_stats, read them, cut the edges.
        stats = ds.row_group_stats
        a = int(np.searchsorted(stats["ordered_on_maxs"].to_numpy(), lo.to_datetime64(), "left"))
        b = int(np.searchsorted(stats["ordered_on_mins"].to_numpy(), hi.to_datetime64(), "left"))
        if a >= b:
            return None
        df = ds[a:b].to_pandas()
        return df[(df["ts"] >= lo) & (df["ts"] < hi)].reset_index(drop=True)

    def read_all(self, k):
        return self.store[self.k[k]].to_pandas()

    def side(self, ks, lo, hi):
        sums = {k: 0.0 for k in ks}
        rows = 0
        keys = [self.k[k] for k in ks]
        for chunk in self.store.iter_intersections(keys, start=lo, end_excl=hi):
            for key, df in chunk.items():
                sums[ks[keys.index(key)]] += float((df["price"] * df["qty"]).sum())
                rows += len(df)
        return rows, sums


class ArcticAdapter(Adapter):
    """ArcticDB, an LMDB library on local disk; one symbol per key, indexed by ts."""

    name = "ArcticDB"

    def __init__(self, root, meta):
        super().__init__(root, meta)
        import arcticdb
        self.adb = arcticdb
        os.makedirs(root, exist_ok=True)
        self.ac = arcticdb.Arctic(f"lmdb://{root}")
        self.lib = self.ac.get_library("ticks", create_if_missing=True)

    def version(self):
        return self.adb.__version__

    def bulk(self, bulk):
        for k, df in zip(self.keys, bulk):
            self.lib.write(f"I{k}", df.set_index("ts"), prune_previous_versions=True)

    def append(self, k, df):
        # update() replaces the whole date range of its frame: read that range, merge the
        # new rows in (last wins on ts), give the merged range back.
        sym = f"I{k}"
        lo, hi = df["ts"].iloc[0], df["ts"].iloc[-1]
        old = self.lib.read(sym, date_range=(lo, hi)).data.reset_index()
        merged = merge_by_hand(old, df)
        self.lib.update(sym, merged.set_index("ts"), prune_previous_versions=True)

    def read_range(self, k, lo, hi):
        df = self.lib.read(f"I{k}", date_range=(lo, hi - pd.Timedelta(1, "ns"))).data
        return df.reset_index()

    def read_all(self, k):
        return self.lib.read(f"I{k}").data.reset_index()

    def side(self, ks, lo, hi):
        from arcticdb import ReadRequest
        reqs = [ReadRequest(f"I{k}", date_range=(lo, hi - pd.Timedelta(1, "ns"))) for k in ks]
        res = self.lib.read_batch(reqs)
        sums, rows = {}, 0
        for k, r in zip(ks, res):
            df = r.data
            sums[k] = float((df["price"] * df["qty"]).sum())
            rows += len(df)
        return rows, sums


class DeltaAdapter(Adapter):
    """delta-rs (deltalake) with pandas; one table per key, MERGE on ts for the appends."""

    name = "Delta Lake"

    def __init__(self, root, meta):
        super().__init__(root, meta)
        import deltalake
        self.dl = deltalake
        os.makedirs(root, exist_ok=True)

    def version(self):
        return self.dl.__version__

    def _path(self, k):
        return os.path.join(self.root, f"I{k}")

    def bulk(self, bulk):
        for k, df in zip(self.keys, bulk):
            self.dl.write_deltalake(self._path(k), df, mode="overwrite")

    def append(self, k, df):
        dt = self.dl.DeltaTable(self._path(k))
        lo = pd.Timestamp(df["ts"].iloc[0]).isoformat()
        # The range predicate lets delta-rs skip files outside the batch's span.
        (dt.merge(pa.Table.from_pandas(df, preserve_index=False),
                  predicate=f"t.ts = s.ts AND t.ts >= '{lo}'",
                  source_alias="s", target_alias="t")
           .when_matched_update_all().when_not_matched_insert_all().execute())

    def _read(self, k, filters=None):
        dt = self.dl.DeltaTable(self._path(k))
        t = dt.to_pyarrow_table(filters=filters) if filters else dt.to_pyarrow_table()
        return _pandas(t).sort_values("ts", kind="stable").reset_index(drop=True)

    def read_range(self, k, lo, hi):
        return self._read(k, [("ts", ">=", lo.to_datetime64()), ("ts", "<", hi.to_datetime64())])

    def read_all(self, k):
        return self._read(k)

    def side(self, ks, lo, hi):
        sums, rows = {}, 0
        for k in ks:
            df = self.read_range(k, lo, hi)
            sums[k] = float((df["price"] * df["qty"]).sum())
            rows += len(df)
        return rows, sums

    def finish(self):
        # Untimed: drop the files older versions kept, so that bytes count the current state.
        for k in self.keys:
            self.dl.DeltaTable(self._path(k)).vacuum(
                retention_hours=0, enforce_retention_duration=False, dry_run=False)


class PyStoreAdapter(Adapter):
    """PyStore: one item per key in a collection; merges by reading and rewriting the item."""

    name = "PyStore"

    def __init__(self, root, meta):
        super().__init__(root, meta)
        import datetime
        import pystore
        import pystore.utils
        # PyStore 1.0.1's utils.py calls datetime.now(timezone.utc) without importing
        # timezone (NameError on every write): supply the missing name.
        if not hasattr(pystore.utils, "timezone"):
            pystore.utils.timezone = datetime.timezone
        self.ps = pystore
        pystore.set_path(root)
        self.coll = pystore.store("bench").collection("ticks")

    def version(self):
        return getattr(self.ps, "__version__", "?")

    def _write(self, k, df):
        # One partition per day, as the other systems' row groups or files. Without an
        # explicit npartitions, PyStore 1.0.1's own partitioning fails with Dask 2026
        # ("New division must be longer than 2 elements").
        n_days = len(np.unique(ArrowAdapter._days(df)))
        self.coll.write(f"I{k}", df.set_index("ts"), overwrite=True, npartitions=n_days)

    def bulk(self, bulk):
        for k, df in zip(self.keys, bulk):
            self._write(k, df)

    def append(self, k, df):
        # collection.append() keeps the stored row of a duplicated index (the new one is
        # dropped), so the last-wins merge is done by hand: read, merge, rewrite.
        self._write(k, merge_by_hand(self.read_all(k), df))

    def read_range(self, k, lo, hi):
        ddf = self.coll.item(f"I{k}").data
        df = ddf.loc[lo:hi - pd.Timedelta(1, "ns")].compute()
        return df.reset_index()

    def read_all(self, k):
        return self.coll.item(f"I{k}").to_pandas().reset_index()

    def side(self, ks, lo, hi):
        sums, rows = {}, 0
        for k in ks:
            df = self.read_range(k, lo, hi)
            sums[k] = float((df["price"] * df["qty"]).sum())
            rows += len(df)
        return rows, sums


class ArrowAdapter(Adapter):
    """pyarrow + pandas by hand: a directory per key, one Parquet file per day."""

    name = "pyarrow + pandas"

    def version(self):
        return pa.__version__

    def _file(self, k, day):
        return os.path.join(self.root, f"I{k}", f"{day:05d}.parquet")

    def _write(self, k, day, df):
        os.makedirs(os.path.dirname(self._file(k, day)), exist_ok=True)
        tmp = self._file(k, day) + ".tmp"
        pq.write_table(pa.Table.from_pandas(df, preserve_index=False), tmp)
        os.replace(tmp, self._file(k, day))

    @staticmethod
    def _days(df):
        ts = np.asarray(df["ts"]).astype("datetime64[ns]").astype(np.int64)
        return (ts - T0) // DAY

    def bulk(self, bulk):
        for k, df in zip(self.keys, bulk):
            days = self._days(df)
            cuts = np.flatnonzero(np.diff(days)) + 1
            for part in np.split(np.arange(len(df)), cuts):
                self._write(k, int(days[part[0]]), df.iloc[part[0]:part[-1] + 1])

    def append(self, k, df):
        days = self._days(df)
        for day in np.unique(days):
            new = df[days == day]
            f = self._file(k, int(day))
            old = _pandas(pq.read_table(f)) if os.path.exists(f) else None
            self._write(k, int(day), merge_by_hand(old, new))

    def _read_days(self, k, d0, d1):
        d = os.path.join(self.root, f"I{k}")
        files = sorted(n for n in os.listdir(d) if n.endswith(".parquet")
                       and d0 <= int(n[:5]) < d1)
        return _pandas(pa.concat_tables(pq.read_table(os.path.join(d, n)) for n in files))

    def read_range(self, k, lo, hi):
        d0 = int((lo.value - T0) // DAY)
        d1 = int(-((T0 - hi.value) // DAY))
        df = self._read_days(k, d0, d1)
        m = (df["ts"] >= lo) & (df["ts"] < hi)
        return df[m].reset_index(drop=True)

    def read_all(self, k):
        return self._read_days(k, 0, 1 << 30)

    def side(self, ks, lo, hi):
        sums, rows = {}, 0
        for k in ks:
            df = self.read_range(k, lo, hi)
            sums[k] = float((df["price"] * df["qty"]).sum())
            rows += len(df)
        return rows, sums


SYSTEMS = ["ours", "original", "arcticdb", "deltalake", "pystore", "arrow"]


def make(system, root, meta):
    if system == "ours":
        return OupsAdapter(root, meta, original=False)
    if system == "original":
        return OupsAdapter(root, meta, original=True)
    if system == "arcticdb":
        return ArcticAdapter(root, meta)
    if system == "deltalake":
        return DeltaAdapter(root, meta)
    if system == "pystore":
        return PyStoreAdapter(root, meta)
    if system == "arrow":
        return ArrowAdapter(root, meta)
    raise SystemExit(f"unknown system {system!r}; one of {SYSTEMS}")


# ---------------------------------------------------------------- timing


def _reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def _peak_mb():
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class Timer:
    def __init__(self, out, step, rows):
        self.out, self.step, self.rows = out, step, rows

    def __enter__(self):
        _reset_peak()
        self.rss0 = _rss_mb()
        self.w, self.c = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, et, ev, tb):
        wall, cpu = time.perf_counter() - self.w, time.process_time() - self.c
        if et is None:
            rec = {"wall": wall, "cpu": cpu, "rows": self.rows(),
                   "peak_mb": _peak_mb(), "rss0_mb": self.rss0}
        else:
            rec = {"error": f"{et.__name__}: {str(ev).splitlines()[0][:300] if str(ev) else ''}"}
        self.out[self.step] = rec
        return True  # a failing step is reported, the others still run


def run(system, data, root):
    if os.path.exists(root):
        raise SystemExit(f"{root} exists: give a new directory")
    meta, bulk, batches = load(data)
    ad = make(system, root, meta)
    res = {"system": system, "name": ad.name, "version": ad.version(), "steps": {},
           "checks": {}, "python": sys.version.split()[0], "pandas": pd.__version__}
    steps, checks = res["steps"], res["checks"]
    days, n_app = meta["days"], meta["appends"]
    day = lambda d: pd.Timestamp(int(T0 + d * DAY))  # noqa: E731

    with Timer(steps, "bulk", lambda: meta["rows"]):
        ad.bulk(bulk)
    with Timer(steps, "appends", lambda: meta["append_rows"]):
        for i in range(n_app):
            for k in ad.keys:
                ad.append(k, batches[k][i])
    # range: one day of key 0, ten different days (the merged ones included)
    range_days = [int(d) for d in np.linspace(1, days + n_app - 1, 10)]
    got = {}
    with Timer(steps, "range", lambda: sum(_len(f) for f in got.values())):
        for d in range_days:
            got[d] = ad.read_range(0, day(d), day(d + 1))
    for d, df in list(got.items()):
        got[d] = summary(df)
    checks["range"] = got
    frames = {}
    with Timer(steps, "all", lambda: sum(_len(f) for f in frames.values())):
        for k in ad.keys:
            frames[k] = ad.read_all(k)
    checks["all"] = {k: summary(f) for k, f in frames.items()}
    del frames
    side = {}
    lo, hi = day(days - 5), day(days + min(n_app, 5))
    with Timer(steps, "side", lambda: side["rows"]):
        side["rows"], side["sums"] = ad.side(ad.keys, lo, hi)
    if "rows" in side:
        checks["side"] = {"rows": side["rows"],
                          "sums": {str(k): round(v, 2) for k, v in side["sums"].items()}}
    if hasattr(ad, "finish"):
        try:
            ad.finish()
        except Exception as e:  # noqa: BLE001
            res["finish_error"] = f"{type(e).__name__}: {e}"
    res["bytes"] = disk_bytes(root)
    return res


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--system", choices=SYSTEMS)
    p.add_argument("--data", required=True, help="input directory (written by --generate)")
    p.add_argument("--out", help="directory the system writes into (must not exist)")
    p.add_argument("--generate", action="store_true")
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--keys", type=int, default=4)
    p.add_argument("--days", type=int, default=30)
    p.add_argument("--appends", type=int, default=30)
    a = p.parse_args()
    if a.generate:
        print(json.dumps(generate(a.data, a.rows, a.keys, a.days, a.appends)))
        return
    if a.out is None or a.system is None:
        p.error("--system and --out are required")
    print(json.dumps(run(a.system, a.data, a.out)))


if __name__ == "__main__":
    main()
