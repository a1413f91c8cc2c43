"""Worker activity exports (GDPR data downloads) mapped onto canonical tables.

Each platform layout lives in one module of this package and registers the file
kinds it reads with :func:`register`: the file name it is known by (without the
``NN - `` prefix, which changes between exports), the header columns it needs and
the ones that tell it apart from a look-alike. :func:`parse_activity` sniffs every
file of every input (single file, folder or ZIP), picks the best kind, and
concatenates what the adapters return. Formats nobody wrote an adapter for go
through the generic adapter and a YAML mapping file (``--mapping FILE``).
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path
from typing import Any, Callable

from ...errors import EmptyInput, InputError, MissingColumns, UnknownExportFormat
from ...model import ActivityLog, Skipped, SourceFile
from . import _tables
from ._inputs import ExportFile, expand
from ._read import Header, base_name, sniff_header

MAPPING_HINT = "if it is a platform export, describe its columns in a mapping file and pass --mapping FILE (see corpus/exports/generic/mapping.yaml)"
ACTIVITY_SUFFIXES = (".csv", ".tsv", ".json", ".xlsx", ".zip")


@dataclass
class Context:
    """What adapters need beyond their own file: the export's local time zone."""

    tz: tzinfo | None = None
    tz_label: str = "UTC"
    tz_basis: str = "assumed: the export states no time zone"


@dataclass(frozen=True)
class ExportKind:
    """One file of one layout: how to recognise it and how to read it."""

    format: str
    title: str
    parse: Callable[[ExportFile, Header | None, Context], dict[str, Any]]
    pattern: re.Pattern | None = None
    required: frozenset[str] = frozenset()
    extra: frozenset[str] = frozenset()
    sniff: Callable[[str, bytes], bool] | None = None
    timezone: Callable[[ExportFile, Header | None], tuple[str, tzinfo, str] | None] | None = None


_KINDS: list[ExportKind] = []
_LOADED = False


def register(format: str, title: str, *, names: str | None = None, required: tuple[str, ...] = (),
             extra: tuple[str, ...] = (), sniff: Callable[[str, bytes], bool] | None = None,
             timezone: Callable | None = None):
    """Decorator for ``parse(file, header, context) -> {table name: DataFrame}``.

    ``names`` is a regular expression searched (case-insensitively) in the file
    name stripped of its ``NN - `` prefix; ``required`` columns must all be in the
    header; ``extra`` columns only help choose between look-alike layouts.
    """

    def decorate(parse):
        _KINDS.append(ExportKind(format, title, parse, re.compile(names, re.I) if names else None,
                                 frozenset(required), frozenset(extra), sniff, timezone))
        return parse

    return decorate


def kinds() -> list[ExportKind]:
    global _LOADED
    if not _LOADED:
        for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
            if not info.name.startswith("_") and not info.ispkg:
                importlib.import_module(f"{__name__}.{info.name}")
        _LOADED = True
    return _KINDS


def formats() -> list[str]:
    return sorted({k.format for k in kinds()} | {"generic-mapping"})


@dataclass
class Match:
    kind: ExportKind | None
    header: Header | None
    error: InputError | None = None


def identify(src: ExportFile) -> Match:
    """Pick the kind of ``src`` by its name and header, or say why none fits."""
    head = src.head()
    if not head.strip():
        return Match(None, None, EmptyInput(src.display, "empty file (0 bytes)" if not head else "file holds only blank space"))
    name = base_name(src.name)
    for kind in kinds():
        if kind.sniff is not None:
            try:
                if kind.sniff(src.name, head):
                    return Match(kind, sniff_header(head))
            except (ValueError, UnicodeError):
                continue
    header = sniff_header(head) if src.suffix not in (".json", ".xlsx", ".zip", ".pdf") else None
    best, best_score, near = None, None, []
    for kind in kinds():
        if not kind.required:
            continue
        named = bool(kind.pattern and kind.pattern.search(name))
        if header is None:
            if named:
                near.append((len(kind.required), kind, sorted(kind.required)))
            continue
        missing = sorted(kind.required - header.names)
        if missing:
            if named:
                near.append((len(missing), kind, missing))
            continue
        if not named and len(kind.required) < 3:
            continue
        score = (named, len(kind.required), len(kind.extra & header.names))
        if best_score is None or score > best_score:
            best, best_score = kind, score
    if best is not None:
        return Match(best, header)
    if near:
        near.sort(key=lambda t: (t[0], t[1].format))
        _, kind, missing = near[0]
        if header is None:
            return Match(None, None, MissingColumns(src.display, f"looks like a {kind.title} file but has no readable header row"))
        return Match(None, header, MissingColumns(
            src.display, f"missing required column(s) {', '.join(missing)} (read as {kind.title})",
            f"columns found: {', '.join(header.columns[:40]) or 'none'}"))
    return Match(None, header, UnknownExportFormat(src.display, "not a known activity export format", MAPPING_HINT))


def is_activity_file(path: str | Path) -> bool:
    """Whether a case folder's file is a worker activity export (rather than a terms document)."""
    p = Path(path)
    try:
        if p.is_dir():
            return any(is_activity_file(c) for c in sorted(p.iterdir())[:200] if not c.name.startswith("."))
        if not p.is_file():
            return False
        suffix = p.suffix.lower()
        if suffix == ".zip" or (suffix == "" and p.read_bytes()[:4] == b"PK\x03\x04"):
            import zipfile

            from .._zip import ZIP_ERRORS

            try:
                with zipfile.ZipFile(p) as zf:
                    names = zf.namelist()
            except ZIP_ERRORS:
                return suffix == ".zip"
            return not any(n in ("word/document.xml", "[Content_Types].xml", "mimetype") for n in names)
        if suffix in (".csv", ".tsv", ".json", ".xlsx"):
            return True
        if suffix in (".txt", ""):
            src = ExportFile(str(p), p.name, p.stat().st_size, str(p), path=p)
            match = identify(src)
            return match.kind is not None
    except (OSError, InputError):
        return False
    return False


