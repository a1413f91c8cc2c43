"""Uber "Driver Dispatches Offered and Accepted", 2020 variant: ``,``-delimited,
``YYYY-MM-DD HH:MM:SS.000`` timestamps without zone, ``driver_uuid`` and JSON lists
of partner and vehicle ids inside doubly-quoted fields, no ``minutes_on_break``."""

from __future__ import annotations

from . import register
from . import _uber

FORMAT = "uber-dispatches-2020"


@register(FORMAT, "Uber Driver Dispatches Offered and Accepted (2020)", names=r"driver dispatches offered",
          required=("start_timestamp_utc", "end_timestamp_utc", "driver_uuid", "dispatches", "rejections", "accepts", "expireds"),
          extra=("partner_uuids", "vehicle_uuids", "minutes_online", "minutes_active", "minutes_on_trip", "start_timestamp_local"),
          timezone=lambda src, h: _uber.zone_from_local_columns(src, h, "start_timestamp_local", "start_timestamp_utc"))
def dispatches(src, header, ctx):
    return _uber.dispatches(src, header, ctx)
