"""Clause segmentation shared by every document format.

Formats hand over ``text``, which is either the decoded source with its markup
blanked out character for character (Markdown, HTML, plain text: same length as
the source, so offsets and line numbers are the source's) or the extracted text
(PDF, DOCX), plus the headings their markup makes explicit. This module finds the
headings the words make (``Article 7``, ``7.2``, ``ARTICLE VII``, ``Section 3 –``),
builds each paragraph's heading path and returns located clauses.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from ..model import Clause

_ROMAN = r"[IVXLC]{1,7}"
_ARTICLE = re.compile(
    rf"^(?:article|art\.)\s+(?P<num>\d{{1,3}}(?:[.\-]\d{{1,3}})*|{_ROMAN}|premier|1er|first)\b\.?(?P<rest>.*)$",
    re.IGNORECASE,
)
_DIVISION = re.compile(
    rf"^(?P<kind>section|chapitre|chapter|titre|title|partie|part|annexe|annex|schedule|appendix|appendice)"
    rf"\s+(?P<num>\d{{1,3}}(?:\.\d{{1,3}})*|{_ROMAN}|[A-Z])\b\.?(?P<rest>.*)$",
    re.IGNORECASE,
)
_NUMBERED = re.compile(r"^(?P<num>\d{1,3}(?:\.\d{1,3})+)\.?(?=\s|$)\s*(?P<rest>.*)$|^(?P<num1>\d{1,3})[.)](?=\s|$)\s*(?P<rest1>.*)$")
_ROMAN_ITEM = re.compile(rf"^(?P<num>{_ROMAN})[.)]\s+(?P<rest>\S.*)$")
_LETTER_ITEM = re.compile(r"^\(?(?P<num>[a-z]|[ivx]{1,4})\)\s*(?P<rest>\S.*)$|^(?P<num1>[a-z])\.\s+(?P<rest1>\S.*)$")
_BULLET = re.compile(r"^[-*•–—·▪◦]\s+\S")
_CAPS_HEADING = re.compile(r"^[^a-zà-ÿ]*[A-ZÀ-Ý]{3,}[^a-zà-ÿ]*$")
_SPACED_DOT = re.compile(r"(\d) \.(?=\s|\d|$)")
_SENTENCE_END = re.compile(r"[.;:!?»”\")]$")

RANK_DIVISION = 2
RANK_ARTICLE = 3
RANK_CAPS = 3
RANK_LETTER = 10
LABEL_MAX = 70


@dataclass(frozen=True)
class Heading:
    """A heading span the format's markup makes explicit (Markdown ``#``, HTML ``<h2>``, DOCX styles)."""

    start: int
    end: int
    level: int


@dataclass
class _Block:
    start: int
    end: int
    heading_rank: int | None = None
    label: str | None = None
    has_body: bool = True


def line_starts_of(text: str) -> tuple[int, ...]:
    starts = [0]
    find = text.find
    i = find("\n")
    while i != -1:
        starts.append(i + 1)
        i = find("\n", i + 1)
    return tuple(starts)


DROPPED = "\x00"


def compact(raw: str, masked: list[str], headings: list[Heading] = ()) -> tuple[str, tuple[int, ...], list[Heading]]:
    """Remove the characters a format marked ``DROPPED`` (markup) from ``masked``.

    Returns the text, the offsets in that text where each *source* line begins
    (so a clause's lines are the source file's lines) and the headings moved to
    text offsets.
    """
    out: list[str] = []
    line_starts = [0]
    src_to_text = [0] * (len(raw) + 1)
    for i, ch in enumerate(masked):
        src_to_text[i] = len(out)
        if ch != DROPPED:
            out.append(ch)
        if raw[i] == "\n":
            line_starts.append(len(out))
    src_to_text[len(raw)] = len(out)
    moved = [Heading(src_to_text[h.start], src_to_text[h.end], h.level) for h in headings]
    return "".join(out), tuple(line_starts), [h for h in moved if h.end > h.start]


