"""Readers shared by the Uber layouts (driver EU 2021, Eats courier 2023, dispatches 2020).

The files keep the same column names across layouts; what differs (delimiter,
coordinates, ``city_id`` vs ``city_name``) is handled by the layout modules'
registrations, so these functions only know the columns.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._read import head_rows, number, offset_seconds, read_csv, text, times, to_utc, zone_from_name, zone_from_offset
from ._tables import MILE_KM

STATE_NAMES = {
    "open": "open", "online": "open", "available": "open", "waiting": "open",
    "enroute": "enroute", "en_route": "enroute", "accepted": "enroute", "arrived": "enroute", "dispatching": "enroute",
    "ontrip": "ontrip", "on_trip": "ontrip", "in_trip": "ontrip",
    "offline": "offline",
}


def states(s: pd.Series) -> pd.Series:
    """Canonical state names, computed once per distinct value (a million rows hold four)."""
    if not isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype("object").where(s.notna(), None).astype("category")
    cats = [STATE_NAMES.get(str(c).strip().lower(), str(c).strip().lower() or None) for c in s.cat.categories]
    codes = s.cat.codes.to_numpy()
    uniq = sorted({c for c in cats if c})
    lookup = np.array([uniq.index(c) if c else -1 for c in cats] + [-1], dtype="int64")
    return pd.Series(pd.Categorical.from_codes(lookup[codes], categories=uniq), index=s.index)


def clean_coords(lat: pd.Series, lng: pd.Series) -> tuple[pd.Series, pd.Series]:
    """0/0 is 'no fix', not a point in the Gulf of Guinea; out-of-range values are noise."""
    bad = ((lat == 0) & (lng == 0)) | (lat.abs() > 90) | (lng.abs() > 180)
    return lat.mask(bad), lng.mask(bad)


def online_offline(src, header, ctx) -> dict:
    cols = ["earner_state", "begin_timestamp_utc", "end_timestamp_utc", "begin_timestamp_local", "begin_lat", "begin_lng"]
    df = read_csv(src, header, usecols=cols)
    out = pd.DataFrame({
        "state": states(df["earner_state"]) if "earner_state" in df else None,
        "start": times(df, "begin_timestamp_utc"),
        "end": times(df, "end_timestamp_utc"),
        "source_row": df["source_row"],
    })
    if "begin_timestamp_local" in df:
        out["utc_offset_s"] = offset_seconds(df["begin_timestamp_local"], df["begin_timestamp_utc"])
    if "begin_lat" in df:
        out["lat"], out["lng"] = clean_coords(number(df, "begin_lat"), number(df, "begin_lng"))
    return {"sessions": out}


def dispatches(src, header, ctx) -> dict:
    df = read_csv(src, header)
    start = times(df, "start_timestamp_utc")
    out = pd.DataFrame({
        "start": start,
        "end": times(df, "end_timestamp_utc"),
        "offers": number(df, "dispatches"),
        "accepts": number(df, "accepts"),
        "rejections": number(df, "rejections"),
        "expired": number(df, "expireds"),
        "minutes_online": number(df, "minutes_online"),
        "minutes_active": number(df, "minutes_active"),
        "minutes_on_trip": number(df, "minutes_on_trip"),
        "source_row": df["source_row"],
    })
    if "start_timestamp_local" in df:
        out["utc_offset_s"] = offset_seconds(times(df, "start_timestamp_local").dt.tz_localize(None), start.dt.tz_localize(None))
    return {"offers": out}


COMMISSION_WORDS = ("commission", "service_fee", "servicefee")
DEDUCTION_WORDS = ("fraud", "holdback", "penalt", "deduct", "chargeback", "eats_fee", "location_change_fee")


def payment_kind(classification: str | None, category: str | None) -> str:
    c = classification.lower() if isinstance(classification, str) else ""
    cat = category.lower() if isinstance(category, str) else ""
    if cat == "commission" or any(w in c for w in COMMISSION_WORDS):
        return "commission"
    if any(w in cat or w in c for w in DEDUCTION_WORDS):
        return "deduction"
    if cat == "tip" or c.endswith(".tip"):
        return "tip"
    if cat == "tax" or ".tax" in c:
        return "tax"
    if "toll" in cat or ".toll" in c:
        return "toll"
    if "adjust" in c:
        return "adjustment"
    if ".fare" in c or cat.startswith("driver_payment") or c.startswith("delivery.fare"):
        return "fare"
    return "other"


def payments(src, header, ctx) -> dict:
    df = read_csv(src, header, strings=("classification", "category", "currency_code"))
    cls, cat = text(df, "classification"), text(df, "category")
    kinds = [payment_kind(a, b) for a, b in zip(cls.astype("object"), cat.astype("object"))]
    out = pd.DataFrame({
        "time": times(df, "recognize_timestamp_local", ctx.tz, local=True),
        "amount": number(df, "amount_local"),
        "currency": text(df, "currency_code"),
        "classification": cls,
        "category": cat,
        "kind": kinds,
        "source_row": df["source_row"],
    })
    return {"payments": out}


def zone_from_local_columns(src, header, local: str, utc: str):
    """A fixed zone from the first row pairing a local and a UTC timestamp."""
    for row in head_rows(src, header, 20):
        lv, uv = row.get(local), row.get(utc)
        if not lv or not uv:
            continue
        try:
            lt = to_utc(pd.Series([lv]), local=True).iloc[0]
            ut = to_utc(pd.Series([uv])).iloc[0]
        except (ValueError, TypeError):
            continue
        if pd.isna(lt) or pd.isna(ut):
            continue
        secs = (lt - ut).total_seconds()
        if abs(secs) <= 14 * 3600:
            zone = zone_from_offset(secs)
            return str(zone), zone, "offset between the export's local and UTC columns"
    return None


def zone_from_column(src, header, column: str):
    for row in head_rows(src, header, 50):
        zone = zone_from_name(row.get(column))
        if zone is not None:
            return str(zone), zone, f"named in column '{column}'"
    return None


def miles(df: pd.DataFrame, col: str) -> pd.Series:
    return number(df, col) * MILE_KM
