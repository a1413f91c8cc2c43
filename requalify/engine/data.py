"""Data indicators: metrics over the canonical activity tables, tested against the rules.

Metrics are plain definitions (CONTRACT.md); whether a figure is evidence, and how
strong, is decided only by each data indicator's ``data_tests`` in its YAML file, so
a lawyer who disagrees with a threshold edits YAML. Every finding points at the rows
of the export file its figure was computed from.

Local time (night 21:00–06:00, weekends, days) uses the export's own clock: the
per-row UTC offset when the export pairs local and UTC columns (Uber), else the
zone the export names (``timezone`` column, mapping file), else UTC, which the
metrics say (``time.basis``).
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from datetime import timedelta, timezone, tzinfo
from typing import Any

import numpy as np
import pandas as pd

from ..model import ActivityLog, Evidence, Location

CONTRACT_METRICS = (
    "connection.online_hours", "connection.waiting_share",
    "dispatch.offers", "dispatch.accepts", "dispatch.rejections", "dispatch.expired", "dispatch.acceptance_rate",
    "sanctions.refusal_restrictions", "sanctions.lockouts", "sanctions.lockout_hours",
    "pay.gross", "pay.commission", "pay.commission_rate",
    "geolocation.points_per_online_hour",
    "time.active_days", "time.night_share", "time.weekend_share",
)
EXTRA_METRICS = (
    "connection.basis", "connection.waiting_hours", "connection.enroute_hours", "connection.ontrip_hours",
    "connection.period_start", "connection.period_end", "connection.weeks", "connection.hours_per_week",
    "dispatch.rejection_rate", "dispatch.expiry_rate",
    "sanctions.restrictions", "sanctions.deactivations",
    "pay.currency", "pay.fares", "pay.deductions", "pay.trips", "pay.per_trip", "pay.rate_change", "pay.rate_basis",
    "pay.rate_months",
    "work.tasks", "work.tasks_rejected", "work.tasks_rejected_share",
    "geolocation.points", "geolocation.waiting_points", "geolocation.offline_points",
    "time.days_per_week", "time.basis", "time.timezone",
)
METRICS = CONTRACT_METRICS + EXTRA_METRICS

CONNECTED = ("open", "enroute", "ontrip", "online")
OPEN, ENROUTE, ONTRIP, ONLINE = range(4)
WAITING = ("open", "enroute")
DONE_STATUSES = {"completed", "approved", "paid", "success", "submitted", "fare_split", "done", "delivered", "finished"}
REJECTED_STATUSES = {"rejected"}
NIGHT_START_H, NIGHT_END_H = 21, 6
DAY = 86400
_OPS = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le, "==": operator.eq, "!=": operator.ne}


@dataclass
class _Frags:
    """Connected time as local wall-clock intervals, with the rows they came from."""

    start: np.ndarray
    end: np.ndarray
    state: np.ndarray
    rows: pd.DataFrame
    basis: str
    split: bool = True  # whether waiting and working time are told apart


def detect_activity(log: ActivityLog, rules=None) -> tuple[list[Evidence], dict[str, Any], dict[str, Any]]:
    """(findings, metrics, series) of one worker's activity export."""
    metrics, prov, series = compute(log)
    findings = run_data_tests(log, rules if rules is not None else _default_rules(), metrics, prov)
    return findings, metrics, series


def compute(log: ActivityLog) -> tuple[dict[str, Any], dict[str, list], dict[str, Any]]:
    zone = log_zone(log)
    t = log.tables
    metrics: dict[str, Any] = {k: None for k in METRICS}
    prov: dict[str, list] = {}
    metrics["time.timezone"] = log.metadata.get("timezone", "UTC")
    frags = _fragments(t, zone)
    daily = _connection(frags, metrics, prov)
    _dispatch(t["offers"], zone, metrics, prov)
    _sanctions(t["events"], metrics, prov)
    pay_daily = _pay(t["payments"], t["trips"], zone, metrics, prov)
    _geolocation(t["sessions"], t["locations"], frags, metrics, prov)
    series = {
        "daily": daily,
        "restrictions": _restriction_series(t["events"], zone),
        "dispatch_daily": _dispatch_series(t["offers"], zone),
        "pay": pay_daily,
    }
    return {k: _clean(v) for k, v in metrics.items()}, prov, series


