"""Synthetic worker activity exports, in the documented layouts, for demos, tests and benchmarks.

Never real people's data: every value comes from a seeded random generator, so the same
command writes the same bytes. Layouts follow shared/research/export-formats.md (headers,
delimiters, line endings, BOM, null markers, the spurious ``Z`` on local timestamps…).

    .venv/bin/python corpus/generate_exports.py            # corpus/exports/* and the demo ZIP
    .venv/bin/python corpus/generate_exports.py --online-offline 1000000 OUT.csv   # benchmark file
"""

from __future__ import annotations

import argparse
import io
import json
import random
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXPORTS = HERE / "exports"
DEMO_ZIP = HERE / "demo" / "uber-data-download.zip"
UTC = timezone.utc
PARIS_WINTER = timedelta(hours=1)
ZIP_TIME = (2021, 3, 20, 12, 0, 0)

OO_HEADER = "earner_state;city_id;begin_lat;begin_lng;end_lat;end_lng;begin_timestamp_utc;end_timestamp_utc;duration_ms;begin_timestamp_local;end_timestamp_local"
DISPATCH_HEADER = "start_timestamp_utc;end_timestamp_utc;start_timestamp_local;end_timestamp_local;city_id;minutes_online;minutes_active;dispatches;rejections;accepts;expireds;driver_cancellations;rider_cancellations;completed_trips;trip_fares;driver_adjusted_fares;flow_type;minutes_on_break;minutes_on_trip"
RESTRICTIONS_HEADER = "msg.cityid;msg.penaltyboxdurationms;msg.rule;Time;msg.latitude;msg.longitude"
PAYMENTS_HEADER = "city_id;amount_local;currency_code;classification;category;recognize_timestamp_local"
TRIPS_HEADER = "city_id;currency_code;timezone;flow;source_tag;product_type_name;global_product_name;request_timestamp_local;request_timestamp_utc;begintrip_timestamp_local;begintrip_timestamp_utc;dropoff_timestamp_local;dropoff_timestamp_utc;eta;surge_multiplier;is_surged;has_destination;is_pool_matched;is_star_power;request_to_begin_distance_miles;request_to_begin_duration_seconds;trip_distance_miles;trip_duration_seconds;status;is_completed;is_flat_rate;is_cash_trip;is_wait_time_eligible;is_rewindtrip;rewindtrip_timestamp_local;rewindtrip_timestamp_utc;promotion_local;promotion_usd;credits_local;credits_usd;has_driver_upfront_fare;driver_upfront_fare_local;driver_upfront_fare_usd;original_fare_local;original_fare_usd;base_fare_local;base_fare_usd;surge_fare_local;surge_fare_usd;minimum_fare_roundup_local;minimum_fare_roundup_usd;per_mile_fare_local;per_mile_fare_usd;per_minute_fare_local;per_minute_fare_usd;cancellation_fee_local;cancellation_fee_usd;rounding_down_amount_local;rounding_down_amount_usd;service_fee_local;service_fee_usd;toll_amount_local;toll_amount_usd;booking_fee_local;booking_fee_usd;earnings_boost_local;earnings_boost_usd;fare_distance_miles;fare_duration_minutes;request_date_id_local;driver_trip_number;concierge_source_type;wait_time_fare_local;wait_time_fare_usd;service_fee;is_on_time;driver_cancellation_reason;vehicle_trip_number;is_multidestination;driver_surge_multiplier;long_distance_surcharge_local;long_distance_surcharge_usd;guaranteed_surge_multiplier;ufp_type;cancellation_type;carrier_mcc;carrier_mnc;is_directed_dispatch_trip;wait_duration_minutes;is_scheduled_trip;is_airport_trip"
EUR_USD = 1.21
MILE_KM = 1.609344


