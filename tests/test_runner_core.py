"""The task runner: skip what is done, rerun what changed, isolate failures, survive kill -9."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from requalify.errors import InputError
from requalify.runner import Outcome, Store, Task, run_tasks

_INIT_CALLS = 0


def count_init() -> None:
    global _INIT_CALLS
    _INIT_CALLS += 1


def upper(task: Task) -> Outcome:
    """Toy task: upper-cases its input into <id>/out.txt; 'bad' inputs are input errors, 'bug' a crash."""
    text = Path(task.inputs[0]).read_text()
    if text.startswith("bad"):
        raise InputError(task.inputs[0], "not a valid member file", code="RQ399")
    if text.startswith("bug"):
        raise ZeroDivisionError("boom")
    if text.startswith("die"):
        os._exit(3)
    if text.startswith("slow"):
        time.sleep(float(task.params.get("sleep", 0.3)))
    return Outcome(result={"n": len(text), "pid": os.getpid(), "inits": _INIT_CALLS},
                   files={f"{task.id}/out.txt": text.upper().encode()})


def make_tasks(tmp_path: Path, texts: dict[str, str], version: str = "r1") -> list[Task]:
    src = tmp_path / "in"
    src.mkdir(exist_ok=True)
    tasks = []
    for name, text in texts.items():
        f = src / f"{name}.txt"
        if not f.exists() or f.read_text() != text:
            f.write_text(text)
        tasks.append(Task(id=name, inputs=(str(f),), version=version))
    return tasks


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "out" / "requalify.sqlite")
    yield s
    s.close()


def test_store_is_wal(store):
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_rerun_skips_done_and_reruns_only_changed(tmp_path, store):
    texts = {f"m{i}": f"member {i}" for i in range(4)}
    tasks = make_tasks(tmp_path, texts)
    first = run_tasks(tasks, upper, store=store, workers=2, progress=False)
    assert (first.done, first.failed, first.skipped) == (4, 0, 0)
    out = tmp_path / "out"
    assert (out / "m2" / "out.txt").read_text() == "MEMBER 2"
    before = {r.id: r for r in store.records()}

    again = run_tasks(tasks, upper, store=store, workers=2, progress=False)
    assert (again.done, again.skipped, again.executed) == (0, 4, [])
    assert {r.id: (r.attempts, r.finished_at) for r in store.records()} == \
        {i: (r.attempts, r.finished_at) for i, r in before.items()}

    texts["m1"] = "member one, edited"
    changed = run_tasks(make_tasks(tmp_path, texts), upper, store=store, workers=2, progress=False)
    assert changed.executed == ["m1"] and changed.skipped == 3
    assert (out / "m1" / "out.txt").read_text() == "MEMBER ONE, EDITED"

    new_rules = run_tasks(make_tasks(tmp_path, texts, version="r2"), upper, store=store, workers=2, progress=False)
    assert sorted(new_rules.executed) == ["m0", "m1", "m2", "m3"]

    forced = run_tasks(make_tasks(tmp_path, texts, version="r2"), upper, store=store, workers=1, progress=False,
                       force=True)
    assert forced.done == 4
    assert store.record("m0").attempts == 3
    assert [r["skipped"] for r in store.runs()] == [0, 4, 3, 0, 0]


def test_deleted_output_reruns_its_task(tmp_path, store):
    tasks = make_tasks(tmp_path, {"a": "x", "b": "y"})
    run_tasks(tasks, upper, store=store, workers=1, progress=False)
    (tmp_path / "out" / "b" / "out.txt").unlink()
    assert run_tasks(tasks, upper, store=store, workers=1, progress=False).executed == ["b"]


def test_failures_are_recorded_and_do_not_stop_others(tmp_path, store):
    tasks = make_tasks(tmp_path, {"ok1": "fine", "bad": "bad file", "bug": "bug here", "ok2": "also fine"})
    report = run_tasks(tasks, upper, store=store, workers=2, progress=False)
    assert (report.done, report.failed) == (2, 2)
    assert sorted(report.failed_ids) == ["bad", "bug"]
    bad, bug = store.record("bad"), store.record("bug")
    assert (bad.status, bad.error_kind, bad.error_code) == ("failed", "input", "RQ399")
    assert bad.error_path.endswith("bad.txt") and "not a valid member file" in bad.error
    assert (bug.status, bug.error_kind) == ("failed", "internal")
    assert "ZeroDivisionError: boom" in bug.error

    # the same input fails the same way: skipped; an internal failure gets another chance
    again = run_tasks(tasks, upper, store=store, workers=2, progress=False)
    assert again.executed == ["bug"]


def test_a_task_that_kills_its_worker_is_isolated(tmp_path, store):
    texts = {"a": "fine", "b": "die now", "c": "fine too", "d": "fine again", "e": "last"}
    report = run_tasks(make_tasks(tmp_path, texts), upper, store=store, workers=2, progress=False)
    assert report.failed_ids == ["b"]
    assert report.done == 4
    assert "worker process died" in store.record("b").error


def test_initializer_runs_once_per_worker_process(tmp_path, store):
    tasks = make_tasks(tmp_path, {f"t{i}": f"task {i}" for i in range(6)})
    run_tasks(tasks, upper, store=store, workers=2, progress=False, initializer=count_init)
    results = [r.result for r in store.records()]
    assert {r["inits"] for r in results} == {1}
    assert len({r["pid"] for r in results}) <= 2
    assert os.getpid() not in {r["pid"] for r in results}


def test_dask_engine_lands_in_the_same_store(tmp_path, store):
    from distributed import LocalCluster

    tasks = make_tasks(tmp_path, {"a": "alpha", "b": "bad input", "c": "gamma"})
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        report = run_tasks(tasks, upper, store=store, engine="dask", scheduler=cluster.scheduler_address,
                           progress=False, initializer=count_init)
    assert (report.done, report.failed) == (2, 1)
    assert (tmp_path / "out" / "c" / "out.txt").read_text() == "GAMMA"
    assert store.record("b").error_code == "RQ399"
    assert run_tasks(tasks, upper, store=store, workers=1, progress=False).executed == []


def test_output_paths_cannot_escape(tmp_path, store):
    tasks = make_tasks(tmp_path, {"x": "x"})
    report = run_tasks(tasks, escape, store=store, workers=1, progress=False)
    assert report.failed_ids == ["x"]
    assert "escapes" in store.record("x").error
    assert not (tmp_path / "evil.txt").exists()


def escape(task: Task) -> Outcome:
    return Outcome(result=None, files={"../evil.txt": b"no"})


def test_plain_log_lines_when_not_a_terminal(tmp_path, store, capsys):
    run_tasks(make_tasks(tmp_path, {"a": "x", "b": "bad"}), upper, store=store, workers=1, progress=True)
    err = capsys.readouterr().err
    assert "2 to run, 0 unchanged and skipped" in err
    assert "done a" in err and "FAILED b" in err and "/min" in err


def test_duplicate_ids_are_refused(tmp_path, store):
    tasks = make_tasks(tmp_path, {"a": "x"})
    with pytest.raises(ValueError, match="duplicate"):
        run_tasks(tasks + tasks, upper, store=store, progress=False)


SCRIPT = textwrap.dedent("""
    import sys
    sys.path.insert(0, {root!r})
    from tests.test_runner_core import make_tasks, upper
    from requalify.runner import Store, run_tasks
    from pathlib import Path
    tmp = Path({tmp!r})
    tasks = make_tasks(tmp, {{f"m{{i:02d}}": "slow member %d" % i for i in range(12)}})
    run_tasks(tasks, upper, store=Store(tmp / "out" / "requalify.sqlite"), workers=2, progress=False)
