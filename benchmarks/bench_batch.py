"""Batch throughput: members/minute with 1 and 2 workers, on a 2-worker Dask LocalCluster, and the batch overhead.

Generates N small members (a handful of shared ToS, so the ToS cache shows, and one small
export each) in a temporary folder, then times, each as a fresh ``requalify batch`` process
(start-up included, as a union pays it):

- ``--workers 1`` and ``--workers 2`` (local process pool), and their scaling ratio;
- ``--engine dask`` with a 2-worker LocalCluster;
- a no-op rerun (everything skipped: the cost of hashing inputs and reading the store);
- per-member overhead: (batch wall time with 1 worker - its start-up) / N against the
  in-process time of one ``pipeline.analyze`` + ``assessment.json`` of the same member.

    .venv/bin/python benchmarks/bench_batch.py                 # 200 members, JSON outputs
    .venv/bin/python benchmarks/bench_batch.py --members 40 --format pdf,json
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
REQUALIFY = ROOT / ".venv" / "bin" / "requalify"
TOS = ["tos/roulio-chauffeurs-fr.md", "tos/flashlivre-coursiers-fr.html", "demo/conditions-chauffeurs.md",
       "tos/cliquemission-contributeurs-fr.md"]
EXPORTS = ["exports/uber-dispatches-2020", "exports/weclock", "exports/wolt", "exports/uber-eats-courier-2023"]


def make_members(root: Path, n: int) -> Path:
    for i in range(n):
        m = root / f"member{i:04d}"
        m.mkdir(parents=True)
        shutil.copy(CORPUS / TOS[i % len(TOS)], m)
        for f in sorted((CORPUS / EXPORTS[(i // len(TOS)) % len(EXPORTS)]).iterdir()):
            shutil.copy(f, m)
        (m / "member.yaml").write_text(f"name: Member {i}\nplatform: Bench\n", "utf-8")
    return root


def run_batch(members: Path, out: Path, fmt: str, *extra: str) -> tuple[float, dict]:
    t0 = time.perf_counter()
    proc = subprocess.run([str(REQUALIFY), "batch", str(members), "--out", str(out), "--format", fmt, "-q", *extra],
                          capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode not in (0, 4):
        sys.exit(f"requalify batch failed ({proc.returncode}): {proc.stderr[-2000:]}")
    with sqlite3.connect(out / "requalify.sqlite") as con:
        rows = con.execute("SELECT status, seconds, started_at, finished_at FROM tasks WHERE id LIKE 'member/%'"
                           ).fetchall()
        tos = con.execute("SELECT count(*) FROM tasks WHERE id LIKE 'tos/%'").fetchone()[0]
        last = con.execute("SELECT total, skipped FROM runs WHERE id = (SELECT max(id) FROM runs)").fetchone()
    done = [r for r in rows if r[0] == "done"]
    first_start = min(r[2] for r in done if r[2]) if done else None
    last_end = max(r[3] for r in done if r[3]) if done else None
    return wall, {"done": len(done), "failed": len(rows) - len(done), "tos_documents": tos, "skipped": last[1],
                  "task_seconds": statistics.median(r[1] for r in done) if done else 0.0,
                  "member_phase": (last_end - first_start) if done else 0.0}


def single_analyze(member: Path) -> float:
    """Median in-process time of analyze + assessment.json for one member, spaCy already loaded."""
    code = f"""
import time, statistics, json, sys
from pathlib import Path
from requalify.pipeline import analyze, collect_case
from requalify.report.json import assessment_json_bytes
from requalify.rules import load_rules
from requalify.engine import get_nlp
rules = load_rules(); get_nlp("fr")
member = Path({str(member)!r})
tos, activity, skipped = collect_case(member, exclude=[member / "member.yaml"])
times = []
for _ in range(5):
    t = time.perf_counter()
    assessment_json_bytes(analyze(tos, activity, rules=rules, worker="Member 0", platform="Bench", skipped=skipped))
    times.append(time.perf_counter() - t)
print(json.dumps(statistics.median(times)))
"""
    out = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-c", code], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def startup(fmt: str) -> float:
    """Wall time of a batch of one member: process start, rules, spaCy, pool, one member."""
    with tempfile.TemporaryDirectory() as tmp:
        members = make_members(Path(tmp) / "members", 1)
        wall, _ = run_batch(members, Path(tmp) / "out", fmt, "--workers", "1")
    return wall


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--members", type=int, default=200)
    ap.add_argument("--format", default="json")
    ap.add_argument("--skip-dask", action="store_true")
    args = ap.parse_args()
    n, fmt = args.members, args.format

    with tempfile.TemporaryDirectory(prefix="requalify-bench-") as tmp:
        tmp = Path(tmp)
        members = make_members(tmp / "members", n)
        rows = []
        results = {}
        for label, extra in [("local, 1 worker", ["--workers", "1"]), ("local, 2 workers", ["--workers", "2"])] + \
                ([] if args.skip_dask else [("dask LocalCluster, 2 workers", ["--engine", "dask", "--workers", "2"])]):
            out = tmp / f"out-{len(rows)}"
            wall, info = run_batch(members, out, fmt, *extra)
            results[label] = (wall, info)
            rows.append((label, wall, info))
            print(f"  {label}: {wall:.1f} s", file=sys.stderr, flush=True)
        rerun_wall, rerun = run_batch(members, tmp / "out-0", fmt, "--workers", "1")
        start = startup(fmt)
        one = single_analyze(members / "member0000")

    import os

    print(f"\nLoad average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores "
          "(other work on the machine skews the scaling ratio)")
    print(f"\n## Batch throughput, {n} members ({fmt}), {len(TOS)} distinct ToS, fresh process per run\n")
    print("| run | wall s | members/min (wall) | member phase s | members/min (member phase) | median task s | done | failed |")
    print("|---|---|---|---|---|---|---|---|")
    for label, wall, info in rows:
        phase = info["member_phase"] or wall
        print(f"| {label} | {wall:.1f} | {60 * n / wall:.0f} | {phase:.1f} | {60 * n / phase:.0f} | "
              f"{info['task_seconds']:.3f} | {info['done']} | {info['failed']} |")
    print(f"| rerun, unchanged ({rerun['skipped']}/{n} skipped) | {rerun_wall:.1f} | - | - | - | - | - | - |")
    w1, w2 = results["local, 1 worker"][0], results["local, 2 workers"][0]
    p1 = results["local, 1 worker"][1]["member_phase"] or w1
    p2 = results["local, 2 workers"][1]["member_phase"] or w2
    print(f"\nScaling 1 -> 2 workers: {w1 / w2:.2f}x wall, {p1 / p2:.2f}x member phase")
    per_member = (w1 - start) / max(1, n - 1)
    print(f"Start-up (batch of one member, 1 worker): {start:.1f} s")
    print(f"Per member in batch, 1 worker: {per_member * 1000:.0f} ms (wall minus start-up, / (N-1)); "
          f"single in-process analyze + JSON: {one * 1000:.0f} ms; "
          f"batch overhead: {(per_member - one) * 1000:+.0f} ms per member ({per_member / one:.2f}x)")


if __name__ == "__main__":
    main()