def _shorten(label: str) -> str:
    label = _SPACED_DOT.sub(r"\1.", " ".join(label.split())).strip(" -–—:.")
    return label if len(label) <= LABEL_MAX else label[: LABEL_MAX - 1].rstrip() + "…"


def _is_title(rest: str) -> bool:
    rest = rest.strip()
    return bool(rest) and len(rest) <= 100 and not _SENTENCE_END.search(rest)


def classify_line(line: str, wrap_mode: bool = False) -> tuple[int | None, str | None, bool]:
    """(heading rank, path label, carries body text) for a block's first line; rank None = not a heading."""
    s = _SPACED_DOT.sub(r"\1.", line.strip().strip("*_ ").strip())
    if not s:
        return None, None, False
    m = _ARTICLE.match(s)
    if m:
        rest = m.group("rest").strip(" -–—:.")
        word = "Article"
        label = f"{word} {m.group('num')}"
        if rest and _is_title(rest):
            return RANK_ARTICLE, _shorten(f"{label} – {rest}"), False
        return RANK_ARTICLE, label, bool(rest)
    m = _DIVISION.match(s)
    if m:
        kind = m.group("kind").lower()
        rank = RANK_ARTICLE if kind in ("section", "annexe", "annex", "schedule", "appendix", "appendice") else RANK_DIVISION
        rest = m.group("rest").strip(" -–—:.")
        label = f"{m.group('kind').capitalize()} {m.group('num')}"
        if not rest or _is_title(rest):
            return rank, _shorten(f"{label} – {rest}" if rest else label), False
    m = _NUMBERED.match(s)
    if m:
        num = m.group("num") or m.group("num1")
        rest = (m.group("rest") if m.group("num") else m.group("rest1")) or ""
        depth = num.count(".") + 1
        rank = RANK_ARTICLE + depth
        if not rest.strip():
            return rank, num, False
        if _is_title(rest) and ((len(rest) <= 60 and len(rest.split()) <= 8) or rest.isupper()):
            return rank, _shorten(f"{num}{'' if m.group('num') else '.'} {rest}"), False
        return rank, num, True
    m = _ROMAN_ITEM.match(s)
    if m and _is_title(m.group("rest")):
        return RANK_DIVISION, _shorten(s), False
    m = _LETTER_ITEM.match(s)
    if m:
        num = m.group("num") or m.group("num1")
        return RANK_LETTER, f"{num})", True
    if len(s) <= 80 and _CAPS_HEADING.match(s) and len(s.split()) <= 12 and not _SENTENCE_END.search(s):
        return RANK_CAPS, _shorten(s), False
    return None, None, True


def _full_line_width(text: str) -> int:
    """Length of a full line in hard-wrapped text (90th percentile), to tell a paragraph's short last line."""
    lens = sorted(len(line.strip()) for line in text.split("\n") if len(line.strip()) > 20)
    return lens[int(len(lens) * 0.9)] if len(lens) >= 5 else 0


