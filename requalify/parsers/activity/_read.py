"""Reading export files into raw frames, and the value quirks real exports have.

CSV goes through pyarrow's reader (the parser behind pandas ``engine="pyarrow"``,
called directly for the options pandas does not pass on: quoted newlines, exact
null markers, renamed duplicate headers). Anything pyarrow refuses is re-read by
the standard ``csv`` module, slower but row-exact, so a row number in a finding is
always the row of the file.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import timedelta, timezone, tzinfo

import numpy as np
import pandas as pd

from ...errors import InputError
from ._inputs import ExportFile

NULLS = ["", "\\N", "NULL", "null", "NaN", "nan", "N/A", "None"]
HEAD_BYTES = 65536
_NN_PREFIX = re.compile(r"^\s*\d+[a-z]?\s*-\s*", re.I)


def base_name(name: str) -> str:
    """File name without its ``NN - `` prefix (it changes between exports) and suffix."""
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return _NN_PREFIX.sub("", stem).strip()


def decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3 and len(data) >= HEAD_BYTES - 4:
            return data[: exc.start].decode("utf-8")  # a multi-byte character cut by the head limit
        return data.decode("cp1252", errors="replace")


@dataclass(frozen=True)
class Header:
    columns: tuple[str, ...]  # stripped names, as the adapters know them
    raw: tuple[str, ...]
    delimiter: str
    first_line: str

    @property
    def names(self) -> frozenset[str]:
        return frozenset(self.columns)


def sniff_header(head: bytes) -> Header | None:
    """The header row of a delimited text file, or None when the bytes are not one."""
    if not head or b"\x00" in head[:4096]:
        return None
    text = decode(head)
    first = text.split("\n", 1)[0].rstrip("\r")
    if not first.strip():
        return None
    counts = {d: first.count(d) for d in (";", ",", "\t", "|")}
    delim = max(counts, key=lambda d: (counts[d], d == ","))
    if counts[delim] == 0:
        delim = ","
    try:
        row = next(csv.reader(io.StringIO(text), delimiter=delim))
    except (csv.Error, StopIteration):
        return None
    cols = tuple(c.strip().strip('"').strip() for c in row)
    return Header(cols, tuple(row), delim, first)


def unique_names(cols: tuple[str, ...]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for c in cols:
        name = c or "column"
        if name in seen:
            seen[name] += 1
            name = f"{name}__{seen[name]}"
        else:
            seen[name] = 1
        out.append(name)
    return out


def read_csv(src: ExportFile, header: Header | None, usecols: list[str] | None = None,
             names: list[str] | None = None, strings: tuple[str, ...] = ()) -> pd.DataFrame:
    """A file's rows as a DataFrame with a 1-based ``source_row``; missing ``usecols`` are skipped.

    ``names`` reads a headerless file; ``strings`` keeps columns as text (no type guessing).
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    delim = header.delimiter if header else ","
    if names is None:
        if header is None:
            raise InputError(src.display, "no header row")
        all_names = unique_names(header.columns)
        skip = 1
    else:
        all_names = list(names)
        skip = 0
    wanted = [c for c in (usecols or all_names) if c in all_names]
    convert = pacsv.ConvertOptions(
        null_values=NULLS, strings_can_be_null=True, include_columns=wanted,
        column_types={c: pa.string() for c in strings if c in wanted},
        timestamp_parsers=[pacsv.ISO8601],
    )
    last_error = None
    for newlines in (False, True):
        for encoding in ("utf8", "cp1252"):
            try:
                table = pacsv.read_csv(
                    src.source(),
                    read_options=pacsv.ReadOptions(column_names=all_names, skip_rows=skip, encoding=encoding,
                                                   block_size=1 << 24),
                    parse_options=pacsv.ParseOptions(delimiter=delim, newlines_in_values=newlines),
                    convert_options=convert,
                )
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError, pa.ArrowKeyError,
                    pa.ArrowIndexError, UnicodeError, ValueError, OverflowError) as exc:
                last_error = exc
                if "UTF8" not in str(exc) and "utf" not in str(exc).lower():
                    break
                continue
            frame = _to_pandas(table)
            frame["source_row"] = np.arange(1, len(frame) + 1, dtype="int64")
            return frame
    return _read_csv_python(src, delim, all_names, skip, wanted, last_error)


def _to_pandas(table) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.compute as pc

    cols = {}
    for name, col in zip(table.column_names, table.columns):
        if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
            distinct = pc.count_distinct(col).as_py() if len(col) else 0
            if len(col) > 1000 and distinct < len(col) // 10:
                cols[name] = col.dictionary_encode().to_pandas()
                continue
        if pa.types.is_null(col.type):
            cols[name] = pd.Series([None] * len(col), dtype="object")
            continue
        cols[name] = col.to_pandas()
    return pd.DataFrame(cols)


