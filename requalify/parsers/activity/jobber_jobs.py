"""Home-services "jobber" platform jobs file (``data_jobs_<id>.csv``): UTF-8 BOM,
CRLF, literal ``NULL``, ``date``/``end_date`` as ``DD.MM.YYYY``, other timestamps
``YYYY-MM-DD HH:MM:SS.ffffff``, columns duplicated with a ``-2`` suffix.

Each job is a task from ``date`` + ``start_hour`` for ``nb_hours`` (+ ``extra_hours``);
its pay is ``remuneration_paid`` when paid, else price per hour × hours. The file
names no currency, so none is assumed.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from . import register
from ._read import number, read_csv, text, times, to_utc

FORMAT = "jobber-jobs"
_HOUR = re.compile(r"^\s*(\d{1,2})(?:[:hH.](\d{2}))?(?::\d{2})?\s*$")


def _hour_offset(v) -> float:
    m = _HOUR.match(str(v)) if v is not None else None
    if not m:
        return np.nan
    h, mnt = int(m.group(1)), int(m.group(2) or 0)
    return h * 3600.0 + mnt * 60.0 if h < 24 and mnt < 60 else np.nan


@register(FORMAT, "jobs file (home services)", names=r"data_jobs",
          required=("id", "category", "date", "start_hour", "price_per_hour", "nb_hours", "state"),
          extra=("remuneration_paid", "paid_at", "price_per_hour_published", "price_per_hour_postulated", "terminated_state"))
def jobs(src, header, ctx):
    df = read_csv(src, header, strings=("date", "start_hour", "state", "category", "subcategory", "end_date"))
    day = to_utc(text(df, "date"), fmt="%d.%m.%Y").dt.tz_localize(None)
    start_naive = day + pd.to_timedelta(text(df, "start_hour").map(_hour_offset), unit="s")
    hours = number(df, "nb_hours") + number(df, "extra_hours").fillna(0)
    start = to_utc(start_naive, ctx.tz, local=True)
    end = start + pd.to_timedelta(hours * 3600.0, unit="s")
    price = number(df, "price_per_hour")
    paid = number(df, "remuneration_paid")
    state = text(df, "state").map(lambda v: str(v).lower() if v else v)
    trips = pd.DataFrame({
        "request_time": times(df, "created_at", ctx.tz, local=True),
        "start": start, "end": end,
        "status": state,
        "task_type": text(df, "category"),
        "count": 1.0,
        "duration_s": hours * 3600.0,
        "fare": paid.fillna(price * hours),
        "product": text(df, "subcategory"),
        "source_row": df["source_row"],
    })
    is_paid = paid.notna() & (state == "paid")
    payments = pd.DataFrame({
        "time": times(df, "paid_at", ctx.tz, local=True).fillna(end),
        "amount": paid, "classification": "remuneration_paid", "category": "job", "kind": "fare",
        "source_row": df["source_row"],
    })[is_paid.fillna(False).astype(bool)]
    return {"trips": trips, "payments": payments}
