"""--pseudonymize: names, ids, plates, contacts and precise positions never reach an output."""

from __future__ import annotations

import json

from requalify.model import Assessment, Evidence, Location, SourceFile
from requalify.pseudonymize import pseudonymize

SHA = "a" * 64


def _assessment() -> Assessment:
    src = SourceFile(path="members/jean-dupont/10 - Driver Online Offline.csv", sha256=SHA, size=10,
                     kind="activity", format="uber-driver-eu-2021")
    quote = ("Jean Dupont (jean.dupont@example.org, 06 12 34 56 78), véhicule AB-123-CD, "
             "driver 3f2b8c1e-1234-4abc-9def-0123456789ab was at 48.856613, 2.352222")
    ev = Evidence("data_geolocation_density", "+", "control", 0.8,
                  Location(path=src.path, sha256=SHA, rows=(1, 20)), quote=quote,
                  figure={"value": 61.5, "unit": "points/hour", "lat": 48.856613})
    return Assessment(rules_version="r" * 64, inputs=[src], indicators={}, findings=[ev], metrics={},
                      criteria={}, profiles={}, score={}, case={"worker": "Jean Dupont", "platform": "Trajeo"})


def test_personal_data_is_replaced_everywhere():
    out = pseudonymize(_assessment())
    text = json.dumps(out.to_dict(), ensure_ascii=False)
    for secret in ("Jean", "Dupont", "jean.dupont@example.org", "06 12 34 56 78", "AB-123-CD",
                   "3f2b8c1e-1234-4abc-9def-0123456789ab", "48.856613", "2.352222"):
        assert secret.lower() not in text.lower(), secret
    assert "48.86" in text and "2.35" in text
    assert out.findings[0].figure["lat"] == 48.86
    assert out.case["pseudonymized"] is True and out.case["platform"] == "Trajeo"


def test_hashes_and_figures_are_kept():
    a = _assessment()
    out = pseudonymize(a)
    assert out.inputs[0].sha256 == SHA and out.findings[0].source.sha256 == SHA
    assert out.rules_version == a.rules_version
    assert out.findings[0].figure["value"] == 61.5 and out.findings[0].source.rows == (1, 20)


def test_pseudonyms_are_stable_for_a_key_and_differ_across_keys():
    a = _assessment()
    one, two = pseudonymize(a), pseudonymize(a)
    assert one.to_dict() == two.to_dict()
    other = pseudonymize(a, key=b"another key")
    assert other.case["worker"] != one.case["worker"]
    assert one.case["worker"].startswith("worker-") and "worker-" in one.inputs[0].path


def test_ordinary_words_and_citations_survive():
    from requalify.pseudonymize import Pseudonymizer

    p = Pseudonymizer(b"k", ["Jean Dupont"])
    text = ("ADMINISTRATION des courses ; Cass. soc., 4 mars 2020, n° 19-13.316, ECLI:FR:CCASS:2018:SO01737 ; "
            "commission de 25 % ; 10 heures ; 0.2500 ; worker A1B2C3D4E5F6G7")
    out = p.text(text)
    assert out.startswith("ADMINISTRATION des courses ; Cass. soc., 4 mars 2020, n° 19-13.316, ECLI:FR:CCASS:2018:SO01737")
    assert "A1B2C3D4E5F6G7" not in out and "25 %" in out and "10 heures ; 0.2500" in out
