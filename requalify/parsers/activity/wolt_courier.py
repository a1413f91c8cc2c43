"""Wolt courier subject-access export, ``courier_tasks.csv``: one row per pick-up or
drop-off task, header fully quoted with a trailing space in ``"Task creation time "``,
``YYYY-MM-DD HH:MM:SS[.mmm]`` local times, and quoted values that may hold newlines.

A delivery is a pick-up plus a drop-off: ``count`` is 1 on drop-off tasks only,
so a trip count is a count of deliveries.
"""

from __future__ import annotations

import pandas as pd

from . import register
from ._read import flag, read_csv, text, times

FORMAT = "wolt-courier-tasks"


@register(FORMAT, "Wolt courier tasks", names=r"courier_tasks|courier tasks",
          required=("Task creation time", "Task completion time", "Is pickup task"),
          extra=("Completed with vehicle type", "Arrived at", "Started at", "Arrival time", "Departed at"))
def courier_tasks(src, header, ctx):
    df = read_csv(src, header, strings=("Is pickup task", "Completed with vehicle type"))
    pickup = flag(df, "Is pickup task")
    vehicle = text(df, "Completed with vehicle type").map(lambda v: "".join(str(v).split()) if v else v)
    start = times(df, "Task creation time", ctx.tz, local=True)
    end = times(df, "Task completion time", ctx.tz, local=True)
    trips = pd.DataFrame({
        "start": start, "end": end,
        "status": end.map(lambda t: "completed" if pd.notna(t) else "incomplete"),
        "task_type": pickup.map(lambda p: "pickup" if p else "dropoff"),
        "count": pickup.map(lambda p: 0.0 if p else 1.0),
        "product": vehicle,
        "source_row": df["source_row"],
    })
    return {"trips": trips}
