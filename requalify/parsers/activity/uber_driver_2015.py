"""Uber driver download, older layout (2015 data): ``,``-delimited, CRLF, naive times.

``Trip details (Driver)`` gives trips (durations in decimal minutes);
``Lost Time details (Driver)`` gives the gaps between trips, from which connection
segments are rebuilt: the previous trip (on trip), drop-off to next request
(waiting, ``notask``) and request to next pick-up (en route). ``Detailed Device
Data`` gives GPS fixes (epoch ms) with the app state; ``\\N`` is null. Naive times
carry no zone in this layout: they are read in the export's zone if another file
states it, else as UTC (and the assessment says so). Hours are not zero-padded.
"""

from __future__ import annotations

import pandas as pd

from . import register
from ._read import number, read_csv, text, times, to_utc
from ._tables import points
from ._uber import clean_coords, miles, states

FORMAT = "uber-driver-2015"


@register(FORMAT, "Uber Trip details (Driver)", names=r"trip details",
          required=("request_time", "begintrip_time", "dropoff_time", "status", "fare"),
          extra=("begintrip_latitude", "begintrip_longitude", "dropoff_latitude", "dropoff_longitude", "currency",
                 "fare_profile", "distance", "duration", "surge_multiplier"))
def trip_details(src, header, ctx):
    df = read_csv(src, header, strings=("status", "currency", "fare_profile"))
    begin = times(df, "begintrip_time", ctx.tz, local=True)
    blat, blng = clean_coords(number(df, "begintrip_latitude"), number(df, "begintrip_longitude"))
    dlat, dlng = clean_coords(number(df, "dropoff_latitude"), number(df, "dropoff_longitude"))
    end = times(df, "dropoff_time", ctx.tz, local=True)
    trips = pd.DataFrame({
        "request_time": times(df, "request_time", ctx.tz, local=True),
        "start": begin, "end": end,
        "status": text(df, "status"),
        "count": 1.0,
        "distance_km": miles(df, "distance"),
        "duration_s": number(df, "duration") * 60.0,
        "fare": number(df, "fare"),
        "currency": text(df, "currency"),
        "surge_multiplier": number(df, "surge_multiplier"),
        "product": text(df, "fare_profile"),
        "lat": blat, "lng": blng,
        "source_row": df["source_row"],
    })
    locations = points(df["source_row"], (begin, blat, blng, "ontrip"), (end, dlat, dlng, "ontrip"))
    return {"trips": trips, "locations": locations}


@register(FORMAT, "Uber Lost Time details (Driver)", names=r"lost time details",
          required=("previous_dropoff_time", "next_request_time", "next_begintrip_time"),
          extra=("notask_minutes", "nopassenger_minutes", "previous_duration", "previous_fare", "previous_status"))
def lost_time(src, header, ctx):
    df = read_csv(src, header)
    dropoff = times(df, "previous_dropoff_time", ctx.tz, local=True)
    request = times(df, "next_request_time", ctx.tz, local=True)
    begin = times(df, "next_begintrip_time", ctx.tz, local=True)
    trip_minutes = number(df, "previous_duration")
    trip_start = dropoff - pd.to_timedelta(trip_minutes, unit="min")
    lat, lng = clean_coords(number(df, "previous_dropoff_latitude"), number(df, "previous_dropoff_longitude"))
    rows = df["source_row"]
    sessions = pd.concat([
        pd.DataFrame({"state": "ontrip", "start": trip_start, "end": dropoff, "source_row": rows}),
        pd.DataFrame({"state": "open", "start": dropoff, "end": request, "lat": lat, "lng": lng, "source_row": rows}),
        pd.DataFrame({"state": "enroute", "start": request, "end": begin, "source_row": rows}),
    ], ignore_index=True)
    sessions = sessions[sessions["start"].notna() & sessions["end"].notna()]
    return {"sessions": sessions.sort_values(["source_row", "start"], kind="stable")}


@register(FORMAT, "Uber Driver Detailed Device Data", names=r"driver detailed device data",
          required=("lat", "lng", "gps_time_ms", "driver_status"),
          extra=("altitude", "speed", "horizontal_accuracy", "battery_level", "type"))
def device_data(src, header, ctx):
    df = read_csv(src, header, usecols=["lat", "lng", "gps_time_ms", "driver_status"], strings=("driver_status",))
    lat, lng = clean_coords(number(df, "lat"), number(df, "lng"))
    out = pd.DataFrame({
        "time": to_utc(df["gps_time_ms"], fmt="epoch_ms"),
        "lat": lat, "lng": lng,
        "state": states(df["driver_status"]).astype("object"),
        "source_row": df["source_row"],
    })
    return {"locations": out[out["lat"].notna()]}
