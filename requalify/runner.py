"""Run many small tasks once each: in parallel, resumable after any crash, on one machine or on Dask.

``requalify batch`` (one task per union member) and ``requalify compare`` (one task per ToS
version) share this machinery, so it knows nothing about members, rules or dossiers.

The API
-------
``Task(id, inputs=(), version="", params={}, extra={})``, or a dict with the same keys.
    ``id`` is a stable, unique name. ``inputs`` are the files whose sha256 decide whether a
    rerun is needed; ``version`` is the rules version; ``params`` are the options that change
    the outputs (formats, language). These three form the task's *key*. ``extra`` is data
    handed to ``func`` that follows from the key (cached findings), so it is left out of it.

``func(task) -> Outcome | JSON-able value``
    An importable top-level function (it is pickled by reference to worker processes or to
    a Dask cluster). ``Outcome(result, files)``: ``result`` is stored as JSON in the store;
    ``files`` maps paths relative to ``files_root`` to their bytes. The runner writes each
    file to a temporary name and renames it, then marks the task done in one transaction,
    so a kill -9 at any moment leaves either the previous state or the new one. An
    ``InputError`` raised by ``func`` records a failure with its file, reason and code;
    any other exception records an internal failure.

``run_tasks(tasks, func, *, store, workers=None, engine="local", scheduler=None,
progress=True, force=False, initializer=None, files_root=None) -> RunReport``
    Skips tasks whose key matches a ``done`` row (and whose files are still there) and tasks
    whose key matches a failure caused by their input (the same input fails the same way);
    ``force`` reruns everything. Rows left ``pending`` or ``running`` by a crash are retried.
    ``engine="local"`` is a fork-context process pool of ``workers`` processes (default: all
    cores), ``initializer()`` called once in each process (load rules and spaCy there, not per
    task). ``engine="dask"`` submits the same calls to ``Client(scheduler)``, or to a
    ``LocalCluster`` of ``workers`` single-threaded processes when no scheduler is given; the
    initializer runs once per Dask worker through a worker plugin. Either way results come
    back to this process, the only writer of the store and of ``files_root``. A progress bar
    (done/failed, rate, ETA) is drawn when stderr is a terminal, one log line per task
    otherwise. A task that kills its worker process is rerun alone, then recorded as failed;
    the pool is rebuilt and the other tasks go on. Workers die with this process (Linux).

``open_engine(engine, *, workers, scheduler, initializer, preload=False)``
    The pool or cluster as an object to pass as ``engine=`` to several ``run_tasks`` calls
    (a batch's two phases), so workers start once. ``preload=True`` (local engine) runs the
    initializer in this process before the workers fork: they inherit the loaded models
    copy-on-write instead of each loading them.

``Store(path)``: the SQLite file (WAL mode). ``records(ids)`` and ``record(id)`` return
``Record``s (status ``pending|running|done|failed``, error, result, timings, ``attempts`` =
how many times the task was executed); ``runs()`` lists the runs with their counts.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import sqlite3
import sys
import time
import traceback
import uuid
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

ENGINES = ("local", "dask")
STATUSES = ("pending", "running", "done", "failed")
TMP_SUFFIX = ".rqtmp"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS tasks (
    id          TEXT PRIMARY KEY,
    key         TEXT NOT NULL,
    version     TEXT NOT NULL DEFAULT '',
    inputs      TEXT NOT NULL DEFAULT '[]',
    status      TEXT NOT NULL CHECK (status IN ('pending', 'running', 'done', 'failed')),
    error       TEXT,
    error_kind  TEXT,
    error_code  TEXT,
    error_path  TEXT,
    result      TEXT,
    files       TEXT NOT NULL DEFAULT '[]',
    attempts    INTEGER NOT NULL DEFAULT 0,
    run_id      INTEGER,
    queued_at   REAL,
    started_at  REAL,
    finished_at REAL,
    seconds     REAL,
    worker      TEXT
);
CREATE TABLE IF NOT EXISTS runs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at  REAL NOT NULL,
    finished_at REAL,
    engine      TEXT NOT NULL,
    workers     INTEGER,
    total       INTEGER NOT NULL,
    skipped     INTEGER NOT NULL DEFAULT 0,
    done        INTEGER NOT NULL DEFAULT 0,
    failed      INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS file_hashes (
    path     TEXT PRIMARY KEY,
    size     INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    inode    INTEGER NOT NULL,
    sha256   TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class Task:
    """One unit of work, small enough to pickle to a worker."""

    id: str
    inputs: tuple[str, ...] = ()
    version: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def coerce(cls, task: "Task | Mapping[str, Any]") -> "Task":
        if isinstance(task, Task):
            return task
        return cls(id=str(task["id"]), inputs=tuple(str(p) for p in task.get("inputs", ())),
                   version=str(task.get("version", "")), params=dict(task.get("params", {})),
                   extra=dict(task.get("extra", {})))


@dataclass
class Outcome:
    """What a task function returns when it has files to write besides its JSON result."""

    result: Any = None
    files: dict[str, bytes] = field(default_factory=dict)


@dataclass(frozen=True)
class Record:
    """A task's row in the store."""

    id: str
    key: str
    version: str
    inputs: list[dict[str, Any]]
    status: str
    error: str | None
    error_kind: str | None
    error_code: str | None
    error_path: str | None
    result: Any
    files: list[str]
    attempts: int
    run_id: int | None
    started_at: float | None
    finished_at: float | None
    seconds: float | None
    worker: str | None


