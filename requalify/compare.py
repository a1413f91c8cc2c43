"""``requalify compare``: a corpus of terms of service as a platform × indicator matrix and version diffs.

The stage order is the project's own: each document is parsed, its text indicators detected and
scored by the same functions ``analyze`` uses, one task per document through
:mod:`requalify.runner` (process pool or Dask, SQLite cache keyed by the document's hash and the
rules version). What is specific to a corpus happens after, on the cached per-document records:
the matrix, the clause-by-clause alignment of successive versions and the report.

A corpus is read from the local disk only: symbolic links are neither followed nor read, and a
manifest row naming a URL is refused, so a run never fetches anything.
"""

from __future__ import annotations

import csv
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from .compare_align import ClauseText, align_clauses, counts_of, word_diff
from .errors import InputError
from .model import CRITERIA

SCHEMA_MATRIX = "requalify.compare-matrix/1"
SCHEMA_VERSIONS = "requalify.compare-versions/1"
DATE_ORDERS = {
    "recorded": ("manifest", "name", "text"),
    "stated": ("text", "manifest", "name"),
}
ID_COLUMNS = ["platform", "document_type", "date", "date_source", "recorded_date", "stated_date", "language",
              "path", "sha256", "status", "error", "clauses", "findings", "overall", "band"]
VERSION_COLUMNS = ["platform", "document_type", "from_date", "to_date", "from_path", "to_path", "change",
                   "old_clause", "new_clause", "old_heading", "new_heading", "similarity",
                   "indicators_old", "indicators_new", "indicators_gained", "indicators_lost",
                   "old_text", "new_text", "word_diff"]
PAIR_COLUMNS = ["platform", "document_type", "from_date", "to_date", "from_path", "to_path",
                "clauses_from", "clauses_to", "unchanged", "changed", "moved", "added", "removed",
                "indicators_gained", "indicators_lost", "overall_from", "overall_to", "overall_delta"]

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_MANIFEST_ALIASES = {
    "platform": ("platform",),
    "document_type": ("document_type", "document type", "document-type", "type", "doctype"),
    "date": ("date",),
    "language": ("language", "lang"),
    "path": ("path", "file"),
}


class CorpusError(InputError):
    code = "RQ370"


@dataclass(frozen=True)
class CorpusItem:
    """One document of a corpus as listed before it is read: where it is and what the listing says."""

    id: str
    path: str
    platform: str
    document_type: str
    name_date: str | None = None
    manifest_date: str | None = None
    language: str | None = None


@dataclass
class Corpus:
    root: str
    kind: str  # "tree" | "manifest"
    items: list[CorpusItem]
    skipped: list[dict[str, str]] = field(default_factory=list)


def document_suffixes() -> set[str]:
    from .parsers import formats

    return {s for f in formats().values() for s in f.suffixes}


def discover_corpus(path: str | Path) -> Corpus:
    """A folder tree ``<platform>/<document-type>_<YYYY-MM-DD>.<ext>``, or a manifest CSV."""
    p = Path(path)
    if _URL.match(str(path)):
        raise CorpusError(path, "compare reads local files only", "download the corpus first")
    if p.is_symlink():
        raise CorpusError(p, "is a symbolic link; compare does not follow links", "pass the real folder")
    if p.is_file() and p.suffix.lower() == ".csv":
        return _from_manifest(p)
    if not p.is_dir():
        raise CorpusError(p, "not found" if not p.exists() else "is neither a folder nor a manifest .csv",
                          "pass a folder of <platform>/<document-type>_<date>.<ext> files or a manifest CSV",
                          code="RQ304" if not p.exists() else None)
    corpus = _from_tree(p)
    if not corpus.items:
        raise CorpusError(p, "no document found", "expected <platform>/<document-type>_<YYYY-MM-DD>.<ext>")
    return corpus


def _from_tree(root: Path) -> Corpus:
    from .parsers._document import path_metadata

    suffixes = document_suffixes()
    items, skipped = [], []
    for folder, dirs, files in os.walk(root, followlinks=False):
        here = Path(folder)
        for d in sorted(dirs):
            if not d.startswith(".") and (here / d).is_symlink():
                skipped.append({"path": (here / d).relative_to(root).as_posix(), "reason": "symbolic link not followed"})
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not (here / d).is_symlink())
        for name in sorted(files):
            if name.startswith("."):
                continue
            f = here / name
            rel = f.relative_to(root).as_posix()
            if f.is_symlink():
                skipped.append({"path": rel, "reason": "symbolic link not followed"})
                continue
            if f.suffix.lower() not in suffixes:
                skipped.append({"path": rel, "reason": f"not a document format ({f.suffix or 'no extension'})"})
                continue
            if here == root:
                skipped.append({"path": rel, "reason": "not inside a platform folder"})
                continue
            meta = path_metadata(f)
            doc_type = meta.get("document_type") or (here.name if here.parent != root else "document")
            items.append(CorpusItem(id=rel, path=str(f), platform=here.name,
                                    document_type=doc_type, name_date=meta.get("recorded_date")))
    items.sort(key=lambda i: i.id)
    return Corpus(root=str(root), kind="tree", items=items, skipped=skipped)


