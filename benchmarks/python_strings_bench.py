"""Reading a text column through the Python API: pandas 3's Arrow-backed str dtype (the
core's buffers handed over as Arrow arrays) against the same values as object-dtype
strings (one Python str per distinct value, a pointer per row), and pyarrow reading the
same files (one thread), all in one run.

    PYTHONPATH=build/python .venv/bin/python benchmarks/python_strings_bench.py [ROWS] [REPEAT]
"""
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from oups.store import OrderedParquetDataset, write


def best(fn, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main():
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    i = np.arange(rows, dtype=np.int64)
    symbols = np.array([f"SYM{k:03d}" for k in range(100)], dtype=object)
    sym = symbols[(i * 7919) % 100]
    with tempfile.TemporaryDirectory() as tmp:
        for name, dtype in (("str", "str"), ("object", object)):
            df = pd.DataFrame({"o": i, "sym": pd.Series(sym, dtype=dtype)})
            write(Path(tmp) / name, ordered_on="o", df=df, row_group_target_size=1_000_000)
        opd_str = OrderedParquetDataset(Path(tmp) / "str")
        opd_obj = OrderedParquetDataset(Path(tmp) / "object")
        assert opd_str.to_pandas()["sym"].tolist()[:5] == opd_obj.to_pandas()["sym"].tolist()[:5]
        files = sorted((Path(tmp) / "str").glob("*.parquet"))
        t_str = best(lambda: opd_str.to_pandas(columns=["sym"]), repeat)
        t_obj = best(lambda: opd_obj.to_pandas(columns=["sym"]), repeat)
        pa.set_cpu_count(1)
        t_pa = best(lambda: pq.ParquetDataset(files).read(columns=["sym"], use_threads=False)
                    .to_pandas(), repeat)
    print(f"rows={rows:,}, text column of 100 values, best of {repeat}")
    print(f"to_pandas() as str (Arrow buffers): {t_str:.3f} s")
    print(f"to_pandas() as object strings:      {t_obj:.3f} s  ({t_obj / t_str:.1f}x the str time)")
    print(f"pyarrow read_table().to_pandas(), 1 thread, same files: {t_pa:.3f} s "
          f"({t_pa / t_str:.2f}x the str time)")


if __name__ == "__main__":
    main()