def _blocks(text: str, headings: list[Heading], wrap_mode: bool) -> list[_Block]:
    explicit = {h.start: h for h in headings}
    heading_starts = sorted(explicit)
    blocks: list[_Block] = []
    cur: _Block | None = None
    prev_len = 0
    lens: list[int] = []
    pos = 0
    n = len(text)
    full_width = _full_line_width(text) if wrap_mode else 0

    def close():
        nonlocal cur
        if cur is not None:
            blocks.append(cur)
            cur = None

    while pos <= n:
        nl = text.find("\n", pos)
        end = n if nl == -1 else nl
        line = text[pos:end]
        stripped = line.strip()
        lstart = pos + (len(line) - len(line.lstrip()))
        if not stripped:
            close()
        else:
            # an explicit heading that starts on this line (markup may leave leading blanks)
            i = bisect_right(heading_starts, end) - 1
            h = explicit.get(heading_starts[i]) if i >= 0 and heading_starts[i] >= pos else None
            if h is not None:
                close()
                rank, label, _ = classify_line(text[h.start:h.end])
                label = label if rank is not None and rank != RANK_LETTER else _shorten(text[h.start:h.end])
                blocks.append(_Block(lstart, max(h.end, lstart + len(stripped)), h.level, label or None, False))
                pos = (h.end if h.end > end else end) + 1
                if h.end > end:
                    nxt = text.find("\n", h.end)
                    pos = n + 1 if nxt == -1 else nxt + 1
                prev_len = 0
                continue
            rank, label, body = classify_line(stripped, wrap_mode)
            starts_item = rank is not None or bool(_BULLET.match(stripped))
            if wrap_mode and cur is not None and not starts_item and full_width:
                if _SENTENCE_END.search(text[cur.start:cur.end].rstrip()) and prev_len < 0.85 * full_width:
                    close()
            if starts_item or cur is None:
                close()
                if rank is not None and not body:
                    blocks.append(_Block(lstart, lstart + len(stripped), rank, label, False))
                    prev_len = 0
                    pos = end + 1
                    continue
                cur = _Block(lstart, lstart + len(stripped), rank, label, True)
            else:
                cur.end = lstart + len(stripped)
            prev_len = len(stripped)
            lens.append(prev_len)
        pos = end + 1
    close()
    return blocks


_PAGE_LINE = re.compile(r"^\s*page\s+\d{1,4}\s*(?:of|sur|/|de)\s*\d{1,4}\s*$", re.I)
_CONTINUES = re.compile(r"[,\w\-–(]$")


def _merge_wrapped(text: str, blocks: list[_Block]) -> list[_Block]:
    """Join paragraphs cut by hard wraps (PDF text pasted with a blank line after every line)."""
    out: list[_Block] = []
    for b in blocks:
        prev = out[-1] if out else None
        if (
            prev is not None and b.heading_rank is None and prev.has_body
            and _CONTINUES.search(text[prev.start:prev.end])
            and text[b.start:b.start + 1].islower()
        ):
            prev.end = b.end
            continue
        out.append(b)
    return out


def segment(
    text: str,
    headings: list[Heading] | None = None,
    line_starts: tuple[int, ...] | None = None,
    page_starts: tuple[int, ...] = (),
    wrap_mode: bool = False,
    preamble: str = "Preamble",
) -> list[Clause]:
    """Cut ``text`` into clauses with heading paths and locations.

    ``wrap_mode`` is for extracted PDF text, where paragraphs are not separated by
    blank lines: a short line ending a sentence then closes the paragraph.
    """
    line_starts = line_starts if line_starts is not None else line_starts_of(text)
    stack: list[tuple[int, str]] = []
    clauses: list[Clause] = []
    for b in _merge_wrapped(text, _blocks(text, headings or [], wrap_mode)):
        if b.heading_rank is not None and b.label:
            while stack and stack[-1][0] >= b.heading_rank:
                stack.pop()
            if not b.has_body:
                stack.append((b.heading_rank, b.label))
                continue
            path = tuple(label for _, label in stack) + (b.label,)
            if b.heading_rank < RANK_LETTER:
                stack.append((b.heading_rank, b.label))
        else:
            path = tuple(label for _, label in stack) or (preamble,)
        body = text[b.start:b.end]
        if not any(ch.isalnum() for ch in body) or _PAGE_LINE.match(body):
            continue
        clauses.append(
            Clause(
                index=len(clauses),
                heading_path=path,
                text=body,
                char_start=b.start,
                char_end=b.end,
                line_start=bisect_right(line_starts, b.start),
                line_end=bisect_right(line_starts, max(b.start, b.end - 1)),
                page=bisect_right(page_starts, b.start) if page_starts else None,
            )
        )
    return clauses
