"""The knowledge base checks itself: ids, cross-references, the catalogue, and every legal fact
against the research notes in ../shared/legal/ ("no invented citation" is a failing test)."""

from __future__ import annotations

import re

import pytest

from requalify.model import CRITERIA
from requalify.rules import load_rules, validate_rules

from .conftest import SHARED

LEGAL = SHARED / "legal"


@pytest.fixture(scope="module")
def rules():
    return load_rules()


def _notes() -> str:
    files = [LEGAL / "case-law.md", LEGAL / "international.md"]
    if not all(f.exists() for f in files):
        pytest.skip("../shared/legal is not beside this checkout")
    return "\n".join(f.read_text(encoding="utf-8") for f in files)


def test_packaged_rules_have_no_problem():
    assert validate_rules() == []


def test_version_is_a_sha256_and_stable(rules):
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", rules.version)
    assert load_rules().version == rules.version


def test_every_catalogue_id_of_indicators_md_has_a_file_and_is_listed(rules):
    md = LEGAL / "INDICATORS.md"
    if not md.exists():
        pytest.skip("../shared/legal/INDICATORS.md is not beside this checkout")
    ids = re.findall(r"^\| `([a-z_]+)` \|", md.read_text(encoding="utf-8"), re.M)
    assert len(ids) >= 46
    assert set(ids) <= set(rules.indicators)
    assert set(ids) <= set(rules.scoring["catalogue"])
    assert rules.catalogue[: len(ids)] == [i for i in rules.scoring["catalogue"] if i in ids][: len(ids)]


def test_every_cited_source_exists(rules):
    for ind in rules.indicators.values():
        assert set(ind.sources) <= set(rules.sources), ind.id
    for pid, p in rules.profiles.items():
        cited = {p["source"], *p.get("see_also", []), *(f["source"] for f in p["facts"] if "source" in f)}
        assert cited <= set(rules.sources), pid


def test_every_profile_fact_is_a_catalogue_id_or_criterion(rules):
    for pid, p in rules.profiles.items():
        for fact in p["facts"]:
            if "criterion" in fact:
                assert fact["criterion"] in CRITERIA
            else:
                assert set(fact["indicators"]) <= set(rules.indicators), pid


def test_the_eleven_profiles_exist_with_their_direction(rules):
    expected = {
        "classic_definition_1996": "for", "take_eat_easy_2018": "for", "uber_2020": "for", "toktoktok_2023": "for",
        "deliveroo_2022": "for", "le_cab_2022": "against", "clic_and_walk_2022": "against", "uber_2025": "against",
        "eu_directive_2024": "for", "uk_uber_aslam_2021": "for", "es_glovo_2020": "for",
    }
    assert {k: rules.profiles[k]["direction"] for k in expected} == expected


def test_precedents_against_requalification_say_so(rules):
    for sid in ("crim_2022_clic_and_walk", "soc_2025_uber", "soc_2022_le_cab"):
        assert rules.sources[sid]["direction"] == "against", sid


def test_profile_confidence_never_claims_more_than_its_source(rules):
    for pid, p in rules.profiles.items():
        if rules.sources[p["source"]]["confidence"] == "secondary":
            assert p["confidence"] == "secondary", pid


def test_uber_2020_ecli_is_not_asserted(rules):
    src = rules.sources["soc_2020_uber"]
    assert src["ecli"] is None and src["ecli_status"] == "unverified"
    assert "ECLI" in src["confidence_note"]["en"]


def test_eu_directive_has_no_count_and_the_2021_count_is_history(rules):
    assert "no list" in rules.sources["eu_pwd_2024_2831"]["holding"]["en"]
    assert rules.sources["eu_com_2021_762"]["direction"] == "context"
    assert "History" in rules.sources["eu_com_2021_762"]["outcome"]["en"]
    threshold = rules.profiles["eu_directive_2024"]["threshold"]
    assert threshold["status"] == "historical" and threshold["min_matched"] == 2


# Each source's number, date and ECLI as the research notes write them. The test checks both
# sides: the note really says it, and the rule file says the same.
AS_WRITTEN = {
    "soc_1996_societe_generale": ("94-13.187", "13 Nov. 1996"),
    "soc_2018_take_eat_easy": ("17-20.079", "28 Nov. 2018"),
    "soc_2020_take_eat_easy_bis": ("18-26.088", "24 June 2020"),
    "soc_2020_uber": ("19-13.316", "4 March 2020"),
    "soc_2022_le_cab": ("20-14.870", "13 Apr. 2022"),
    "crim_2022_clic_and_walk": ("20-81.775", "5 April 2022"),
    "tc_paris_2022_deliveroo": (None, "19 avril 2022"),
    "soc_2023_uber_lyon": ("21-11.273", "25 janvier 2023"),
    "soc_2023_toktoktok": ("20-22.465", "27 septembre 2023"),
    "soc_2025_uber": ("24-13.504", "9 juillet 2025"),
    "ca_paris_2025_deliveroo": (None, "2 July 2025"),
    "cc_2019_794_dc": ("2019-794 DC", "20 décembre 2019"),
    "l8221_6": ("L8221-6", None),
    "l7342_9": ("L7342-9", None),
    "eu_pwd_2024_2831": ("2024/2831", "23 October 2024"),
    "eu_com_2021_762": ("COM(2021) 762", "9 Dec 2021"),
    "uksc_2021_uber_aslam": ("[2021] UKSC 5", "19 Feb 2021"),
    "es_sts_2020_glovo": ("805/2020", "25 Sept 2020"),
    "cjeu_2020_yodel": ("C-692/19", "22 Apr 2020"),
    "cjeu_2017_elite_taxi": ("C-434/15", "20 Dec 2017"),
}
MONTHS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10,
          "nov": 11, "dec": 12, "janv": 1, "févr": 2, "mars": 3, "avr": 4, "mai": 5, "juin": 6, "juil": 7,
          "août": 8, "sept": 9, "déc": 12, "octo": 10, "dece": 12, "déce": 12, "juill": 7}


def _iso(written: str) -> str:
    day, month, year = written.replace(".", "").split()
    key = month.lower()
    n = MONTHS.get(key) or MONTHS.get(key[:5]) or MONTHS.get(key[:4]) or MONTHS[key[:3]]
    return f"{int(year):04d}-{n:02d}-{int(day):02d}"


def test_the_table_covers_every_source(rules):
    assert set(AS_WRITTEN) == set(rules.sources)


@pytest.mark.parametrize("sid", sorted(AS_WRITTEN))
def test_source_matches_the_research_notes(rules, sid):
    notes = _notes()
    src = rules.sources[sid]
    number, date = AS_WRITTEN[sid]
    if number is None:
        assert src["number"] is None
    else:
        assert number in notes
        assert number in (src["number"] or "")
    if date is None:
        assert src["date"] is None
    else:
        assert date in notes, f"{date!r} not in the notes"
        assert src["date"] == _iso(date)
    if src["ecli"]:
        assert src["ecli"] in notes
        assert src["ecli_status"] == "verified"


def test_every_url_of_a_source_comes_from_the_notes(rules):
    notes = _notes()
    for sid, src in rules.sources.items():
        for url in src["urls"]:
            assert url in notes, f"{sid}: {url}"


def test_every_number_in_a_citation_is_in_the_notes(rules):
    notes = _notes()
    for sid, src in rules.sources.items():
        for lang in ("fr", "en"):
            for number in re.findall(r"(?:n°|No\.)\s*([0-9][0-9./\-]*[0-9])", src["citation"][lang]):
                assert number in notes, f"{sid} citation.{lang}: {number}"
