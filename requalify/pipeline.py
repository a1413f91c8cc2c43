"""``analyze``: parse -> detect -> score, for one worker's case.

The one function that chains the stages; each stage is imported only when its inputs
are present, so a terms-only case never loads pandas and an activity-only case never
loads spaCy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from .errors import InputError, UnsupportedLanguage
from .model import Assessment, Evidence, Skipped, SourceFile

TOS_SUFFIXES = (".pdf", ".md", ".markdown", ".html", ".htm", ".txt", ".docx")
ACTIVITY_SUFFIXES = (".csv", ".tsv", ".json", ".xlsx", ".zip")
MAX_CASE_ENTRIES = 10_000
CASE_FILES = ("case.yaml", "member.yaml")
CASE_KEYS = ("name", "platform", "period", "language")
DOSSIER_LANGUAGES = ("fr", "en")


def read_case_file(path: str | Path) -> dict[str, Any]:
    """A ``case.yaml`` / union ``member.yaml``: the worker's name, platform, period, dossier language.

    Read with the rules' safe YAML loader; an unknown key or language is an input error,
    so a typo does not silently leave the cover blank. ``worker`` is accepted for ``name``.
    """
    from .rules import load_yaml_bytes

    path = Path(path)
    data, problems = load_yaml_bytes(path.read_bytes(), str(path))
    if problems:
        raise InputError(path, f"invalid YAML: {problems[0]}", code="RQ305")
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError(path, "must be a mapping of name, platform, period, language", code="RQ305")
    if "worker" in data and "name" not in data:
        data = {("name" if k == "worker" else k): v for k, v in data.items()}
    unknown = sorted(set(map(str, data)) - set(CASE_KEYS))
    if unknown:
        raise InputError(path, f"unknown key(s): {', '.join(unknown)}", f"allowed: {', '.join(CASE_KEYS)}",
                         code="RQ305")
    meta = {k: data[k] for k in CASE_KEYS if data.get(k) is not None}
    for k in ("name", "platform", "language"):
        if k in meta:
            meta[k] = str(meta[k]).strip()
    if "period" in meta and not isinstance(meta["period"], (str, dict)):
        meta["period"] = str(meta["period"])
    if isinstance(meta.get("period"), dict):
        meta["period"] = {str(k): str(v) for k, v in meta["period"].items()}
    if "language" in meta and meta["language"] not in DOSSIER_LANGUAGES:
        raise InputError(path, f"language {meta['language']!r} is not a dossier language",
                         f"use one of {', '.join(DOSSIER_LANGUAGES)}", code="RQ305")
    return meta


def read_case_metadata(folder: str | Path) -> dict[str, Any]:
    """The case file of a case folder, if it has one (see :func:`read_case_file`)."""
    for name in CASE_FILES:
        f = Path(folder) / name
        if f.is_file():
            return read_case_file(f)
    return {}


def _activity_test():
    try:
        from .parsers.activity import is_activity_file
    except ImportError:
        return None
    return is_activity_file


def collect_case_dir(path, *, exclude: Iterable[str | Path] = ()) -> tuple[list[Path], list[Path]]:
    """Split a case folder into terms documents and activity exports.

    A sub-folder holding an activity export (an unzipped data download) is one activity
    input; other sub-folders are searched for terms documents. Hidden files and files of
    other types are left out; :func:`collect_case` says which and why.
    """
    tos, activity, _ = _collect(Path(path), exclude)
    return tos, activity


def collect_case(path, *, exclude: Iterable[str | Path] = ()) -> tuple[list[Path], list[Path], list[Skipped]]:
    """:func:`collect_case_dir` plus the files left out and why (for ``Assessment.skipped``)."""
    return _collect(Path(path), exclude)


def _collect(root: Path, exclude: Iterable[str | Path]) -> tuple[list[Path], list[Path], list[Skipped]]:
    if not root.exists():
        raise InputError(root, "case folder not found", code="RQ304")
    if not root.is_dir():
        raise InputError(root, "is a file, not a case folder", "pass it with --tos or --activity instead")
    excluded = {Path(p).resolve() for p in exclude}
    is_activity = _activity_test()
    tos: list[Path] = []
    activity: list[Path] = []
    skipped: list[Skipped] = []
    seen = 0

    def visit(folder: Path) -> None:
        nonlocal seen
        try:
            entries = sorted(folder.iterdir())
        except OSError as exc:
            skipped.append(Skipped(str(folder), f"cannot list folder: {exc.strerror or exc}"))
            return
        for p in entries:
            seen += 1
            if seen > MAX_CASE_ENTRIES:
                raise InputError(root, f"more than {MAX_CASE_ENTRIES} files in the case folder",
                                 "point at the worker's own folder")
            if p.resolve() in excluded:
                continue
            if p.name.startswith("."):
                skipped.append(Skipped(str(p), "hidden file"))
                continue
            if folder == root and p.name in CASE_FILES:
                continue
            if p.is_symlink():
                skipped.append(Skipped(str(p), "symbolic link not followed"))
                continue
            if p.is_dir():
                if is_activity(p) if is_activity else False:
                    activity.append(p)
                else:
                    visit(p)
                continue
            suffix = p.suffix.lower()
            if is_activity is not None and is_activity(p):
                activity.append(p)
            elif suffix in TOS_SUFFIXES:
                tos.append(p)
            elif is_activity is None and suffix in ACTIVITY_SUFFIXES:
                activity.append(p)
            else:
                skipped.append(Skipped(str(p), "neither a terms-of-service document nor an activity export", "RQ301"))

    visit(root)
    if not tos and not activity:
        raise InputError(root, "no terms-of-service document or activity export found",
                         f"terms: {' '.join(TOS_SUFFIXES)}; exports: {' '.join(ACTIVITY_SUFFIXES)} or an unzipped data download")
    return tos, activity, skipped


def _period(log, metrics: dict) -> dict[str, str] | None:
    """First and last day the export covers (UTC), unless the activity stage already says."""
    given = (log.metadata or {}).get("period") or metrics.get("period")
    if given:
        return given
    first = last = None
    for frame in (log.tables or {}).values():
        for col in getattr(frame, "columns", []):
            if str(getattr(frame[col], "dtype", "")).startswith("datetime64") and len(frame[col].dropna()):
                lo, hi = frame[col].min(), frame[col].max()
                first = lo if first is None or lo < first else first
                last = hi if last is None or hi > last else last
    if first is None:
        return None
    return {"start": first.date().isoformat(), "end": last.date().isoformat()}


def check_document_language(doc) -> None:
    """Refuse a document the engine cannot read, naming the language found (exit 3, RQ330)."""
    from .engine import SUPPORTED_LANGUAGES
    from .parsers.language import LANGUAGE_NAMES

    if doc.language not in SUPPORTED_LANGUAGES:
        name = LANGUAGE_NAMES.get(doc.language, doc.language)
        supported = ", ".join(f"{LANGUAGE_NAMES.get(c, c)} ({c})" for c in SUPPORTED_LANGUAGES)
        reason = ("could not tell the document's language" if doc.language == "unknown"
                  else f"document language is {name} ({doc.language}), which requalify cannot analyse")
        raise UnsupportedLanguage(doc.source.path, reason, f"supported: {supported}")




@dataclass
class DocumentAnalysis:
    """One terms document parsed and read: what ``analyze`` needs of it, small enough to cache
    (``requalify batch`` analyses a platform's terms once for all its members)."""

    source: SourceFile
    findings: list[Evidence]
    language: str
    clauses: int
    date: str | None
    audience: str = "workers"  # or "customers": rider terms, where "you" is not the worker
    set_aside: list[Evidence] = field(default_factory=list)  # customers' terms: sentences not naming the workers

    def summary(self) -> dict[str, Any]:
        return {"path": self.source.path, "sha256": self.source.sha256, "language": self.language,
                "date": self.date, "clauses": self.clauses, "audience": self.audience,
                "set_aside": [{"indicator": e.indicator, "quote": e.quote, "page": e.source.page,
                               "line_start": e.source.line_start, "line_end": e.source.line_end}
                              for e in self.set_aside]}


def analyze_document(path: str | Path, rules, *, ocr: bool = False) -> DocumentAnalysis:
    """Parse one terms document, check its language and detect its text findings."""
    from .engine import detect_text_and_set_aside, document_audience
    from .parsers import parse_document

    doc = parse_document(path, ocr=ocr)
    check_document_language(doc)
    meta = doc.metadata or {}
    date = meta.get("stated_date") or meta.get("recorded_date") or meta.get("date")
    audience = document_audience(doc.text, doc.language, rules)
    findings, set_aside = detect_text_and_set_aside(doc, rules, audience)
    return DocumentAnalysis(doc.source, findings, doc.language, len(doc.clauses),
                            str(date)[:10] if date else None, audience, set_aside)


def analyze(tos: Iterable[str | Path] = (), activity: Iterable[str | Path] = (), *, rules=None,
            worker: str | None = None, platform: str | None = None, lang: str = "fr",
            skipped: Iterable[Skipped] = (), mapping: str | Path | None = None, ocr: bool = False,
            relative_to: str | Path | None = None, documents: Iterable[DocumentAnalysis] = (),
            period: Any = None) -> Assessment:
    """Parse, detect and score one case; the Assessment every report is drawn from.

    ``documents`` are terms documents already analysed (see :func:`analyze_document`);
    ``mapping`` is a column-mapping file for exports no adapter knows; ``ocr`` lets
    scanned PDFs be read by tesseract; ``period`` is the period covered when the
    exports do not tell it; with ``relative_to`` (the case folder) every path is
    recorded relative to it, so the same case gives the same bytes wherever it is
    stored or analysed from.
    """
    from .scoring import score

    tos, activity, documents = [Path(p) for p in tos], [Path(p) for p in activity], list(documents)
    if not tos and not activity and not documents:
        raise InputError("(no input)", "nothing to analyse", "give --tos FILE and/or --activity FILE, or a case folder")
    if rules is None:
        from .rules import load_rules

        rules = load_rules()

    documents += [analyze_document(path, rules, ocr=ocr) for path in tos]
    findings: list[Evidence] = [f for d in documents for f in d.findings]
    inputs: list[SourceFile] = [d.source for d in documents]
    skipped_all: list[Skipped] = list(skipped)
    metrics: dict[str, Any] = {}
    series: dict[str, Any] = {}
    case: dict[str, Any] = {"worker": worker, "platform": platform, "language": lang, "period": period}

    if activity:
        from .engine.data import detect_activity
        from .parsers.activity import parse_activity

        log = parse_activity(activity, mapping=mapping)
        found, metrics, series = detect_activity(log, rules)
        findings.extend(found)
        inputs.extend(log.sources)
        skipped_all.extend(log.skipped)
        metrics, series = dict(metrics or {}), dict(series or {})
        case["period"] = _period(log, metrics) or period

    case["documents"] = [d.summary() for d in documents]
    case["document_dates"] = {d.source.sha256: d.date for d in documents if d.date}
    assessment = score(findings, rules, inputs=inputs, metrics=metrics, series=series, skipped=skipped_all, case=case)
    return paths_relative_to(assessment, relative_to) if relative_to is not None else assessment


def paths_relative_to(assessment: Assessment, folder: str | Path) -> Assessment:
    """Every path under ``folder`` rewritten relative to it (ZIP members keep their ``!/`` suffix)."""
    import os

    from .model import transform

    prefix = str(Path(folder))
    prefix = prefix if prefix.endswith(os.sep) else prefix + os.sep

    def leaf(value, key):
        if isinstance(value, str) and value.startswith(prefix):
            return value[len(prefix):]
        return value

    return transform(assessment, leaf)
