"""Bytes to text for text formats: BOMs, UTF-8, and the cp1252 of French office files."""

from __future__ import annotations

import codecs

from ..errors import BinaryInput


def looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return len(head) > 0 and controls / len(head) > 0.05


def decode_text(data: bytes, path: object) -> tuple[str, str]:
    """Return (text, encoding). Line ends are normalised to ``\\n`` one for one
    (``\\r\\n`` -> ``\\n`` changes offsets, so it is done here, once, before any offset exists)."""
    if data.startswith(codecs.BOM_UTF8):
        text, enc = data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, enc = data.decode("utf-16", errors="replace"), "utf-16"
    else:
        if looks_binary(data):
            raise BinaryInput(path, "binary content in a text file", "is it really a text document? check the extension")
        try:
            text, enc = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            try:
                text, enc = data.decode("cp1252"), "cp1252"
            except UnicodeDecodeError:
                text, enc = data.decode("latin-1"), "latin-1"
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", " ")
    return text, enc
