"""Any other export (CSV, JSON or XLSX), read through a small YAML mapping file.

A lawyer or a union volunteer who holds an export nobody wrote an adapter for
describes it once, without Python::

    mapping_version: 1
    name: acme-courier-2024          # free text, recorded with the assessment
    timezone: Europe/Paris           # zone of naive timestamps (default UTC)
    files:
      - match: "*shifts*.csv"        # glob on the file name (case-insensitive)
        table: sessions              # sessions | offers | trips | payments | events | locations
        columns:                     # canonical column: column of the file
          state: Status
          start: Started
          end: Ended
        values:                      # optional: recode values of a canonical column
          state: {Available: open, "On delivery": ontrip, Pause: offline}
        time_format:                 # optional: strptime format, epoch_ms or epoch_s
          start: "%d/%m/%Y %H:%M"
        constants: {currency: EUR}   # optional: fixed values
        units: {distance: miles}     # optional: km (default) or miles
        delimiter: ";"               # CSV only, optional (sniffed)
        header: false                # CSV only: no header row; then give names: [...]
        records: data.items          # JSON only: dotted path to the list of records
        sheet: Shifts                # XLSX only (default: first sheet)

Canonical columns are those of ``_tables.TABLES`` (``sessions``: state, start,
end, lat, lng; ``offers``: start, end, offers, accepts, rejections, expired,
minutes_online…; ``trips``: start, end, status, count, distance_km, fare,
currency, commission…; ``payments``: time, amount, currency, classification,
category, kind; ``events``: time, rule, kind, duration_s, lat, lng;
``locations``: time, lat, lng, state). ``source_row`` is the 1-based data row (CSV,
XLSX) or record (JSON). A full example: ``corpus/exports/generic/mapping.yaml``.
"""

from __future__ import annotations

import fnmatch
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ...errors import InputError, InvalidMapping
from ._inputs import ExportFile
from ._read import decode, number, read_csv, sniff_header, text, to_utc, zone_from_name
from ._tables import MILE_KM, TABLES, TIME
from ._uber import payment_kind
from .uber_driver_eu_2021 import restriction_kind

FORMAT = "generic-mapping"
_TOP_KEYS = {"mapping_version", "name", "timezone", "files"}
_RULE_KEYS = {"match", "table", "columns", "values", "time_format", "constants", "units", "delimiter", "header",
              "names", "records", "sheet"}
MAX_BYTES = 512 * 1024 * 1024


@dataclass
class FileRule:
    match: str
    table: str
    columns: dict[str, str]
    values: dict[str, dict[str, Any]] = field(default_factory=dict)
    time_format: dict[str, str] = field(default_factory=dict)
    constants: dict[str, Any] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    delimiter: str | None = None
    header: bool = True
    names: list[str] | None = None
    records: str | None = None
    sheet: str | None = None
    title: str = "mapped export"


