"""The canonical activity tables every adapter fills, whatever the platform.

Metrics and charts are written once against these columns; an adapter only has
to say which of its columns is which. Times are tz-aware UTC; ``utc_offset_s``
keeps the export's own local offset where the export states it, so local-time
figures (night, weekend, day) use the platform's clock, not a guess.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

TIME, FLOAT, TEXT = "time", "float", "text"

TABLES: dict[str, dict[str, str]] = {
    "sessions": {"state": TEXT, "start": TIME, "end": TIME, "lat": FLOAT, "lng": FLOAT, "utc_offset_s": FLOAT},
    "offers": {
        "start": TIME, "end": TIME, "offers": FLOAT, "accepts": FLOAT, "rejections": FLOAT, "expired": FLOAT,
        "minutes_online": FLOAT, "minutes_active": FLOAT, "minutes_on_trip": FLOAT, "utc_offset_s": FLOAT,
    },
    "trips": {
        "request_time": TIME, "start": TIME, "end": TIME, "status": TEXT, "task_type": TEXT, "count": FLOAT,
        "distance_km": FLOAT, "duration_s": FLOAT, "fare": FLOAT, "currency": TEXT, "commission": FLOAT,
        "commission_rate": FLOAT, "distance_rate": FLOAT, "surge_multiplier": FLOAT, "product": TEXT,
        "lat": FLOAT, "lng": FLOAT,
    },
    "payments": {"time": TIME, "amount": FLOAT, "currency": TEXT, "classification": TEXT, "category": TEXT, "kind": TEXT},
    "events": {"time": TIME, "rule": TEXT, "kind": TEXT, "duration_s": FLOAT, "lat": FLOAT, "lng": FLOAT},
    "locations": {"time": TIME, "lat": FLOAT, "lng": FLOAT, "state": TEXT},
}
PROVENANCE = ("source_file", "source_row")

CONNECTED_STATES = ("open", "enroute", "ontrip", "online")
"""``online`` is connected time whose split between waiting and working the export does not give."""

PAYMENT_KINDS = ("fare", "tip", "commission", "tax", "toll", "deduction", "adjustment", "other")
EVENT_KINDS = ("refusal_restriction", "working_time_lockout", "deactivation", "restriction")

TIME_DTYPE = "datetime64[us, UTC]"
MILE_KM = 1.609344


def empty(name: str) -> pd.DataFrame:
    return conform(name, pd.DataFrame(index=pd.RangeIndex(0)), "")


def conform(name: str, frame: pd.DataFrame, source_file: str) -> pd.DataFrame:
    """Give ``frame`` exactly the columns and dtypes of table ``name`` (missing ones as nulls)."""
    spec = TABLES[name]
    n = len(frame)
    out = {}
    for col, kind in spec.items():
        values = frame[col] if col in frame.columns else None
        if kind == TIME:
            out[col] = _as_time(values, n)
        elif kind == FLOAT:
            out[col] = pd.Series(np.nan, index=frame.index) if values is None else pd.to_numeric(values, errors="coerce").astype("float64")
        else:
            out[col] = pd.Series(None, index=frame.index, dtype="object") if values is None else _as_text(values)
    out["source_file"] = pd.Series(source_file, index=frame.index, dtype="category") if "source_file" not in frame else frame["source_file"]
    rows = frame["source_row"] if "source_row" in frame.columns else pd.Series(np.arange(1, n + 1), index=frame.index)
    out["source_row"] = rows.astype("int64")
    return pd.DataFrame(out, index=frame.index).reset_index(drop=True)


def _as_time(values, n):
    if values is None:
        return pd.Series(pd.NaT, index=pd.RangeIndex(n), dtype=TIME_DTYPE)
    if not isinstance(values.dtype, pd.DatetimeTZDtype):
        values = pd.to_datetime(values, errors="coerce", utc=True)
    return values.dt.tz_convert("UTC").astype(TIME_DTYPE)


def _as_text(values: pd.Series) -> pd.Series:
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values
    return values.astype("object").where(values.notna(), None)


def concat(name: str, frames: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty(name)
    if len(frames) == 1:
        out = frames[0]
    else:
        out = pd.concat(frames, ignore_index=True)
    out["source_file"] = out["source_file"].astype("category")
    return out


def points(source_row: pd.Series, *events: tuple) -> pd.DataFrame:
    """A ``locations`` table from several positions recorded on the same rows, e.g. where a trip
    was accepted and where it began: each event is (time, lat, lng, state); rows keep their
    source row, and positions without a latitude are dropped."""
    frame = pd.concat([pd.DataFrame({"time": t, "lat": lat, "lng": lng, "state": state, "source_row": source_row})
                       for t, lat, lng, state in events], ignore_index=True)
    return frame[frame["lat"].notna()]
