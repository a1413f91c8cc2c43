"""Uber driver data download, EU layout (2021): ``;``-delimited, CRLF, ``NN - `` prefixes.

Files read: Lifetime Trips, Online Offline (state segments with coordinates),
Dispatches Offered and Accepted (hourly windows), App Restrictions (refusal
restrictions and working-time lock-outs) and Payments. The ``*_local`` columns
carry a spurious ``Z``: they are read as wall-clock time and used only to learn
the export's own UTC offset. App Restrictions' ``Time`` has no zone and is read
as UTC, like the other server-side event logs of the download.
"""

from __future__ import annotations

import pandas as pd

from . import register
from . import _uber
from ._read import number, read_csv, text, times

FORMAT = "uber-driver-eu-2021"


@register(FORMAT, "Uber Driver Online Offline", names=r"driver online offline",
          required=("earner_state", "begin_timestamp_utc", "end_timestamp_utc", "begin_lat", "begin_lng"),
          extra=("end_lat", "end_lng", "duration_ms", "begin_timestamp_local", "end_timestamp_local", "city_id"),
          timezone=lambda src, h: _uber.zone_from_local_columns(src, h, "begin_timestamp_local", "begin_timestamp_utc"))
def online_offline(src, header, ctx):
    return _uber.online_offline(src, header, ctx)


@register(FORMAT, "Uber Driver Dispatches Offered and Accepted", names=r"driver dispatches offered",
          required=("start_timestamp_utc", "end_timestamp_utc", "dispatches", "rejections", "accepts", "expireds"),
          extra=("minutes_on_break", "minutes_online", "minutes_active", "minutes_on_trip", "start_timestamp_local", "city_id"),
          timezone=lambda src, h: _uber.zone_from_local_columns(src, h, "start_timestamp_local", "start_timestamp_utc"))
def dispatches(src, header, ctx):
    return _uber.dispatches(src, header, ctx)


REFUSAL_RULES = ("consecutivereject", "reject", "cancel", "decline", "refus")
WORKING_TIME_RULES = ("drivinghourlimit", "hourlimit", "drivingtime", "fatigue", "rest")
DEACTIVATION_RULES = ("deactivat", "suspend", "ban", "fraud", "waitlist")


def restriction_kind(rule: str | None) -> str:
    """Which sanction a restriction rule is; the names are Uber's (``consecutiveReject``, ``drivingHourLimits``)."""
    r = rule.lower() if isinstance(rule, str) else ""
    if any(w in r for w in WORKING_TIME_RULES):
        return "working_time_lockout"
    if any(w in r for w in REFUSAL_RULES):
        return "refusal_restriction"
    if any(w in r for w in DEACTIVATION_RULES):
        return "deactivation"
    return "restriction"


@register(FORMAT, "Uber Driver App Restrictions", names=r"driver app restrictions",
          required=("msg.rule", "Time"), extra=("msg.penaltyboxdurationms", "msg.cityid", "msg.latitude", "msg.longitude"))
def app_restrictions(src, header, ctx):
    df = read_csv(src, header, strings=("msg.rule",))
    rule = text(df, "msg.rule")
    lat, lng = _uber.clean_coords(number(df, "msg.latitude"), number(df, "msg.longitude"))
    out = pd.DataFrame({
        "time": times(df, "Time"),
        "rule": rule,
        "kind": [restriction_kind(r) for r in rule.astype("object")],
        "duration_s": number(df, "msg.penaltyboxdurationms") / 1000.0,
        "lat": lat, "lng": lng,
        "source_row": df["source_row"],
    })
    return {"events": out}


@register(FORMAT, "Uber Driver Payments", names=r"driver payments|driver_payments",
          required=("amount_local", "currency_code", "classification", "recognize_timestamp_local"),
          extra=("city_id", "category"))
def payments(src, header, ctx):
    return _uber.payments(src, header, ctx)


@register(FORMAT, "Uber Driver Lifetime Trips", names=r"driver[ _]lifetime[ _]trips",
          required=("request_timestamp_utc", "begintrip_timestamp_utc", "dropoff_timestamp_utc", "status"),
          extra=("timezone", "city_id", "currency_code", "trip_distance_miles", "service_fee", "original_fare_local",
                 "driver_upfront_fare_local", "per_mile_fare_local", "fare_distance_miles"),
          timezone=lambda src, h: _uber.zone_from_column(src, h, "timezone"))
def lifetime_trips(src, header, ctx):
    df = read_csv(src, header, strings=("status", "currency_code", "product_type_name"))
    fare = number(df, "original_fare_local")
    fare = fare.fillna(number(df, "driver_upfront_fare_local"))
    rate = number(df, "service_fee")
    commission = number(df, "service_fee_local").abs()
    commission = commission.where(commission.notna(), (fare * rate).where(rate.between(0, 1)))
    fare_km = number(df, "fare_distance_miles") * 1.609344
    out = pd.DataFrame({
        "request_time": times(df, "request_timestamp_utc"),
        "start": times(df, "begintrip_timestamp_utc"),
        "end": times(df, "dropoff_timestamp_utc"),
        "status": text(df, "status"),
        "count": 1.0,
        "distance_km": _uber.miles(df, "trip_distance_miles"),
        "duration_s": number(df, "trip_duration_seconds"),
        "fare": fare,
        "currency": text(df, "currency_code"),
        "commission": commission,
        "commission_rate": rate,
        "distance_rate": (number(df, "per_mile_fare_local") / fare_km).where(fare_km > 0),
        "surge_multiplier": number(df, "surge_multiplier"),
        "product": text(df, "product_type_name"),
        "source_row": df["source_row"],
    })
    return {"trips": out}
