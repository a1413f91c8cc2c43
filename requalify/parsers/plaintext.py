"""Plain text: the decoded file is the text; lines and offsets are the file's own."""

from __future__ import annotations

from pathlib import Path

from ..model import Document, SourceFile
from . import register
from ._document import build_document
from .textio import decode_text


@register("txt", (".txt", ".text"), sniff=lambda head: False, priority=-10)
def parse(path: Path, data: bytes, source: SourceFile, **_options) -> Document:
    text, encoding = decode_text(data, path)
    return build_document(source, text, metadata={"encoding": encoding}, wrap_mode=_looks_wrapped(text))


def _looks_wrapped(text: str) -> bool:
    """Text copied from a PDF: hard-wrapped lines and few blank lines between paragraphs."""
    lines = text.split("\n")
    blanks = sum(1 for line in lines if not line.strip())
    return len(lines) > 20 and blanks < len(lines) / 10