@dataclass
class Mapping:
    path: str
    name: str
    rules: list[FileRule]
    timezone: Any = None
    timezone_label: str = "UTC"

    def rule_for(self, src: ExportFile) -> FileRule | None:
        for rule in self.rules:
            if fnmatch.fnmatch(src.name.lower(), rule.match.lower()) or fnmatch.fnmatch(src.display.lower(), rule.match.lower()):
                return rule
        return None

    def parse(self, src: ExportFile, rule: FileRule, ctx) -> dict:
        raw = _read_raw(src, rule)
        missing = sorted({c for c in rule.columns.values() if c not in raw.columns})
        if missing:
            from ...errors import MissingColumns

            raise MissingColumns(src.display, f"missing column(s) named in mapping {self.path}: {', '.join(missing)}",
                                 f"columns found: {', '.join(str(c) for c in raw.columns if c != 'source_row')[:400]}")
        spec = TABLES[rule.table]
        out = pd.DataFrame({"source_row": raw["source_row"]})
        for canon, col in rule.columns.items():
            values = raw[col]
            recode = rule.values.get(canon)
            if recode:
                table = {str(k).strip().lower(): v for k, v in recode.items()}
                values = values.astype("object").map(lambda v: table.get(str(v).strip().lower(), v) if v is not None else v)
            kind = spec.get(canon)
            if kind == TIME:
                out[canon] = to_utc(values, ctx.tz, local=True, fmt=rule.time_format.get(canon))
            elif canon in ("source_file", "source_row"):
                continue
            elif kind == "float":
                out[canon] = number(pd.DataFrame({"v": values}), "v")
            else:
                out[canon] = text(pd.DataFrame({"v": values}), "v")
        for canon, value in rule.constants.items():
            out[canon] = value
        if rule.units.get("distance", "km").lower() in ("mi", "mile", "miles") and "distance_km" in out:
            out["distance_km"] = out["distance_km"] * MILE_KM
        if rule.table == "payments" and "kind" not in rule.columns and "kind" not in rule.constants:
            cls = out["classification"] if "classification" in out else pd.Series(None, index=out.index)
            cat = out["category"] if "category" in out else pd.Series(None, index=out.index)
            out["kind"] = [payment_kind(a, b) for a, b in zip(cls.astype("object"), cat.astype("object"))]
        if rule.table == "events" and "kind" not in rule.columns and "kind" not in rule.constants:
            rules = out["rule"] if "rule" in out else pd.Series(None, index=out.index)
            out["kind"] = [restriction_kind(r) for r in rules.astype("object")]
        if rule.table == "trips" and "count" not in out:
            out["count"] = 1.0
        return {rule.table: out}