# --- local time -------------------------------------------------------------------------------

_OFFSET_LABEL = re.compile(r"^UTC([+-])(\d{2}):(\d{2})$")


def log_zone(log: ActivityLog) -> tzinfo:
    label = str(log.metadata.get("timezone") or "UTC")
    m = _OFFSET_LABEL.match(label)
    if m:
        secs = (int(m.group(2)) * 3600 + int(m.group(3)) * 60) * (1 if m.group(1) == "+" else -1)
        return timezone(timedelta(seconds=secs))
    if label == "UTC":
        return timezone.utc
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(label)
    except (ZoneInfoNotFoundError, ValueError):
        return timezone.utc


def _epoch_s(ts: pd.Series) -> np.ndarray:
    """Whole seconds, rounded: 16.0166666667 minutes is 961 s, not 960.999999."""
    us = ts.dt.tz_localize(None).to_numpy(dtype="datetime64[us]").astype("int64")
    return (us + 500_000) // 1_000_000


def _local_s(ts: pd.Series, zone: tzinfo, offsets: pd.Series | None = None) -> np.ndarray:
    """Wall-clock seconds: the export's own per-row offset where it gives one, else the zone's."""
    base = _epoch_s(ts)
    off = np.zeros(len(ts), dtype="int64")
    need = np.ones(len(ts), dtype=bool)
    if offsets is not None:
        o = offsets.to_numpy(dtype="float64", na_value=np.nan)
        have = ~np.isnan(o)
        off[have] = o[have].astype("int64")
        need = ~have
    if need.any() and zone is not timezone.utc:
        sub = ts[need]
        conv = sub.dt.tz_convert(zone).dt.tz_localize(None)
        delta = (conv - sub.dt.tz_localize(None)).dt.total_seconds().to_numpy(dtype="float64", na_value=0.0)
        off[need] = delta.astype("int64")
    return base + off


def _night_cum(t: np.ndarray) -> np.ndarray:
    day = t // DAY
    sec = t - day * DAY
    per_day = (24 - NIGHT_START_H + NIGHT_END_H) * 3600
    return day * per_day + np.minimum(sec, NIGHT_END_H * 3600) + np.maximum(sec - NIGHT_START_H * 3600, 0)


def _weekend_cum(t: np.ndarray) -> np.ndarray:
    t2 = t + 3 * DAY  # 1970-01-01 was a Thursday: shift so that day 0 is a Monday
    d = t2 // DAY
    weeks, r = d // 7, d % 7
    return weeks * 2 * DAY + np.clip(r - 5, 0, 2) * DAY + np.where(r >= 5, t2 - d * DAY, 0)


def _date(day: int) -> str:
    return str(np.datetime64(int(day), "D"))


# --- connection --------------------------------------------------------------------------------