def _from_manifest(path: Path) -> Corpus:
    """Rows of platform, document type, date, language, path; paths relative to the manifest's folder."""
    try:
        raw = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CorpusError(path, "manifest is not UTF-8 text", "save it as UTF-8 CSV") from None
    except OSError as exc:
        raise CorpusError(path, f"cannot read manifest: {exc.strerror or exc}") from None
    reader = csv.DictReader(raw.splitlines())
    header = {(h or "").strip().lower(): h for h in reader.fieldnames or []}
    cols = {}
    for key, aliases in _MANIFEST_ALIASES.items():
        cols[key] = next((header[a] for a in aliases if a in header), None)
    missing = [k for k in ("platform", "path") if cols[k] is None]
    if missing:
        raise CorpusError(path, f"manifest lacks column(s): {', '.join(missing)}",
                          "columns: platform, document_type, date, language, path")
    base = path.parent
    items, seen = [], set()
    problems = []
    for line, row in enumerate(reader, start=2):
        def get(k):
            c = cols[k]
            return (row.get(c) or "").strip() if c else ""

        ref, platform = get("path"), get("platform")
        if not ref and not platform:
            continue
        where = f"line {line}"
        if not ref or not platform:
            problems.append(f"{where}: platform and path are required")
            continue
        if _URL.match(ref):
            problems.append(f"{where}: {ref[:80]} is a URL; compare reads local files only")
            continue
        date = get("date") or None
        if date and not _ISO.match(date):
            problems.append(f"{where}: date {date!r} is not YYYY-MM-DD")
            continue
        f = Path(ref) if Path(ref).is_absolute() else base / ref
        if f.is_symlink():
            problems.append(f"{where}: {ref} is a symbolic link; compare does not follow links")
            continue
        if ref in seen:
            problems.append(f"{where}: {ref} listed twice")
            continue
        seen.add(ref)
        from .parsers._document import path_metadata

        meta = path_metadata(f)
        items.append(CorpusItem(id=ref, path=str(f), platform=platform,
                                document_type=get("document_type") or meta.get("document_type") or "document",
                                name_date=meta.get("recorded_date"), manifest_date=date,
                                language=(get("language") or None)))
    if problems:
        raise CorpusError(path, "manifest has problems:\n  " + "\n  ".join(problems), "fix the rows listed")
    if not items:
        raise CorpusError(path, "manifest lists no document")
    items.sort(key=lambda i: i.id)
    return Corpus(root=str(base), kind="manifest", items=items)


def resolve_date(item: CorpusItem, stated: str | None, order: Iterable[str]) -> tuple[str | None, str]:
    """The date a document is placed at, and where it came from (``manifest``, ``name``, ``text`` or ``none``)."""
    found = {"manifest": item.manifest_date, "name": item.name_date, "text": stated}
    for source in order:
        if found.get(source):
            return found[source], source
    return None, "none"


# --- one document: the task the runner executes -------------------------------------------------

_RULES = None


def _rules():
    global _RULES
    if _RULES is None:
        from .rules import load_rules

        _RULES = load_rules()
    return _RULES


def warm_worker() -> None:
    """Runner initializer: rules and both spaCy pipelines load once per worker process."""
    from .engine import SUPPORTED_LANGUAGES, get_nlp

    _rules()
    for lang in SUPPORTED_LANGUAGES:
        get_nlp(lang)