""")


def test_kill_9_loses_nothing_and_duplicates_nothing(tmp_path):
    root = str(Path(__file__).resolve().parents[1])
    script = SCRIPT.format(root=root, tmp=str(tmp_path))
    proc = subprocess.Popen([sys.executable, "-c", script])
    db = tmp_path / "out" / "requalify.sqlite"
    deadline = time.time() + 60
    done = 0
    while time.time() < deadline and done < 3:
        time.sleep(0.05)
        if db.exists():
            try:
                with sqlite3.connect(db, timeout=5) as con:
                    done = con.execute("SELECT count(*) FROM tasks WHERE status = 'done'").fetchone()[0]
            except sqlite3.OperationalError:
                pass
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert 3 <= done < 12

    store = Store(db)
    left = [r for r in store.records() if r.status != "done"]
    assert left, "the run was killed before the end"
    tasks = make_tasks(tmp_path, {f"m{i:02d}": "slow member %d" % i for i in range(12)})
    report = run_tasks(tasks, upper, store=store, workers=2, progress=False)
    assert sorted(report.executed) == sorted(r.id for r in left)
    records = store.records()
    assert [r.id for r in records] == [t.id for t in tasks]
    assert all(r.status == "done" for r in records)
    assert all(r.attempts in (1, 2) for r in records)
    assert not list((tmp_path / "out").rglob("*.rqtmp"))
    for t in tasks:
        assert (tmp_path / "out" / t.id / "out.txt").read_text() == Path(t.inputs[0]).read_text().upper()
    store.close()