def _fragments(t: dict[str, pd.DataFrame], zone: tzinfo) -> _Frags | None:
    s = t["sessions"]
    if len(s):
        ok = s["state"].isin(CONNECTED).to_numpy(dtype=bool) & s["start"].notna().to_numpy() & s["end"].notna().to_numpy()
        sub = s[ok]
        st, en = _local_s(sub["start"], zone, sub["utc_offset_s"]), _local_s(sub["end"], zone, sub["utc_offset_s"])
        good = en > st
        sub = sub[good]
        if len(sub):
            state = sub["state"]
            if isinstance(state.dtype, pd.CategoricalDtype):
                codes = state.cat.set_categories(CONNECTED).cat.codes.to_numpy().astype("int64")
            else:
                codes = pd.Categorical(state.astype("object"), categories=CONNECTED).codes.astype("int64")
            return _Frags(st[good], en[good], codes, sub[["source_file", "source_row"]], "sessions")
    o = t["offers"]
    if len(o) and o["minutes_online"].notna().any():
        sub = o[o["minutes_online"].notna() & o["start"].notna() & (o["minutes_online"] > 0)]
        st = _local_s(sub["start"], zone, sub["utc_offset_s"])
        online = np.rint(sub["minutes_online"].to_numpy() * 60).astype("int64")
        if sub["minutes_on_trip"].notna().all():
            trip = np.minimum(np.rint(sub["minutes_on_trip"].to_numpy() * 60).astype("int64"), online)
            active = sub["minutes_active"].to_numpy()
            active = np.where(np.isnan(active), trip / 60.0, active)
            act = np.clip(np.rint(active * 60).astype("int64"), trip, online)
            parts = [(st, st + trip, ONTRIP), (st + trip, st + act, ENROUTE), (st + act, st + online, OPEN)]
        else:
            parts = [(st, st + online, ONLINE)]
        starts = np.concatenate([p[0] for p in parts])
        ends = np.concatenate([p[1] for p in parts])
        states = np.concatenate([np.full(len(p[0]), p[2], dtype="int64") for p in parts])
        keep = ends > starts
        rows = pd.concat([sub[["source_file", "source_row"]]] * len(parts), ignore_index=True)[keep]
        return _Frags(starts[keep], ends[keep], states[keep], rows, "dispatch windows (minutes online per hour)")
    tr = t["trips"]
    if len(tr):
        status = tr["status"].astype("object").map(lambda v: str(v).strip().lower() if v is not None else None)
        worked = _done(tr) | status.isin(REJECTED_STATUSES)
        sub = tr[worked & tr["start"].notna() & tr["end"].notna()]
        st, en = _local_s(sub["start"], zone), _local_s(sub["end"], zone)
        good = en > st
        if good.any():
            st, en, sub = st[good], en[good], sub[good]
            order = np.argsort(st, kind="stable")
            st, en = st[order], en[order]
            run_end = np.maximum.accumulate(en)
            new = np.ones(len(st), dtype=bool)
            new[1:] = st[1:] > run_end[:-1]
            gid = np.cumsum(new) - 1
            us = st[new]
            ue = np.zeros(len(us), dtype="int64")
            np.maximum.at(ue, gid, en)
            return _Frags(us, ue, np.full(len(us), ONTRIP, dtype="int64"), sub[["source_file", "source_row"]],
                          "tasks (task time only: a lower bound of connected time)", split=False)
    return None


