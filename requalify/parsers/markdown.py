"""Markdown: markup is dropped and each clause keeps the file's own line numbers.

Headings come from ``#`` lines, setext underlines and lines that are bold and
nothing else (how Open Terms Archive renders many contract headings).
"""

from __future__ import annotations

import re
from pathlib import Path

from ..model import Document, SourceFile
from . import register
from ._document import build_document
from .segment import DROPPED, Heading, compact
from .textio import decode_text

_ATX = re.compile(r"^( {0,3})(#{1,6})([ \t]+|$)(.*?)[ \t#]*$", re.M)
_SETEXT = re.compile(r"^([^\n]*\S[^\n]*)\n {0,3}(=+|-{3,})[ \t]*$", re.M)
_BOLD_LINE = re.compile(r"^[ \t]*(\*\*|__)(?P<inner>[^\n]{1,150}?)\1[ \t]*$", re.M)
_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_LINK = re.compile(r"\[(?P<label>[^\]\n]*)\](?P<target>\([^)\n]*\)|\[[^\]\n]*\])")
_AUTOLINK = re.compile(r"<(?:https?|mailto):[^>\s]+>")
_HTML_TAG = re.compile(r"</?[a-zA-Z][^>\n]{0,300}>")
_EMPHASIS = re.compile(r"\*\*|__|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])|`+")
_ESCAPE = re.compile(r"\\(?=[\\`*_{}\[\]()#+\-.!|>~])")
_BLOCK_PREFIX = re.compile(r"^( {0,3}>[ >]*| {0,6}[-*+](?=\s)| {0,3}\|)", re.M)
_TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t:]*-{3,}[ \t:|\-]*$", re.M)
_PIPE = re.compile(r"\|")


def _drop(chars: list[str], start: int, end: int) -> None:
    for i in range(start, end):
        if chars[i] != "\n":
            chars[i] = DROPPED


def mask_markdown(text: str) -> tuple[list[str], list[Heading]]:
    chars = list(text)
    headings: list[Heading] = []
    for m in _ATX.finditer(text):
        _drop(chars, m.start(2), m.end(3))
        if m.group(4).strip():
            headings.append(Heading(m.start(4), m.end(4), len(m.group(2))))
    for m in _SETEXT.finditer(text):
        if _ATX.match(m.group(1)) or m.group(1).lstrip().startswith(("|", "-", "*", ">")):
            continue
        _drop(chars, m.start(2), m.end(2))
        headings.append(Heading(m.start(1), m.end(1), 1 if m.group(2)[0] == "=" else 2))
    for m in _BOLD_LINE.finditer(text):
        inner = m.group("inner")
        if inner.strip() and len(inner) <= 120 and not inner.rstrip().endswith((".", ";", ",")):
            headings.append(Heading(m.start("inner"), m.end("inner"), 4))
    for rx in (_IMAGE, _AUTOLINK, _HTML_TAG, _TABLE_RULE):
        for m in rx.finditer(text):
            _drop(chars, m.start(), m.end())
    for m in _LINK.finditer(text):
        _drop(chars, m.start(), m.start() + 1)
        _drop(chars, m.end("label"), m.end())
    for rx in (_EMPHASIS, _ESCAPE, _BLOCK_PREFIX):
        for m in rx.finditer(text):
            if rx is _BLOCK_PREFIX and m.group(0).strip() in ("-", "*", "+"):
                continue  # keep list bullets: they open a new paragraph in segmentation
            _drop(chars, m.start(), m.end())
    for m in _PIPE.finditer(text):
        chars[m.start()] = " " if chars[m.start()] != DROPPED else DROPPED
    headings = [_trim(h, chars) for h in headings]
    return chars, sorted({h for h in headings if h is not None}, key=lambda h: h.start)


def _trim(h: Heading, chars: list[str]) -> Heading | None:
    s, e = h.start, h.end
    while s < e and (chars[s].isspace() or chars[s] == DROPPED):
        s += 1
    while e > s and (chars[e - 1].isspace() or chars[e - 1] == DROPPED):
        e -= 1
    return Heading(s, e, h.level) if e > s else None


@register("md", (".md", ".markdown"), sniff=lambda head: False, priority=-5)
def parse(path: Path, data: bytes, source: SourceFile, **_options) -> Document:
    raw, encoding = decode_text(data, path)
    masked, headings = mask_markdown(raw)
    text, line_starts, headings = compact(raw, masked, headings)
    return build_document(source, text, headings=headings, line_starts=line_starts, metadata={"encoding": encoding})