def parse_activity(paths: list[str | Path] | str | Path, mapping: str | Path | None = None) -> ActivityLog:
    """Read every export file of ``paths`` into one :class:`ActivityLog`.

    A bad file inside a folder or ZIP is recorded in ``skipped`` and the rest is
    used; a bad file named on its own raises, since the user asked for it.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    if not paths:
        raise InputError("(no input)", "no activity export given")
    generic = None
    if mapping is not None:
        from .generic_mapping import load_mapping

        generic = load_mapping(mapping)

    chosen: list[tuple[ExportFile, Any, Header | None, bool]] = []
    skipped: list[Skipped] = []
    for path in paths:
        ex = expand(path)
        skipped.extend(ex.skipped)
        usable = 0
        errors: list[InputError] = []
        for src in ex.files:
            if generic is not None and src.path is not None and _same_file(src.path, mapping):
                continue
            try:
                rule = generic.rule_for(src) if generic else None
                if rule is not None:
                    chosen.append((src, rule, None, ex.container))
                    usable += 1
                    continue
                match = identify(src)
            except InputError as exc:
                match = Match(None, None, exc)
            if match.error is not None:
                if not ex.container:
                    raise match.error
                errors.append(match.error)
                skipped.append(Skipped(src.display, match.error.reason + (f" ({match.error.hint})" if match.error.hint and match.error.code != "RQ351" else ""), match.error.code))
                continue
            chosen.append((src, match.kind, match.header, ex.container))
            usable += 1
        if ex.container and usable == 0:
            _nothing_usable(ex.input, errors, bool(ex.files))

    ctx = _context(chosen, generic)
    parts: dict[str, list] = {name: [] for name in _tables.TABLES}
    sources: list[SourceFile] = []
    notes: dict[str, Any] = {}
    for src, kind, header, in_container in chosen:
        try:
            if generic is not None and not isinstance(kind, ExportKind):
                fmt = "generic-mapping"
                tables = generic.parse(src, kind, ctx)
            else:
                fmt = kind.format
                tables = kind.parse(src, header, ctx)
        except InputError as exc:
            if not in_container:
                raise
            skipped.append(Skipped(src.display, exc.reason, exc.code))
            continue
        except (ValueError, TypeError, KeyError, IndexError, OverflowError, AttributeError, RecursionError,
                MemoryError, json.JSONDecodeError) as exc:
            err = InputError(src.display, f"could not read as {kind.title if isinstance(kind, ExportKind) else 'mapped export'}: {type(exc).__name__}: {exc}")
            if not in_container:
                raise err from None
            skipped.append(Skipped(src.display, err.reason, err.code))
            continue
        finally:
            src.release()
        for name, frame in tables.items():
            if name.startswith("_"):
                notes.setdefault(src.display, {}).update(frame)
                continue
            parts[name].append(_tables.conform(name, frame, src.display))
        sources.append(SourceFile(path=src.display, sha256=src.sha256, size=src.size, kind="activity", format=fmt))

    if not sources:
        first = str(paths[0]) if len(paths) == 1 else ", ".join(str(p) for p in paths)
        raise InputError(first, "no usable activity export: " + "; ".join(f"{s.path}: {s.reason}" for s in skipped[:5]), MAPPING_HINT)
    tables = {name: _tables.concat(name, frames) for name, frames in parts.items()}
    metadata = {"timezone": ctx.tz_label, "timezone_basis": ctx.tz_basis,
                "formats": sorted({s.format for s in sources})}
    if notes:
        metadata["notes"] = notes
    return ActivityLog(sources=sources, tables=tables, skipped=skipped, metadata=metadata)


def _same_file(a, b) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return False


def _nothing_usable(label: str, errors: list[InputError], had_files: bool) -> None:
    if not had_files:
        raise EmptyInput(label, "holds no readable export file")
    if errors and all(e.code == "RQ351" for e in errors):
        raise UnknownExportFormat(label, "holds no known activity export file", MAPPING_HINT)
    reasons = "; ".join(f"{e.path.rsplit('!/', 1)[-1]}: {e.reason}" for e in errors[:5])
    raise InputError(label, f"no usable activity export file ({reasons})", MAPPING_HINT)


def _context(chosen, generic) -> Context:
    """The export's local zone: a named zone beats an offset read from paired UTC/local columns."""
    if generic is not None and generic.timezone is not None:
        return Context(generic.timezone, generic.timezone_label, "stated in the mapping file")
    named, offset = None, None
    for src, kind, header, _ in chosen:
        if not isinstance(kind, ExportKind) or kind.timezone is None:
            continue
        try:
            hint = kind.timezone(src, header)
        except (InputError, ValueError, KeyError, IndexError, UnicodeError):
            hint = None
        if not hint:
            continue
        label, zone, basis = hint
        if basis.startswith("named") and named is None:
            named = Context(zone, label, f"{basis} in {src.display}")
        elif offset is None:
            offset = Context(zone, label, f"{basis} in {src.display}")
    return named or offset or Context()