def _connection(fr: _Frags | None, m: dict, prov: dict) -> list[dict]:
    if fr is None or not len(fr.start):
        return []
    dur = (fr.end - fr.start).astype("float64")
    total = dur.sum()
    by_state = {s: float(dur[fr.state == i].sum()) for i, s in enumerate(CONNECTED)}
    rows = _rows(fr.rows)
    m["connection.basis"] = fr.basis
    m["time.basis"] = fr.basis
    m["connection.online_hours"] = total / 3600
    if fr.split and by_state["online"] == 0:
        m["connection.waiting_share"] = (by_state["open"] + by_state["enroute"]) / total
        m["connection.waiting_hours"] = by_state["open"] / 3600
        m["connection.enroute_hours"] = by_state["enroute"] / 3600
        m["connection.ontrip_hours"] = by_state["ontrip"] / 3600
        for k in ("connection.waiting_share", "connection.waiting_hours", "connection.enroute_hours", "connection.ontrip_hours"):
            prov[k] = rows
    m["time.night_share"] = float((_night_cum(fr.end) - _night_cum(fr.start)).sum()) / total
    m["time.weekend_share"] = float((_weekend_cum(fr.end) - _weekend_cum(fr.start)).sum()) / total

    d0 = fr.start // DAY
    d1 = (fr.end - 1) // DAY
    n = np.minimum(d1 - d0 + 1, 400)
    idx = np.repeat(np.arange(len(d0)), n)
    k = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)
    day = d0[idx] + k
    seg = np.minimum(fr.end[idx], (day + 1) * DAY) - np.maximum(fr.start[idx], day * DAY)
    states = fr.state[idx]
    codes = states
    uniq, inv = np.unique(day, return_inverse=True)
    sums = np.zeros((len(uniq), len(CONNECTED)))
    np.add.at(sums, (inv, codes), seg)
    keep = sums.sum(axis=1) > 0
    uniq, sums = uniq[keep], sums[keep]
    active = len(uniq)
    first, last = int(uniq.min()), int(uniq.max())
    weeks = max(last - first + 1, 7) / 7.0
    m["time.active_days"] = active
    m["connection.period_start"] = _date(first)
    m["connection.period_end"] = _date(last)
    m["connection.weeks"] = weeks
    m["connection.hours_per_week"] = total / 3600 / weeks
    m["time.days_per_week"] = active / weeks
    for k in ("connection.online_hours", "time.night_share", "time.weekend_share", "time.active_days",
              "connection.hours_per_week", "time.days_per_week", "connection.weeks"):
        prov[k] = rows
    col = {s: i for i, s in enumerate(CONNECTED)}
    dates = np.datetime_as_string(uniq.astype("datetime64[D]"))
    hours = np.round(sums / 3600, 6)
    total_h = np.round(sums.sum(axis=1) / 3600, 6)
    hours = (hours + 0.0).tolist()
    return [{"date": str(d), "waiting_hours": h[col["open"]], "enroute_hours": h[col["enroute"]],
             "ontrip_hours": h[col["ontrip"]], "connected_hours": t}
            for d, h, t in zip(dates, hours, (total_h + 0.0).tolist())]


# --- dispatch, sanctions ---------------------------------------------------------------------


def _dispatch(o: pd.DataFrame, zone, m: dict, prov: dict) -> None:
    counted = o[o["offers"].notna()]
    if not len(counted):
        return
    rows = _rows(counted)
    offers = _count(counted["offers"].sum())
    m["dispatch.offers"] = offers
    for key, col in (("accepts", "accepts"), ("rejections", "rejections"), ("expired", "expired")):
        if counted[col].notna().any():
            m[f"dispatch.{key}"] = _count(counted[col].sum())
    if offers > 0:
        for key, num in (("acceptance_rate", "dispatch.accepts"), ("rejection_rate", "dispatch.rejections"),
                         ("expiry_rate", "dispatch.expired")):
            if m[num] is not None:
                m[f"dispatch.{key}"] = m[num] / offers
    for k in ("offers", "accepts", "rejections", "expired", "acceptance_rate", "rejection_rate", "expiry_rate"):
        if m[f"dispatch.{k}"] is not None:
            prov[f"dispatch.{k}"] = rows


def _sanctions(e: pd.DataFrame, m: dict, prov: dict) -> None:
    if not len(e):
        return
    m["sanctions.restrictions"] = len(e)
    prov["sanctions.restrictions"] = _rows(e)
    for key, kind in (("refusal_restrictions", "refusal_restriction"), ("lockouts", "working_time_lockout"),
                      ("deactivations", "deactivation")):
        sub = e[e["kind"] == kind]
        m[f"sanctions.{key}"] = len(sub)
        if len(sub):
            prov[f"sanctions.{key}"] = _rows(sub)
    lock = e[e["kind"] == "working_time_lockout"]
    m["sanctions.lockout_hours"] = float(lock["duration_s"].fillna(0).sum()) / 3600
    if len(lock):
        prov["sanctions.lockout_hours"] = _rows(lock)


# --- pay ----------------------------------------------------------------------------------------


def _done(trips: pd.DataFrame) -> pd.Series:
    status = trips["status"].astype("object").map(lambda v: str(v).strip().lower() if v is not None else None)
    return status.isna() | status.isin(DONE_STATUSES)