@dataclass
class RunReport:
    """What one ``run_tasks`` call did."""

    run_id: int
    total: int
    skipped: int = 0
    done: int = 0
    failed: int = 0
    seconds: float = 0.0
    executed: list[str] = field(default_factory=list)
    failed_ids: list[str] = field(default_factory=list)

    @property
    def rate_per_minute(self) -> float:
        n = self.done + self.failed
        return 60.0 * n / self.seconds if self.seconds > 0 else 0.0


class Store:
    """The embedded SQLite store: one row per task, keyed by id; this process is its only writer."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(self.path), timeout=30, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA busy_timeout=30000")
        self.db.executescript(_SCHEMA)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def transaction(self):
        return _Transaction(self.db)

    def record(self, task_id: str) -> Record | None:
        rows = self.records([task_id])
        return rows[0] if rows else None

    def records(self, ids: Iterable[str] | None = None) -> list[Record]:
        """Rows for ``ids`` (in that order, missing ones left out), or every row sorted by id."""
        cols = ("id, key, version, inputs, status, error, error_kind, error_code, error_path, result, files, "
                "attempts, run_id, started_at, finished_at, seconds, worker")
        if ids is None:
            rows = self.db.execute(f"SELECT {cols} FROM tasks ORDER BY id").fetchall()
            return [_record(r) for r in rows]
        by_id = {}
        wanted = list(ids)
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for r in self.db.execute(f"SELECT {cols} FROM tasks WHERE id IN ({marks})", chunk):
                by_id[r[0]] = _record(r)
        return [by_id[i] for i in wanted if i in by_id]

    def runs(self) -> list[dict[str, Any]]:
        cur = self.db.execute("SELECT * FROM runs ORDER BY id")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]

    def sha256(self, path: str | Path) -> str:
        """The file's sha256, re-read only when its size, mtime or inode changed (as git does)."""
        p = Path(path)
        st = p.stat()
        key = str(p.resolve())
        row = self.db.execute("SELECT size, mtime_ns, inode, sha256 FROM file_hashes WHERE path = ?",
                              (key,)).fetchone()
        if row and tuple(row[:3]) == (st.st_size, st.st_mtime_ns, st.st_ino):
            return row[3]
        digest = hashlib.sha256()
        with p.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        value = digest.hexdigest()
        self.db.execute("INSERT OR REPLACE INTO file_hashes VALUES (?, ?, ?, ?, ?)",
                        (key, st.st_size, st.st_mtime_ns, st.st_ino, value))
        return value


class _Transaction:
    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, exc_type, *_) -> None:
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")


def _record(row) -> Record:
    (id_, key, version, inputs, status, error, kind, code, path, result, files, attempts, run_id,
     started, finished, seconds, worker) = row
    return Record(id_, key, version, json.loads(inputs), status, error, kind, code, path,
                  json.loads(result) if result is not None else None, json.loads(files), attempts, run_id,
                  started, finished, seconds, worker)


