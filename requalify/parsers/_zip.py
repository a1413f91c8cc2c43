"""What every ZIP reader here shares: zipfile signals a damaged or exotic archive through many
exception types (found by fuzzing: NotImplementedError for an unknown version, RuntimeError for
an encrypted member, IndexError for an empty member name), not just BadZipFile."""

from __future__ import annotations

import lzma
import struct
import zipfile
import zlib

ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, IndexError, ValueError, EOFError,
              NotImplementedError, RuntimeError, zlib.error, lzma.LZMAError, struct.error, OverflowError, OSError)


def member_name_is_safe(name: str) -> bool:
    """A member name that can be shown and never escapes: not empty, not absolute, no '..', no NUL."""
    n = name.replace("\\", "/")
    return bool(n.strip("/")) and not (n.startswith("/") or (len(n) > 1 and n[1] == ":")
                                       or ".." in n.split("/") or "\x00" in n)