def _read_csv_python(src: ExportFile, delim: str, names: list[str], skip: int, wanted: list[str], cause) -> pd.DataFrame:
    text = decode(src.read_bytes())
    csv.field_size_limit(16 * 1024 * 1024)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delim))
    except csv.Error as exc:
        raise InputError(src.display, f"not a readable CSV file ({exc})") from None
    rows = rows[skip:]
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    width = len(names)
    index = {n: i for i, n in enumerate(names)}
    data = {}
    for col in wanted:
        i = index[col]
        data[col] = [_null(r[i]) if i < len(r) else None for r in rows]
    frame = pd.DataFrame(data, dtype="object")
    frame["source_row"] = np.arange(1, len(rows) + 1, dtype="int64")
    bad = sum(1 for r in rows if len(r) != width)
    if bad:
        frame.attrs["ragged_rows"] = bad
    return frame


def _null(value: str):
    v = value.strip()
    return None if v in NULLS else value


def text(frame: pd.DataFrame, col: str) -> pd.Series:
    if col not in frame.columns:
        return pd.Series(None, index=frame.index, dtype="object")
    s = frame[col]
    if isinstance(s.dtype, pd.CategoricalDtype):
        return s
    return s.astype("object").where(s.notna(), None).map(lambda v: v.strip() if isinstance(v, str) else v)


def number(frame: pd.DataFrame, col: str) -> pd.Series:
    """Numbers as float; ``$0.50``, ``88.0%``, ``1 234,5`` and ``true`` become numbers, garbage NaN."""
    if col not in frame.columns:
        return pd.Series(np.nan, index=frame.index)
    s = frame[col]
    if pd.api.types.is_bool_dtype(s):
        return s.astype("float64")
    if pd.api.types.is_numeric_dtype(s):
        return s.astype("float64")
    s = s.astype("object").map(_clean_number)
    return pd.to_numeric(s, errors="coerce").astype("float64")


_NUM_JUNK = re.compile(r"[^\d.\-+eE]")


def _clean_number(v):
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, (int, float)):
        return v
    t = str(v).strip().lower()
    if t in ("true", "false"):
        return 1.0 if t == "true" else 0.0
    t = t.replace("\u00a0", "").replace(" ", "")
    if "," in t and "." not in t:
        t = t.replace(",", ".")
    t = _NUM_JUNK.sub("", t)
    return t or None


def flag(frame: pd.DataFrame, col: str) -> pd.Series:
    s = text(frame, col)
    return s.map(lambda v: None if v is None else str(v).strip().lower() in ("true", "1", "yes", "t", "y"))


_UTC_SUFFIX = re.compile(r"\s*(\+0000\s*)?UTC$|\s+GMT$", re.I)


def times(frame: pd.DataFrame, col: str, tz: tzinfo | None = None, local: bool = False,
          fmt: str | None = None) -> pd.Series:
    """A column as tz-aware UTC times.

    ``local=True`` reads wall-clock times of the export's zone ``tz``, ignoring a
    spurious ``Z`` (Uber writes one on its ``*_local`` columns). Naive values of a
    non-local column are UTC. ``fmt`` is a strptime format, ``epoch_ms`` or ``epoch_s``.
    """
    if col not in frame.columns:
        return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[us, UTC]")
    return to_utc(frame[col], tz=tz, local=local, fmt=fmt)