def task_key(inputs: list[dict[str, Any]], version: str, params: Mapping[str, Any]) -> str:
    """The identity of a task's work: its files' names and contents, the rules version, the options.

    File names count (a renamed exhibit changes the dossier) but not their folder, so moving
    the whole members folder does not rerun anything.
    """
    blob = json.dumps({"inputs": [[Path(i["path"]).name, i["sha256"]] for i in inputs], "version": version,
                       "params": params}, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def run_tasks(tasks: Iterable[Task | Mapping[str, Any]], func: Callable[[Task], Any], *, store: Store,
              workers: int | None = None, engine: "str | LocalEngine | DaskEngine" = "local",
              scheduler: str | None = None, progress: bool = True, force: bool = False,
              initializer: Callable[[], None] | None = None, files_root: str | Path | None = None,
              label: str = "tasks") -> RunReport:
    """Run every task not already done with the same key; see the module docstring."""
    if isinstance(engine, str) and engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, not {engine!r}")
    tasks = [Task.coerce(t) for t in tasks]
    ids = [t.id for t in tasks]
    if len(set(ids)) != len(ids):
        dup = sorted({i for i in ids if ids.count(i) > 1})
        raise ValueError(f"duplicate task ids: {', '.join(dup[:5])}")
    if not isinstance(engine, str):
        workers = engine.workers
    workers = max(1, workers or os.cpu_count() or 1)
    engine_name = engine if isinstance(engine, str) else engine.name
    root = Path(files_root) if files_root is not None else store.path.parent
    started = time.time()

    keys: dict[str, tuple[str, list[dict[str, Any]]]] = {}
    for t in tasks:
        inputs = [{"path": p, "sha256": store.sha256(p), "size": Path(p).stat().st_size} for p in t.inputs]
        keys[t.id] = (task_key(inputs, t.version, t.params), inputs)
    existing = {r.id: r for r in store.records(ids)}
    todo = [t for t in tasks if force or not _reusable(existing.get(t.id), keys[t.id][0], root)]

    with store.transaction() as db:
        cur = db.execute("INSERT INTO runs (started_at, engine, workers, total, skipped) VALUES (?, ?, ?, ?, ?)",
                         (started, engine_name, workers, len(tasks), len(tasks) - len(todo)))
        run_id = cur.lastrowid
        for t in todo:
            key, inputs = keys[t.id]
            db.execute(
                "INSERT INTO tasks (id, key, version, inputs, status, run_id, queued_at) VALUES (?, ?, ?, ?, 'pending', ?, ?)"
                " ON CONFLICT(id) DO UPDATE SET key = excluded.key, version = excluded.version,"
                " inputs = excluded.inputs, status = 'pending', run_id = excluded.run_id, queued_at = excluded.queued_at",
                (t.id, key, t.version, json.dumps(inputs, sort_keys=True), run_id, started))
    report = RunReport(run_id=run_id, total=len(tasks), skipped=len(tasks) - len(todo))
    if todo:
        _sweep_temp_files(root)
    bar = _progress(progress, label, len(todo), report.skipped)

    def started_task(task: Task) -> None:
        store.db.execute("UPDATE tasks SET status = 'running' WHERE id = ?", (task.id,))

    def finished_task(task: Task, payload: dict[str, Any]) -> None:
        payload = _commit(store, root, task, payload)
        report.executed.append(task.id)
        if payload["ok"]:
            report.done += 1
        else:
            report.failed += 1
            report.failed_ids.append(task.id)
        bar.advance(task.id, payload["ok"], payload.get("seconds"))

    try:
        if todo and isinstance(engine, str):
            with open_engine(engine, workers=workers, scheduler=scheduler, initializer=initializer) as eng:
                eng.run(todo, func, started_task, finished_task)
        elif todo:
            engine.run(todo, func, started_task, finished_task)
        for task in todo:
            if task.id not in set(report.executed):
                finished_task(task, _lost("the engine returned without running this task"))
    finally:
        bar.close()
        report.seconds = time.time() - started
        store.db.execute("UPDATE runs SET finished_at = ?, done = ?, failed = ? WHERE id = ?",
                         (time.time(), report.done, report.failed, run_id))
    return report


def _reusable(record: Record | None, key: str, root: Path) -> bool:
    if record is None or record.key != key:
        return False
    if record.status == "done":
        return all((root / f).exists() for f in record.files)
    return record.status == "failed" and record.error_kind == "input"


def _commit(store: Store, root: Path, task: Task, payload: dict[str, Any]) -> dict[str, Any]:
    """Files first (temp name, then rename), then the row in one transaction: a crash in between reruns the task."""
    files: list[str] = []
    before = store.record(task.id)
    if payload["ok"]:
        try:
            for rel, data in sorted(payload.get("files", {}).items()):
                _write_atomic(root, rel, data)
                files.append(rel)
        except (OSError, ValueError) as exc:
            payload = {**payload, "ok": False, "kind": "internal", "code": None, "path": None,
                       "error": f"could not write outputs: {exc}"}
            files = []
    with store.transaction() as db:
        if payload["ok"]:
            db.execute(
                "UPDATE tasks SET status = 'done', error = NULL, error_kind = NULL, error_code = NULL, error_path = NULL,"
                " result = ?, files = ?, attempts = attempts + 1, started_at = ?, finished_at = ?, seconds = ?, worker = ?"
                " WHERE id = ?",
                (json.dumps(payload.get("result"), sort_keys=True, ensure_ascii=False, default=str),
                 json.dumps(files), payload.get("started_at"), payload.get("finished_at"), payload.get("seconds"),
                 payload.get("worker"), task.id))
        else:
            db.execute(
                "UPDATE tasks SET status = 'failed', error = ?, error_kind = ?, error_code = ?, error_path = ?,"
                " result = NULL, files = '[]', attempts = attempts + 1, started_at = ?, finished_at = ?, seconds = ?,"
                " worker = ? WHERE id = ?",
                (payload.get("error"), payload.get("kind"), payload.get("code"), payload.get("path"),
                 payload.get("started_at"), payload.get("finished_at"), payload.get("seconds"), payload.get("worker"),
                 task.id))
    for stale in sorted(set(before.files if before else ()) - set(files)):
        try:
            (root / stale).unlink()
        except OSError:
            pass
    return payload


def _write_atomic(root: Path, rel: str, data: bytes) -> None:
    target = (root / rel)
    if ".." in Path(rel).parts or Path(rel).is_absolute():
        raise ValueError(f"output path escapes the output folder: {rel}")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}{TMP_SUFFIX}")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, target)


