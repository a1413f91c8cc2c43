"""A union's members, one dossier each: discovery, the per-member task, summary.csv, the aggregate report.

The heavy lifting (parallelism, the store, resuming after a crash) is :mod:`requalify.runner`;
this module says what a member is and what its task does. Two phases run through it:

1. each distinct terms-of-service document (by sha256 and suffix) is parsed and its text
   findings detected once per rules version, cached as a task result in the store;
2. each member's task reuses those findings, analyses the member's own activity export, scores
   the case and returns ``assessment.json`` and the dossier as bytes for the runner to write.

Input conventions (docs/batch.md): one folder per member under MEMBERS_DIR holding that
member's terms and exports and an optional ``member.yaml`` (name, platform, period, language);
or a manifest CSV with columns ``member,tos,activity[,name,platform,period,language]``, paths
separated by ``;`` and relative to the manifest's folder.
"""

from __future__ import annotations

import csv
import functools
import io
import os
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import click

from .errors import InputError
from .model import CRITERIA, Evidence, Location, Skipped, SourceFile
from .pipeline import CASE_KEYS as MEMBER_KEYS, DOSSIER_LANGUAGES as LANGS, read_case_file
from .runner import Outcome, Store, Task, run_tasks

MEMBER_FILE = "member.yaml"
MANIFEST_ID_COLUMNS = ("member", "id")
DOSSIER_FORMATS = ("pdf", "json", "html", "md")
STORE_NAME = "requalify.sqlite"
SUMMARY_NAME = "summary.csv"
BANDS = ("strong", "moderate", "weak", "insufficient")
RESERVED = {STORE_NAME, SUMMARY_NAME, "report.html", "report.pdf"}
_UNSAFE_ID = re.compile(r"[\x00-\x1f/\\]")


@dataclass(frozen=True)
class Member:
    """One member's case as found on disk; ``problem`` is why it cannot be analysed, recorded as its failure."""

    id: str
    tos: tuple[str, ...] = ()
    activity: tuple[str, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)
    skipped: tuple[Skipped, ...] = ()
    extra_inputs: tuple[str, ...] = ()  # files that change the case without being analysed (member.yaml)
    problem: dict[str, str] | None = None
    folder: str | None = None  # the member's own folder: paths are recorded relative to it, as `analyze` does


@dataclass
class BatchResult:
    """What ``run_batch`` did, for the command to print and the tests to check."""

    members: list[Member]
    records: dict[str, Any]
    skipped: int
    executed: list[str]
    failed: list[tuple[str, str]]
    tos_documents: int
    tos_executed: int
    outputs: dict[str, Path]


# -- discovery ---------------------------------------------------------------------------

def discover_members(source: str | Path, *, exclude: Iterable[str | Path] = ()) -> list[Member]:
    """Members of MEMBERS_DIR (one sub-folder each) or of a manifest CSV, sorted by id."""
    source = Path(source)
    if source.is_file():
        return read_manifest(source)
    if not source.is_dir():
        raise InputError(source, "members folder not found", "give a folder holding one sub-folder per member, "
                         "or a manifest CSV", code="RQ304")
    excluded = {Path(p).resolve() for p in exclude}
    members = []
    for folder in sorted(source.iterdir()):
        if folder.name.startswith(".") or not folder.is_dir() or folder.is_symlink() or folder.resolve() in excluded:
            continue
        members.append(_member_from_folder(folder))
    if not members:
        raise InputError(source, "no member folder found", "put each member's files in a sub-folder named after "
                         "the member, or pass a manifest CSV")
    return members


def _member_from_folder(folder: Path) -> Member:
    from .pipeline import collect_case

    meta_file = folder / MEMBER_FILE
    extra = (str(meta_file),) if meta_file.is_file() else ()
    try:
        meta = read_case_file(meta_file) if extra else {}
        tos, activity, skipped = collect_case(folder, exclude=[meta_file])
    except InputError as exc:
        return Member(folder.name, extra_inputs=extra + _listing(folder), problem=_problem(exc))
    return Member(folder.name, tuple(map(str, tos)), tuple(map(str, activity)), meta, tuple(skipped), extra,
                  folder=str(folder))