def _pay(p: pd.DataFrame, trips: pd.DataFrame, zone, m: dict, prov: dict) -> list[dict]:
    done = trips[_done(trips)] if len(trips) else trips
    if len(trips):
        status = trips["status"].astype("object").map(lambda v: str(v).strip().lower() if v is not None else None)
        tasks = _count(trips["count"].fillna(1).sum())
        m["work.tasks"] = tasks
        rejected = trips[status.isin(REJECTED_STATUSES)]
        m["work.tasks_rejected"] = _count(rejected["count"].fillna(1).sum())
        m["work.tasks_rejected_share"] = m["work.tasks_rejected"] / tasks if tasks else None
        prov["work.tasks"] = _rows(trips)
        prov["work.tasks_rejected"] = prov["work.tasks_rejected_share"] = _rows(rejected) if len(rejected) else _rows(trips)
        m["pay.trips"] = _count(done["count"].fillna(1).sum())
        prov["pay.trips"] = _rows(done) if len(done) else _rows(trips)
    currency = None
    if len(p) and p["amount"].notna().any():
        cur = p["currency"].dropna().astype("object")
        currency = cur.value_counts().sort_index().idxmax() if len(cur) else None
        lines = p[(p["currency"] == currency) | p["currency"].isna()] if currency else p
        lines = lines[lines["amount"].notna()]
        rows = _rows(lines)
        pos = lines[lines["amount"] > 0]
        fare_lines = pos[pos["kind"] == "fare"]
        comm = lines[lines["kind"] == "commission"]
        ded = lines[lines["kind"] == "deduction"]
        m["pay.gross"] = float(pos["amount"].sum())
        m["pay.fares"] = float(fare_lines["amount"].sum())
        m["pay.deductions"] = float(ded["amount"].abs().sum())
        prov["pay.gross"] = prov["pay.fares"] = rows
        prov["pay.deductions"] = _rows(ded) if len(ded) else rows
        if len(comm):
            m["pay.commission"] = abs(float(comm["amount"].sum()))
            prov["pay.commission"] = _rows(comm)
            if m["pay.fares"] > 0:
                m["pay.commission_rate"] = m["pay.commission"] / m["pay.fares"]
                prov["pay.commission_rate"] = _rows(pd.concat([comm, fare_lines]))
    elif len(done) and done["fare"].notna().any():
        cur = done["currency"].dropna().astype("object")
        currency = cur.value_counts().sort_index().idxmax() if len(cur) else None
        lines = done[done["fare"].notna() & ((done["currency"] == currency) | done["currency"].isna())]
        m["pay.gross"] = m["pay.fares"] = float(lines["fare"].clip(lower=0).sum())
        prov["pay.gross"] = prov["pay.fares"] = _rows(lines)
        if lines["commission"].notna().any():
            m["pay.commission"] = float(lines["commission"].abs().sum())
            prov["pay.commission"] = _rows(lines[lines["commission"].notna()])
            if m["pay.fares"]:
                m["pay.commission_rate"] = m["pay.commission"] / m["pay.fares"]
                prov["pay.commission_rate"] = prov["pay.commission"]
    if m["pay.commission_rate"] is None and len(trips) and trips["commission_rate"].notna().any():
        rated = trips[trips["commission_rate"].notna()]
        m["pay.commission_rate"] = float(rated["commission_rate"].median())
        prov["pay.commission_rate"] = _rows(rated)
    m["pay.currency"] = currency
    if m["pay.fares"] is not None and m["pay.trips"]:
        m["pay.per_trip"] = m["pay.fares"] / m["pay.trips"]
        prov["pay.per_trip"] = prov["pay.fares"] + prov.get("pay.trips", [])
    _rate_change(done, zone, m, prov)
    return _pay_series(p, done, zone, currency)