def _sweep_temp_files(root: Path) -> None:
    """Remove half-written outputs a killed run left behind (their tasks are not done, so they rerun)."""
    if not root.is_dir():
        return
    for dirpath, _, names in os.walk(root):
        for name in names:
            if name.endswith(TMP_SUFFIX):
                try:
                    os.unlink(os.path.join(dirpath, name))
                except OSError:
                    pass


# -- what runs in the worker -------------------------------------------------------------

def execute(func: Callable[[Task], Any], task: Task) -> dict[str, Any]:
    """Call ``func`` and turn whatever happens into plain data, so nothing odd has to unpickle in the parent."""
    from .errors import InputError

    start = time.time()
    t0 = time.perf_counter()
    payload: dict[str, Any] = {"worker": f"{socket.gethostname()}:{os.getpid()}", "started_at": start}
    try:
        out = func(task)
        if not isinstance(out, Outcome):
            out = Outcome(result=out)
        payload.update(ok=True, result=out.result, files=dict(out.files))
    except InputError as exc:
        payload.update(ok=False, kind="input", code=exc.code, path=exc.path, error=exc.message)
    except Exception as exc:
        tb = traceback.extract_tb(exc.__traceback__)
        where = f" at {Path(tb[-1].filename).name}:{tb[-1].lineno}" if tb else ""
        payload.update(ok=False, kind="internal", code=None, path=None,
                       error=f"internal error ({type(exc).__name__}: {exc}){where}")
    payload["seconds"] = round(time.perf_counter() - t0, 6)
    payload["finished_at"] = time.time()
    return payload


