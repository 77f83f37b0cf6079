"""Store scale from Python (issue 13): the same stores as benchmarks/store_scale_bench (C++).

    python benchmarks/store_scale.py SMALL LARGE [REPEATS]

SMALL and LARGE are stores made by `store_scale_bench create` (keys Inst("S000000", 2024), ...
and a key Inst("BIG", 2024) of many row groups). Measured in one run, alternating the two
stores: writing 10 rows to a new key, appending 10 rows to an existing key, appending 10,000
rows to BIG and reading one row group of BIG by range (median times and LARGE / SMALL);
then, in LARGE, len(store), iterating the keys and store.keys (warm, median), and
`key in store`. Prints one JSON object.
"""
import json
import statistics
import sys
import time

import numpy as np
import pandas as pd

from oups import Store, toplevel


@toplevel
class Inst:
    symbol: str
    year: int


def rows(first, n):
    ts = np.arange(first, first + n, dtype=np.int64)
    return pd.DataFrame({"ts": ts, "price": 100.0 + (ts % 997) * 0.01})


def one_round(store, rnd, times):
    t = time.perf_counter()
    store[Inst(f"PYNEW{rnd}", 2024)].write(df=rows(0, 10), ordered_on="ts")
    times["write_10_rows_new_key"].append(time.perf_counter() - t)
    t = time.perf_counter()
    store[Inst("S000002", 2024)].write(df=rows(2_000_000 + rnd * 10, 10), ordered_on="ts")
    times["append_10_rows"].append(time.perf_counter() - t)
    t = time.perf_counter()
    store[Inst("BIG", 2024)].write(df=rows(2_000_000_000 + rnd * 10_000, 10_000), ordered_on="ts",
                                   row_group_target_size=10_000)
    times["append_10000_rows_big"].append(time.perf_counter() - t)
    t = time.perf_counter()
    df = store[Inst("BIG", 2024)].to_pandas(start=500, end_excl=510)
    times["range_read_one_row_group_big"].append(time.perf_counter() - t)
    assert len(df) == 10, len(df)


def main():
    if len(sys.argv) not in (3, 4):
        print(__doc__, file=sys.stderr)
        return 2
    small, large = Store(sys.argv[1], Inst), Store(sys.argv[2], Inst)
    repeats = int(sys.argv[3]) if len(sys.argv) == 4 else 15
    names = ["write_10_rows_new_key", "append_10_rows", "append_10000_rows_big",
             "range_read_one_row_group_big"]
    ts = {n: [] for n in names}
    tl = {n: [] for n in names}
    for r in range(repeats):
        one_round(small, r, ts)
        one_round(large, r, tl)
    out = {"mode": "python writes", "repeats": repeats}
    for n in names:
        a, b = statistics.median(ts[n]), statistics.median(tl[n])
        out[n] = {"small_ms": round(a * 1e3, 3), "large_ms": round(b * 1e3, 3),
                  "ratio": round(b / a, 2)}
    disc = {"len": [], "iterate": [], "keys": [], "contains_ms": []}
    n_keys = 0
    for _ in range(5):
        t = time.perf_counter()
        n_keys = len(large)
        disc["len"].append(time.perf_counter() - t)
        t = time.perf_counter()
        n_iter = sum(1 for _ in large)
        disc["iterate"].append(time.perf_counter() - t)
        t = time.perf_counter()
        keys = large.keys
        disc["keys"].append(time.perf_counter() - t)
        assert n_iter == n_keys == len(keys) and keys == sorted(keys)
        t = time.perf_counter()
        assert Inst("S000007", 2024) in large
        disc["contains_ms"].append((time.perf_counter() - t) * 1e3)
    out["keys"] = n_keys
    for n, v in disc.items():
        out[n + ("" if n.endswith("_ms") else "_s")] = round(statistics.median(v), 3)
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