def _listing(folder: Path) -> tuple[str, ...]:
    """The files of a member folder that could not be read as a case, so fixing one reruns the member."""
    try:
        return tuple(sorted(str(p) for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")))[:1000]
    except OSError:
        return ()


def read_manifest(path: Path) -> list[Member]:
    """Members listed in a CSV: ``member,tos,activity`` and optional ``name,platform,period,language``."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(path, "manifest is not UTF-8 text", "save it as UTF-8 CSV", code="RQ306") from None
    rows = list(csv.DictReader(io.StringIO(text)))
    header = {h.strip().lower() for h in (rows[0].keys() if rows else [])}
    id_col = next((c for c in MANIFEST_ID_COLUMNS if c in header), None)
    if id_col is None or not ({"tos", "activity"} & header):
        raise InputError(path, "manifest needs a 'member' column and a 'tos' and/or 'activity' column",
                         "see docs/batch.md", code="RQ306")
    base = path.parent
    members, seen = [], set()
    for n, row in enumerate(rows, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
        mid = row.get(id_col, "")
        if not mid:
            continue
        if mid in seen:
            raise InputError(path, f"line {n}: member {mid!r} is listed twice", code="RQ306")
        seen.add(mid)
        tos = tuple(str(base / p.strip()) for p in row.get("tos", "").split(";") if p.strip())
        activity = tuple(str(base / p.strip()) for p in row.get("activity", "").split(";") if p.strip())
        meta = {k: row[k] for k in MEMBER_KEYS if row.get(k)}
        problem = None
        missing = [p for p in tos + activity if not Path(p).exists()]
        if missing:
            problem = {"path": missing[0], "reason": "file listed in the manifest not found", "code": "RQ304"}
        elif not tos and not activity:
            problem = {"path": str(path), "reason": f"line {n}: no file listed for {mid}", "code": "RQ306"}
        elif meta.get("language") and meta["language"] not in LANGS:
            problem = {"path": str(path), "reason": f"line {n}: language {meta['language']!r} is not fr or en",
                       "code": "RQ306"}
        present = tuple(p for p in tos + activity if Path(p).exists())
        if problem:
            members.append(Member(mid, meta=meta, extra_inputs=present, problem=problem))
        else:
            members.append(Member(mid, tos, activity, meta))
    if not members:
        raise InputError(path, "manifest lists no member", code="RQ306")
    return sorted(members, key=lambda m: m.id)


def _problem(exc: InputError) -> dict[str, str]:
    reason = exc.reason + (f" ({exc.hint})" if exc.hint else "")
    return {"path": exc.path, "reason": reason, "code": exc.code}


def check_member_id(member_id: str) -> str | None:
    """Why an id cannot name an output folder, or None."""
    if not member_id or member_id in (".", "..") or member_id.startswith(".") or _UNSAFE_ID.search(member_id):
        return "a member id must not be empty, start with '.', or hold '/' '\\' or control characters"
    if member_id in RESERVED:
        return f"{member_id!r} is the name of a batch output"
    return None


# -- the two task functions (run in worker processes) -------------------------------------

_RULES: dict[str | None, Any] = {}


def init_worker(rules_dir: str | None = None, langs: tuple[str, ...] = ("fr",), pdf: bool = False) -> None:
    """Load the rules and the spaCy pipelines once per worker process, not once per member."""
    from .engine import get_nlp

    _rules(rules_dir)
    for lang in langs:
        get_nlp(lang)
    if pdf:
        import weasyprint  # noqa: F401  (0.8 s, once)


def _rules(rules_dir: str | None):
    from .rules import load_rules

    if rules_dir not in _RULES:
        _RULES[rules_dir] = load_rules(rules_dir)
    return _RULES[rules_dir]


def analyze_tos(task: Task) -> dict[str, Any]:
    """One ToS document analysed once for every member who holds it (cached as JSON in the store)."""
    from .pipeline import analyze_document

    d = analyze_document(task.inputs[0], _rules(task.extra.get("rules_dir")))
    return {"source": d.source.to_dict(), "language": d.language, "clauses": d.clauses, "date": d.date,
            "audience": d.audience, "findings": [_evidence_json(e) for e in d.findings],
            "set_aside": [_evidence_json(e) for e in d.set_aside]}


def analyze_member(task: Task) -> Outcome:
    """One member's assessment and dossier, from the cached ToS analyses and the member's own exports."""
    from .pipeline import DocumentAnalysis, analyze

    p = _absolute_paths(task.params, task.extra["root"])
    if p.get("problem"):
        prob = p["problem"]
        raise InputError(prob["path"], prob["reason"], code=prob.get("code"))
    rules = _rules(task.extra.get("rules_dir"))
    lang = p["lang"]
    documents = []
    for path, cached in zip(p["tos"], task.extra["tos"]):
        if cached["status"] != "done":
            if cached.get("kind") == "input":
                raise InputError(path, cached["reason"], code=cached.get("code"))
            raise RuntimeError(f"the analysis of {path} failed: {cached['reason']}")
        doc = cached["result"]
        documents.append(DocumentAnalysis(SourceFile(**{**doc["source"], "path": path}),
                                          [_evidence(e, path) for e in doc["findings"]],
                                          doc["language"], doc["clauses"], doc["date"],
                                          doc.get("audience", "workers"),
                                          [_evidence(e, path) for e in doc.get("set_aside", [])]))
    skipped = [Skipped(**s) for s in p.get("skipped", [])]
    assessment = analyze([], p["activity"], documents=documents, rules=rules, worker=p.get("name"),
                         platform=p.get("platform"), lang=lang, skipped=skipped, period=p.get("period"),
                         relative_to=p.get("folder"))
    return Outcome(result=member_result(assessment), files=_dossier_files(task.params["member"], assessment,
                                                                          p["formats"], lang, rules))


def _dossier_files(member_id: str, assessment, formats: list[str], lang: str, rules) -> dict[str, bytes]:
    from .report.json import assessment_json_bytes

    files = {}
    if "json" in formats:
        files[f"{member_id}/assessment.json"] = assessment_json_bytes(assessment)
    dossier = [f for f in formats if f != "json"]
    if dossier:
        from .report import render

        with tempfile.TemporaryDirectory(prefix="requalify-batch-") as tmp:
            render(assessment, Path(tmp), set(dossier), lang=lang, rules=rules)
            for f in sorted(Path(tmp).iterdir()):
                files[f"{member_id}/{f.name}"] = f.read_bytes()
    return files


def member_result(assessment) -> dict[str, Any]:
    """What summary.csv and the aggregate report need from one assessment, small enough for the store."""
    clauses = {}
    for f in assessment.findings:
        if f.quote is None:
            continue
        key = (f.source.sha256, f.source.clause or "", f.quote)
        entry = clauses.setdefault(key, {"sha256": f.source.sha256, "path": f.source.path, "clause": f.source.clause,
                                         "quote": f.quote, "indicators": []})
        if f.indicator not in entry["indicators"]:
            entry["indicators"].append(f.indicator)
    return {
        "score": {"overall": assessment.score.get("overall"), "band": assessment.score.get("band")},
        "criteria": dict(assessment.criteria),
        "present": sorted(i for i, e in assessment.indicators.items() if e.get("present")),
        "clauses": [clauses[k] for k in sorted(clauses)],
        "platform": assessment.case.get("platform"),
        "worker": assessment.case.get("worker"),
        "skipped": len(assessment.skipped),
    }


def _evidence_json(e: Evidence) -> dict[str, Any]:
    """Evidence as JSON with full float precision, so a cached finding scores exactly as a fresh one."""
    loc = e.source
    return {"indicator": e.indicator, "polarity": e.polarity, "criterion": e.criterion, "strength": e.strength,
            "quote": e.quote, "figure": e.figure, "cue": e.cue,
            "source": {"sha256": loc.sha256, "page": loc.page, "clause": loc.clause, "line_start": loc.line_start,
                       "line_end": loc.line_end, "char_start": loc.char_start, "char_end": loc.char_end,
                       "rows": list(loc.rows) if loc.rows is not None else None}}


def _evidence(d: dict[str, Any], path: str) -> Evidence:
    src = dict(d["source"])
    rows = src.pop("rows")
    loc = Location(path=path, rows=tuple(rows) if rows is not None else None, **src)
    return Evidence(d["indicator"], d["polarity"], d["criterion"], d["strength"], loc, d["quote"], d["figure"], d["cue"])


# -- the batch -----------------------------------------------------------------------------

def run_batch(source: str | Path, out: str | Path, *, workers: int | None = None, engine: str = "local",
              scheduler: str | None = None, force: bool = False, formats: Iterable[str] = ("pdf", "json"),
              lang: str = "fr", rules_dir: str | Path | None = None, progress: bool = True) -> BatchResult:
    """Analyse every member not already done, then write summary.csv and the aggregate report."""
    from .rules import load_rules

    out = Path(out)
    formats = [f for f in DOSSIER_FORMATS if f in set(formats)]
    rules_key = str(rules_dir) if rules_dir else None
    rules = load_rules(rules_key)
    members = discover_members(source, exclude=[out])
    bad = [(m.id, why) for m in members if (why := check_member_id(m.id))]
    if bad:
        raise InputError(source, f"member {bad[0][0]!r}: {bad[0][1]}", "rename that folder or manifest entry",
                         code="RQ306")
    out.mkdir(parents=True, exist_ok=True)
    langs = tuple(sorted({m.meta.get("language", lang) for m in members if not m.problem}))
    initializer = functools.partial(init_worker, rules_key, langs or (lang,), "pdf" in formats)
    extra = {"rules_dir": rules_key}
    with Store(out / STORE_NAME) as store, _LazyEngine(engine, workers, scheduler, initializer, progress) as pool:
        runner_args = dict(engine=pool, progress=progress, files_root=out)
        documents: dict[str, str] = {}
        for m in members:
            if not m.problem:
                for path in m.tos:
                    documents.setdefault(_tos_id(store, path), path)
        tos_tasks = [Task(id=tid, inputs=(path,), version=rules.version, extra=extra)
                     for tid, path in sorted(documents.items())]
        tos_report = run_tasks(tos_tasks, analyze_tos, store=store, force=force, label="terms of service",
                               **runner_args)
        cached = {r.id: _cache_entry(r) for r in store.records(documents)}

        tasks = []
        root = os.path.abspath(source if Path(source).is_dir() else Path(source).parent)
        for m in members:
            inputs = tuple(sorted(set(_files(m.tos + m.activity) + m.extra_inputs)))
            params = _relative_paths({
                "member": m.id, "tos": list(m.tos), "activity": list(m.activity), "formats": formats,
                "lang": m.meta.get("language", lang), "name": m.meta.get("name", m.id),
                "platform": m.meta.get("platform"), "period": m.meta.get("period"),
                "skipped": [s.to_dict() for s in m.skipped], "problem": m.problem, "folder": m.folder}, root)
            tos_cache = [] if m.problem else [cached[_tos_id(store, p)] for p in m.tos]
            tasks.append(Task(id=_task_id(m.id), inputs=inputs, version=rules.version, params=params,
                              extra={**extra, "tos": tos_cache, "root": root}))
        report = run_tasks(tasks, analyze_member, store=store, force=force, label="members", **runner_args)
        records = {m.id: store.record(_task_id(m.id)) for m in members}
    outputs = {"summary": write_summary(out / SUMMARY_NAME, members, records, rules)}
    outputs.update(write_aggregate(out, members, records, rules, lang=lang, pdf="pdf" in formats))
    failed = [(m.id, records[m.id].error or "") for m in members if records[m.id].status != "done"]
    return BatchResult(members, records, report.skipped, [i.split("/", 1)[1] for i in report.executed], failed,
                       len(tos_tasks), len(tos_report.executed), outputs)


class _LazyEngine:
    """One pool or cluster for both phases, started only if some task has to run (a no-op rerun starts nothing).

    The local pool preloads rules and spaCy in this process and forks: one load for the run.
    """

    name = "lazy"

    def __init__(self, engine: str, workers: int | None, scheduler: str | None, initializer, progress: bool = False):
        self.args = (engine, workers, scheduler, initializer)
        self.progress = progress
        self.engine = None
        self.workers = workers or (os.cpu_count() or 1)
        self.name = engine

    def run(self, *args) -> None:
        from .runner import open_engine

        if self.engine is None:
            engine, workers, scheduler, initializer = self.args
            if self.progress:  # the language model takes seconds to load: say so before the bar appears
                click.echo("Chargement du modèle de langue et des règles… / loading the language model and rules…", err=True)
            self.engine = open_engine(engine, workers=workers, scheduler=scheduler, initializer=initializer,
                                      preload=engine == "local")
            self.workers = self.engine.workers
        self.engine.run(*args)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        if self.engine is not None:
            self.engine.close(wait=exc[0] is None)


def _task_id(member_id: str) -> str:
    return f"member/{member_id}"


def _map_paths(params: dict[str, Any], fn) -> dict[str, Any]:
    out = dict(params)
    out["tos"] = [fn(x) for x in params["tos"]]
    out["activity"] = [fn(x) for x in params["activity"]]
    out["skipped"] = [{**s, "path": fn(s["path"])} for s in params["skipped"]]
    if params.get("problem"):
        out["problem"] = {**params["problem"], "path": fn(str(params["problem"]["path"]))}
    if params.get("folder"):
        out["folder"] = fn(params["folder"])
    return out


def _relative_paths(params: dict[str, Any], root: str) -> dict[str, Any]:
    """A member task's parameters with its paths relative to the members folder (or manifest's folder).

    The task key hashes these parameters: moving or copying the whole members folder must not
    rerun anyone, as the dossiers do not change (they record paths relative to each member).
    """
    return _map_paths(params, lambda x: os.path.relpath(x, root))


def _absolute_paths(params: dict[str, Any], root: str) -> dict[str, Any]:
    return _map_paths(params, lambda x: os.path.normpath(os.path.join(root, x)))


def _tos_id(store: Store, path: str) -> str:
    """A ToS document's cache id: its content and its suffix (the suffix picks the parser)."""
    return f"tos/{store.sha256(path)}{Path(path).suffix.lower()}"


def _files(paths: Iterable[str]) -> tuple[str, ...]:
    """Input files, with an unzipped data-download folder expanded to the files it holds."""
    out = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            out.extend(str(f) for f in sorted(path.rglob("*")) if f.is_file())
        else:
            out.append(str(path))
    return tuple(out)


def _cache_entry(record) -> dict[str, Any]:
    if record.status == "done":
        return {"status": "done", "result": record.result}
    reason = record.error or "not analysed"
    prefix = f"{record.error_path}: " if record.error_path else ""
    if prefix and reason.startswith(prefix):
        reason = reason[len(prefix):]
    return {"status": record.status, "kind": record.error_kind, "code": record.error_code, "reason": reason}


# -- summary.csv ---------------------------------------------------------------------------

def summary_columns(rules) -> list[str]:
    return (["member", "name", "platform", "status", "error_code", "error_file", "error", "score", "band"]
            + list(CRITERIA) + list(rules.catalogue))


def write_summary(path: Path, members: list[Member], records: dict[str, Any], rules) -> Path:
    """One row per member, the same bytes for the same results (no clock, fixed float format)."""
    columns = summary_columns(rules)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    w.writeheader()
    for m in members:
        rec = records[m.id]
        row = {"member": m.id, "name": m.meta.get("name", m.id), "platform": m.meta.get("platform", ""),
               "status": rec.status if rec.status in ("done", "failed") else "failed"}
        if rec.status == "done":
            res = rec.result
            row.update(score=_num(res["score"]["overall"]), band=res["score"]["band"] or "")
            row.update({c: _num(res["criteria"].get(c)) for c in CRITERIA})
            present = set(res["present"])
            row.update({i: int(i in present) for i in rules.catalogue})
        else:
            row.update(error_code=rec.error_code or "", error_file=rec.error_path or "",
                       error=rec.error or "interrupted before it finished")
        w.writerow(row)
    _write_text(path, buf.getvalue())
    return path


def _num(value) -> str:
    return "" if value is None else f"{float(value):.4f}"


def _write_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, "utf-8")
    os.replace(tmp, path)


