"""A broken rules folder is reported whole: every problem, with its file and field, exit 3."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import pytest

from requalify.errors import RulesInvalid
from requalify.rules import load_rules, load_yaml_bytes, rules_version, validate_rules


@pytest.fixture
def folder(tmp_path) -> Path:
    src = Path(str(resources.files("requalify.rules")))
    dst = tmp_path / "rules"
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    return dst


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def as_strings(problems) -> list[str]:
    return [str(p) for p in problems]


def test_copy_is_valid(folder):
    assert validate_rules(folder) == []
    assert load_rules(folder).version == load_rules().version


def test_every_problem_is_reported_at_once(folder):
    edit(folder / "indicators" / "deactivation_power.yaml", "- soc_2020_uber", "- soc_2099_nowhere")
    edit(folder / "sources" / "soc_2020_uber.yaml", "kind: decision", "kind: decision\nmood: certain")
    edit(folder / "profiles" / "uber_2020.yaml", "[destination_withheld]", "[destination_hidden]")
    (folder / "indicators" / "confidentiality_gag.yaml").unlink()
    got = as_strings(validate_rules(folder))
    assert "indicators/deactivation_power.yaml:sources[0]: unknown source id 'soc_2099_nowhere' (no sources/soc_2099_nowhere.yaml)" in got
    assert "sources/soc_2020_uber.yaml:mood: unknown key (not in the schema)" in got
    assert "profiles/uber_2020.yaml:facts[4].indicators[0]: unknown indicator id 'destination_hidden' (no indicators/destination_hidden.yaml)" in got
    assert "scoring.yaml:catalogue[23]: catalogue id 'confidentiality_gag' has no file indicators/confidentiality_gag.yaml" in got


def test_load_rules_raises_rules_invalid_naming_file_field_problem(folder):
    edit(folder / "sources" / "soc_2025_uber.yaml", "direction: against", "direction: sideways")
    with pytest.raises(RulesInvalid) as exc:
        load_rules(folder)
    assert exc.value.exit_code == 3 and exc.value.code == "RQ360"
    assert "sources/soc_2025_uber.yaml:direction: 'sideways' is not one of" in exc.value.message
    assert len(exc.value.problems) == 1


def test_id_must_equal_file_name(folder):
    edit(folder / "profiles" / "uber_2025.yaml", "id: uber_2025", "id: uber_2026")
    assert "profiles/uber_2025.yaml:id: id 'uber_2026' must equal the file name 'uber_2025'" in as_strings(validate_rules(folder))


def test_missing_required_field_is_named(folder):
    edit(folder / "sources" / "cjeu_2020_yodel.yaml", "ecli_status: verified\n", "")
    assert "sources/cjeu_2020_yodel.yaml:ecli_status: missing (required)" in as_strings(validate_rules(folder))


def test_fact_direction_must_follow_the_indicator(folder):
    edit(folder / "profiles" / "uber_2025.yaml", "- indicators: [multi_apping_allowed]\n  found: true\n  weighs: against",
         "- indicators: [multi_apping_allowed]\n  found: true\n  weighs: for")
    assert any("multi_apping_allowed has polarity '-', so the fact weighs against" in s for s in as_strings(validate_rules(folder)))


def test_unverified_ecli_cannot_be_filled_in(folder):
    edit(folder / "sources" / "soc_2020_uber.yaml", "ecli: null", "ecli: ECLI:FR:CCASS:2020:SO00374")
    assert "sources/soc_2020_uber.yaml:ecli: ecli_status is unverified: leave ecli null and explain in confidence_note" \
        in as_strings(validate_rules(folder))


def test_indicator_outside_the_catalogue(folder):
    text = (folder / "indicators" / "penalty_system.yaml").read_text(encoding="utf-8")
    (folder / "indicators" / "zone_assignment.yaml").write_text(text.replace("id: penalty_system", "id: zone_assignment"), "utf-8")
    assert "indicators/zone_assignment.yaml:id: 'zone_assignment' is not in the catalogue (scoring.yaml: catalogue); add it there" \
        in as_strings(validate_rules(folder))


def test_duplicate_key_is_a_problem(folder):
    edit(folder / "indicators" / "penalty_system.yaml", "weight: 1.0", "weight: 1.0\nweight: 0.5")
    assert any(s.startswith("indicators/penalty_system.yaml:weight: duplicate key") for s in as_strings(validate_rules(folder)))


def test_invalid_yaml_names_the_line(folder):
    (folder / "sources" / "l7342_9.yaml").write_text("id: l7342_9\nholding: [unclosed\n", "utf-8")
    assert any(s.startswith("sources/l7342_9.yaml:line ") and "invalid YAML" in s for s in as_strings(validate_rules(folder)))


def test_scoring_constants_are_validated(folder):
    edit(folder / "scoring.yaml", "counter_factor: 1.0", "counter_factor: 3")
    assert "scoring.yaml:counter_factor: 3 is greater than the maximum of 1" in as_strings(validate_rules(folder))


def test_missing_schema_is_a_note_not_a_crash(folder):
    (folder / "schemas" / "source.schema.json").unlink()
    assert validate_rules(folder) == []


def test_not_a_folder(tmp_path):
    with pytest.raises(RulesInvalid, match="rules folder not found"):
        validate_rules(tmp_path / "nope")


BOMB = b"""a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
"""


def test_alias_bomb_is_refused_quickly():
    value, problems = load_yaml_bytes(BOMB, "cues.yaml")
    assert value is None
    assert problems[0].message.startswith("expands to more than")


def test_many_aliases_are_refused():
    text = b"a: &a 1\nb: [" + b", ".join([b"*a"] * 100) + b"]\n"
    _, problems = load_yaml_bytes(text, "x.yaml")
    assert "more than 64 YAML aliases" in problems[0].message


def test_yes_no_and_dates_stay_text():
    value, problems = load_yaml_bytes(b"words: [no, on, yes]\ndate: 2020-03-04\nflag: true\n")
    assert problems == [] and value == {"words": ["no", "on", "yes"], "date": "2020-03-04", "flag": True}


def test_oversized_file():
    _, problems = load_yaml_bytes(b"a: " + b"x" * (1024 * 1024 + 1))
    assert "file too large" in problems[0].message


def test_version_depends_on_names_and_bytes():
    a = rules_version([("a.yaml", b"1"), ("b.yaml", b"2")])
    assert a == rules_version([("b.yaml", b"2"), ("a.yaml", b"1")])
    assert a != rules_version([("a.yaml", b"12"), ("b.yaml", b"")])
    assert a != rules_version([("a.yaml", b"2"), ("b.yaml", b"1")])


def test_token_pattern_errors_are_named_by_validate_only(folder):
    edit(folder / "indicators" / "penalty_system.yaml", "{LOWER: {IN: [strike,", "{LOWERR: {IN: [strike,")
    problems = as_strings(validate_rules(folder))
    assert any(p.startswith("indicators/penalty_system.yaml:patterns.en[0] (strikes_warnings_fines):") for p in problems), problems
    load_rules(folder)  # the fast path does not import spaCy nor check token patterns


@pytest.mark.parametrize("indicator, old, new, where, problem", [
    ("penalty_system", "- id: reduced_visibility", "- id: strikes_warnings_fines",
     "(strikes_warnings_fines)", "id used twice in patterns.en"),
    # a {0,30} gap made `rules test` take all the machine's memory before it was refused here
    ("penalty_system", '{OP: "{0,3}"}', '{OP: "{0,30}"}', "penalty_system.yaml:patterns", "gap of 30 tokens is wider than 20"),
    # 's'interdit' is two tokens in French ("s'" + "interdit"): as one value it never matches
    ("exclusivity_non_compete", '"^(interdit|interdiction|', '"^(s\'interdit|interdit|interdiction|',
     "exclusivity_non_compete.yaml:patterns.fr", "'s'interdit' never matches"),
    # 'paid' is no word's lemma (the lookup gives 'pay'): as a LEMMA value it never matches
    ("penalty_system", "{LEMMA: {IN: [charge, impose,", "{LEMMA: {IN: [paid, charge, impose,",
     "penalty_system.yaml:patterns.en", "LEMMA 'paid' never matches"),
    # a phrase has no words between its own: taking an aside out of the sentence cannot help it
    ("unilateral_pricing", "  - id: non_negotiable\n", "  - id: non_negotiable\n    aside: true\n",
     "unilateral_pricing.yaml:patterns.en", "aside applies to token patterns only"),
    # English texts are never parsed (blank pipeline): a dependency pattern could never match there
    ("unilateral_pricing", "  en:\n  - id: price_set_by\n",
     "  en:\n  - id: price_by_parse\n    dependency: [{RIGHT_ID: v, RIGHT_ATTRS: {LEMMA: set}}]\n"
     "    parse_if: [[set]]\n  - id: price_set_by\n",
     "unilateral_pricing.yaml:patterns.en", "dependency patterns need a parser"),
    # a second node that names no LEFT_ID is no DependencyMatcher pattern
    ("unilateral_pricing", "RIGHT_ID: price, RIGHT_ATTRS", "RIGHT_ID: price, LEFT_ID: nowhere, RIGHT_ATTRS",
     "unilateral_pricing.yaml:patterns.fr", "not a DependencyMatcher pattern"),
    # the gate compares single tokens: a two-word entry never holds
    ("unilateral_pricing", "parse_if: [[prix, tarif,", "parse_if: [[prix de, tarif,",
     "unilateral_pricing.yaml:patterns.fr", "parse_if word 'prix de' never matches"),
    # a counter-cue reaches its sentence or its clause, nothing else
    ("deactivation_power", "  - id: worker_may_close\n    reach: clause\n", "  - id: worker_may_close\n    reach: paragraph\n",
     "deactivation_power.yaml:counter_cues.en[0].reach", "'paragraph' is not one of"),
], ids=["id-twice", "gap-too-wide", "elided-french", "dead-english-lemma", "aside-on-phrase", "dependency-in-english",
        "dependency-malformed", "parse-if-two-words", "counter-reach-unknown"])
def test_a_pattern_that_cannot_work_is_named(folder, indicator, old, new, where, problem):
    edit(folder / "indicators" / f"{indicator}.yaml", old, new)
    problems = as_strings(validate_rules(folder))
    assert any(where in p and problem in p for p in problems), problems
