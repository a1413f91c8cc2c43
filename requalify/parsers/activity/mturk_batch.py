"""Amazon Mechanical Turk batch results (one row per assignment).

Times look like ``Wed Sep 20 19:32:18 PDT 2017``; rewards like ``$0.50`` (USD).
A rejected assignment is work done and not paid: it is kept as a task with status
``rejected`` and no payment line.
"""

from __future__ import annotations

import re

import pandas as pd

from . import register
from ._read import number, read_csv, text, to_utc

FORMAT = "mturk-batch-results"
ZONES = {"PST": "-0800", "PDT": "-0700", "MST": "-0700", "MDT": "-0600", "CST": "-0600", "CDT": "-0500",
         "EST": "-0500", "EDT": "-0400", "UTC": "+0000", "GMT": "+0000"}
_MTURK_TIME = re.compile(r"^\w{3} (\w{3}) +(\d{1,2}) (\d{1,2}:\d{2}:\d{2}) (\w{3,4}) (\d{4})$")


def mturk_times(s: pd.Series) -> pd.Series:
    def rewrite(v):
        if not isinstance(v, str):
            return None
        m = _MTURK_TIME.match(v.strip())
        if not m:
            return v.strip()
        mon, day, clock, zone, year = m.groups()
        return f"{day} {mon} {year} {clock} {ZONES.get(zone.upper(), '+0000')}"

    v = s.astype("object").map(rewrite)
    parsed = pd.to_datetime(v, format="%d %b %Y %H:%M:%S %z", errors="coerce", utc=True)
    if parsed.notna().sum() < v.notna().sum():
        parsed = parsed.fillna(to_utc(s.astype("object")))
    return parsed


@register(FORMAT, "Mechanical Turk batch results", names=r"batch_\d+_batch_results|batch results",
          required=("HITId", "AssignmentId", "WorkerId", "AssignmentStatus", "AcceptTime", "SubmitTime", "Reward"),
          extra=("HITTypeId", "Title", "WorkTimeInSeconds", "ApprovalTime", "RejectionTime", "LifetimeApprovalRate"))
def batch_results(src, header, ctx):
    cols = ["AssignmentStatus", "AcceptTime", "SubmitTime", "ApprovalTime", "Reward", "WorkTimeInSeconds", "Title", "WorkerId"]
    df = read_csv(src, header, usecols=cols, strings=tuple(cols))
    status = text(df, "AssignmentStatus").map(lambda v: str(v).lower() if v else v)
    reward = number(df, "Reward")
    trips = pd.DataFrame({
        "start": mturk_times(df["AcceptTime"]),
        "end": mturk_times(df["SubmitTime"]),
        "status": status,
        "task_type": "hit",
        "count": 1.0,
        "duration_s": number(df, "WorkTimeInSeconds"),
        "fare": reward,
        "currency": "USD",
        "product": text(df, "Title"),
        "source_row": df["source_row"],
    })
    approved = status == "approved"
    payments = pd.DataFrame({
        "time": mturk_times(df["ApprovalTime"]) if "ApprovalTime" in df else trips["end"],
        "amount": reward, "currency": "USD", "classification": "reward", "category": "hit", "kind": "fare",
        "source_row": df["source_row"],
    })[approved.fillna(False).astype(bool)]
    workers = text(df, "WorkerId").dropna().nunique()
    return {"trips": trips, "payments": payments, "_notes": {"workers": int(workers)}}