def _worker_init(initializer: Callable[[], None] | None) -> None:
    """Die with the parent (a kill -9 of the run must not leave workers behind), let it handle Ctrl-C."""
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if initializer is not None:
        initializer()


def _die_with_parent() -> None:
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


# -- engines -----------------------------------------------------------------------------

class LocalEngine:
    """A fork-context process pool kept across ``run_tasks`` calls; rebuilt if a task kills a worker.

    With ``preload`` the initializer also runs here before the workers fork, so they inherit
    what it loaded (spaCy: one load for the whole run instead of one per worker); it must then
    be idempotent, as a cached loader is.
    """

    name = "local"

    def __init__(self, workers: int | None = None, initializer: Callable[[], None] | None = None,
                 preload: bool = False):
        import multiprocessing

        self.workers = max(1, workers or os.cpu_count() or 1)
        self.initializer = initializer
        self.ctx = multiprocessing.get_context("fork")
        self.pool = None
        if preload and initializer is not None:
            initializer()

    def _pool(self):
        from concurrent.futures import ProcessPoolExecutor

        if self.pool is None:
            self.pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=self.ctx, initializer=_worker_init,
                                            initargs=(self.initializer,))
        return self.pool

    def run(self, todo, func, started_task, finished_task) -> None:
        """A task that kills its worker is isolated (rerun alone, then recorded) and the others go on."""
        from concurrent.futures import FIRST_COMPLETED, wait
        from concurrent.futures.process import BrokenProcessPool

        window = 2 * self.workers
        queue: deque[Task] = deque(todo)
        suspects: deque[Task] = deque()
        while queue or suspects:
            pool = self._pool()
            inflight: dict[Any, Task] = {}
            try:
                while queue or suspects or inflight:
                    if suspects and not inflight:
                        fut = pool.submit(execute, func, suspects[0])
                        inflight[fut] = task = suspects.popleft()
                        started_task(task)
                    while queue and not suspects and len(inflight) < window:
                        fut = pool.submit(execute, func, queue[0])
                        inflight[fut] = task = queue.popleft()
                        started_task(task)
                    done, _ = wait(list(inflight), return_when=FIRST_COMPLETED)
                    for fut in done:
                        task = inflight.pop(fut)
                        try:
                            payload = fut.result()
                        except BrokenProcessPool:
                            inflight[fut] = task
                            raise
                        except Exception as exc:
                            payload = _lost(f"internal error (result could not be returned: {type(exc).__name__}: {exc})")
                        finished_task(task, payload)
            except BrokenProcessPool:
                lost = list(inflight.values())
                if len(lost) == 1:
                    finished_task(lost[0], _lost("worker process died while running this task (killed or crashed)"))
                else:
                    suspects.extend(lost)
                self.close(wait=False)
            except BaseException:
                self.close(wait=False)
                raise

    def close(self, wait: bool = True) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=wait, cancel_futures=True)
            self.pool = None

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close(wait=exc[0] is None)


class DaskEngine:
    """The same calls on a Dask cluster; results come back here, so the store and output files stay local.

    Workers need requalify installed and read the input files by the paths given, so on a
    real cluster the members folder must be on a shared file system.
    """

    name = "dask"

    def __init__(self, workers: int | None = None, initializer: Callable[[], None] | None = None,
                 scheduler: str | None = None):
        from distributed import Client, LocalCluster

        self.cluster = None
        if scheduler:
            self.client = Client(scheduler)
        else:
            n = max(1, workers or os.cpu_count() or 1)
            self.cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None)
            self.client = Client(self.cluster)
        if initializer is not None:
            self.client.register_plugin(_dask_plugin(initializer))
        self.workers = sum(self.client.nthreads().values()) or 1

    def run(self, todo, func, started_task, finished_task) -> None:
        from distributed import as_completed

        queue: deque[Task] = deque(todo)
        owner: dict[str, Task] = {}

        def submit():
            task = queue.popleft()
            started_task(task)
            fut = self.client.submit(execute, func, task, pure=False, key=f"requalify-{uuid.uuid4().hex}")
            owner[fut.key] = task
            return fut

        futures = as_completed([submit() for _ in range(min(2 * self.workers, len(queue)))])
        for fut in futures:
            task = owner.pop(fut.key)
            try:
                payload = fut.result()
            except Exception as exc:
                payload = _lost(f"internal error on the Dask cluster ({type(exc).__name__}: {exc})")
            fut.release()
            finished_task(task, payload)
            if queue:
                futures.add(submit())

    def close(self, wait: bool = True) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_engine(engine: str = "local", *, workers: int | None = None, scheduler: str | None = None,
                initializer: Callable[[], None] | None = None, preload: bool = False) -> LocalEngine | DaskEngine:
    """An engine to share between several ``run_tasks`` calls (close it, or use it as a context manager)."""
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, not {engine!r}")
    if engine == "dask":
        return DaskEngine(workers, initializer, scheduler)
    if scheduler:
        raise ValueError("a scheduler address needs engine='dask'")
    return LocalEngine(workers, initializer, preload)