def analyze_item(item: dict[str, Any]) -> dict[str, Any]:
    """Parse, detect and score one corpus document into a JSON-ready record (what the cache stores).

    The record keeps every clause's text and the indicators found in it, so version diffs and
    reports are rebuilt from the cache without parsing again.
    """
    from .engine import detect_text
    from .parsers import parse_document
    from .scoring import score

    rules = _rules()
    doc = parse_document(item["path"])
    if item.get("language"):
        doc.language = item["language"]
    findings = detect_text(doc, rules)
    stated = doc.metadata.get("stated_date")
    listed = CorpusItem(**{k: item.get(k) for k in CorpusItem.__dataclass_fields__})
    date, _ = resolve_date(listed, stated, DATE_ORDERS[item.get("date_order", "recorded")])
    assessment = score(findings, rules, inputs=[doc.source],
                       case={"document_dates": {doc.source.sha256: date} if date else {}})
    starts = [c.char_start for c in doc.clauses]
    per_clause: dict[int, set[str]] = {}
    from bisect import bisect_right

    quotes = []
    for ev in assessment.findings:
        k = bisect_right(starts, ev.source.char_start or 0) - 1
        if k >= 0:
            per_clause.setdefault(k, set()).add(ev.indicator)
        quotes.append({"indicator": ev.indicator, "clause": k, "line": ev.source.line_start, "quote": ev.quote})
    return {
        "sha256": doc.source.sha256,
        "format": doc.source.format,
        "language": doc.language,
        "stated_date": stated,
        "rules_version": rules.version,
        "counts": {i: e["findings"] for i, e in assessment.indicators.items() if e["findings"]},
        "criteria": {c: assessment.criteria[c] for c in CRITERIA},
        "overall": assessment.score["overall"],
        "band": assessment.score["band"],
        "clauses": [[c.heading, c.text, sorted(per_clause.get(k, ()))] for k, c in enumerate(doc.clauses)],
        "findings": quotes,
    }


# --- the corpus: matrix and versions ----------------------------------------------------------


@dataclass
class DocumentResult:
    item: CorpusItem
    date: str | None
    date_source: str
    record: dict[str, Any] | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.record is not None


def assemble(corpus: Corpus, records: dict[str, dict | None], errors: dict[str, str],
             date_order: str = "recorded") -> list[DocumentResult]:
    """Join listing and records, give each document its date, in the matrix's order."""
    order = DATE_ORDERS[date_order]
    out = []
    for item in corpus.items:
        rec = records.get(item.id)
        date, source = resolve_date(item, rec.get("stated_date") if rec else None, order)
        out.append(DocumentResult(item, date, source, rec, errors.get(item.id)))
    out.sort(key=lambda r: (r.item.platform, r.item.document_type, r.date or "", r.item.id))
    return out


def matrix_rows(results: list[DocumentResult], catalogue: list[str]) -> list[dict[str, Any]]:
    """One row per document: identity, scores per criterion, and one count column per catalogue indicator."""
    rows = []
    for r in results:
        rec = r.record or {}
        counts = rec.get("counts", {})
        row: dict[str, Any] = {
            "platform": r.item.platform,
            "document_type": r.item.document_type,
            "date": r.date or "",
            "date_source": r.date_source,
            "recorded_date": r.item.name_date or "",
            "stated_date": rec.get("stated_date") or "",
            "language": rec.get("language") or r.item.language or "",
            "path": r.item.id,
            "sha256": rec.get("sha256", ""),
            "status": "done" if r.ok else "failed",
            "error": r.error or "",
            "clauses": len(rec.get("clauses", [])) if r.ok else None,
            "findings": sum(counts.values()) if r.ok else None,
            "overall": rec.get("overall") if r.ok else None,
            "band": rec.get("band", ""),
        }
        for c in CRITERIA:
            row[f"criterion_{c}"] = (rec.get("criteria") or {}).get(c) if r.ok else None
        for i in catalogue:
            row[i] = int(counts.get(i, 0)) if r.ok else None
        rows.append(row)
    return rows


def matrix_columns(catalogue: list[str]) -> list[str]:
    return ID_COLUMNS + [f"criterion_{c}" for c in CRITERIA] + list(catalogue)


@dataclass
class VersionPair:
    """Two successive versions of one platform's document and what changed between them."""

    platform: str
    document_type: str
    old: DocumentResult
    new: DocumentResult
    changes: list[dict[str, Any]]
    counts: dict[str, int]
    gained: list[str]
    lost: list[str]


def version_pairs(results: list[DocumentResult]) -> list[VersionPair]:
    """Successive versions of each (platform, document type), in date order, aligned clause to clause."""
    groups: dict[tuple[str, str], list[DocumentResult]] = {}
    for r in results:
        if r.ok:
            groups.setdefault((r.item.platform, r.item.document_type), []).append(r)
    pairs = []
    for (platform, doc_type), docs in sorted(groups.items()):
        docs.sort(key=lambda r: (r.date or "", r.item.id))
        for old, new in zip(docs, docs[1:]):
            pairs.append(diff_versions(platform, doc_type, old, new))
    return pairs


