"""PDF through pypdfium2, the fast text path (~200 pages/s against ~2.4 for pdfplumber here).

pdfplumber is used only where pdfium cannot open a file it can, or when asked
with ``REQUALIFY_PDF_ENGINE=pdfplumber`` for layout-sensitive documents. Running
headers, footers and page numbers are removed; pages start where ``page_starts``
says, so every clause knows its page.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

from ..errors import CorruptPdf, EncryptedPdf, NoTextLayer
from ..model import Document, SourceFile
from . import register
from ._document import build_document

_PAGE_NUMBER = re.compile(
    r"^\s*(?:page|p\.)?\s*[-–]?\s*\d{1,4}\s*(?:(?:/|sur|of|de)\s*\d{1,4})?\s*[-–]?\s*$", re.I
)
_DIGITS = re.compile(r"\d+")
MIN_CHARS_PER_PAGE = 20


def sniff(head: bytes) -> bool:
    return b"%PDF-" in head[:1024]


def _pages_pdfium(path: Path, data: bytes) -> list[str]:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        msg = str(exc).lower()
        if "password" in msg or "security" in msg:
            raise EncryptedPdf(path, "encrypted PDF", "decrypt it first (e.g. qpdf --decrypt) and try again") from None
        raise
    try:
        pages = []
        for i in range(len(pdf)):
            page = pdf[i]
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return pages
    finally:
        pdf.close()


def _pages_pdfplumber(path: Path, data: bytes) -> list[str]:
    import io

    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = []
            for page in pdf.pages:
                pages.append(page.extract_text() or "")
                page.close()
            return pages
    except PDFPasswordIncorrect:
        raise EncryptedPdf(path, "encrypted PDF", "decrypt it first (e.g. qpdf --decrypt) and try again") from None


def extract_pages(path: Path, data: bytes) -> list[str]:
    if os.environ.get("REQUALIFY_PDF_ENGINE") == "pdfplumber":
        return _pages_pdfplumber(path, data)
    try:
        return _pages_pdfium(path, data)
    except EncryptedPdf:
        raise
    except Exception as first:  # pdfium refused the file: give pdfminer a chance before calling it corrupt
        try:
            return _pages_pdfplumber(path, data)
        except EncryptedPdf:
            raise
        except Exception:
            reason = str(first).strip() or type(first).__name__
            raise CorruptPdf(path, f"corrupt or truncated PDF ({reason})", "ask for the original file") from None


def _normalise(page: str) -> list[str]:
    page = page.replace("\r\n", "\n").replace("\r", "\n")
    page = re.sub("\ufffe\\s*\n\\s*", "", page).replace("\ufffe", "").replace("\x00", " ").replace("\x0c", "\n")
    return page.split("\n")


def strip_furniture(pages: list[list[str]]) -> list[list[str]]:
    """Drop running headers/footers (same line, digits aside, at the top or bottom of most pages) and page numbers."""
    if len(pages) >= 3:
        edge = Counter()
        for lines in pages:
            content = [ln.strip() for ln in lines if ln.strip()]
            for ln in set(content[:3] + content[-3:]):
                edge[_DIGITS.sub("#", ln)] += 1
        repeated = {k for k, n in edge.items() if n >= max(3, 0.5 * len(pages)) and len(k) <= 120}
    else:
        repeated = set()
    cleaned = []
    for lines in pages:
        content_idx = [i for i, ln in enumerate(lines) if ln.strip()]
        edges = set(content_idx[:3] + content_idx[-3:])
        out = []
        for i, ln in enumerate(lines):
            s = ln.strip()
            if i in edges and (_PAGE_NUMBER.match(s) or _DIGITS.sub("#", s) in repeated):
                continue
            out.append(ln.rstrip())
        cleaned.append(out)
    return cleaned


def _has_text(pages: list[list[str]]) -> bool:
    return sum(len("".join(p).strip()) for p in pages) >= MIN_CHARS_PER_PAGE * max(1, len(pages) // 4)


@register("pdf", (".pdf",), sniff=sniff, priority=10)
def parse(path: Path, data: bytes, source: SourceFile, *, ocr: bool = False, **_options) -> Document:
    if b"%%EOF" not in data[-4096:]:
        raise CorruptPdf(path, "truncated PDF (no end-of-file marker)", "ask for the complete original file")
    raw_pages = extract_pages(path, data)
    if not raw_pages:
        raise CorruptPdf(path, "PDF has no pages")
    pages = strip_furniture([_normalise(p) for p in raw_pages])
    if not _has_text(pages):
        if not ocr:
            raise NoTextLayer(
                path,
                f"PDF has no text layer ({len(pages)} page(s) of images: a scan?)",
                "pass --ocr to read it with tesseract, installed by `make setup-ocr`",
            )
        from .ocr import ocr_pdf_pages

        ocr_pages, engine = ocr_pdf_pages(path, data)
        pages = strip_furniture([_normalise(p) for p in ocr_pages])
        if not _has_text(pages):
            raise NoTextLayer(path, f"PDF has no text layer and OCR found no text in its {len(pages)} page(s)")
        source = replace(source, extraction=engine)
    parts, page_starts, offset = [], [], 0
    for lines in pages:
        page_starts.append(offset)
        chunk = "\n".join(lines).strip("\n") + "\n\n"
        parts.append(chunk)
        offset += len(chunk)
    text = "".join(parts)
    meta = {"pages": len(pages)}
    if source.extraction:
        meta["extraction"] = source.extraction
    return build_document(source, text, page_starts=tuple(page_starts), wrap_mode=True, metadata=meta)