# -- aggregate report ------------------------------------------------------------------------

def aggregate(members: list[Member], records: dict[str, Any], rules, lang: str) -> dict[str, Any]:
    """The figures a collective action needs: who shows which indicator, how scores spread, which clauses recur."""
    done = [(m, records[m.id].result) for m in members if records[m.id].status == "done"]
    failed = [(m, records[m.id]) for m in members if records[m.id].status != "done"]
    n = len(done)
    counts = Counter(i for _, res in done for i in res["present"])
    indicators = []
    for iid in rules.catalogue:
        ind = rules.indicators[iid]
        indicators.append({"id": iid, "label": ind.label.get(lang) or ind.label.get("fr") or iid,
                           "criterion": ind.criterion or "", "polarity": ind.polarity, "kind": ind.kind,
                           "members": counts[iid], "share": counts[iid] / n if n else 0.0})
    indicators.sort(key=lambda r: (-r["members"], r["id"]))
    bands = Counter(res["score"]["band"] or "" for _, res in done)
    bins = [0] * 10
    for _, res in done:
        bins[min(9, int(float(res["score"]["overall"] or 0) * 10))] += 1
    histogram = [{"label": f"{k / 10:.1f}–{(k + 1) / 10:.1f}", "members": c, "share": c / n if n else 0.0}
                 for k, c in enumerate(bins)]
    criteria = [{"id": c, "mean": sum(float(res["criteria"].get(c) or 0) for _, res in done) / n if n else 0.0}
                for c in CRITERIA]
    clauses: dict[tuple, dict[str, Any]] = {}
    for m, res in done:
        for c in res["clauses"]:
            key = (c["sha256"], c["clause"] or "", c["quote"])
            entry = clauses.setdefault(key, {"clause": c["clause"], "quote": c["quote"], "document": Path(c["path"]).name,
                                             "indicators": set(), "members": set()})
            entry["indicators"].update(c["indicators"])
            entry["members"].add(m.id)
    top = sorted(clauses.values(), key=lambda e: (-len(e["members"]), e["document"], e["clause"] or "", e["quote"]))[:25]
    label = {i: (rules.indicators[i].label.get(lang) or i) for i in rules.indicators}
    top = [{**e, "indicators": [label.get(i, i) for i in sorted(e["indicators"])], "members": len(e["members"])}
           for e in top]
    scores = sorted(float(res["score"]["overall"] or 0) for _, res in done)
    return {
        "total": len(members), "done": n, "failed": len(failed),
        "rules_version": rules.version,
        "median": scores[len(scores) // 2] if scores else None,
        "mean": sum(scores) / n if n else None,
        "bands": [{"band": b, "members": bands[b], "share": bands[b] / n if n else 0.0}
                  for b in BANDS],
        "histogram": histogram, "criteria": criteria, "indicators": indicators, "clauses": top,
        "failures": [{"member": m.id, "file": rec.error_path or "", "code": rec.error_code or "",
                      "reason": rec.error or ""} for m, rec in failed],
        "members": [{"member": m.id, "name": m.meta.get("name", m.id), "platform": m.meta.get("platform", ""),
                     "score": res["score"]["overall"], "band": res["score"]["band"]} for m, res in done],
    }


def write_aggregate(out: Path, members: list[Member], records: dict[str, Any], rules, *, lang: str,
                    pdf: bool) -> dict[str, Path]:
    """``report.html`` always, ``report.pdf`` when PDFs were asked for."""
    data = aggregate(members, records, rules, lang)
    written = {"report_html": out / "report.html"}
    _write_text(written["report_html"], render_aggregate_html(data, lang, for_pdf=False))
    if pdf:
        written["report_pdf"] = write_aggregate_pdf(render_aggregate_html(data, lang, for_pdf=True), out / "report.pdf")
    return written


def _templates():
    from importlib import resources

    return resources.files("requalify").joinpath("templates", "batch")


@functools.cache
def _environment():
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(_templates())), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                              keep_trailing_newline=True)