def to_utc(s: pd.Series, tz: tzinfo | None = None, local: bool = False, fmt: str | None = None) -> pd.Series:
    zone = tz or timezone.utc
    if fmt in ("epoch_ms", "epoch_s", "epoch_us"):
        unit = {"epoch_ms": "ms", "epoch_s": "s", "epoch_us": "us"}[fmt]
        n = number(pd.DataFrame({"v": s}), "v")
        n = n.where((n.abs() < 1e17 / {"ms": 1e3, "s": 1e6, "us": 1}[unit]))
        return pd.to_datetime(n, unit=unit, utc=True, errors="coerce").astype("datetime64[us, UTC]")
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        if local:
            return _localize(s.dt.tz_localize(None), zone)
        return s.dt.tz_convert("UTC").astype("datetime64[us, UTC]")
    if pd.api.types.is_datetime64_dtype(s):
        return _localize(s, zone if local else timezone.utc)
    if isinstance(s.dtype, pd.CategoricalDtype):
        cats = to_utc(pd.Series(s.cat.categories.astype("object")), tz, local, fmt)
        codes = s.cat.codes.to_numpy()
        out = cats.to_numpy()[np.where(codes >= 0, codes, 0)]
        out = pd.Series(out, index=s.index, dtype="datetime64[us, UTC]")
        return out.where(codes >= 0)
    if pd.api.types.is_numeric_dtype(s):
        return pd.Series(pd.NaT, index=s.index, dtype="datetime64[us, UTC]")
    v = s.astype("object").map(lambda x: x.strip() if isinstance(x, str) else None)
    v = v.where(~v.isin(NULLS), None)
    if fmt:
        parsed = pd.to_datetime(v, format=fmt, errors="coerce")
    else:
        v = v.map(lambda x: _UTC_SUFFIX.sub(" +0000", x) if isinstance(x, str) else x)
        if local:
            v = v.map(lambda x: x[:-1] if isinstance(x, str) and x.endswith("Z") else x)
        parsed = _parse_any(v)
    if isinstance(parsed.dtype, pd.DatetimeTZDtype):
        if local:
            return _localize(parsed.dt.tz_localize(None), zone)
        return parsed.dt.tz_convert("UTC").astype("datetime64[us, UTC]")
    return _localize(parsed, zone if local else timezone.utc)


_FALLBACK_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M",
                     "%d.%m.%Y", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%m/%d/%y %I:%M %p")


def _parse_any(v: pd.Series) -> pd.Series:
    present = v.notna()
    if not present.any():
        return pd.Series(pd.NaT, index=v.index, dtype="datetime64[us]")
    mixed_tz = v[present].map(lambda x: bool(re.search(r"(Z|[+-]\d\d:?\d\d)$", x))).to_numpy()
    if mixed_tz.all() or not mixed_tz.any():
        try:
            return pd.to_datetime(v, format="ISO8601", utc=bool(mixed_tz.all()))
        except (ValueError, TypeError, OverflowError):
            pass
    else:
        try:
            return pd.to_datetime(v, format="ISO8601", utc=True)
        except (ValueError, TypeError, OverflowError):
            pass
    sample = v[present].iloc[0]
    for f in _FALLBACK_FORMATS:
        try:
            pd.to_datetime(pd.Series([sample]), format=f)
        except (ValueError, TypeError, OverflowError):
            continue
        return pd.to_datetime(v, format=f, errors="coerce")
    with _quiet():
        return pd.to_datetime(v, format="mixed", errors="coerce", utc=bool(mixed_tz.any()))


class _quiet:
    def __enter__(self):
        import warnings

        self._w = warnings.catch_warnings()
        self._w.__enter__()
        warnings.simplefilter("ignore")

    def __exit__(self, *exc):
        self._w.__exit__(*exc)


def _localize(naive: pd.Series, zone: tzinfo) -> pd.Series:
    naive = naive.astype("datetime64[us]")
    try:
        out = naive.dt.tz_localize(zone, ambiguous=np.zeros(len(naive), dtype=bool), nonexistent="shift_forward")
    except (ValueError, TypeError, OverflowError):
        out = naive.dt.tz_localize(zone, ambiguous="NaT", nonexistent="NaT")
    return out.dt.tz_convert("UTC").astype("datetime64[us, UTC]")


def offset_seconds(local: pd.Series, utc: pd.Series) -> pd.Series:
    """The export's own local-minus-UTC offset per row, from its paired columns."""
    if isinstance(local.dtype, pd.DatetimeTZDtype):
        local = local.dt.tz_localize(None)
    if not pd.api.types.is_datetime64_dtype(local):
        local = to_utc(local).dt.tz_localize(None)
    if isinstance(utc.dtype, pd.DatetimeTZDtype):
        utc = utc.dt.tz_localize(None)
    diff = (local.astype("datetime64[us]") - utc.astype("datetime64[us]")).dt.total_seconds()
    return diff.where(diff.abs() <= 14 * 3600)


def zone_from_offset(seconds: float) -> tzinfo:
    return timezone(timedelta(seconds=int(round(seconds / 900.0) * 900)))


def zone_from_name(name: str | None) -> tzinfo | None:
    if not name:
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(str(name).strip())
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def head_rows(src: ExportFile, header: Header, n: int = 50) -> list[dict[str, str]]:
    """The first rows of a delimited file, cheaply, for time-zone hints."""
    text_ = decode(src.head())
    try:
        reader = csv.reader(io.StringIO(text_), delimiter=header.delimiter)
        next(reader, None)
        rows = []
        for row in reader:
            rows.append(dict(zip(header.columns, (c.strip() for c in row))))
            if len(rows) >= n:
                break
        return rows
    except csv.Error:
        return []
