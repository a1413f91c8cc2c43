"""Where export files come from: a single file, a folder (an unzipped download) or a ZIP.

A ZIP is read in place: member names are only labels (``download.zip!/10 - Driver
Online Offline.csv``), never paths on disk, and sizes are bounded before and while
reading, because a data download is hostile input until parsed.
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Callable

from ...errors import EmptyInput, HostileArchive, InputError
from ...model import Skipped
from .._zip import ZIP_ERRORS, member_name_is_safe

MAX_FILE_BYTES = 4 * 1024**3
MAX_ZIP_TOTAL_BYTES = 4 * 1024**3
MAX_ZIP_MEMBERS = 10_000
MAX_RATIO = 200
RATIO_FLOOR_BYTES = 1024 * 1024
"""A member is judged on its compression ratio only above this size: tiny files compress oddly."""

IGNORED_NAMES = {".ds_store", "thumbs.db", "desktop.ini"}


@dataclass
class ExportFile:
    """One file of an export: a file on disk or a ZIP member, read only on demand."""

    display: str
    name: str
    size: int
    container: str
    path: Path | None = None
    _zip: zipfile.ZipFile | None = field(default=None, repr=False)
    _info: zipfile.ZipInfo | None = field(default=None, repr=False)
    _data: bytes | None = field(default=None, repr=False)
    _sha256: str | None = field(default=None, repr=False)

    def read_bytes(self) -> bytes:
        if self._data is None:
            if self.path is not None:
                self._data = _read_file(self.path)
            else:
                self._data = _read_member(self._zip, self._info, self.container)
        return self._data

    def head(self, n: int = 65536) -> bytes:
        if self._data is not None:
            return self._data[:n]
        if self.path is not None:
            try:
                with open(self.path, "rb") as fh:
                    return fh.read(n)
            except OSError as exc:
                raise InputError(self.display, f"cannot read file: {exc.strerror or exc}") from None
        return self.read_bytes()[:n]

    def source(self) -> str | BinaryIO:
        """A path or an in-memory stream for readers that can stream from disk."""
        if self.path is not None and self._data is None:
            return str(self.path)
        return io.BytesIO(self.read_bytes())

    @property
    def sha256(self) -> str:
        if self._sha256 is None:
            if self.path is not None and self._data is None:
                h = hashlib.sha256()
                with open(self.path, "rb") as fh:
                    for block in iter(lambda: fh.read(1 << 22), b""):
                        h.update(block)
                self._sha256 = h.hexdigest()
            else:
                self._sha256 = hashlib.sha256(self.read_bytes()).hexdigest()
        return self._sha256

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.name).suffix.lower()

    def release(self) -> None:
        """Drop the cached bytes once parsed: a download can hold several large files."""
        if self._zip is not None or self.path is not None:
            self._data = None


@dataclass
class Expanded:
    """An input turned into its export files, with what was refused on the way."""

    input: str
    files: list[ExportFile]
    skipped: list[Skipped]
    container: bool  # a folder or ZIP (bad members are skipped) rather than one file


def expand(path: str | Path, keep: Callable[[str], bool] | None = None) -> Expanded:
    p = Path(path)
    label = str(path)
    try:
        st = p.stat()
    except FileNotFoundError:
        raise InputError(label, "file not found", code="RQ304") from None
    except PermissionError:
        raise InputError(label, "permission denied", code="RQ305") from None
    except OSError as exc:
        raise InputError(label, f"cannot read: {exc.strerror or exc}") from None
    if stat.S_ISDIR(st.st_mode):
        return _expand_folder(p, label)
    if _is_zip(p):
        return _expand_zip(p, label)
    if st.st_size == 0:
        raise EmptyInput(label, "empty file (0 bytes)")
    return Expanded(label, [ExportFile(label, p.name, st.st_size, label, path=p)], [], False)


OFFICE_SUFFIXES = {".xlsx", ".xlsm", ".docx", ".odt", ".ods", ".pptx", ".epub"}


def _is_zip(p: Path) -> bool:
    """A ZIP archive of export files, as opposed to a workbook that happens to be a ZIP."""
    if p.suffix.lower() in OFFICE_SUFFIXES:
        return False
    try:
        with open(p, "rb") as fh:
            return fh.read(4) == b"PK\x03\x04" or (p.suffix.lower() == ".zip" and zipfile.is_zipfile(p))
    except OSError:
        return False


def _ignored(name: str) -> bool:
    base = name.rsplit("/", 1)[-1]
    return base.startswith(".") or base.lower() in IGNORED_NAMES or name.startswith("__MACOSX/") or "/__MACOSX/" in name


def _expand_folder(root: Path, label: str) -> Expanded:
    files, skipped = [], []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "__MACOSX")
        for fname in sorted(filenames):
            full = Path(dirpath) / fname
            rel = full.relative_to(root).as_posix()
            if _ignored(rel):
                continue
            display = f"{label.rstrip('/')}/{rel}"
            try:
                size = full.stat().st_size
            except OSError as exc:
                skipped.append(Skipped(display, f"cannot read: {exc.strerror or exc}", "RQ300"))
                continue
            if _is_zip(full):
                try:
                    inner = _expand_zip(full, display)
                except HostileArchive:
                    raise
                except InputError as exc:
                    skipped.append(Skipped(display, exc.reason, exc.code))
                    continue
                files.extend(inner.files)
                skipped.extend(inner.skipped)
                continue
            files.append(ExportFile(display, fname, size, label, path=full))
    return Expanded(label, files, skipped, True)


def _expand_zip(p: Path, label: str) -> Expanded:
    try:
        zf = zipfile.ZipFile(p)
        infos = zf.infolist()
    except ZIP_ERRORS as exc:
        raise InputError(label, f"not a readable ZIP archive ({type(exc).__name__}: {exc})", code="RQ300") from None
    if len(infos) > MAX_ZIP_MEMBERS:
        raise HostileArchive(label, f"ZIP holds {len(infos)} members (limit {MAX_ZIP_MEMBERS})")
    files, skipped = [], []
    total = 0
    for info in sorted(infos, key=lambda i: i.filename):
        name = info.filename
        display = f"{label}!/{name}"
        if not member_name_is_safe(name):
            skipped.append(Skipped(display, "unsafe member name (empty, absolute, '..' or NUL): not read", "RQ340"))
            continue
        if info.is_dir() or _ignored(name):
            continue
        if info.flag_bits & 0x1:
            skipped.append(Skipped(display, "encrypted ZIP member: not read", "RQ340"))
            continue
        total += info.file_size
        if total > MAX_ZIP_TOTAL_BYTES:
            raise HostileArchive(label, f"uncompressed size exceeds {MAX_ZIP_TOTAL_BYTES} bytes at member '{name}' (zip bomb?)")
        if info.file_size > RATIO_FLOOR_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise HostileArchive(label, f"member '{name}' expands {info.file_size // max(info.compress_size, 1)}x "
                                        f"(limit {MAX_RATIO}x): zip bomb refused")
        base = PurePosixPath(name).name
        if base.lower().endswith(".zip"):
            skipped.append(Skipped(display, "nested ZIP archive: unzip it and pass its content", "RQ301"))
            continue
        files.append(ExportFile(display, base, info.file_size, label, _zip=zf, _info=info))
    return Expanded(label, files, skipped, True)


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, container: str) -> bytes:
    """Read at most the declared size (+1 byte to catch a lying header)."""
    limit = info.file_size
    try:
        with zf.open(info) as fh:
            data = fh.read(limit + 1)
    except ZIP_ERRORS as exc:
        raise InputError(f"{container}!/{info.filename}", f"corrupt ZIP member ({type(exc).__name__}: {exc})") from None
    if len(data) > limit:
        raise HostileArchive(container, f"member '{info.filename}' inflates beyond its declared size: zip bomb refused")
    if info.file_size > RATIO_FLOOR_BYTES and len(data) > MAX_RATIO * max(info.compress_size, 1):
        raise HostileArchive(container, f"member '{info.filename}' expands more than {MAX_RATIO}x: zip bomb refused")
    return data


def _read_file(p: Path) -> bytes:
    try:
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(p, f"file too large ({size} bytes, limit {MAX_FILE_BYTES})")
        return p.read_bytes()
    except PermissionError:
        raise InputError(p, "permission denied", code="RQ305") from None
    except OSError as exc:
        raise InputError(p, f"cannot read file: {exc.strerror or exc}") from None
