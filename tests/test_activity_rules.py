"""The data indicators' tests are data: valid against their schema, on known metrics, and
the only place thresholds live (editing the YAML changes the findings, no Python touched)."""

from __future__ import annotations

import copy
import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
import yaml

from requalify.engine import data
from requalify.parsers.activity import parse_activity

RULES = resources.files("requalify").joinpath("rules")
SCHEMA = json.loads(RULES.joinpath("schemas", "data_test.schema.json").read_text(encoding="utf-8"))
DATA_FILES = sorted(p.name for p in RULES.joinpath("indicators").iterdir() if p.name.startswith("data_"))
FIX = Path(__file__).resolve().parent / "fixtures" / "activity"


def test_schema_is_valid_draft_2020_12():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["additionalProperties"] is False


def test_eleven_data_indicators():
    assert len(DATA_FILES) == 11


@pytest.mark.parametrize("name", DATA_FILES)
def test_data_tests_valid_and_on_known_metrics(name):
    spec = yaml.safe_load(RULES.joinpath("indicators", name).read_text(encoding="utf-8"))
    tests = spec.get("data_tests")
    assert tests, f"{name} has no data_tests"
    assert len({t["id"] for t in tests}) == len(tests)
    for t in tests:
        jsonschema.validate(t, SCHEMA, cls=jsonschema.Draft202012Validator)
        assert t["metric"] in data.METRICS
        for cond in t.get("when", []):
            assert cond["metric"] in data.METRICS


def test_thresholds_come_from_yaml():
    log = parse_activity([FIX / "uber-driver-eu-2021"])
    rules = data._load_data_indicators()
    before = {f.indicator for f in data.detect_activity(log, rules)[0]}
    assert "data_connection_time" not in before  # 5.5 connected hours: below the 10 h guard
    changed = copy.deepcopy(rules.indicators["data_connection_time"].spec)
    changed["data_tests"][0]["when"][0]["threshold"] = 1
    ind = rules.indicators["data_connection_time"]

    class Rules:
        indicators = {**rules.indicators, ind.id: type(ind)(**{**ind.__dict__, "spec": changed})}

    after = data.detect_activity(log, Rules)[0]
    (hit,) = [f for f in after if f.indicator == "data_connection_time"]
    assert hit.figure["value"] == round(240 / 330, 6) and hit.figure["unit"] == "share"
    assert hit.source.rows == (1, 8) and hit.to_dict()["source"]["rows"] == [1, 8]


def test_duck_typed_rules_from_the_loader():
    from requalify.rules import load_rules

    log = parse_activity([FIX / "uber-driver-eu-2021"])
    ids = {f.indicator for f in data.detect_activity(log, load_rules())[0]}
    assert {"data_refusal_sanctions", "data_working_time_limits", "data_commission"} <= ids