def diff_versions(platform: str, doc_type: str, old: DocumentResult, new: DocumentResult) -> VersionPair:
    a, b = old.record["clauses"], new.record["clauses"]
    steps = align_clauses([ClauseText(h, t) for h, t, _ in a], [ClauseText(h, t) for h, t, _ in b])
    changes = []
    for s in steps:
        if s.kind == "unchanged":
            continue
        oh, ot, oi = a[s.old] if s.old is not None else ("", "", [])
        nh, nt, ni = b[s.new] if s.new is not None else ("", "", [])
        changes.append({
            "change": s.kind,
            "old_clause": s.old,
            "new_clause": s.new,
            "old_heading": oh,
            "new_heading": nh,
            "similarity": s.similarity,
            "indicators_old": list(oi),
            "indicators_new": list(ni),
            "indicators_gained": sorted(set(ni) - set(oi)),
            "indicators_lost": sorted(set(oi) - set(ni)),
            "old_text": _flat(ot),
            "new_text": _flat(nt),
            "word_diff": word_diff(ot, nt) if s.kind in ("changed", "moved") and s.similarity < 1 else "",
        })
    old_ids = {i for i, n in old.record["counts"].items() if n}
    new_ids = {i for i, n in new.record["counts"].items() if n}
    return VersionPair(platform, doc_type, old, new, changes, counts_of(s.kind for s in steps),
                       sorted(new_ids - old_ids), sorted(old_ids - new_ids))


def _flat(text: str) -> str:
    return " ".join(text.split())


def version_rows(pairs: list[VersionPair]) -> list[dict[str, Any]]:
    rows = []
    for p in pairs:
        head = _pair_head(p)
        for c in p.changes:
            row = {**head, **c}
            for k in ("indicators_old", "indicators_new", "indicators_gained", "indicators_lost"):
                row[k] = " ".join(row[k])
            rows.append(row)
    return rows


def pair_rows(pairs: list[VersionPair]) -> list[dict[str, Any]]:
    rows = []
    for p in pairs:
        o, n = p.old.record["overall"], p.new.record["overall"]
        rows.append({**_pair_head(p), "clauses_from": len(p.old.record["clauses"]),
                     "clauses_to": len(p.new.record["clauses"]), **p.counts,
                     "indicators_gained": " ".join(p.gained), "indicators_lost": " ".join(p.lost),
                     "overall_from": o, "overall_to": n, "overall_delta": round(n - o, 4)})
    return rows


def _pair_head(p: VersionPair) -> dict[str, Any]:
    return {"platform": p.platform, "document_type": p.document_type,
            "from_date": p.old.date or "", "to_date": p.new.date or "",
            "from_path": p.old.item.id, "to_path": p.new.item.id}


# --- writing ------------------------------------------------------------------------------------