def z(t: datetime) -> str:
    """Uber's timestamp shape, with its ``Z`` (spurious when ``t`` is local time)."""
    return t.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def plain(t: datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S")


@dataclass
class Driver:
    """A synthetic Paris driver: segments, offers, trips, restrictions and pay lines (UTC times)."""

    segments: list = field(default_factory=list)  # (state, begin, end, lat, lng)
    offers: list = field(default_factory=list)  # (time, outcome) outcome in accepted|rejected|expired
    trips: list = field(default_factory=list)
    restrictions: list = field(default_factory=list)  # (time, rule, penalty_ms, lat, lng)
    payments: list = field(default_factory=list)  # (local time, amount, classification, category)


def simulate_driver(seed: int = 2021, start: datetime = datetime(2021, 2, 15, tzinfo=UTC), days: int = 28,
                    commission: float = 0.25) -> Driver:
    rng = random.Random(seed)
    d = Driver()
    lat, lng = 48.8566, 2.3522
    t = start
    reject_streak = 0

    def move():
        nonlocal lat, lng
        lat = min(max(lat + rng.uniform(-0.01, 0.01), 48.80), 48.91)
        lng = min(max(lng + rng.uniform(-0.015, 0.015), 2.25), 2.45)
        return lat + rng.random() * 1e-9, lng + rng.random() * 1e-9

    for day in range(days):
        day_start = start + timedelta(days=day)
        if rng.random() < 0.12:
            continue
        long_day = day in (9, 20)
        shift_start = day_start + timedelta(hours=rng.choice([6, 7, 8, 16, 17]) - 1, minutes=rng.randrange(60))
        hours = rng.uniform(11.0, 12.0) if long_day else rng.uniform(6.5, 10.5)
        shift_end = shift_start + timedelta(hours=hours)
        if shift_start > t:
            d.segments.append(("offline", t, shift_start, *move()))
        t = shift_start
        while t < shift_end:
            wait_end = t + timedelta(minutes=rng.uniform(8, 38))
            d.segments.append(("open", t, wait_end, *move()))
            # offers arrive during the wait; the last one is accepted unless the wait ran out
            n_offers = rng.choice([1, 1, 1, 2, 2, 3, 4])
            for i in range(n_offers - 1):
                when = t + (wait_end - t) * (i + 1) / n_offers
                outcome = "rejected" if rng.random() < 0.7 else "expired"
                d.offers.append((when, outcome))
                reject_streak += 1
                if reject_streak >= 3:
                    d.restrictions.append((when, "consecutiveReject", 0, lat, lng))
                    reject_streak = 0
            d.offers.append((wait_end, "accepted"))
            reject_streak = 0
            pickup = wait_end + timedelta(minutes=rng.uniform(4, 12))
            d.segments.append(("enroute", wait_end, pickup, *move()))
            minutes = rng.uniform(9, 35)
            km = minutes * rng.uniform(0.35, 0.6)
            dropoff = pickup + timedelta(minutes=minutes)
            d.segments.append(("ontrip", pickup, dropoff, *move()))
            surge = 1.0 if rng.random() < 0.85 else round(rng.uniform(1.1, 1.6), 1)
            per_km, per_min = 1.05, 0.30
            fare = round(max(7.0, (2.5 + per_km * km + per_min * minutes) * surge), 2)
            d.trips.append({"request": wait_end, "begin": pickup, "dropoff": dropoff, "km": km, "minutes": minutes,
                            "fare": fare, "surge": surge, "per_km_part": round(per_km * km, 2),
                            "per_min_part": round(per_min * minutes, 2), "commission": round(fare * commission, 2)})
            local = dropoff + PARIS_WINTER
            d.payments.append((local, fare, "transport.fare.driver_upfront_fare", "driver_payment_fares"))
            d.payments.append((local, -round(fare * commission, 2), "intermediary.commission", "commission"))
            if rng.random() < 0.12:
                d.payments.append((local + timedelta(minutes=5), round(rng.choice([1, 2, 3, 5]), 2), "transport.misc.tip", "tip"))
            t = dropoff
        if long_day:
            d.restrictions.append((t, "drivingHourLimits", 6 * 3600 * 1000, lat, lng))
        d.segments.append(("offline", t, t + timedelta(minutes=1), *move()))
        t = t + timedelta(minutes=1)
    end = start + timedelta(days=days)
    if t < end:
        d.segments.append(("offline", t, end, *move()))
    return d


def crlf(lines: list[str]) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def eu_files(d: Driver) -> dict[str, bytes]:
    """The files of an EU 2021 driver download (names with their ``NN - `` prefixes)."""
    oo = [OO_HEADER]
    for state, b, e, la, ln in d.segments:
        oo.append(";".join([state, "3", f"{la:.15f}", f"{ln:.15f}", f"{la:.15f}", f"{ln:.15f}", z(b), z(e),
                            str(int((e - b).total_seconds() * 1000)), z(b + PARIS_WINTER), z(e + PARIS_WINTER)]))
    hours: dict[datetime, dict] = {}

    def hour(t):
        return hours.setdefault(t.replace(minute=0, second=0, microsecond=0),
                                {"online": 0.0, "active": 0.0, "trip": 0.0, "offers": 0, "rej": 0, "acc": 0, "exp": 0,
                                 "done": 0, "fares": 0.0})

    for state, b, e, *_ in d.segments:
        if state == "offline":
            continue
        t = b
        while t < e:
            nxt = min(e, t.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1))
            h = hour(t)
            mins = (nxt - t).total_seconds() / 60
            h["online"] += mins
            if state in ("enroute", "ontrip"):
                h["active"] += mins
            if state == "ontrip":
                h["trip"] += mins
            t = nxt
    for when, outcome in d.offers:
        h = hour(when)
        h["offers"] += 1
        h[{"accepted": "acc", "rejected": "rej", "expired": "exp"}[outcome]] += 1
    for tr in d.trips:
        h = hour(tr["dropoff"])
        h["done"] += 1
        h["fares"] += tr["fare"]
    disp = [DISPATCH_HEADER]
    for t in sorted(hours):
        h = hours[t]
        disp.append(";".join([z(t), z(t + timedelta(hours=1)), z(t + PARIS_WINTER), z(t + PARIS_WINTER + timedelta(hours=1)), "3",
                              repr(round(h["online"], 6)), repr(round(h["active"], 6)), str(h["offers"]), str(h["rej"]),
                              str(h["acc"]), str(h["exp"]), "0", "0", str(h["done"]), f"{h['fares']:.2f}",
                              f"{h['fares'] * 0.75:.2f}", "Black", "0.0", repr(round(h["trip"], 6))]))
    restr = [RESTRICTIONS_HEADER] + [";".join(["3", str(ms), rule, plain(t), f"{la:.6f}", f"{ln:.6f}"])
                                      for t, rule, ms, la, ln in d.restrictions]
    pay = [PAYMENTS_HEADER] + [";".join(["3", f"{a:.2f}", "EUR", c, cat, plain(t)]) for t, a, c, cat in d.payments]
    cols = TRIPS_HEADER.split(";")
    trips = [TRIPS_HEADER]
    for n, tr in enumerate(d.trips, start=1):
        row = {c: "" for c in cols}
        miles = tr["km"] / MILE_KM
        row.update({
            "city_id": "3", "currency_code": "EUR", "timezone": "Europe/Paris", "flow": "Black", "product_type_name": "uberX",
            "global_product_name": "UberX", "request_timestamp_local": z(tr["request"] + PARIS_WINTER),
            "request_timestamp_utc": z(tr["request"]), "begintrip_timestamp_local": z(tr["begin"] + PARIS_WINTER),
            "begintrip_timestamp_utc": z(tr["begin"]), "dropoff_timestamp_local": z(tr["dropoff"] + PARIS_WINTER),
            "dropoff_timestamp_utc": z(tr["dropoff"]), "eta": "139.0", "surge_multiplier": str(tr["surge"]),
            "is_surged": "true" if tr["surge"] > 1 else "false", "trip_distance_miles": f"{miles:.2f}",
            "trip_duration_seconds": str(int(tr["minutes"] * 60)), "status": "completed", "is_completed": "true",
            "has_driver_upfront_fare": "true", "driver_upfront_fare_local": f"{tr['fare']:.2f}",
            "driver_upfront_fare_usd": f"{tr['fare'] * EUR_USD:.2f}", "original_fare_local": f"{tr['fare']:.2f}",
            "original_fare_usd": f"{tr['fare'] * EUR_USD:.2f}", "base_fare_local": "2.50", "base_fare_usd": "3.03",
            "per_mile_fare_local": f"{tr['per_km_part']:.2f}", "per_minute_fare_local": f"{tr['per_min_part']:.2f}",
            "service_fee_local": f"{tr['commission']:.2f}", "service_fee_usd": f"{tr['commission'] * EUR_USD:.2f}",
            "fare_distance_miles": f"{miles:.2f}", "fare_duration_minutes": f"{tr['minutes']:.2f}",
            "request_date_id_local": (tr["request"] + PARIS_WINTER).strftime("%Y-%m-%d"), "driver_trip_number": str(n),
            "service_fee": "0.25", "ufp_type": "ufp_honored", "carrier_mcc": "208", "carrier_mnc": "1",
            "is_directed_dispatch_trip": "false", "is_scheduled_trip": "false", "is_airport_trip": "false",
        })
        trips.append(";".join(row[c] for c in cols))
    return {
        "02 - Driver Lifetime Trips.csv": crlf(trips),
        "05 - Driver Performance Badges.csv": b"",
        "10 - Driver Online Offline.csv": crlf(oo),
        "11 - Driver App Restrictions.csv": crlf(restr),
        "14 - Driver Dispatches Offered and Accepted.csv": crlf(disp),
        "19a - Driver Payments.csv": crlf(pay),
    }