@functools.cache
def _strings(lang: str) -> dict[str, str]:
    import yaml

    table = yaml.safe_load(_templates().joinpath("i18n.yaml").read_text("utf-8"))
    return {k: v.get(lang) or v["fr"] for k, v in table.items()}


PDF_FONTS = (("normal", "DejaVuSerif.ttf"), ("bold", "DejaVuSerif-Bold.ttf"))


def render_aggregate_html(data: dict[str, Any], lang: str, *, for_pdf: bool) -> str:
    """The aggregate report; for the PDF the bundled fonts come inline as data: URIs (nothing else is fetched)."""
    import base64

    from markupsafe import Markup

    css = _templates().joinpath("report.css").read_text("utf-8")
    if for_pdf:
        fonts = _templates().parent.joinpath("fonts")
        faces = "\n".join(
            f'@font-face {{ font-family: "Requalify Serif"; font-weight: {weight}; '
            f"src: url(data:font/ttf;base64,{base64.b64encode(fonts.joinpath(name).read_bytes()).decode('ascii')}); }}"
            for weight, name in PDF_FONTS)
        css = faces + "\n" + css
    t = _strings(lang)
    return _environment().get_template("report.html.j2").render(
        d=data, t=t, lang=lang, css=Markup(css), for_pdf=for_pdf,
        criterion=lambda c: t.get(f"criterion_{c}", c), band=lambda b: t.get(f"band_{b}", b or ""),
        pct=lambda x: f"{100 * x:.0f} %" if lang == "fr" else f"{100 * x:.0f}%",
        num=lambda x: "" if x is None else (f"{x:.2f}".replace(".", ",") if lang == "fr" else f"{x:.2f}"))


def data_only_fetcher():
    """A weasyprint URL fetcher that serves data: URIs and refuses every other URL (kept in ``.refused``)."""
    import base64
    from urllib.parse import unquote_to_bytes

    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class DataOnly(URLFetcher):
        def __init__(self):
            super().__init__(allowed_protocols=())
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            if not url.startswith("data:") or "," not in url:
                self.refused.append(url)
                raise ValueError(f"the batch report loads nothing but data: URIs, not {url[:200]}")
            head, _, body = url[5:].partition(",")
            mime = head.split(";")[0] or "text/plain"
            data = base64.b64decode(body) if head.endswith(";base64") else unquote_to_bytes(body)
            return URLFetcherResponse(url, data, {"Content-Type": mime})

    return DataOnly()


def write_aggregate_pdf(html: str, path: Path) -> Path:
    import hashlib
    import logging

    from weasyprint import HTML

    logger = logging.getLogger("weasyprint")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        doc = HTML(string=html, base_url=None, url_fetcher=data_only_fetcher()).render()
        data = doc.write_pdf(pdf_identifier=hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii"))
    finally:
        logger.setLevel(level)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return path
