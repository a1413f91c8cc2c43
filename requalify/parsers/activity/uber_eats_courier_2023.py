"""Uber Eats courier data download (2023, Switzerland): ``,``-delimited, LF.

Differs from the driver EU layout: Online Offline has no coordinates, Payments
names the city (``city_name``), and trips are ``Courier Lifetime Trip Data`` with
naive local timestamps (``YYYY-MM-DD HH:MM:SS``) and distances in miles.
"""

from __future__ import annotations

import pandas as pd

from . import register
from . import _uber
from ._read import number, read_csv, text, times
from ._tables import points

FORMAT = "uber-eats-courier-2023"


@register(FORMAT, "Uber Eats Driver Online Offline", names=r"driver online offline",
          required=("earner_state", "begin_timestamp_utc", "end_timestamp_utc"),
          extra=("duration_ms", "begin_timestamp_local", "end_timestamp_local", "city_id"),
          timezone=lambda src, h: _uber.zone_from_local_columns(src, h, "begin_timestamp_local", "begin_timestamp_utc"))
def online_offline(src, header, ctx):
    return _uber.online_offline(src, header, ctx)


@register(FORMAT, "Uber Eats Driver Payments", names=r"driver payments|driver_payments",
          required=("city_name", "amount_local", "currency_code", "classification", "recognize_timestamp_local"),
          extra=("category",))
def payments(src, header, ctx):
    return _uber.payments(src, header, ctx)


@register(FORMAT, "Uber Eats Courier Lifetime Trip Data", names=r"courier lifetime trip",
          required=("courier_begintrip_timestamp_local", "courier_dropoff_timestamp_local", "delivery_status"),
          extra=("city_name", "courier_accept_timestamp_local", "courier_accept_timestamp_utc", "courier_commission_rate",
                 "courier_begintrip_to_dropoff_miles", "restaurant_request_timestamp_local"))
def courier_trips(src, header, ctx):
    df = read_csv(src, header, strings=("delivery_status", "courier_device"))
    accept_lat, accept_lng = _uber.clean_coords(number(df, "courier_accept_trip_lat"), number(df, "courier_accept_trip_lng"))
    begin_lat, begin_lng = _uber.clean_coords(number(df, "courier_begintrip_lat"), number(df, "courier_begintrip_lng"))
    accept = times(df, "courier_accept_timestamp_utc")
    accept = accept.fillna(times(df, "courier_accept_timestamp_local", ctx.tz, local=True))
    start = times(df, "courier_begintrip_timestamp_local", ctx.tz, local=True)
    trips = pd.DataFrame({
        "request_time": times(df, "restaurant_request_timestamp_local", ctx.tz, local=True),
        "start": start,
        "end": times(df, "courier_dropoff_timestamp_local", ctx.tz, local=True),
        "status": text(df, "delivery_status"),
        "task_type": "delivery",
        "count": 1.0,
        "distance_km": _uber.miles(df, "courier_begintrip_to_dropoff_miles"),
        "duration_s": number(df, "courier_begintrip_to_dropoff_seconds"),
        "commission_rate": number(df, "courier_commission_rate"),
        "lat": begin_lat, "lng": begin_lng,
        "source_row": df["source_row"],
    })
    locations = points(df["source_row"], (accept, accept_lat, accept_lng, "enroute"),
                       (start, begin_lat, begin_lng, "ontrip"))
    return {"trips": trips, "locations": locations}
