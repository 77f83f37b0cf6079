"""Run the anchors benchmark: the same user work through oups and through each anchor.

    .venv/bin/python benchmarks/anchors/run.py --build build [--venvs ~/.cache/oups-anchors]
        [--rows 1000000] [--keys 4] [--days 30] [--appends 30] [--rounds 1]

Defaults: 1 M rows in bulk and as many appended; one round takes about 7 minutes on two
loaded cores, 5 of them PyStore's appends (each rewrites the whole item).

Generates the data once (work.py --generate), then runs work.py once per system (per
round), each in its own process: ours with this interpreter and PYTHONPATH=<build>/python, each anchor with
<venvs>/<anchor>/bin/python (made by setup.sh). Checks that every system read what ours read
(row counts and digests of the read frames, sums of the side-by-side step) and prints a
Markdown table: rows/s per step with the ratios to oups in the same run (wall: oups' rows/s
over the system's; CPU: the system's CPU seconds per row, all threads, over oups'; > 1: oups
faster), peak RSS per step, bytes on disk; "n/a: <why>" where a system could not do a step.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.path.join(HERE, "work.py")

# system -> (venv directory under --venvs; None: ours, "project": this interpreter without
# PYTHONPATH), column title
SYSTEMS = [
    ("ours", None, "oups"),
    ("original", "oups", "oups (original)"),
    ("arcticdb", "arcticdb", "ArcticDB (LMDB)"),
    ("deltalake", "deltalake", "Delta Lake (delta-rs)"),
    ("pystore", "pystore", "PyStore"),
    ("arrow", "project", "pyarrow + pandas"),
]
STEPS = [
    ("bulk", "bulk write"),
    ("appends", "daily appends (late + duplicated rows merged)"),
    ("range", "range read of one day (×10)"),
    ("all", "read everything"),
    ("side", "keys side by side over a range"),
]


def _run_one(system, python, env, data, out, timeout):
    cmd = [python, WORK, "--system", system, "--data", data, "--out", out]
    t = time.perf_counter()
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
    wall = time.perf_counter() - t
    if p.returncode != 0:
        err = (p.stderr.strip().splitlines() or ["exit %d" % p.returncode])[-1]
        return {"error": err[:300], "stderr": p.stderr[-3000:]}
    res = json.loads(p.stdout.strip().splitlines()[-1])
    res["process_wall"] = wall
    return res


def _fmt_rate(r):
    return f"{r / 1e6:.2f} M" if r >= 1e6 else f"{r / 1e3:.0f} k"


def _compare(ref, res):
    """Differences between the checks of a system and ours, as short strings."""
    diffs = []
    for step in ("range", "all", "side"):
        a, b = ref["checks"].get(step), res["checks"].get(step)
        if a is None or b is None:
            continue
        if step == "side":
            if a["rows"] != b["rows"]:
                diffs.append(f"side: {b['rows']} rows, ours {a['rows']}")
            for k, v in a["sums"].items():
                w = b["sums"].get(k)
                if w is None or abs(w - v) > 1e-6 * max(1.0, abs(v)):
                    diffs.append(f"side: key {k} sum {w}, ours {v}")
            continue
        for k, sa in a.items():
            sb = b.get(k)
            if sb != sa:
                diffs.append(f"{step}[{k}]: {sb}, ours {sa}")
    return diffs


def table(results, meta, compact=False):
    ours = results["ours"]
    cols = [(s, title) for s, _, title in SYSTEMS if s in results]
    lines = ["| step | " + " | ".join(t for _, t in cols) + " |",
             "| --- |" + " --- |" * len(cols)]

    def cell(s, step):
        r = results[s]
        if "error" in r and "steps" not in r:
            return "n/a: " + r["error"]
        st = r["steps"].get(step)
        if st is None:
            return "n/a"
        if "error" in st:
            return "n/a: " + st["error"]
        rate = st["rows"] / st["wall"]
        txt = f"{_fmt_rate(rate)} rows/s"
        if not compact:
            txt += f" ({st['wall']:.2f} s, CPU {st['cpu']:.2f} s)"
        o = ours["steps"].get(step, {})
        if s != "ours" and "wall" in o:
            # rows differ only if the system read other rows (then the check says so)
            w = (o["rows"] / o["wall"]) / rate
            c = (st["cpu"] / st["rows"]) / (o["cpu"] / o["rows"]) if o["cpu"] > 0 else 0
            txt += f"; ×{w:.2f} / ×{c:.2f}" if compact else f"; oups ×{w:.2f} wall, ×{c:.2f} CPU"
        return txt

    for step, title in STEPS:
        lines.append(f"| {title} | " + " | ".join(cell(s, step) for s, _ in cols) + " |")

    def mem(s):
        r = results[s]
        if "steps" not in r:
            return "n/a"
        peaks = [st["peak_mb"] - st["rss0_mb"] for st in r["steps"].values() if "peak_mb" in st]
        return f"{max(peaks):.0f} MB" if peaks else "n/a"

    def disk(s):
        r = results[s]
        if "bytes" not in r:
            return "n/a"
        txt = f"{r['bytes'] / 1e6:.1f} MB"
        if s != "ours" and "bytes" in ours:
            txt += f" (×{r['bytes'] / ours['bytes']:.2f} oups)"
        return txt

    lines.append("| peak RSS above the process's loaded input, worst step | "
                 + " | ".join(mem(s) for s, _ in cols) + " |")
    lines.append("| bytes on disk at the end | " + " | ".join(disk(s) for s, _ in cols) + " |")

    def check(s):
        r = results[s]
        if s == "ours" or "checks" not in r:
            return "reference" if s == "ours" else "n/a"
        d = _compare(ours, r)
        return "equal to oups" if not d else f"{len(d)} differences"

    lines.append("| results checked | " + " | ".join(check(s) for s, _ in cols) + " |")
    if compact:
        return "\n".join(lines)
    lines.append("| version | " + " | ".join(
        f"{results[s].get('version', '?')} (Python {results[s].get('python', '?')}, "
        f"pandas {results[s].get('pandas', '?')})" if "steps" in results[s] else "n/a"
        for s, _ in cols) + " |")
    return "\n".join(lines)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--build", default="build", help="build directory holding python/oups")
    p.add_argument("--venvs", default=os.path.expanduser("~/.cache/oups-anchors"))
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--keys", type=int, default=4)
    p.add_argument("--days", type=int, default=30)
    p.add_argument("--appends", type=int, default=30)
    p.add_argument("--only", help="comma-separated systems to run (ours always runs)")
    p.add_argument("--workdir", help="where data and stores go (default: a temporary dir)")
    p.add_argument("--keep", action="store_true", help="keep the work directory")
    p.add_argument("--json", help="write all raw results there")
    p.add_argument("--timeout", type=float, default=1800)
    p.add_argument("--rounds", type=int, default=1,
                   help="run each system this many times, alternating; per step the best wall")
    p.add_argument("--once", default="pystore",
                   help="systems run in the first round only (PyStore's appends take minutes)")
    p.add_argument("--from-json", help="print the table of an earlier run's --json, run nothing")
    p.add_argument("--compact", action="store_true",
                   help="rows/s and the two ratios only (wall / CPU), no versions")
    a = p.parse_args()
    if a.from_json:
        with open(a.from_json) as f:
            saved = json.load(f)
        print(table(saved["results"], saved["meta"], compact=a.compact))
        return

    work = a.workdir or tempfile.mkdtemp(prefix="oups-anchors-")
    os.makedirs(work, exist_ok=True)
    data = os.path.join(work, "data")
    py = sys.executable
    gen = subprocess.run([py, WORK, "--generate", "--data", data, "--rows", str(a.rows),
                          "--keys", str(a.keys), "--days", str(a.days),
                          "--appends", str(a.appends)],
                         capture_output=True, text=True, check=True)
    meta = json.loads(gen.stdout)
    only = set(a.only.split(",")) | {"ours"} if a.only else None
    with open("/proc/loadavg") as f:
        load_before = f.read().split()[:3]
    runs = {}  # system -> list of results, one per round
    results = {}
    order = [x for x in SYSTEMS if only is None or x[0] in only]
    once = set(a.once.split(",")) if a.once else set()
    for r in range(a.rounds):
        # rotate the order each round so that no system always runs first (or last)
        for system, venv, _ in order[r % len(order):] + order[:r % len(order)]:
            if r > 0 and (system in once or system in results):
                continue
            env = dict(os.environ)
            env.pop("PYTHONPATH", None)
            if venv is None:
                python = py
                env["PYTHONPATH"] = os.path.abspath(os.path.join(a.build, "python"))
            elif venv == "project":
                python = py
            else:
                python = os.path.join(a.venvs, venv, "bin", "python")
                if not os.path.exists(python):
                    note = os.path.join(a.venvs, venv, "NOT_INSTALLABLE")
                    reason = open(note).read().strip() if os.path.exists(note) else \
                        f"no venv at {os.path.join(a.venvs, venv)} (run setup.sh)"
                    results[system] = {"error": "not installable: " + reason}
                    continue
            out = os.path.join(work, system)
            shutil.rmtree(out, ignore_errors=True)
            print(f"round {r + 1}: running {system} ...", file=sys.stderr, flush=True)
            res = _run_one(system, python, env, data, out, a.timeout)
            shutil.rmtree(out, ignore_errors=True)
            if "error" in res:
                print(res.get("stderr", ""), file=sys.stderr)
                results[system] = res
                continue
            runs.setdefault(system, []).append(res)
    for system, lst in runs.items():
        # checks, bytes and versions of the first round; per step the round with least wall
        best = dict(lst[0])
        best["rounds"] = len(lst)
        best["steps"] = {}
        for step in lst[0]["steps"]:
            ok = [x["steps"][step] for x in lst if "wall" in x["steps"].get(step, {})]
            best["steps"][step] = min(ok, key=lambda st: st["wall"]) if ok \
                else lst[0]["steps"][step]
        for x in lst[1:]:
            if x["checks"] != lst[0]["checks"]:
                best.setdefault("finish_error", "rounds read different results")
        results[system] = best
    with open("/proc/loadavg") as f:
        load_after = f.read().split()[:3]

    print(f"{meta['rows']:,} rows over {meta['keys']} keys and {meta['days']} days, then "
          f"{meta['appends']} daily appends per key ({meta['append_rows']:,} rows, 1 % late "
          f"and 1 % duplicated); load average {' '.join(load_before)} before, "
          f"{' '.join(load_after)} after; {os.cpu_count()} cores.\n")
    print(f"Best wall of {a.rounds} rounds per step (systems run alternately; "
          f"{', '.join(sorted(once & set(results)))} one round).\n" if a.rounds > 1 else "", end="")
    print(table(results, meta))
    notes = []
    for s, r in results.items():
        if "checks" in r and s != "ours" and "ours" in results and "checks" in results["ours"]:
            for d in _compare(results["ours"], r)[:5]:
                notes.append(f"* {s}: {d}")
        if "finish_error" in r:
            notes.append(f"* {s}: {r['finish_error']}")
    if notes:
        print("\nDifferences from oups:\n" + "\n".join(notes))
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"meta": meta, "results": results}, f, indent=1)
    if not a.keep and not a.workdir:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