def _lost(reason: str) -> dict[str, Any]:
    now = time.time()
    return {"ok": False, "kind": "internal", "code": None, "path": None, "error": reason,
            "started_at": None, "finished_at": now, "seconds": None, "worker": None}


def _dask_plugin(initializer: Callable[[], None]):
    """Runs the initializer once in each Dask worker (a class built here so importing this module skips distributed)."""
    from distributed.diagnostics.plugin import WorkerPlugin

    class InitPlugin(WorkerPlugin):
        name = "requalify-init"

        def __init__(self, init):
            self.init = init

        def setup(self, worker):
            self.init()

    return InitPlugin(initializer)


def _progress(enabled: bool, label: str, total: int, skipped: int):
    if not enabled:
        return _Silent()
    if sys.stderr.isatty():
        return _RichBar(label, total, skipped)
    return _LogLines(label, total, skipped)


class _Silent:
    def advance(self, task_id, ok, seconds) -> None:
        pass

    def close(self) -> None:
        pass


class _Counts:
    def __init__(self, label: str, total: int, skipped: int):
        self.label, self.total, self.skipped = label, total, skipped
        self.done = self.failed = 0
        self.t0 = time.monotonic()

    def rate(self) -> float:
        elapsed = time.monotonic() - self.t0
        return 60.0 * (self.done + self.failed) / elapsed if elapsed > 0 else 0.0

    def eta(self) -> str:
        n = self.done + self.failed
        if not n:
            return "?"
        left = (time.monotonic() - self.t0) / n * (self.total - n)
        return time.strftime("%H:%M:%S", time.gmtime(left))


class _LogLines(_Counts):
    """One line per finished task, for logs and CI."""

    def __init__(self, label, total, skipped):
        super().__init__(label, total, skipped)
        print(f"{label}: {total} to run, {skipped} unchanged and skipped", file=sys.stderr, flush=True)

    def advance(self, task_id, ok, seconds) -> None:
        if ok:
            self.done += 1
        else:
            self.failed += 1
        n = self.done + self.failed
        took = f"{seconds:.1f}s" if seconds is not None else "-"
        print(f"[{n}/{self.total}] {'done' if ok else 'FAILED'} {task_id} ({took}); {self.done} done, "
              f"{self.failed} failed, {self.rate():.1f}/min, ETA {self.eta()}", file=sys.stderr, flush=True)

    def close(self) -> None:
        pass


class _RichBar(_Counts):
    def __init__(self, label, total, skipped):
        super().__init__(label, total, skipped)
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.progress = Progress(
            TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("[green]{task.fields[done]} done[/] [red]{task.fields[failed]} failed[/]"),
            TextColumn("{task.fields[rate]}/min"), TextColumn("ETA"), TimeRemainingColumn(),
            console=Console(stderr=True), transient=False)
        self.progress.start()
        self.bar = self.progress.add_task(f"{label} ({skipped} skipped)", total=total, done=0, failed=0, rate="-")

    def advance(self, task_id, ok, seconds) -> None:
        if ok:
            self.done += 1
        else:
            self.failed += 1
        self.progress.update(self.bar, advance=1, done=self.done, failed=self.failed, rate=f"{self.rate():.1f}")

    def close(self) -> None:
        self.progress.stop()
