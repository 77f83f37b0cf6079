"""oups.dask against its baselines, in one run (GitHub issue 15).

    PYTHONPATH=build/python .venv/bin/python benchmarks/dask_bench.py [--rows 10000000]
        [--keys 20] [--key-rows 500000] [--workers 2] [--repeat 3]

On a multi-process LocalCluster (``--workers`` processes, 1 thread each):

1. read of one dataset (``--rows`` rows: int64 ``ts``, 3 float64 and 1 int64 columns, 1 M-row
   row groups, snappy) three ways: ``oups.dask.read_dataset`` (divisions from the metadata),
   ``dd.read_parquet`` of the same committed row-group files (listed from the metadata, in
   order), and sequential ``to_pandas()`` in this process. Each Dask read is timed twice:
   ``compute()`` of the whole frame (the rows travel to this process) and a reduction
   (``ddf["price"].sum()``: one column read on the workers, a scalar back), whose sequential
   baseline is ``to_pandas(columns=["price"])["price"].sum()``.
2. a write of ``--keys`` keys of ``--key-rows`` rows each: ``oups.dask.write_many`` (one task
   per key, each generating its frame and writing it on a worker) against the same generation
   and writes one after the other in this process.
3. a staged write of ONE dataset from ``--stage-partitions`` partitions (``--rows`` rows in
   all, each partition generated on a worker): ``oups.dask.write_dataset`` (each partition
   staged by a worker, one commit) against generating the same partitions and writing them
   as one frame in this process (``write``). The two datasets are compared.
4. the per-task overhead: ``dask.compute`` of 200 trivial tasks, per task.

``--only staged`` runs section 3 alone.

Best of ``--repeat`` runs for every figure; ratios are against the sequential run. On a
2-core machine no speed-up is expected (the workers share the cores with this process and
the scheduler); the point is a correct plan with a bounded overhead.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time

import numpy as np
import pandas as pd


def best(fn, repeat):
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def make_frame(seed, rows, start=0):
    rng = np.random.default_rng(seed)
    ts = start + np.cumsum(rng.integers(0, 3, rows, dtype="int64"))  # shared values likely
    return pd.DataFrame({"ts": ts, "price": 100 + np.cumsum(rng.normal(0, 0.01, rows)),
                         "size": rng.exponential(1.0, rows), "bid": rng.normal(0, 1, rows),
                         "n": np.arange(rows, dtype="int64")})


def write_key(basepath, indexer, key, seed, rows):
    from oups.store import Store
    Store(basepath, indexer)[key].write(ordered_on="ts", df=make_frame(seed, rows),
                                        row_group_target_size=1_000_000)
    return str(key)


def make_part(i, rows):
    """Partition i of the staged-write frame: its ts start after partition i-1's end."""
    return make_frame(100 + i, rows, start=i * 3 * rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--keys", type=int, default=20)
    ap.add_argument("--key-rows", type=int, default=500_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--stage-partitions", type=int, default=8)
    ap.add_argument("--only", choices=["staged"], default=None)
    args = ap.parse_args()

    import dask
    import dask.dataframe as dd
    import distributed

    import oups
    import oups.dask as od
    from oups.store import OrderedParquetDataset, Store, toplevel, write

    tmp = tempfile.mkdtemp(prefix="oups-dask-bench-")
    try:
        path = os.path.join(tmp, "ticks")
        t0 = time.perf_counter()
        df = make_frame(0, args.rows if args.only is None else 10)
        write(path, ordered_on="ts", df=df, row_group_target_size=1_000_000)
        del df
        opd = OrderedParquetDataset(path)
        st = opd.row_group_stats
        files = [os.path.join(path, f"file_{int(i):08d}.parquet") for i in st["file_ids"]]
        print(f"oups {oups.__version__}, dask {dask.__version__}, {os.cpu_count()} cores; "
              f"read dataset: {int(st['n_rows'].sum()):,} rows, {len(files)} row groups "
              f"({sum(os.path.getsize(f) for f in files) / 1e6:.0f} MB), written in "
              f"{time.perf_counter() - t0:.1f} s")

        t0 = time.perf_counter()
        cluster = distributed.LocalCluster(processes=True, n_workers=args.workers,
                                           threads_per_worker=1, dashboard_address=None)
        client = distributed.Client(cluster)
        print(f"LocalCluster start-up ({args.workers} processes): "
              f"{time.perf_counter() - t0:.2f} s")

        if args.only is None:
            # -- 1. reads
            t_seq, ref = best(lambda: opd.to_pandas(), args.repeat)
            total = ref["price"].sum()
            n_ref = len(ref)
            del ref
            t_seq_sum, s0 = best(lambda: opd.to_pandas(columns=["price"])["price"].sum(),
                                 args.repeat)
            t_plan, ddf = best(lambda: od.read_dataset(opd), args.repeat)
            t_oups, got = best(lambda: od.read_dataset(opd).compute(), args.repeat)
            assert len(got) == n_ref
            del got
            t_oups_sum, s1 = best(lambda: od.read_dataset(opd)["price"].sum().compute(),
                                  args.repeat)
            t_rp, got = best(lambda: dd.read_parquet(files).compute(), args.repeat)
            assert len(got) == n_ref
            del got
            t_rp_sum, s2 = best(lambda: dd.read_parquet(files)["price"].sum().compute(),
                                args.repeat)
            assert np.isclose(s0, total) and np.isclose(s1, total) and np.isclose(s2, total)
            print(f"\nread {args.rows:,} rows ({ddf.npartitions} partitions of "
                  f"~{args.rows // ddf.npartitions:,} rows; planning {t_plan * 1e3:.1f} ms):")
            print(f"  sequential to_pandas()              {t_seq:7.3f} s   1.00")
            print(f"  oups.dask compute()                 {t_oups:7.3f} s   {t_oups / t_seq:.2f}")
            print(f"  dd.read_parquet compute()           {t_rp:7.3f} s   {t_rp / t_seq:.2f}")
            print(f"  sequential to_pandas(['price']).sum {t_seq_sum:7.3f} s   1.00")
            print(f"  oups.dask ['price'].sum()           {t_oups_sum:7.3f} s   "
                  f"{t_oups_sum / t_seq_sum:.2f}")
            print(f"  dd.read_parquet ['price'].sum()     {t_rp_sum:7.3f} s   "
                  f"{t_rp_sum / t_seq_sum:.2f}")
            print(f"  oups.dask / dd.read_parquet: compute {t_oups / t_rp:.2f}, "
                  f"sum {t_oups_sum / t_rp_sum:.2f}")

            # -- 2. multi-key write
            @toplevel
            class BenchKey:
                symbol: str
                year: int

            keys = [BenchKey(f"S{i:03d}", 2025) for i in range(args.keys)]

            def seq_write():
                base = tempfile.mkdtemp(dir=tmp)
                for i, k in enumerate(keys):
                    write_key(base, BenchKey, k, i + 1, args.key_rows)
                return base

            def write_many():
                base = tempfile.mkdtemp(dir=tmp)
                store = Store(base, BenchKey)
                od.write_many(store, {k: dask.delayed(make_frame)(i + 1, args.key_rows)
                                      for i, k in enumerate(keys)},
                              ordered_on="ts", row_group_target_size=1_000_000)
                return base

            t_wseq, b1 = best(seq_write, args.repeat)
            t_wmany, b2 = best(write_many, args.repeat)
            s1, s2 = Store(b1, BenchKey), Store(b2, BenchKey)
            for k in keys:
                assert s1[k].to_pandas().equals(s2[k].to_pandas())
            print(f"\nwrite {args.keys} keys x {args.key_rows:,} rows (generate + write):")
            print(f"  sequential                          {t_wseq:7.3f} s   1.00")
            print(f"  oups.dask.write_many                {t_wmany:7.3f} s   "
                  f"{t_wmany / t_wseq:.2f}")

        # -- 3. staged write of one dataset
        n_parts = args.stage_partitions
        part_rows = args.rows // n_parts

        def seq_one():
            dest = os.path.join(tempfile.mkdtemp(dir=tmp), "one")
            frame = pd.concat([make_part(i, part_rows) for i in range(n_parts)],
                              ignore_index=True)
            write(dest, ordered_on="ts", df=frame, row_group_target_size=1_000_000)
            return dest

        def staged_one():
            dest = os.path.join(tempfile.mkdtemp(dir=tmp), "one")
            parts = [dask.delayed(make_part)(i, part_rows) for i in range(n_parts)]
            ddf = dd.from_delayed(parts, meta=make_part(0, 1).iloc[:0])
            od.write_dataset(ddf, dest, ordered_on="ts", row_group_target_size=1_000_000)
            return dest

        t_one_seq, d1 = best(seq_one, args.repeat)
        t_one_staged, d2 = best(staged_one, args.repeat)
        o1, o2 = OrderedParquetDataset(d1), OrderedParquetDataset(d2)
        assert o1.to_pandas().equals(o2.to_pandas())
        print(f"\nwrite one dataset of {part_rows * n_parts:,} rows from {n_parts} partitions "
              f"(generate + write; {len(o1)} vs {len(o2)} row groups):")
        print(f"  sequential write                    {t_one_seq:7.3f} s   1.00")
        print(f"  oups.dask.write_dataset (staged)    {t_one_staged:7.3f} s   "
              f"{t_one_staged / t_one_seq:.2f}")

        # -- 4. per-task overhead
        n = 200
        t_triv, _ = best(lambda: dask.compute(*[dask.delayed(int, pure=False)(i)
                                                for i in range(n)]), args.repeat)
        print(f"\nper-task overhead: {t_triv / n * 1e3:.2f} ms "
              f"({n} trivial tasks in {t_triv:.3f} s)")
        client.close()
        cluster.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
