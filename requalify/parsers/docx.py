"""DOCX with the standard library: the ZIP is read in place, its XML parsed by expat.

Bounds keep a hostile file harmless: the main part is size-capped before it is
inflated, and expat (which refuses external entities and limits entity expansion)
streams it without recursion. Pages are counted from explicit and Word-recorded
page breaks, which is what a lawyer sees when opening the file in Word.
"""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path
from xml.etree import ElementTree as ET

from ..errors import CorruptDocx
from ..model import Document, SourceFile
from . import register
from ._document import build_document
from ._zip import ZIP_ERRORS
from .segment import Heading

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_XML_BYTES = 64 * 1024 * 1024
MAX_RATIO = 200
RATIO_CHECK_FROM = 8 * 1024 * 1024


def sniff(head: bytes) -> bool:
    return head.startswith(b"PK\x03\x04") and b"word/" in head


def _heading_level(style: str | None) -> int | None:
    if not style:
        return None
    s = style.lower().replace(" ", "")
    if s in ("title", "titre", "titel", "titolo"):
        return 0
    for prefix in ("heading", "titre", "berschrift", "titolo", "kop"):
        if s.startswith(prefix):
            tail = s[len(prefix):]
            if tail.isdigit():
                return max(1, min(6, int(tail)))
    return None


@register("docx", (".docx",), sniff=sniff, priority=8)
def parse(path: Path, data: bytes, source: SourceFile, **_options) -> Document:
    try:
        zf = zipfile.ZipFile(BytesIO(data))
        info = zf.getinfo("word/document.xml")
    except ZIP_ERRORS as exc:
        raise CorruptDocx(path, f"not a readable DOCX ({exc.__class__.__name__}: {exc})", "re-save it from Word") from None
    ratio = info.file_size / max(1, info.compress_size)
    if info.file_size > MAX_XML_BYTES:
        raise CorruptDocx(path, f"DOCX body too large once inflated ({info.file_size} bytes, limit {MAX_XML_BYTES}): "
                                "refused as a possible zip bomb")
    if ratio > MAX_RATIO and info.file_size > RATIO_CHECK_FROM:
        raise CorruptDocx(path, f"DOCX body compressed {ratio:.0f}:1 ({info.file_size} bytes inflated): "
                                "refused as a possible zip bomb")
    try:
        xml = zf.read(info)
    except ZIP_ERRORS as exc:
        raise CorruptDocx(path, f"DOCX body cannot be inflated ({type(exc).__name__}: {exc})") from None

    paragraphs: list[tuple[str, int | None, int]] = []
    page = 1
    buf: list[str] = []
    style = None
    try:
        for event, el in ET.iterparse(BytesIO(xml), events=("start", "end")):
            tag = el.tag
            if event == "start":
                if tag == W + "p":
                    buf, style = [], None
                continue
            if tag == W + "t":
                buf.append(el.text or "")
            elif tag == W + "tab":
                buf.append("\t")
            elif tag == W + "br":
                if el.get(W + "type") == "page":
                    page += 1
                else:
                    buf.append(" ")
            elif tag == W + "lastRenderedPageBreak":
                page += 1
            elif tag == W + "pStyle":
                style = el.get(W + "val")
            elif tag == W + "p":
                paragraphs.append(("".join(buf), _heading_level(style), page))
                el.clear()
    except ET.ParseError as exc:
        raise CorruptDocx(path, f"DOCX body is not well-formed XML ({exc})") from None

    text_parts, headings, page_starts = [], [], []
    offset, last_page = 0, 0
    for para, level, pg in paragraphs:
        para = para.replace("\n", " ")
        while last_page < pg:
            page_starts.append(offset)
            last_page += 1
        if level is not None and para.strip():
            headings.append(Heading(offset, offset + len(para), level))
        chunk = para + "\n\n"
        text_parts.append(chunk)
        offset += len(chunk)
    text = "".join(text_parts)
    if not text.strip():
        raise CorruptDocx(path, "DOCX has no text")
    return build_document(source, text, headings=headings, page_starts=tuple(page_starts or [0]),
                          metadata={"pages": max(1, last_page)})
