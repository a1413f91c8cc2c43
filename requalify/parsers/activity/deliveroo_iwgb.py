"""Deliveroo rider invoices as parsed by the IWGB union tool (JSON array of invoices).

Not Deliveroo's own download: the tool's output, each invoice with its shifts
(``Start``/``End`` in UTC, ``Hours``, ``Orders``, ``Pay``) and adjustment lines
(``Tips``, ``Transaction fee``…). A shift is connected time whose split between
waiting and delivering the invoice does not give (state ``online``). ``source_row``
is the invoice's 1-based position in the array. Amounts are in GBP: the tool
served UK riders and the files carry no currency.
"""

from __future__ import annotations

import json

import pandas as pd

from ...errors import InputError
from . import register
from ._read import decode, to_utc

FORMAT = "deliveroo-iwgb-invoices"
CURRENCY = "GBP"
MAX_JSON_BYTES = 512 * 1024 * 1024

ADJUSTMENT_KINDS = {
    "tips": "tip", "transaction fee": "deduction", "adjustments": "adjustment",
    "hourly fees": "fare", "hourly pay": "fare", "drop pay": "fare", "guarantee rates": "fare", "petrol": "other",
}


def _sniff(name: str, head: bytes) -> bool:
    t = decode(head).lstrip()
    return t.startswith("[") and '"riderId"' in t and '"shifts"' in t


def _number(v):
    try:
        f = float(str(v).replace("£", "").replace(",", "").strip()) if v is not None else None
    except ValueError:
        return None
    return f


@register(FORMAT, "Deliveroo invoices (IWGB)", sniff=_sniff)
def invoices(src, header, ctx):
    if src.size > MAX_JSON_BYTES:
        raise InputError(src.display, f"JSON file too large ({src.size} bytes)")
    try:
        data = json.loads(decode(src.read_bytes()))
    except (json.JSONDecodeError, RecursionError) as exc:
        raise InputError(src.display, f"not valid JSON ({exc})") from None
    if not isinstance(data, list):
        raise InputError(src.display, "expected a JSON array of invoices")
    shifts, adjustments = [], []
    for row, inv in enumerate(data, start=1):
        if not isinstance(inv, dict):
            continue
        period_end = inv.get("end")
        for shift in inv.get("shifts") or []:
            if not isinstance(shift, dict):
                continue
            shifts.append({"start": shift.get("Start"), "end": shift.get("End"), "orders": _number(shift.get("Orders")),
                           "pay": _number(shift.get("Pay")), "hours": _number(shift.get("Hours")), "source_row": row})
        for adj in inv.get("adjustments") or []:
            if not isinstance(adj, dict):
                continue
            label = str(adj.get("Label") or "").strip()
            adjustments.append({"time": period_end, "amount": _number(adj.get("Amount")), "classification": label,
                                "kind": ADJUSTMENT_KINDS.get(label.lower(), "other"), "source_row": row})
    s = pd.DataFrame(shifts, columns=["start", "end", "orders", "pay", "hours", "source_row"])
    start, end = to_utc(s["start"].astype("object")), to_utc(s["end"].astype("object"))
    sessions = pd.DataFrame({"state": "online", "start": start, "end": end, "source_row": s["source_row"]})
    trips = pd.DataFrame({"start": start, "end": end, "status": "completed", "task_type": "shift",
                          "count": s["orders"], "fare": s["pay"], "currency": CURRENCY, "source_row": s["source_row"]})
    pay_rows = pd.DataFrame({"time": start, "amount": s["pay"], "currency": CURRENCY, "classification": "shift pay",
                             "category": "shift", "kind": "fare", "source_row": s["source_row"]})
    a = pd.DataFrame(adjustments, columns=["time", "amount", "classification", "kind", "source_row"])
    adj_rows = pd.DataFrame({"time": to_utc(a["time"].astype("object"), ctx.tz, local=True), "amount": a["amount"],
                             "currency": CURRENCY, "classification": a["classification"], "category": "adjustment",
                             "kind": a["kind"], "source_row": a["source_row"]})
    payments = pd.concat([pay_rows, adj_rows], ignore_index=True).sort_values("source_row", kind="stable")
    return {"sessions": sessions, "trips": trips, "payments": payments}
