"""The nouns passed between stages: parsers -> engine -> scoring -> report.

Every stage takes and returns these types and nothing else, so a stage can be
replaced or tested without knowing another's internals. Heavy libraries (pandas)
are never imported here: ``ActivityLog.tables`` holds DataFrames but this module
does not need to know it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import asdict, dataclass, field
from typing import Any, Callable

POLARITIES = ("+", "-", "0")
CRITERIA = ("direction", "control", "sanction", "organised_service", "dependence")


@dataclass(frozen=True)
class SourceFile:
    """One input file as it is listed in the bordereau de pièces."""

    path: str
    sha256: str
    size: int
    kind: str  # "tos" | "activity"
    format: str  # "pdf", "md", "uber-driver-eu-2021", ...
    extraction: str | None = None  # how the text was obtained when not read directly, e.g. "ocr (tesseract 5.3.0)"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        if d["extraction"] is None:
            del d["extraction"]
        return d


@dataclass(frozen=True)
class Clause:
    """The unit a lawyer quotes: a paragraph with its heading path and exact location.

    ``char_start``/``char_end`` index ``Document.text``; for text formats that text
    is a same-length mask of the decoded source, so the offsets are also offsets
    into the source and ``line_start``/``line_end`` are the source file's lines.
    """

    index: int
    heading_path: tuple[str, ...]
    text: str
    char_start: int
    char_end: int
    line_start: int | None = None
    line_end: int | None = None
    page: int | None = None

    @property
    def heading(self) -> str:
        return " > ".join(self.heading_path)

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "heading_path": list(self.heading_path),
            "heading": self.heading,
            "text": self.text,
            "char_start": self.char_start,
            "char_end": self.char_end,
            "line_start": self.line_start,
            "line_end": self.line_end,
            "page": self.page,
        }


@dataclass
class Document:
    """A terms-of-service document turned into located clauses."""

    source: SourceFile
    text: str
    clauses: list[Clause]
    language: str  # ISO 639-1 code, or "unknown"
    metadata: dict[str, Any] = field(default_factory=dict)
    page_starts: tuple[int, ...] = ()  # char offset where each page begins (PDF/DOCX)
    line_starts: tuple[int, ...] = ()  # char offset where each source line begins

    def line_at(self, offset: int) -> int | None:
        """1-based line of ``offset`` (source line for text formats)."""
        if not self.line_starts:
            return None
        from bisect import bisect_right

        return bisect_right(self.line_starts, offset)

    def page_at(self, offset: int) -> int | None:
        if not self.page_starts:
            return None
        from bisect import bisect_right

        return bisect_right(self.page_starts, offset)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source.to_dict(),
            "language": self.language,
            "metadata": self.metadata,
            "pages": len(self.page_starts) or None,
            "clauses": [c.to_dict() for c in self.clauses],
        }


@dataclass(frozen=True)
class Skipped:
    """An input (or a member of a ZIP) that could not be used, and why."""

    path: str
    reason: str
    code: str = "RQ300"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ActivityLog:
    """A worker's activity export mapped onto canonical pandas tables.

    Table names: ``sessions``, ``offers``, ``trips``, ``payments``, ``events``,
    ``locations``. Every row carries ``source_file`` and ``source_row`` (1-based
    data row of the export file) so each figure can point back to its rows.
    """

    sources: list[SourceFile]
    tables: dict[str, Any]
    skipped: list[Skipped] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Indicator:
    """One catalogue entry, loaded from ``rules/indicators/<id>.yaml`` (the file is the authority;
    ``spec`` keeps it whole for the stage that needs its patterns or data tests)."""

    id: str
    kind: str  # "text" | "data"
    polarity: str
    criterion: str | None
    weight: float
    label: dict[str, str]
    sources: tuple[str, ...] = ()
    spec: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Location:
    """Where a finding comes from: a quote's place in a document or a figure's rows."""

    path: str
    sha256: str
    page: int | None = None
    clause: str | None = None
    line_start: int | None = None
    line_end: int | None = None
    char_start: int | None = None
    char_end: int | None = None
    rows: tuple[int, int] | None = None

    def to_dict(self) -> dict[str, Any]:
        d = {
            "path": self.path,
            "sha256": self.sha256,
            "page": self.page,
            "clause": self.clause,
            "line_start": self.line_start,
            "line_end": self.line_end,
            "char_start": self.char_start,
            "char_end": self.char_end,
        }
        if self.rows is not None:
            d["rows"] = list(self.rows)
        return d


@dataclass(frozen=True)
class Evidence:
    """One finding: an indicator seen in a quote or in a data figure."""

    indicator: str
    polarity: str
    criterion: str | None
    strength: float
    source: Location
    quote: str | None = None
    figure: dict[str, Any] | None = None  # {"value": 0.62, "unit": "share", "label": "..."}
    cue: str | None = None  # the pattern or test that fired, for the methodology annex

    def to_dict(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator,
            "polarity": self.polarity,
            "criterion": self.criterion,
            "strength": round(float(self.strength), 4),
            "quote": self.quote,
            "figure": self.figure,
            "source": self.source.to_dict(),
            "cue": self.cue,
        }


@dataclass
class Assessment:
    """Everything the report needs: evidence, scores, precedent alignment, inputs, rules version."""

    rules_version: str
    inputs: list[SourceFile]
    indicators: dict[str, dict[str, Any]]
    findings: list[Evidence]
    metrics: dict[str, Any]
    criteria: dict[str, float]
    profiles: dict[str, dict[str, Any]]
    score: dict[str, Any]
    skipped: list[Skipped] = field(default_factory=list)
    case: dict[str, Any] = field(default_factory=dict)  # worker, platform, period, language
    series: dict[str, Any] = field(default_factory=dict)  # chart-ready aggregates of the activity export

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": "requalify.assessment/1",
            "rules_version": self.rules_version,
            "case": self.case,
            "inputs": [i.to_dict() for i in self.inputs],
            "skipped": [s.to_dict() for s in self.skipped],
            "indicators": self.indicators,
            "findings": [f.to_dict() for f in self.findings],
            "metrics": self.metrics,
            "criteria": self.criteria,
            "profiles": self.profiles,
            "score": self.score,
            "series": self.series,
        }


def transform(value: Any, leaf: Callable[[Any, str | None], Any], key: str | None = None) -> Any:
    """A copy of a model object (dataclasses, dicts, lists) with ``leaf(value, key)`` applied to
    every non-container value; ``key`` is the field or dict key holding it. Stages that rewrite an
    Assessment as a whole (pseudonymisation, relative paths) use this one walk."""
    if isinstance(value, dict):
        return {transform(k, leaf) if isinstance(k, str) else k: transform(v, leaf, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(transform(v, leaf, key) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(value, **{f.name: transform(getattr(value, f.name), leaf, f.name)
                                             for f in dataclasses.fields(value) if f.init})
    return leaf(value, key)
