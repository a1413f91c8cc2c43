"""Assemble a ``Document`` once a format has produced its text: language, stated date, clauses."""

from __future__ import annotations

import re
from pathlib import Path

from ..model import Document, SourceFile
from .language import detect_language
from .segment import Heading, line_starts_of, segment

_MONTHS = {
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
    "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12, "decembre": 12,
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
}
_M = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE = (
    rf"(?P<d1>\d{{1,2}})[/.](?P<m1>\d{{1,2}})[/.](?P<y1>\d{{4}})"
    rf"|(?P<d2>\d{{1,2}})(?:er|st|nd|rd|th)?\s+(?P<m2>{_M})\s+(?P<y2>\d{{4}})"
    rf"|(?P<m3>{_M})\s+(?P<d3>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y3>\d{{4}})"
    rf"|(?P<y4>\d{{4}})-(?P<m4>\d{{2}})-(?P<d4>\d{{2}})"
)
_STATED = re.compile(
    r"(derni[eè]re\s+mise\s+[àa]\s+jour|mise\s+[àa]\s+jour|date\s+de\s+modification|modifi[ée]e?s?\s+le|version\s+du|"
    r"en\s+vigueur\s+(?:[àa]\s+compter\s+du|au|le)|last\s+updated|updated|last\s+modified|effective\s+(?:as\s+of|from|date)|valid\s+as\s+of)"
    rf"\s*(?:on|le|:|-)?\s*:?\s*(?:{_DATE})",
    re.IGNORECASE,
)
_PATH_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")


def _iso(m: re.Match) -> str | None:
    g = m.groupdict()
    for i in "1234":
        if g.get(f"y{i}"):
            y, mo, d = g[f"y{i}"], g[f"m{i}"], g[f"d{i}"]
            month = int(mo) if mo.isdigit() else _MONTHS.get(mo.lower())
            try:
                day = int(d)
            except (TypeError, ValueError):
                return None
            if month and 1 <= month <= 12 and 1 <= day <= 31:
                return f"{int(y):04d}-{month:02d}-{day:02d}"
    return None


def stated_date(text: str) -> str | None:
    """The date the document says it was last updated or took effect, as ISO 8601."""
    m = _STATED.search(text[:20000]) or _STATED.search(text)
    return _iso(m) if m else None


def path_metadata(path: Path) -> dict[str, str]:
    """``<platform>/<document-type>_<YYYY-MM-DD>.<ext>``, the Open Terms Archive-style layout."""
    meta: dict[str, str] = {}
    stem = path.stem
    m = _PATH_DATE.search(stem)
    if m:
        meta["recorded_date"] = m.group(1)
        stem = stem[: m.start()].rstrip("_- ")
    if stem:
        meta["document_type"] = stem
    if path.parent.name and path.parent.name not in (".", ""):
        meta["platform"] = path.parent.name
    return meta


def build_document(
    source: SourceFile,
    text: str,
    *,
    headings: list[Heading] | None = None,
    line_starts: tuple[int, ...] | None = None,
    page_starts: tuple[int, ...] = (),
    wrap_mode: bool = False,
    metadata: dict | None = None,
) -> Document:
    language = detect_language(text)
    line_starts = line_starts if line_starts is not None else line_starts_of(text)
    clauses = segment(
        text, headings, line_starts, page_starts, wrap_mode,
        preamble="Préambule" if language == "fr" else "Preamble",
    )
    meta = dict(metadata or {})
    meta.update(path_metadata(Path(source.path)))
    date = stated_date(text)
    if date:
        meta["stated_date"] = date
    return Document(source=source, text=text, clauses=clauses, language=language, metadata=meta,
                    page_starts=page_starts, line_starts=line_starts)