def write_zip(path: Path, files: dict[str, bytes], folder: str) -> None:
    """A ZIP whose bytes depend only on its content (fixed member times and order)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(files):
            info = zipfile.ZipInfo(f"{folder}/{name}", ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, files[name])
    path.write_bytes(buf.getvalue())


def write_folder(folder: Path, files: dict[str, bytes]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)


def eats_files(seed: int = 2023) -> dict[str, bytes]:
    rng = random.Random(seed)
    start = datetime(2023, 11, 6, tzinfo=UTC)
    local = timedelta(hours=1)
    oo = ["earner_state,city_id,begin_timestamp_utc,end_timestamp_utc,duration_ms,begin_timestamp_local,end_timestamp_local"]
    pay = ["city_name,amount_local,currency_code,classification,category,recognize_timestamp_local"]
    trips = ["city_name,courier_accept_timestamp_local,courier_accept_timestamp_utc,courier_accept_to_pickup_distance_miles,courier_accept_to_pickup_duration_seconds,courier_accept_trip_lat,courier_accept_trip_lng,courier_app_version,courier_arrival_pickup_timestamp_local,courier_begintrip_lat,courier_begintrip_lng,courier_begintrip_timestamp_local,courier_begintrip_to_dropoff_miles,courier_begintrip_to_dropoff_seconds,courier_commission_rate,courier_device,courier_arrival_dropoff_timestamp_local,courier_dropoff_timestamp_local,delivery_status,dropoff_delivery_distance_km,restaurant_request_timestamp_local,license_plate"]

    def seg(state, b, e):
        oo.append(",".join([state, "1093", z(b), z(e), str(int((e - b).total_seconds() * 1000)), z(b + local), z(e + local)]))

    t = start
    for day in range(14):
        b = start + timedelta(days=day, hours=rng.choice([10, 11, 17]))
        seg("offline", t, b)
        t = b
        for _ in range(rng.randrange(4, 9)):
            w = t + timedelta(minutes=rng.uniform(5, 30))
            seg("open", t, w)
            p = w + timedelta(minutes=rng.uniform(5, 15))
            seg("enroute", w, p)
            e = p + timedelta(minutes=rng.uniform(8, 25))
            seg("ontrip", p, e)
            la, ln = 46.5197 + rng.uniform(-0.01, 0.01), 6.6323 + rng.uniform(-0.01, 0.01)
            status = "completed" if rng.random() < 0.93 else rng.choice(["failed", "canceled", "driver_canceled", "unfulfilled"])
            trips.append(",".join(["Lausanne", plain(w + local), z(w), f"{rng.uniform(0.2, 1.5):.2f}", str(int((p - w).total_seconds())),
                                   f"{la:.6f}", f"{ln:.6f}", "4.433.10001", plain(p + local - timedelta(minutes=2)),
                                   f"{la + 0.001:.6f}", f"{ln + 0.001:.6f}", plain(p + local), f"{rng.uniform(0.5, 3):.2f}",
                                   str(int((e - p).total_seconds())), "0.0", "iphone", plain(e + local - timedelta(minutes=1)),
                                   plain(e + local), status, f"{rng.uniform(0.8, 4.5):.1f}", plain(w + local - timedelta(minutes=4)), ""]))
            if status == "completed":
                when = plain(e + local)
                pay += [f"Lausanne,{rng.uniform(3, 4):.2f},CHF,delivery.fare.pickup,driver_payment_fares,{when}",
                        f"Lausanne,{rng.uniform(1, 4):.2f},CHF,delivery.fare.distance,driver_payment_fares,{when}",
                        f"Lausanne,{rng.uniform(2, 3):.2f},CHF,delivery.fare.dropoff,driver_payment_fares,{when}",
                        f"Lausanne,{rng.uniform(0.2, 0.6):.2f},CHF,delivery.courier.tax.vat,tax,{when}"]
                if rng.random() < 0.15:
                    pay.append(f"Lausanne,{rng.choice([1, 2, 3]):.2f},CHF,transport.misc.tip,tip,{when}")
            t = e
        seg("offline", t, t + timedelta(minutes=1))
        t += timedelta(minutes=1)
    pay.append(f"Lausanne,-25.00,CHF,intermediary.delivery.charge.courier.fraud.fare,courier_fraud_holdback,{plain(start + timedelta(days=9, hours=20))}")
    return {"11 - Driver Online Offline.csv": ("\n".join(oo) + "\n").encode(),
            "23a - Driver Payments.csv": ("\n".join(pay) + "\n").encode(),
            "31 - Courier Lifetime Trip Data.csv": ("\n".join(trips) + "\n").encode()}


def dispatches_2020(seed: int = 2020) -> bytes:
    rng = random.Random(seed)
    lines = ["start_timestamp_utc,end_timestamp_utc,start_timestamp_local,end_timestamp_local,driver_uuid,city_id,minutes_online,minutes_active,dispatches,rejections,accepts,expireds,driver_cancellations,rider_cancellations,completed_trips,trip_fares,driver_adjusted_fares,flow_type,partner_uuids,vehicle_uuids,minutes_on_trip"]
    start = datetime(2020, 6, 1, tzinfo=UTC)
    for h in range(0, 24 * 21):
        t = start + timedelta(hours=h)
        if not (5 <= t.hour <= 19) or rng.random() < 0.3:
            continue
        online = rng.uniform(20, 60)
        trip = online * rng.uniform(0.2, 0.6)
        active = min(online, trip + rng.uniform(0, 12))
        offers = rng.randrange(0, 6)
        acc = min(offers, rng.randrange(0, 3))
        exp = rng.randrange(0, offers - acc + 1)
        lines.append(",".join([f"{plain(t)}.000", f"{plain(t + timedelta(hours=1))}.000", f"{plain(t + timedelta(hours=2))}.000",
                               f"{plain(t + timedelta(hours=3))}.000", "5f0c1e2a-1111-4000-8000-000000000001", "3",
                               repr(round(online, 6)), repr(round(active, 6)), str(offers), str(offers - acc - exp), str(acc),
                               str(exp), "0", "0", str(acc), f"{acc * 14.5:.2f}", f"{acc * 14.5 * 0.75:.3f}", "UberX",
                               '"[""9a1b2222-0000-4000-8000-0000000000aa""]"', '"[""7c2d3333-0000-4000-8000-0000000000bb""]"',
                               repr(round(trip, 6))]))
    return ("\n".join(lines) + "\n").encode()


def iwgb_invoices(seed: int = 2016) -> bytes:
    rng = random.Random(seed)
    out = []
    week = datetime(2020, 1, 6, tzinfo=UTC)
    for i in range(10):
        shifts = []
        for d in range(7):
            if rng.random() < 0.4:
                continue
            b = week + timedelta(days=d, hours=rng.choice([11, 12, 18, 19]))
            hours = rng.choice([2.0, 3.0, 4.0, 4.5])
            orders = rng.randrange(2, 9)
            rate = 4.25 if i < 5 else 3.75  # drop fee cut half-way: a unilateral rate change
            shifts.append({"Start": z(b), "End": z(b + timedelta(hours=hours)), "Hours": hours, "Orders": orders,
                           "Pay": round(orders * rate, 2)})
        out.append({"id": f"IN-{1000 + i}", "riderId": "RI-5b2e0000-0000-4000-8000-00000000c0de", "vehicle": "bicycle",
                    "zone": "LDN-Z1", "status": "success", "hash": f"{rng.getrandbits(128):032x}",
                    "start": week.strftime("%Y-%m-%d"), "end": (week + timedelta(days=6)).strftime("%Y-%m-%d"),
                    "shifts": shifts, "adjustments": [{"Label": "Tips", "Amount": round(rng.uniform(0, 8), 2)},
                                                      {"Label": "Transaction fee", "Amount": -1.0}]})
        week += timedelta(days=7)
    return (json.dumps(out, indent=1) + "\n").encode()


def simple_files(seed: int = 7) -> dict[str, bytes]:
    """Small samples of the other layouts (see tests/fixtures/activity/_make.py for their quirks)."""
    rng = random.Random(seed)
    wolt = ['"Task creation time ","Task completion time","Is pickup task","Completed with vehicle type","Arrived at","Started at","Arrival time","Departed at"']
    t = datetime(2022, 5, 2, 10)
    for i in range(40):
        t += timedelta(hours=rng.choice([1, 2, 3, 20]))
        p = t + timedelta(minutes=rng.uniform(5, 15))
        dd = p + timedelta(minutes=rng.uniform(8, 25))
        ms = lambda x: x.strftime("%Y-%m-%d %H:%M:%S.") + f"{x.microsecond // 1000:03d}"
        wolt.append(",".join([ms(t), ms(p), "TRUE", "BICYCLE", ms(p), ms(t), ms(p), ms(p)]))
        wolt.append(",".join([ms(t), ms(dd), "FALSE", '"BIC\nYCLE"' if i == 3 else "BICYCLE", ms(dd), ms(p), ms(dd), ms(dd)]))
    weclock = []
    t = datetime(2022, 3, 21, 8)
    for i in range(60):
        t += timedelta(minutes=rng.choice([5, 10, 15]))
        clock = t.strftime("%I:%M %p").lstrip("0")
        date = f"{t.month}/{t.day}/{t.strftime('%y')}"
        if i % 4 == 0:
            weclock.append(f"{i},{-rng.getrandbits(62)},battery reading,{date}, {clock},{rng.uniform(20, 99):.1f}%")
        else:
            weclock.append(f"{i},{-rng.getrandbits(62)},geologging,{date}, {clock},{42.3 + rng.uniform(-0.02, 0.02):.6f}, {-71.11 + rng.uniform(-0.02, 0.02):.6f}")
    return {"wolt/courier_tasks.csv": ("\n".join(wolt) + "\n").encode(),
            "weclock/data.csv": ("\n".join(weclock) + "\n").encode()}


GENERIC_MAPPING = """\
# requalify generic activity mapping: describe an export nobody wrote an adapter for.
# Pass it with --mapping; every file whose name matches a 'match' pattern is read with its rule.
mapping_version: 1
name: example-courier-2024      # free text, recorded with the assessment
timezone: Europe/Paris          # zone of naive timestamps (IANA name); default UTC
files:
  - match: "shifts*.csv"        # glob on the file name, case-insensitive
    table: sessions             # sessions | offers | trips | payments | events | locations
    delimiter: ";"
    columns:                    # canonical column: column of the file
      state: Statut
      start: Début
      end: Fin
      lat: Latitude
      lng: Longitude
    values:                     # recode values of a canonical column
      state: {Disponible: open, Approche: enroute, En course: ontrip, Hors ligne: offline}
    time_format:                # strptime format, epoch_ms or epoch_s (default: ISO 8601 or common shapes)
      start: "%d/%m/%Y %H:%M"
      end: "%d/%m/%Y %H:%M"
  - match: "payments*.json"
    table: payments
    records: data.items         # dotted path to the list of records in the JSON
    columns: {time: date, amount: montant, classification: libelle, kind: libelle}
    values:
      kind: {Course: fare, Commission: commission, Pourboire: tip, Retenue: deduction}
    constants: {currency: EUR}
  - match: "sanctions*.xlsx"
    table: events
    sheet: Sanctions            # default: first sheet
    columns: {time: Date, rule: Motif, duration_s: Durée (s)}
