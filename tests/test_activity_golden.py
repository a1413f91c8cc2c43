"""Each adapter on a small fixture in its exact layout (tests/fixtures/activity/_make.py).

The expected metrics are literals worked out by hand from the fixture rows (the
arithmetic is in the comments); the golden files pin the canonical tables, series and
findings so that a change shows up as a reviewable diff. Rewrite them with
REQUALIFY_UPDATE_GOLDEN=1.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest

from requalify.engine.data import CONTRACT_METRICS, detect_activity
from requalify.parsers.activity import parse_activity

ROOT = Path(__file__).resolve().parents[1]
FIX = "tests/fixtures/activity"
GOLDEN = ROOT / "tests" / "golden" / "activity"


@pytest.fixture(autouse=True)
def _at_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def run(*paths, mapping=None):
    log = parse_activity([f"{FIX}/{p}" for p in paths], mapping=f"{FIX}/{mapping}" if mapping else None)
    findings, metrics, series = detect_activity(log)
    return log, findings, metrics, series


def snapshot(log, findings, metrics, series) -> str:
    def records(frame: pd.DataFrame):
        out = []
        for rec in frame.head(6).to_dict("records"):
            out.append({k: (v.isoformat() if isinstance(v, pd.Timestamp) else (None if pd.isna(v) else v))
                        for k, v in rec.items()})
        return out

    doc = {
        "sources": [s.to_dict() for s in log.sources],
        "skipped": [s.to_dict() for s in log.skipped],
        "metadata": log.metadata,
        "tables": {name: {"rows": len(t), "head": records(t)} for name, t in sorted(log.tables.items())},
        "metrics": metrics,
        "series": series,
        "findings": [f.to_dict() for f in findings],
    }
    return json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False, default=str) + "\n"


def check_golden(name: str, result) -> None:
    text = snapshot(*result)
    path = GOLDEN / f"{name}.json"
    if os.environ.get("REQUALIFY_UPDATE_GOLDEN") or not path.exists():
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{path} differs (REQUALIFY_UPDATE_GOLDEN=1 to rewrite)"


def approx(metrics, expected):
    for key, value in expected.items():
        assert metrics[key] == pytest.approx(value, abs=1e-6) if isinstance(value, float) else metrics[key] == value, key


def test_contract_keys_always_present():
    _, _, metrics, _ = run("weclock/data.csv")
    assert set(CONTRACT_METRICS) <= set(metrics)
    assert metrics["connection.online_hours"] is None and metrics["pay.gross"] is None


def test_uber_driver_eu_2021():
    result = run("uber-driver-eu-2021")
    log, findings, m, series = result
    assert {s.format for s in log.sources} == {"uber-driver-eu-2021"}
    assert [s.code for s in log.skipped] == ["RQ302"]  # 05 - Driver Performance Badges.csv, 0 bytes
    approx(m, {
        # connected: open 30+50+60, enroute 10+90, ontrip 30+60 = 330 min
        "connection.online_hours": 5.5,
        "connection.waiting_share": 240 / 330,
        "connection.waiting_hours": 140 / 60,
        # Sat 21:00 -> Sun 00:30 local (UTC+1) is 210 min, all at night and at the weekend
        "time.night_share": 210 / 330,
        "time.weekend_share": 210 / 330,
        "time.active_days": 3,  # 1, 6 and 7 March, local dates
        "dispatch.offers": 9, "dispatch.accepts": 3, "dispatch.rejections": 3, "dispatch.expired": 3,
        "dispatch.acceptance_rate": 3 / 9,
        "sanctions.refusal_restrictions": 2, "sanctions.lockouts": 1, "sanctions.lockout_hours": 6.0,
        # positive lines 20 + 2 + 1 + 12; commission 5 + 3 on fares 20 + 12
        "pay.gross": 35.0, "pay.commission": 8.0, "pay.commission_rate": 0.25, "pay.currency": "EUR",
        "pay.trips": 2, "pay.per_trip": 16.0,
        # fixes on connected segments: rows 1, 2, 3, 6, 7, 8 (row 4 is 0/0)
        "geolocation.points_per_online_hour": 6 / 5.5,
        "geolocation.waiting_points": 4,
        "time.timezone": "Europe/Paris",
    })
    assert series["daily"][0] == {"date": "2021-03-01", "waiting_hours": round(80 / 60, 6), "enroute_hours": round(10 / 60, 6),
                                  "ontrip_hours": 0.5, "connected_hours": 2.0}
    assert series["restrictions"][2] == {"time": "2021-03-02T03:00:00+01:00", "rule": "drivingHourLimits",
                                         "kind": "working_time_lockout", "duration_hours": 6.0}
    assert series["dispatch_daily"] == [
        {"date": "2021-03-01", "offers": 6, "accepts": 2, "rejections": 3, "expired": 1},
        {"date": "2021-03-06", "offers": 3, "accepts": 1, "rejections": 0, "expired": 2}]
    assert series["pay"][1] == {"date": "2021-03-06", "gross": 12.0, "commission": 3.0, "commission_rate": 0.25,
                                "trips": 1.0, "pay_per_trip": 12.0}
    by = {(f.indicator, f.figure["test"]): f for f in findings}
    refusal = by[("data_refusal_sanctions", "restrictions_after_refusals")]
    assert refusal.figure["value"] == 2 and refusal.source.rows == (1, 2)
    assert refusal.source.path.endswith("11 - Driver App Restrictions.csv") and len(refusal.source.sha256) == 64
    assert by[("data_working_time_limits", "working_time_lockouts")].source.rows == (3, 3)
    assert by[("data_commission", "commission_rate")].figure["label"]["fr"].startswith("Taux de commission")
    check_golden("uber-driver-eu-2021", result)


def test_uber_eats_courier_2023():
    result = run("uber-eats-courier-2023")
    log, findings, m, _ = result
    assert {s.format for s in log.sources} == {"uber-eats-courier-2023"}
    approx(m, {
        "connection.online_hours": 3.0,  # 45 + 15 + 30 + 60 + 30 min
        "connection.waiting_share": 120 / 180,
        "time.weekend_share": 0.5,  # Saturday 4 Nov: 90 of 180 min
        "time.night_share": 0.0,
        "pay.gross": 19.2,  # 6.5 + 4 + 3 + 5 + 0.7
        "pay.deductions": 11.0,  # fraud holdback 10 + location change fee 1
        "pay.commission": None,
        "pay.commission_rate": 0.0,  # courier_commission_rate
        "pay.trips": 1, "work.tasks": 2,
        "time.timezone": "UTC+01:00",
    })
    ded = [f for f in findings if f.indicator == "data_pay_deductions"][0]
    assert ded.source.rows == (5, 8)
    check_golden("uber-eats-courier-2023", result)


def test_uber_driver_2015():
    result = run("uber-driver-2015")
    log, _, m, _ = result
    assert {s.format for s in log.sources} == {"uber-driver-2015"}
    # Lost Time row: trip 7:36:08-7:52:09 (961 s), waiting to 8:10:00 (1071 s), en route to 8:20:00 (600 s)
    approx(m, {
        "connection.online_hours": 2632 / 3600,
        "connection.waiting_share": 1671 / 2632,
        "pay.gross": 55.5, "pay.currency": "CHF", "pay.trips": 2, "pay.per_trip": 27.75,
        "pay.commission": None,
        # 3 device fixes not offline + 4 trip begin/drop-off fixes + 1 lost-time drop-off fix
        "geolocation.points_per_online_hour": 8 / (2632 / 3600),
        "geolocation.offline_points": 1,
        "time.timezone": "UTC",
    })
    trips = log.tables["trips"]
    assert trips["start"].iloc[0] == pd.Timestamp("2015-12-02 07:36:08", tz="UTC")  # hour not zero-padded
    assert trips["distance_km"].iloc[0] == pytest.approx(4.2 * 1.609344)
    check_golden("uber-driver-2015", result)


def test_uber_dispatches_2020():
    result = run("uber-dispatches-2020/08 - Driver Dispatches Offered and Accepted.csv")
    log, _, m, _ = result
    assert log.sources[0].format == "uber-dispatches-2020"
    approx(m, {
        "dispatch.offers": 7, "dispatch.accepts": 3, "dispatch.rejections": 2, "dispatch.expired": 2,
        "dispatch.acceptance_rate": 3 / 7,
        # row 1: 60 min online, 30 active, 20 on trip; row 2: 45 online, 45 active, 30 on trip
        "connection.online_hours": 1.75,
        "connection.waiting_share": 55 / 105,
        "time.night_share": 45 / 105,  # Saturday 22:00-22:45 local (UTC+2)
        "time.weekend_share": 45 / 105,
        "time.timezone": "UTC+02:00",
    })
    check_golden("uber-dispatches-2020", result)


def test_deliveroo_iwgb():
    result = run("deliveroo-iwgb/iwgb-data.json")
    log, findings, m, _ = result
    assert log.sources[0].format == "deliveroo-iwgb-invoices"
    approx(m, {
        "connection.online_hours": 8.5,  # shifts of 3, 4.5 and 1 h
        "connection.waiting_share": None,  # invoices do not split waiting from delivering
        "time.night_share": 1.5 / 8.5,  # 21:00-22:30 on 11 Jan
        "time.weekend_share": 4.5 / 8.5,
        "pay.gross": 54.5,  # 18.5 + 27 + 5.5 + tips 3.5
        "pay.deductions": 1.0,
        "pay.trips": 11,
        "pay.per_trip": 51 / 11,
        # per order: January median of 4.625 and 4.5 = 4.5625, February 5.5
        "pay.rate_change": (5.5 - 4.5625) / 4.5625,
        "pay.currency": "GBP",
    })
    rate = [f for f in findings if f.indicator == "data_unilateral_rate_changes"][0]
    assert rate.source.rows == (1, 2)
    check_golden("deliveroo-iwgb", result)


def test_wolt_courier_tasks():
    result = run("wolt/courier_tasks.csv")
    log, _, m, _ = result
    trips = log.tables["trips"]
    assert log.sources[0].format == "wolt-courier-tasks"
    assert list(trips["source_row"]) == [1, 2, 3, 4]  # the embedded newline does not shift rows
    assert trips["product"].iloc[1] == "BICYCLE"
    approx(m, {
        "connection.online_hours": 70 / 60,  # union of 10:00-10:30 and 19:00-19:40
        "connection.waiting_share": None,
        "time.weekend_share": 40 / 70,
        "pay.trips": 2,  # deliveries = drop-off tasks
    })
    check_golden("wolt-courier-tasks", result)


def test_mturk_batch_results():
    result = run("mturk/Batch_4412345_batch_results.csv")
    log, findings, m, _ = result
    assert log.sources[0].format == "mturk-batch-results"
    approx(m, {
        "work.tasks": 3, "work.tasks_rejected": 1, "work.tasks_rejected_share": 1 / 3,
        "pay.gross": 0.5,  # only the approved assignment is paid
        "connection.online_hours": (138 + 300 + 600) / 3600,
        "time.weekend_share": 600 / 1038,  # Sat 22:00 PDT = Sun 05:00 UTC
    })
    assert log.tables["trips"]["start"].iloc[0] == pd.Timestamp("2017-09-21 02:30:00", tz="UTC")
    assert any(f.figure["test"] == "rejected_work_unpaid" and f.source.rows == (2, 2) for f in findings)
    check_golden("mturk-batch-results", result)


def test_weclock():
    result = run("weclock/data.csv")
    log, _, m, _ = result
    loc = log.tables["locations"]
    assert log.sources[0].format == "weclock"
    assert list(loc["source_row"]) == [2, 3]
    assert loc["lat"].iloc[0] == pytest.approx(42.301234) and loc["lng"].iloc[0] == pytest.approx(-71.112345)
    assert loc["time"].iloc[0] == pd.Timestamp("2022-03-21 17:50", tz="UTC")
    assert m["geolocation.points"] == 2 and m["geolocation.points_per_online_hour"] is None
    check_golden("weclock", result)


def test_jobber_jobs():
    result = run("jobber/data_jobs_1234567.csv")
    log, _, m, _ = result
    assert log.sources[0].format == "jobber-jobs"
    approx(m, {
        "connection.online_hours": 7.0,  # paid jobs: 3 h on Sat 5 March, 4 h from 20:00 on 16 March
        "time.night_share": 3 / 7,
        "time.weekend_share": 3 / 7,
        "pay.gross": 85.5, "pay.trips": 2, "pay.per_trip": 42.75, "pay.currency": None,
    })
    assert log.tables["trips"]["start"].iloc[0] == pd.Timestamp("2022-03-05 14:00", tz="UTC")  # DD.MM.YYYY + start_hour
    check_golden("jobber-jobs", result)


def test_generic_mapping():
    result = run("generic", mapping="generic/mapping.yaml")
    log, _, m, _ = result
    assert {s.format for s in log.sources} == {"generic-mapping"}
    assert log.skipped == []  # the mapping file itself is not an export
    approx(m, {
        "connection.online_hours": 1.5, "connection.waiting_share": 1 / 1.5,
        "pay.gross": 10.0, "pay.commission": 2.5, "pay.commission_rate": 0.25,
        "geolocation.points_per_online_hour": 2 / 1.5,
        "time.timezone": "Europe/Paris",
    })
    assert log.tables["sessions"]["start"].iloc[0] == pd.Timestamp("2024-04-01 07:00", tz="UTC")  # 09:00 Paris (CEST)
    check_golden("generic-mapping", result)


def test_generic_mapping_xlsx(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Paiements"
    ws.append(["Date", "Montant", "Type"])
    ws.append(["2024-05-02 10:00", 40, "course"])
    ws.append(["2024-05-02 10:00", -10, "frais de service"])
    wb.save(tmp_path / "paiements.xlsx")
    (tmp_path / "m.yaml").write_text(
        "files:\n  - match: '*.xlsx'\n    table: payments\n    sheet: Paiements\n"
        "    columns: {time: Date, amount: Montant, kind: Type}\n"
        "    values: {kind: {course: fare, frais de service: commission}}\n", encoding="utf-8")
    log = parse_activity([tmp_path / "paiements.xlsx"], mapping=tmp_path / "m.yaml")
    _, m, _ = detect_activity(log)[0], detect_activity(log)[1], None
    assert m["pay.commission_rate"] == 0.25 and list(log.tables["payments"]["source_row"]) == [1, 2]


def test_zip_download_same_as_folder():
    _, f1, m1, s1 = run("uber-driver-eu-2021")
    log, f2, m2, s2 = run("uber-eu-2021-download.zip")
    assert m1 == m2 and s1 == s2
    assert [f.figure for f in f1] == [f.figure for f in f2]
    assert any(s.path.endswith("!/FR-Paris/10 - Driver Online Offline.csv") for s in log.sources)


def test_deterministic():
    a = snapshot(*run("uber-driver-eu-2021"))
    b = snapshot(*run("uber-driver-eu-2021"))
    assert a == b