def write_table(rows: list[dict[str, Any]], columns: list[str], out: Path, stem: str, formats: set[str],
                meta: dict[str, Any]) -> list[Path]:
    """``stem.csv`` / ``.parquet`` / ``.json`` as asked; the same rows and column order in each."""
    written = []
    if "csv" in formats:
        path = out / f"{stem}.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
            w.writeheader()
            for r in rows:
                w.writerow({k: _csv_cell(r.get(k)) for k in columns})
        written.append(path)
    if "json" in formats:
        path = out / f"{stem}.json"
        body = {**meta, "columns": columns, "rows": [{k: r.get(k) for k in columns} for r in rows]}
        path.write_text(json.dumps(body, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        written.append(path)
    if "parquet" in formats:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pylist([{k: r.get(k) for k in columns} for r in rows],
                                     schema=_arrow_schema(rows, columns))
        table = table.replace_schema_metadata({k.encode(): str(v).encode() for k, v in meta.items()})
        path = out / f"{stem}.parquet"
        pq.write_table(table, path)
        written.append(path)
    return written


def _arrow_schema(rows, columns):
    import pyarrow as pa

    fields = []
    for c in columns:
        values = [r.get(c) for r in rows if r.get(c) is not None and r.get(c) != ""]
        if values and all(isinstance(v, bool) for v in values):
            t = pa.bool_()
        elif values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            t = pa.int64()
        elif values and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
            t = pa.float64()
        else:
            t = pa.string()
        fields.append(pa.field(c, t))
    return pa.schema(fields)


def _csv_cell(v):
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.4f}".rstrip("0").rstrip(".")
    return v


__all__ = ["Corpus", "CorpusItem", "CorpusError", "DocumentResult", "VersionPair", "discover_corpus", "analyze_item",
           "assemble", "matrix_rows", "matrix_columns", "version_pairs", "version_rows", "pair_rows", "write_table",
           "resolve_date", "warm_worker"]


# --- the whole run ------------------------------------------------------------------------------

FORMATS = ("csv", "parquet", "json", "html", "pdf")
STORE_NAME = "requalify.sqlite"


@dataclass
class CompareRun:
    """What a compare run produced, for the command to report."""

    corpus: Corpus
    results: list[DocumentResult]
    pairs: list[VersionPair]
    rules_version: str
    written: list[Path]
    executed: int
    skipped: int
    seconds: float

    @property
    def failed(self) -> list[DocumentResult]:
        return [r for r in self.results if not r.ok]


def compare_task(task) -> dict[str, Any]:
    """The runner's function: one corpus document (``task.extra`` holds its listing)."""
    return analyze_item({**task.extra, **task.params, "path": task.inputs[0]})


def document_tasks(corpus: Corpus, rules_version: str, date_order: str) -> list[dict[str, Any]]:
    """One runner task per document; the key covers the file, the rules and what changes the record."""
    tasks = []
    for item in corpus.items:
        tasks.append({
            "id": f"compare:{item.id}",
            "inputs": [item.path],
            "version": rules_version,
            "params": {"language": item.language, "manifest_date": item.manifest_date,
                       "name_date": item.name_date, "date_order": date_order},
            "extra": {"id": item.id, "platform": item.platform, "document_type": item.document_type},
        })
    return tasks


def compare_corpus(corpus_path: str | Path, out: str | Path, *, formats: Iterable[str] = FORMATS,
                   workers: int | None = None, engine: str = "local", scheduler: str | None = None,
                   force: bool = False, lang: str = "en", date_order: str = "recorded",
                   progress: bool = True) -> CompareRun:
    """Discover, analyse (cached, parallel), then write matrix, versions and report into ``out``."""
    import time

    from .rules import load_rules
    from .runner import Store, run_tasks

    t0 = time.perf_counter()
    corpus = discover_corpus(corpus_path)
    rules = load_rules()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    formats = set(formats)
    with Store(out / STORE_NAME) as store:
        tasks = document_tasks(corpus, rules.version, date_order)
        report = run_tasks(tasks, compare_task, store=store, workers=workers, engine=engine, scheduler=scheduler,
                           progress=progress, force=force, initializer=warm_worker, files_root=out,
                           label="documents")
        records, errors = {}, {}
        for rec in store.records([t["id"] for t in tasks]):
            item_id = rec.id.split(":", 1)[1]
            if rec.status == "done":
                records[item_id] = rec.result
            else:
                errors[item_id] = rec.error or rec.status
    results = assemble(corpus, records, errors, date_order)
    pairs = version_pairs(results)
    written = write_outputs(corpus, results, pairs, rules, out, formats, lang=lang, date_order=date_order)
    run = CompareRun(corpus, results, pairs, rules.version, written, report.done + report.failed, report.skipped,
                     time.perf_counter() - t0)
    return run


def write_outputs(corpus: Corpus, results: list[DocumentResult], pairs: list[VersionPair], rules, out: Path,
                  formats: set[str], *, lang: str, date_order: str) -> list[Path]:
    from . import __version__

    catalogue = list(rules.catalogue)
    meta = {"schema": SCHEMA_MATRIX, "rules_version": rules.version, "requalify_version": __version__,
            "date_order": "/".join(DATE_ORDERS[date_order])}
    table_formats = formats & {"csv", "json", "parquet"}
    written = write_table(matrix_rows(results, catalogue), matrix_columns(catalogue), out, "matrix", table_formats,
                          meta)
    vmeta = {**meta, "schema": SCHEMA_VERSIONS}
    written += write_table(version_rows(pairs), VERSION_COLUMNS, out, "versions", table_formats, vmeta)
    written += write_table(pair_rows(pairs), PAIR_COLUMNS, out, "version_pairs", table_formats, vmeta)
    if corpus.skipped and table_formats:
        written += write_table(corpus.skipped, ["path", "reason"], out, "skipped", table_formats & {"csv"} or
                               {"csv"}, meta)
    if formats & {"html", "pdf"}:
        from .compare_report import render_report

        written += render_report(results, pairs, rules, out, formats & {"html", "pdf"}, lang=lang,
                                 corpus=corpus, date_order=date_order)
    return written
