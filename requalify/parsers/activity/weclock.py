"""WeClock (UNI Global Union) export: headerless CSV ``idx,id,type,date,time,value1,value2``.

Rows look like ``14,-635…,geologging,3/21/22, 5:50 PM,42.30…, -71.11…``: the date
and the time are two fields (the time with a leading space), in the phone's local
time. Geologging rows become locations; other measures (battery…) are not used.
Rows are ragged (battery rows have no ``value2``), so the ``csv`` module reads them.
"""

from __future__ import annotations

import csv
import io
import re

import pandas as pd

from ...errors import InputError
from . import register
from ._read import decode, to_utc

FORMAT = "weclock"
_ROW = re.compile(r"^\s*\d+,-?\d+,[a-z][a-z ]+,\d{1,2}/\d{1,2}/\d{2,4},\s*\d{1,2}:\d{2}\s*[AP]M", re.I)


def _sniff(name: str, head: bytes) -> bool:
    lines = decode(head).splitlines()[:3]
    return bool(lines) and all(_ROW.match(line) for line in lines if line.strip())


@register(FORMAT, "WeClock export", sniff=_sniff)
def weclock(src, header, ctx):
    text = decode(src.read_bytes())
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise InputError(src.display, f"not a readable WeClock CSV ({exc})") from None
    records = []
    for n, row in enumerate(rows, start=1):
        if len(row) >= 7 and row[2].strip().lower() == "geologging":
            records.append({"when": f"{row[3].strip()} {row[4].strip()}", "lat": row[5], "lng": row[6], "source_row": n})
    df = pd.DataFrame(records, columns=["when", "lat", "lng", "source_row"])
    lat = pd.to_numeric(df["lat"].astype("object").map(lambda v: str(v).strip()), errors="coerce")
    lng = pd.to_numeric(df["lng"].astype("object").map(lambda v: str(v).strip()), errors="coerce")
    ok = lat.between(-90, 90) & lng.between(-180, 180) & ~((lat == 0) & (lng == 0))
    out = pd.DataFrame({"time": to_utc(df["when"], ctx.tz, local=True, fmt="%m/%d/%y %I:%M %p"),
                        "lat": lat.where(ok), "lng": lng.where(ok), "state": None, "source_row": df["source_row"]})
    return {"locations": out[out["lat"].notna()]}