def load_mapping(path: str | Path) -> Mapping:
    """Read and check a mapping file; every problem is reported at once, naming the file."""
    import yaml

    p = Path(path)
    try:
        doc = yaml.safe_load(p.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise InputError(p, "mapping file not found", code="RQ304") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidMapping(p, f"cannot read mapping file: {exc}") from None
    except yaml.YAMLError as exc:
        raise InvalidMapping(p, f"mapping file is not valid YAML: {exc}") from None
    problems: list[str] = []
    if not isinstance(doc, dict):
        raise InvalidMapping(p, "mapping file must be a YAML mapping with a 'files' list")
    for key in sorted(set(doc) - _TOP_KEYS):
        problems.append(f"unknown key '{key}'")
    if doc.get("mapping_version", 1) != 1:
        problems.append("mapping_version must be 1")
    tz = None
    if doc.get("timezone"):
        tz = zone_from_name(doc["timezone"])
        if tz is None:
            problems.append(f"unknown time zone '{doc['timezone']}' (use an IANA name such as Europe/Paris)")
    rules = []
    files = doc.get("files")
    if not isinstance(files, list) or not files:
        problems.append("'files' must be a non-empty list")
        files = []
    for i, entry in enumerate(files, start=1):
        where = f"files[{i}]"
        if not isinstance(entry, dict):
            problems.append(f"{where}: must be a mapping")
            continue
        for key in sorted(set(entry) - _RULE_KEYS):
            problems.append(f"{where}: unknown key '{key}'")
        table = entry.get("table")
        if table not in TABLES:
            problems.append(f"{where}: table must be one of {', '.join(TABLES)}")
            continue
        if not isinstance(entry.get("match"), str):
            problems.append(f"{where}: 'match' must be a file-name pattern such as \"*shifts*.csv\"")
        columns = entry.get("columns")
        if not isinstance(columns, dict) or not columns:
            problems.append(f"{where}: 'columns' must map canonical columns to the file's columns")
            continue
        for canon in columns:
            if canon not in TABLES[table]:
                problems.append(f"{where}: '{canon}' is not a column of table {table} ({', '.join(TABLES[table])})")
        for key in ("values", "time_format", "constants", "units"):
            if key in entry and not isinstance(entry[key], dict):
                problems.append(f"{where}: '{key}' must be a mapping")
        if entry.get("header") is False and not isinstance(entry.get("names"), list):
            problems.append(f"{where}: 'header: false' needs 'names: [...]'")
        if problems:
            continue
        rules.append(FileRule(
            match=entry["match"], table=table, columns={str(k): str(v) for k, v in columns.items()},
            values=entry.get("values") or {}, time_format=entry.get("time_format") or {},
            constants=entry.get("constants") or {}, units=entry.get("units") or {},
            delimiter=entry.get("delimiter"), header=entry.get("header", True) is not False,
            names=[str(n) for n in entry["names"]] if entry.get("names") else None,
            records=entry.get("records"), sheet=entry.get("sheet"),
        ))
    if problems:
        raise InvalidMapping(p, "invalid mapping file: " + "; ".join(problems))
    return Mapping(str(p), str(doc.get("name") or p.stem), rules, tz, str(doc.get("timezone") or "UTC"))


def _read_raw(src: ExportFile, rule: FileRule) -> pd.DataFrame:
    if src.size > MAX_BYTES:
        raise InputError(src.display, f"file too large ({src.size} bytes)")
    suffix = src.suffix
    if suffix == ".json":
        return _read_json(src, rule)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(src, rule)
    header = sniff_header(src.head())
    if header is None and rule.header:
        raise InputError(src.display, "no readable header row")
    if rule.delimiter and header is not None:
        from ._read import Header
        import csv

        row = next(csv.reader(io.StringIO(header.first_line), delimiter=rule.delimiter))
        header = Header(tuple(c.strip() for c in row), tuple(row), rule.delimiter, header.first_line)
    if not rule.header:
        from ._read import Header

        header = Header(tuple(rule.names), tuple(rule.names), rule.delimiter or (header.delimiter if header else ","), "")
        return read_csv(src, header, names=list(rule.names), strings=tuple(rule.names))
    return read_csv(src, header, strings=tuple(rule.columns.values()))


def _read_json(src: ExportFile, rule: FileRule) -> pd.DataFrame:
    try:
        data = json.loads(decode(src.read_bytes()))
    except (json.JSONDecodeError, RecursionError) as exc:
        raise InputError(src.display, f"not valid JSON ({exc})") from None
    for key in (rule.records or "").split("."):
        if not key:
            continue
        if not isinstance(data, dict) or key not in data:
            raise InputError(src.display, f"JSON has no '{rule.records}' list")
        data = data[key]
    if not isinstance(data, list):
        raise InputError(src.display, "expected a JSON list of records (set 'records:' in the mapping)")
    rows = [r if isinstance(r, dict) else {} for r in data]
    frame = pd.json_normalize(rows) if rows else pd.DataFrame()
    frame = frame.astype("object")
    frame["source_row"] = range(1, len(rows) + 1)
    return frame


def _read_xlsx(src: ExportFile, rule: FileRule) -> pd.DataFrame:
    from openpyxl import load_workbook

    from .._zip import ZIP_ERRORS

    try:
        wb = load_workbook(io.BytesIO(src.read_bytes()), read_only=True, data_only=True)
    except (*ZIP_ERRORS, TypeError) as exc:
        raise InputError(src.display, f"not a readable XLSX workbook ({exc})") from None
    try:
        ws = wb[rule.sheet] if rule.sheet else wb.worksheets[0]
    except (KeyError, IndexError):
        raise InputError(src.display, f"workbook has no sheet '{rule.sheet}'") from None
    rows = ws.iter_rows(values_only=True)
    head = next(rows, None) if rule.header else None
    names = [str(c).strip() if c is not None else "" for c in head] if head else list(rule.names or [])
    records = [list(r) for r in rows]
    wb.close()
    width = len(names)
    frame = pd.DataFrame([(r + [None] * width)[:width] for r in records], columns=names, dtype="object")
    frame["source_row"] = range(1, len(records) + 1)
    return frame