def _rate_change(done: pd.DataFrame, zone, m: dict, prov: dict) -> None:
    """Change of the median pay rate (per km when the export itemises it, else per task), first to last month."""
    if not len(done):
        return
    when = done["start"].fillna(done["request_time"]).fillna(done["end"])
    dist = done["distance_rate"]
    if dist.notna().sum() * 2 >= len(done):
        rate, basis = dist, "per km (distance component of the fare)"
    else:
        rate = (done["fare"] / done["count"].fillna(1)).where(done["count"].fillna(1) > 0)
        basis = "per task"
    ok = rate.notna() & when.notna() & np.isfinite(rate)
    if ok.sum() == 0:
        return
    local = _local_s(when[ok], zone).astype("datetime64[s]")
    months = pd.Series(local).dt.strftime("%Y-%m").to_numpy()
    med = pd.Series(rate[ok].to_numpy()).groupby(months).median().sort_index()
    if len(med) < 2 or med.iloc[0] == 0:
        return
    m["pay.rate_change"] = float((med.iloc[-1] - med.iloc[0]) / abs(med.iloc[0]))
    m["pay.rate_basis"] = basis
    m["pay.rate_months"] = len(med)
    prov["pay.rate_change"] = _rows(done[ok])


def _pay_series(p: pd.DataFrame, done: pd.DataFrame, zone, currency) -> list[dict]:
    """Per local day: pay, commission and tasks; null where the export has no such data."""
    days: dict[str, dict] = {}
    has_pay = has_commission = False

    def bucket(d):
        return days.setdefault(d, {"gross": 0.0, "commission": 0.0, "fares": 0.0, "trips": 0.0})

    lines = p[p["amount"].notna() & p["time"].notna()] if len(p) else p
    if currency and len(lines):
        lines = lines[(lines["currency"] == currency) | lines["currency"].isna()]
    if len(lines):
        has_pay = True
        has_commission = bool((lines["kind"] == "commission").any())
        amount = lines["amount"].to_numpy()
        kind = lines["kind"].astype("object").to_numpy()
        frame = pd.DataFrame({"date": _dates(lines["time"], zone), "gross": np.where(amount > 0, amount, 0.0),
                              "fares": np.where((amount > 0) & (kind == "fare"), amount, 0.0),
                              "commission": np.where(kind == "commission", amount, 0.0)})
        for d, g, f, c in frame.groupby("date", sort=True)[["gross", "fares", "commission"]].sum().itertuples():
            b = bucket(d)
            b["gross"], b["fares"], b["commission"] = float(g), float(f), abs(float(c))
    elif len(done) and done["fare"].notna().any():
        sub = done[done["fare"].notna()]
        when = sub["start"].fillna(sub["end"])
        sub, when = sub[when.notna()], when[when.notna()]
        if len(sub):
            has_pay = True
            has_commission = bool(sub["commission"].notna().any())
            frame = pd.DataFrame({"date": _dates(when, zone), "fare": sub["fare"].clip(lower=0).to_numpy(),
                                  "commission": sub["commission"].fillna(0).abs().to_numpy()})
            for d, f, c in frame.groupby("date", sort=True)[["fare", "commission"]].sum().itertuples():
                b = bucket(d)
                b["gross"] = b["fares"] = float(f)
                b["commission"] = float(c)
    if len(done):
        when = done["start"].fillna(done["request_time"]).fillna(done["end"])
        sub = done[when.notna()]
        if len(sub):
            frame = pd.DataFrame({"date": _dates(when[when.notna()], zone), "n": sub["count"].fillna(1).to_numpy()})
            for d, n in frame.groupby("date", sort=True)["n"].sum().items():
                bucket(d)["trips"] = float(n)
    out = []
    for d in sorted(days):
        b = days[d]
        out.append({
            "date": d,
            "gross": _clean(b["gross"]) if has_pay else None,
            "commission": _clean(b["commission"]) if has_commission else None,
            "commission_rate": _clean(b["commission"] / b["fares"]) if has_commission and b["fares"] > 0 else None,
            "trips": _clean(b["trips"]),
            "pay_per_trip": _clean(b["fares"] / b["trips"]) if has_pay and b["trips"] > 0 else None,
        })
    return out