"""


def generic_files(seed: int = 11) -> dict[str, bytes]:
    rng = random.Random(seed)
    rows = ["Statut;Début;Fin;Latitude;Longitude"]
    payments = []
    t = datetime(2024, 4, 1, 9)
    for day in range(10):
        t = datetime(2024, 4, 1 + day, rng.choice([8, 9, 18]))
        for _ in range(rng.randrange(3, 7)):
            for state, mins in (("Disponible", rng.uniform(10, 40)), ("Approche", rng.uniform(3, 10)), ("En course", rng.uniform(10, 30))):
                e = t + timedelta(minutes=mins)
                rows.append(f"{state};{t:%d/%m/%Y %H:%M};{e:%d/%m/%Y %H:%M};{48.85 + rng.uniform(-0.02, 0.02):.5f};{2.35 + rng.uniform(-0.02, 0.02):.5f}")
                t = e
            fare = round(rng.uniform(8, 20), 2)
            payments += [{"date": t.strftime("%Y-%m-%dT%H:%M:%S"), "montant": fare, "libelle": "Course"},
                         {"date": t.strftime("%Y-%m-%dT%H:%M:%S"), "montant": -round(fare * 0.2, 2), "libelle": "Commission"}]
        e = t + timedelta(minutes=1)
        rows.append(f"Hors ligne;{t:%d/%m/%Y %H:%M};{e:%d/%m/%Y %H:%M};;")
    return {"shifts-2024-04.csv": ("\n".join(rows) + "\n").encode(),
            "payments-2024-04.json": (json.dumps({"data": {"items": payments}}, indent=1, ensure_ascii=False) + "\n").encode(),
            "mapping.yaml": GENERIC_MAPPING.encode()}


def write_online_offline(path: Path, rows: int, seed: int = 1) -> int:
    """An EU 2021 Online Offline file of ``rows`` contiguous segments (for benchmarks); returns its size."""
    rng = random.Random(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    states = ("open", "enroute", "ontrip", "open", "offline")
    t = int(datetime(2021, 1, 4, tzinfo=UTC).timestamp())
    fmt = "%Y-%m-%dT%H:%M:%S.000Z"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(OO_HEADER + "\r\n")
        buf = []
        for i in range(rows):
            state = states[i % 5]
            dur = rng.randrange(60, 3600) if state != "offline" else rng.randrange(600, 36000)
            b, e = datetime.fromtimestamp(t, UTC), datetime.fromtimestamp(t + dur, UTC)
            la, ln = 48.8 + rng.random() / 10, 2.3 + rng.random() / 10
            buf.append(f"{state};3;{la:.15f};{ln:.15f};{la:.15f};{ln:.15f};{b.strftime(fmt)};{e.strftime(fmt)};{dur * 1000};"
                       f"{(b + PARIS_WINTER).strftime(fmt)};{(e + PARIS_WINTER).strftime(fmt)}\r\n")
            t += dur
            if len(buf) >= 50_000:
                fh.write("".join(buf))
                buf = []
        fh.write("".join(buf))
    return path.stat().st_size


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--online-offline", nargs=2, metavar=("ROWS", "OUT"), help="only write a benchmark Online Offline file")
    args = ap.parse_args(argv)
    if args.online_offline:
        rows, out = int(args.online_offline[0]), Path(args.online_offline[1])
        print(f"{out}: {write_online_offline(out, rows)} bytes")
        return
    demo = eu_files(simulate_driver())
    write_zip(DEMO_ZIP, demo, "FR-Paris")
    write_folder(EXPORTS / "uber-driver-eu-2021", eu_files(simulate_driver(seed=7, days=21)))
    write_folder(EXPORTS / "uber-eats-courier-2023", eats_files())
    write_folder(EXPORTS / "uber-dispatches-2020", {"08 - Driver Dispatches Offered and Accepted.csv": dispatches_2020()})
    write_folder(EXPORTS / "deliveroo-iwgb", {"iwgb-invoices.json": iwgb_invoices()})
    for rel, data in simple_files().items():
        write_folder(EXPORTS / rel.split("/")[0], {rel.split("/")[1]: data})
    write_folder(EXPORTS / "generic", generic_files())
    print(f"wrote {DEMO_ZIP.relative_to(HERE.parent)} ({DEMO_ZIP.stat().st_size} bytes) and {EXPORTS.relative_to(HERE.parent)}/")


if __name__ == "__main__":
    main()
