"""HTML: tags, scripts, styles and navigation are dropped; clauses keep the HTML file's line numbers.

Block-level tags become line breaks, inline tags vanish as a browser renders them. Nothing is fetched and nothing is executed: this is a scan of
characters, not a browser.
"""

from __future__ import annotations

import html as htmllib
import re
from pathlib import Path

from ..model import Document, SourceFile
from . import register
from ._document import build_document
from .segment import DROPPED, Heading, compact
from .textio import decode_text

_DROP = ("script", "style", "noscript", "template", "svg", "iframe", "object", "embed", "nav", "head",
         "button", "select", "form", "canvas", "math", "audio", "video", "header", "footer", "aside")
_DROP_OPEN = re.compile(r"<(%s)\b[^>]{0,4000}>" % "|".join(_DROP), re.I)
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)|<!\[CDATA\[.*?(?:\]\]>|\Z)|<![^>]*>|<\?[^>]*>", re.S)
_TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9:-]{0,64})\b(?:[^>\"']|\"[^\"]{0,4000}\"|'[^']{0,4000}'){0,4000}>")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});?")
_BLOCK = {"p", "div", "br", "li", "ul", "ol", "table", "tr", "td", "th", "section", "article", "main",
          "blockquote", "dd", "dt", "dl", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "pre", "body", "html",
          "tbody", "thead", "caption", "figure", "figcaption", "address"}
_HEADING = re.compile(r"<(h[1-6])\b[^>]{0,4000}>(.{0,4000}?)</\1\s*>", re.I | re.S)


def sniff(head: bytes) -> bool:
    h = head.lstrip()[:512].lower()
    return h.startswith((b"<!doctype html", b"<html", b"\xef\xbb\xbf<!doctype html", b"\xef\xbb\xbf<html"))


def _drop(chars: list[str], start: int, end: int, newline: bool = False, space: bool = False) -> None:
    """Drop markup; a block-level tag leaves a line break, an inline one nothing (as a browser renders it)."""
    for i in range(start, end):
        chars[i] = DROPPED
    if end > start and (newline or space):
        chars[start] = "\n" if newline else " "


def _dropped_elements(text: str):
    """Spans of scripts, styles, navigation...: one forward pass, an unclosed one runs to the end."""
    lower = text.lower()
    pos = 0
    while True:
        m = _DROP_OPEN.search(text, pos)
        if not m:
            return
        close = lower.find("</" + m.group(1).lower(), m.end())
        if close == -1:
            end = len(text)
        else:
            gt = lower.find(">", close)
            end = len(text) if gt == -1 else gt + 1
        yield m.start(), end
        pos = end


def mask_html(text: str) -> tuple[list[str], list[Heading]]:
    chars = list(text)
    for m in _COMMENT.finditer(text):
        _drop(chars, m.start(), m.end(), newline=True)
    for start, end in _dropped_elements("".join(chars)):
        _drop(chars, start, end, newline=True)
    masked_once = "".join(chars)
    for m in _TAG.finditer(masked_once):
        _drop(chars, m.start(), m.end(), newline=m.group(1).lower() in _BLOCK)
    unclosed = re.compile(r"<[a-zA-Z/][^>]*\Z")
    m = unclosed.search("".join(chars))
    if m:
        _drop(chars, m.start(), m.end())
    for m in _ENTITY.finditer("".join(chars)):
        decoded = htmllib.unescape(m.group(0))
        if len(decoded) == 1 and decoded != m.group(0):
            chars[m.start()] = decoded if decoded not in "\x00\r" else " "
            _drop(chars, m.start() + 1, m.end())
    headings = []
    for m in _HEADING.finditer(masked_once):
        s, e = m.start(2), m.end(2)
        while s < e and chars[s].isspace():
            s += 1
        while e > s and chars[e - 1].isspace():
            e -= 1
        if e > s:
            headings.append(Heading(s, e, int(m.group(1)[1])))
    return chars, headings


@register("html", (".html", ".htm", ".xhtml"), sniff=sniff, priority=5)
def parse(path: Path, data: bytes, source: SourceFile, **_options) -> Document:
    raw, encoding = decode_text(data, path)
    masked, headings = mask_html(raw)
    text, line_starts, headings = compact(raw, masked, headings)
    title = re.search(r"<title\b[^>]*>(.*?)</title", raw[:20000], re.I | re.S)
    meta = {"encoding": encoding}
    if title and title.group(1).strip():
        meta["title"] = " ".join(htmllib.unescape(title.group(1)).split())[:200]
    return build_document(source, text, headings=headings, metadata=meta, line_starts=line_starts)