def _dates(ts: pd.Series, zone, offsets: pd.Series | None = None) -> np.ndarray:
    local = _local_s(ts, zone, offsets)
    return np.datetime_as_string((local // DAY).astype("datetime64[D]"))


# --- geolocation --------------------------------------------------------------------------------


def _geolocation(s: pd.DataFrame, loc: pd.DataFrame, fr: _Frags | None, m: dict, prov: dict) -> None:
    frames = [f[f["lat"].notna() & f["lng"].notna()] for f in (s, loc) if len(f)]
    frames = [f for f in frames if len(f)]
    if not frames:
        return
    offline = [(f["state"] == "offline").to_numpy(dtype=bool) for f in frames]
    waiting = [f["state"].isin(WAITING).to_numpy(dtype=bool) for f in frames]
    m["geolocation.points"] = int(sum(len(f) for f in frames))
    m["geolocation.offline_points"] = int(sum(o.sum() for o in offline))
    m["geolocation.waiting_points"] = int(sum(w.sum() for w in waiting))
    prov["geolocation.points"] = _merge_rows(*(_rows(f) for f in frames))
    prov["geolocation.offline_points"] = _merge_rows(*(_rows(f[o]) for f, o in zip(frames, offline)))
    prov["geolocation.waiting_points"] = _merge_rows(*(_rows(f[w]) for f, w in zip(frames, waiting)))
    hours = m["connection.online_hours"]
    if hours:
        m["geolocation.points_per_online_hour"] = float(sum((~o).sum() for o in offline)) / hours
        prov["geolocation.points_per_online_hour"] = _merge_rows(*(_rows(f[~o]) for f, o in zip(frames, offline)))


# --- series -------------------------------------------------------------------------------------


def _restriction_series(e: pd.DataFrame, zone) -> list[dict]:
    if not len(e):
        return []
    sub = e[e["time"].notna()].sort_values(["time", "source_file", "source_row"], kind="stable")
    out = []
    for t, rule, kind, dur in zip(sub["time"], sub["rule"].astype("object"), sub["kind"].astype("object"), sub["duration_s"]):
        out.append({"time": t.tz_convert(zone).isoformat(), "rule": rule, "kind": kind,
                    "duration_hours": _clean(dur / 3600) if pd.notna(dur) else 0.0})
    return out


def _dispatch_series(o: pd.DataFrame, zone) -> list[dict]:
    sub = o[o["offers"].notna() & o["start"].notna()]
    if not len(sub):
        return []
    frame = pd.DataFrame({"date": _dates(sub["start"], zone, sub["utc_offset_s"]),
                          "offers": sub["offers"].to_numpy(), "accepts": sub["accepts"].fillna(0).to_numpy(),
                          "rejections": sub["rejections"].fillna(0).to_numpy(), "expired": sub["expired"].fillna(0).to_numpy()})
    g = frame.groupby("date", sort=True).sum()
    return [{"date": d, **{k: _count(r[k]) for k in ("offers", "accepts", "rejections", "expired")}} for d, r in g.iterrows()]


# --- findings -----------------------------------------------------------------------------------


def _rows(frame: pd.DataFrame) -> list[tuple[str, int, int, int]]:
    """(file, first row, last row, rows used) per source file, the file with most rows first."""
    if not len(frame):
        return []
    files = frame["source_file"]
    if not isinstance(files.dtype, pd.CategoricalDtype):
        files = files.astype("category")
    codes = files.cat.codes.to_numpy()
    g = pd.DataFrame({"c": codes, "r": frame["source_row"].to_numpy()}).groupby("c", sort=True)["r"].agg(["min", "max", "size"])
    names = files.cat.categories
    out = [(str(names[c]), int(lo), int(hi), int(n)) for c, lo, hi, n in g.itertuples() if c >= 0]
    return sorted(out, key=lambda x: (-x[3], x[0]))


def _merge_rows(*parts: list) -> list:
    return sorted((x for p in parts for x in p), key=lambda x: (-x[3], x[0]))


def _indicators(rules) -> list:
    inds = getattr(rules, "indicators", None)
    if inds is None and isinstance(rules, dict):
        inds = rules.get("indicators", rules)
    items = inds.values() if isinstance(inds, dict) else (inds or [])
    return sorted(items, key=lambda i: _get(i, "id"))


def _get(obj, key, default=None):
    if isinstance(obj, dict):
        return obj.get(key, default)
    return getattr(obj, key, default)


def _spec(ind) -> dict:
    spec = _get(ind, "spec")
    return spec if isinstance(spec, dict) and spec else (ind if isinstance(ind, dict) else {})


def _passes(value, cond: dict) -> bool:
    if value is None or isinstance(value, str):
        return False
    v = abs(value) if cond.get("abs") else value
    return bool(_OPS[cond["op"]](v, cond["threshold"]))


def _strength(value, test: dict) -> float:
    s = test.get("strength", 1.0)
    if isinstance(s, (int, float)):
        return float(s)
    v = abs(value) if test.get("abs") else value
    lo, hi = float(s["from"]), float(s["to"])
    smin, smax = float(s.get("min", 0.5)), float(s.get("max", 1.0))
    if hi == lo:
        return smax
    frac = min(max((v - lo) / (hi - lo), 0.0), 1.0)
    return round(smin + (smax - smin) * frac, 4)


def run_data_tests(log: ActivityLog, rules, metrics: dict, prov: dict) -> list[Evidence]:
    """One Evidence per data test that fires, pointing at the rows of its metric."""
    hashes = {s.path: s.sha256 for s in log.sources}
    out = []
    for ind in _indicators(rules):
        if _get(ind, "kind") != "data":
            continue
        for test in _spec(ind).get("data_tests") or []:
            value = metrics.get(test["metric"])
            if not _passes(value, test):
                continue
            if not all(_passes(metrics.get(c["metric"]), c) for c in test.get("when") or []):
                continue
            sources = prov.get(test["metric"]) or []
            if not sources:
                continue
            path, first, last, _ = sources[0]
            figure = {"value": _clean(value), "unit": test["unit"], "label": dict(test["label"]),
                      "metric": test["metric"], "test": test["id"]}
            if len(sources) > 1:
                figure["sources"] = [{"path": p, "rows": [a, b]} for p, a, b, _ in sources]
            out.append(Evidence(
                indicator=_get(ind, "id"), polarity=_get(ind, "polarity"), criterion=_get(ind, "criterion"),
                strength=_strength(value, test), source=Location(path, hashes.get(path, ""), rows=(first, last)),
                figure=figure, cue=f"{test['id']}: {test['metric']} {test['op']} {test['threshold']}",
            ))
    return out


def _default_rules():
    try:
        from ..rules import load_rules  # written in parallel; the package YAML is the fallback
    except ImportError:
        load_rules = None
    if load_rules is not None:
        try:
            return load_rules()
        except Exception:  # a half-written rules tree must not hide the data findings
            pass
    return _load_data_indicators()


def _load_data_indicators():
    from importlib import resources

    import yaml

    from ..model import Indicator

    inds = {}
    folder = resources.files("requalify").joinpath("rules", "indicators")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not (entry.name.startswith("data_") and entry.name.endswith(".yaml")):
            continue
        spec = yaml.safe_load(entry.read_text(encoding="utf-8"))
        inds[spec["id"]] = Indicator(id=spec["id"], kind=spec["kind"], polarity=str(spec["polarity"]),
                                     criterion=spec.get("criterion"), weight=float(spec.get("weight", 1.0)),
                                     label=spec["label"], sources=tuple(spec.get("sources") or ()), spec=spec)

    class _Rules:
        indicators = inds

    return _Rules()


def _count(v) -> int | float:
    f = float(v)
    return int(f) if f.is_integer() else f


def _clean(v):
    """JSON-ready and stable: numpy scalars to Python, floats rounded, NaN to None."""
    if v is None:
        return None
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        f = float(v)
        if not np.isfinite(f):
            return None
        r = round(f, 6)
        return 0.0 if r == 0 else r
    return v
