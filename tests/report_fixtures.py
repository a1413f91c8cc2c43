"""A RuleSet-shaped object for report tests and the report benchmark: indicator labels from the
real YAML files, sources and profiles from tests/fixtures/report/rules.json."""

from __future__ import annotations

import json
import types
from pathlib import Path

import yaml

from requalify.model import Indicator

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "report"


def fake_rules():
    """Indicator labels from the real YAML files, sources and profiles from the fixture (shaped as RuleSet)."""
    data = json.loads((FIXTURES / "rules.json").read_text("utf-8"))
    indicators = {}
    for path in sorted((ROOT / "requalify" / "rules" / "indicators").glob("*.yaml")):
        y = yaml.safe_load(path.read_text("utf-8"))
        indicators[y["id"]] = Indicator(y["id"], y["kind"], y["polarity"], y.get("criterion"),
                                        float(y.get("weight", 1.0)), y["label"], tuple(y.get("sources") or ()))
    return types.SimpleNamespace(indicators=indicators, sources=data["sources"], profiles=data["profiles"],
                                 version=data["version"])
