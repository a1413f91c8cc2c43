"""Activity exports at scale: a 1,000,000-row Online Offline file (EU 2021 layout).

Times ``parse_activity`` + ``detect_activity`` (in a fresh process, rules preloaded), the
whole ``requalify analyze --activity F --format json`` command, and a bare
``pandas.read_csv(engine="pyarrow")`` of the same file in the same run, and the peak
memory (RSS) of each process against the file size. Targets (issue 4): at most 3x the
bare read, peak memory at most 4x the file size.

    .venv/bin/python benchmarks/bench_activity.py [--rows N] [--repeat K]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "benchmarks" / "_work"
sys.path.insert(0, str(ROOT / "corpus"))

RUNNER = r"""
import json, resource, subprocess, sys, time
t = time.perf_counter()
out = subprocess.run(sys.argv[1:], capture_output=True, text=True)
wall = time.perf_counter() - t
inner = None
for line in out.stdout.splitlines()[::-1]:
    if line.startswith("{"):
        inner = json.loads(line); break
print(json.dumps({"rc": out.returncode, "wall": wall, "inner": inner, "stderr": out.stderr[-2000:],
                  "maxrss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""

BARE = r"""
import json, sys, time
import pandas as pd, pyarrow.csv
t = time.perf_counter()
df = pd.read_csv(sys.argv[1], sep=";", engine="pyarrow")
print(json.dumps({"seconds": time.perf_counter() - t, "rows": len(df)}))
"""

PIPELINE = r"""
import json, sys, time
from requalify.parsers.activity import parse_activity, kinds
from requalify.engine import data
kinds()
rules = data._default_rules()
t = time.perf_counter()
log = parse_activity([sys.argv[1]])
t_parse = time.perf_counter() - t
findings, metrics, series = data.detect_activity(log, rules)
print(json.dumps({"seconds": time.perf_counter() - t, "parse": t_parse, "rows": len(log.tables["sessions"]),
                  "findings": len(findings), "online_hours": metrics["connection.online_hours"]}))
"""


def measure(cmd: list[str]) -> dict:
    res = subprocess.run([sys.executable, "-c", RUNNER, *cmd], capture_output=True, text=True, cwd=ROOT)
    doc = json.loads(res.stdout.strip().splitlines()[-1])
    if doc["rc"] != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{doc['stderr']}")
    return doc


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    from generate_exports import write_online_offline

    WORK.mkdir(parents=True, exist_ok=True)
    data = WORK / f"online-offline-{args.rows}.csv"
    if not data.exists():
        t = time.perf_counter()
        write_online_offline(data, args.rows)
        print(f"generated {data.relative_to(ROOT)} in {time.perf_counter() - t:.1f}s")
    size = data.stat().st_size
    requalify = Path(sys.executable).with_name("requalify")
    runs: dict[str, list[dict]] = {"bare": [], "pipeline": [], "cli": []}
    cli_available = requalify.exists() and (ROOT / "requalify" / "commands" / "analyze.py").exists()
    for _ in range(args.repeat):
        runs["bare"].append(measure([sys.executable, "-c", BARE, str(data)]))
        runs["pipeline"].append(measure([sys.executable, "-c", PIPELINE, str(data)]))
        if cli_available:
            out = WORK / "out"
            shutil.rmtree(out, ignore_errors=True)
            runs["cli"].append(measure([str(requalify), "analyze", "--activity", str(data), "--format", "json", "--out", str(out)]))

    def med(name, key):
        vals = [r["inner"][key] if key != "wall" else r["wall"] for r in runs[name]]
        return statistics.median(vals)

    bare_s = med("bare", "seconds")
    rows = runs["pipeline"][0]["inner"]["rows"]
    table = [
        ("pandas.read_csv(engine='pyarrow'), bare", bare_s, max(r["maxrss_kb"] for r in runs["bare"])),
        ("parse_activity + detect_activity", med("pipeline", "seconds"), max(r["maxrss_kb"] for r in runs["pipeline"])),
        ("  of which parse_activity", med("pipeline", "parse"), None),
        ("bare read, whole process", med("bare", "wall"), None),
        ("parse + detect, whole process", med("pipeline", "wall"), None),
    ]
    if runs["cli"]:
        table.append(("requalify analyze --activity (whole process)", med("cli", "wall"), max(r["maxrss_kb"] for r in runs["cli"])))
    print(f"\nOnline Offline, EU 2021 layout: {rows:,} rows, {size / 2**20:.1f} MiB; median of {args.repeat}\n")
    print(f"{'measurement':<48} {'seconds':>8} {'rows/s':>12} {'x bare':>7} {'peak RSS MiB':>13} {'x file':>7}")
    for name, secs, rss in table:
        rss_mib = f"{rss / 1024:.0f}" if rss else ""
        ratio = f"{rss * 1024 / size:.2f}" if rss else ""
        print(f"{name:<48} {secs:>8.2f} {rows / secs:>12,.0f} {secs / bare_s:>7.2f} {rss_mib:>13} {ratio:>7}")
    pipe = med("pipeline", "seconds") / bare_s
    mem = max(r["maxrss_kb"] for r in runs["pipeline"]) * 1024 / size
    print(f"\ntargets: parse+detect <= 3x bare read: {pipe:.2f}x {'ok' if pipe <= 3 else 'MISSED'}; "
          f"peak memory <= 4x file size: {mem:.2f}x {'ok' if mem <= 4 else 'MISSED'}")
    if not cli_available:
        print("(requalify analyze not installed: whole-command timing skipped)")


if __name__ == "__main__":
    main()
