"""Every text indicator's own example sentences, one test each (same as ``requalify rules test``)."""

from __future__ import annotations

import pytest

from requalify.engine import SUPPORTED_LANGUAGES, run_rule_examples
from requalify.engine.text import detect_sentence
from requalify.rules import load_rules

RULES = load_rules()
TEXT = {i: ind for i, ind in sorted(RULES.indicators.items()) if ind.kind == "text"}


def _cases():
    for ind_id, ind in TEXT.items():
        for lang in SUPPORTED_LANGUAGES:
            for kind in ("positive", "negative"):
                for n, sentence in enumerate(ind.spec["examples"][lang][kind], start=1):
                    yield pytest.param(ind_id, lang, kind, sentence, id=f"{ind_id}/{lang}/{kind}/{n}")


@pytest.mark.parametrize("indicator, lang, kind, sentence", list(_cases()))
def test_example(indicator, lang, kind, sentence):
    found = detect_sentence(RULES, lang, sentence)
    if kind == "positive":
        assert indicator in found, f"not found; found {found}"
    else:
        assert indicator not in found, f"found although a negative example; found {found}"


@pytest.mark.parametrize("indicator", sorted(TEXT))
def test_enough_examples_both_languages(indicator):
    examples = TEXT[indicator].spec["examples"]
    for lang in SUPPORTED_LANGUAGES:
        assert len(examples[lang]["positive"]) >= 3 and len(examples[lang]["negative"]) >= 3, lang
        assert TEXT[indicator].spec["patterns"].get(lang), f"no {lang} patterns"


def test_run_rule_examples_ids_and_verdicts():
    results = run_rule_examples(RULES, "deactivation_power")
    ids = [r.id for r in results]
    assert ids[0] == "deactivation_power/fr/positive/1"
    assert "deactivation_power/en/negative/2" in ids
    assert all(r.indicator == "deactivation_power" for r in results)
    assert all(r.passed == (r.expected == r.got) for r in results)
    assert {r.expected for r in results} == {"present", "absent"}


def test_every_pattern_passes_spacy_validation():
    from requalify.engine import pattern_problems

    problems = [p for ind in TEXT.values() for p in pattern_problems(ind.spec)]
    assert problems == []
