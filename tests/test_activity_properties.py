"""Property tests: whatever bytes arrive under a known export's name, the result is an
ActivityLog (whose metrics can be computed) or an InputError, never another exception."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from requalify.engine.data import detect_activity
from requalify.errors import InputError
from requalify.parsers.activity import parse_activity

FIX = Path(__file__).resolve().parent / "fixtures" / "activity"
SAMPLES = {
    "10 - Driver Online Offline.csv": FIX / "uber-driver-eu-2021" / "10 - Driver Online Offline.csv",
    "14 - Driver Dispatches Offered and Accepted.csv": FIX / "uber-driver-eu-2021" / "14 - Driver Dispatches Offered and Accepted.csv",
    "11 - Driver App Restrictions.csv": FIX / "uber-driver-eu-2021" / "11 - Driver App Restrictions.csv",
    "19a - Driver Payments.csv": FIX / "uber-driver-eu-2021" / "19a - Driver Payments.csv",
    "02 - Driver Lifetime Trips.csv": FIX / "uber-driver-eu-2021" / "02 - Driver Lifetime Trips.csv",
    "31 - Courier Lifetime Trip Data.csv": FIX / "uber-eats-courier-2023" / "31 - Courier Lifetime Trip Data.csv",
    "23a - Driver Payments.csv": FIX / "uber-eats-courier-2023" / "23a - Driver Payments.csv",
    "Trip details (Driver).csv": FIX / "uber-driver-2015" / "Trip details (Driver).csv",
    "Lost Time details (Driver).csv": FIX / "uber-driver-2015" / "Lost Time details (Driver).csv",
    "1 - Driver Detailed Device Data.csv": FIX / "uber-driver-2015" / "1 - Driver Detailed Device Data.csv",
    "08 - Driver Dispatches Offered and Accepted.csv": FIX / "uber-dispatches-2020" / "08 - Driver Dispatches Offered and Accepted.csv",
    "iwgb-data.json": FIX / "deliveroo-iwgb" / "iwgb-data.json",
    "courier_tasks.csv": FIX / "wolt" / "courier_tasks.csv",
    "Batch_4412345_batch_results.csv": FIX / "mturk" / "Batch_4412345_batch_results.csv",
    "data.csv": FIX / "weclock" / "data.csv",
    "data_jobs_1234567.csv": FIX / "jobber" / "data_jobs_1234567.csv",
}
NAMES = sorted(SAMPLES)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def outcome(name: str, data: bytes, mapping: Path | None = None):
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / name
        p.write_bytes(data)
        try:
            log = parse_activity([p], mapping=mapping)
        except InputError as exc:
            assert exc.path and exc.reason
            return exc
        findings, metrics, series = detect_activity(log)
        assert isinstance(metrics, dict) and isinstance(series, dict)
        return log


@SETTINGS
@given(name=st.sampled_from(NAMES), data=st.binary(max_size=2000))
def test_garbage_bytes(name, data):
    outcome(name, data)


cell = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=12) | st.sampled_from(
    ["", "\\N", "NULL", "0", "-1", "1e308", "nan", "2021-03-01T07:00:00.000Z", "2015-12-02 7:36:08", "05.03.2022",
     "1449042000000", "true", "$0.50", "3/21/22", " 5:50 PM", '"', "\r", "\n", ";", ","])


@SETTINGS
@given(name=st.sampled_from([n for n in NAMES if not n.endswith(".json")]),
       rows=st.lists(st.lists(cell, min_size=0, max_size=25), max_size=8),
       eol=st.sampled_from(["\n", "\r\n"]))
def test_right_header_garbage_rows(name, rows, eol):
    sample = SAMPLES[name].read_bytes().decode("utf-8-sig")
    header = sample.splitlines()[0]
    delim = ";" if header.count(";") > header.count(",") else ","
    body = eol.join([header] + [delim.join(r) for r in rows]) + eol
    outcome(name, body.encode("utf-8"))


@SETTINGS
@given(name=st.sampled_from(NAMES), cut=st.integers(min_value=1, max_value=4000), flip=st.integers(0, 255))
def test_truncated_or_flipped_samples(name, cut, flip):
    data = bytearray(SAMPLES[name].read_bytes())
    data = data[: cut % (len(data) + 1)]
    if data:
        data[cut % len(data)] = flip
    outcome(name, bytes(data))


@SETTINGS
@given(items=st.lists(st.dictionaries(st.sampled_from(["Start", "End", "Orders", "Pay", "Hours", "Label", "Amount"]),
                                      st.none() | st.integers() | st.floats() | st.text(max_size=25), max_size=6), max_size=4))
def test_iwgb_json_shapes(items):
    import json

    doc = [{"riderId": "RI-1", "end": "2020-01-12", "shifts": items, "adjustments": items}]
    outcome("iwgb.json", json.dumps(doc).encode())


@pytest.fixture(scope="module")
def mapping(tmp_path_factory):
    m = tmp_path_factory.mktemp("m") / "m.yaml"
    m.write_text("timezone: Europe/Paris\nfiles:\n  - match: '*.csv'\n    table: sessions\n"
                 "    columns: {state: s, start: a, end: b, lat: x}\n", encoding="utf-8")
    return m


@SETTINGS
@given(rows=st.lists(st.lists(cell, min_size=0, max_size=5), max_size=8))
def test_generic_mapping_garbage(mapping, rows):
    body = "\n".join(["s,a,b,x"] + [",".join(r) for r in rows]) + "\n"
    outcome("any.csv", body.encode("utf-8"), mapping)
