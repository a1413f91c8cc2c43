"""Parsers turn bytes into model objects and do nothing else.

Each terms-of-service format lives in one module of this package and registers
itself with :func:`register`: a name, the file suffixes it claims and a ``sniff``
test on the file's first bytes. Adding a format is adding one module; nothing
here changes. Parser modules import their heavy libraries inside ``parse`` so
that listing formats costs nothing.
"""

from __future__ import annotations

import hashlib
import importlib
import pkgutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..errors import EmptyInput, InputError, UnsupportedFormat
from ..model import Document, SourceFile

HEAD_BYTES = 8192
MAX_DOCUMENT_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class DocumentFormat:
    name: str
    suffixes: tuple[str, ...]
    sniff: Callable[[bytes], bool]
    parse: Callable[..., Document]  # (path, data, source, **options) -> Document
    priority: int = 0


_FORMATS: dict[str, DocumentFormat] = {}
_LOADED = False


def register(name: str, suffixes: tuple[str, ...], sniff: Callable[[bytes], bool], priority: int = 0):
    """Decorator for a module's ``parse(path, data, source, **options) -> Document``."""

    def decorate(parse):
        _FORMATS[name] = DocumentFormat(name, suffixes, sniff, parse, priority)
        return parse

    return decorate


def formats() -> dict[str, DocumentFormat]:
    global _LOADED
    if not _LOADED:
        for info in pkgutil.iter_modules(__path__):
            if not info.name.startswith("_") and not info.ispkg and info.name not in ("segment", "textio", "language", "ocr"):
                importlib.import_module(f"{__name__}.{info.name}")
        _LOADED = True
    return _FORMATS


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def detect_format(path: Path, head: bytes) -> DocumentFormat:
    """Pick a format by content first (a PDF named .txt is a PDF), then by suffix."""
    candidates = sorted(formats().values(), key=lambda f: -f.priority)
    for fmt in candidates:
        if fmt.sniff(head):
            return fmt
    suffix = path.suffix.lower()
    for fmt in candidates:
        if suffix in fmt.suffixes:
            return fmt
    known = ", ".join(sorted({s for f in _FORMATS.values() for s in f.suffixes}))
    raise UnsupportedFormat(path, f"unsupported document format '{suffix or 'no extension'}'", f"supported: {known}")


def read_input(path: str | Path) -> bytes:
    p = Path(path)
    try:
        if p.is_dir():
            raise InputError(p, "is a folder, not a file")
        size = p.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            raise InputError(p, f"file too large ({size} bytes, limit {MAX_DOCUMENT_BYTES})")
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError(p, "file not found", code="RQ304") from None
    except PermissionError:
        raise InputError(p, "permission denied", code="RQ305") from None
    except IsADirectoryError:
        raise InputError(p, "is a folder, not a file") from None
    except OSError as exc:
        raise InputError(p, f"cannot read file: {exc.strerror or exc}") from None
    if not data:
        raise EmptyInput(p, "empty file (0 bytes)")
    return data


def parse_document(path: str | Path, kind: str = "tos", *, ocr: bool = False) -> Document:
    """Parse one terms-of-service document into located clauses.

    ``ocr`` lets an image-only PDF be read by tesseract; without it such a PDF is refused.
    """
    return parse_document_bytes(read_input(path), path, kind, ocr=ocr)


def parse_document_bytes(data: bytes, path: str | Path, kind: str = "tos", *, ocr: bool = False) -> Document:
    """Parse bytes already in memory (a ZIP member, a fuzzer's input); ``path`` names them in messages."""
    p = Path(path)
    if not data:
        raise EmptyInput(p, "empty file (0 bytes)")
    fmt = detect_format(p, data[:HEAD_BYTES])
    source = SourceFile(path=str(p), sha256=sha256_bytes(data), size=len(data), kind=kind, format=fmt.name)
    try:
        return fmt.parse(p, data, source, ocr=ocr)
    except InputError:
        raise
    except RecursionError:
        raise InputError(p, f"{fmt.name} structure nested too deeply to read") from None
    except MemoryError:
        raise InputError(p, f"{fmt.name} content too large to read") from None
