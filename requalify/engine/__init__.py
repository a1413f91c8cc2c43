"""The engine applies rules to parsed inputs and yields ``Evidence``.

Nothing heavy is imported here: spaCy loads on the first text analysed, once per process,
so ``requalify parse`` and ``requalify rules list`` never pay for it.
"""

from __future__ import annotations

SUPPORTED_LANGUAGES = ("fr", "en")

__all__ = ["SUPPORTED_LANGUAGES", "detect_text", "detect_text_and_set_aside", "document_audience", "get_nlp", "run_rule_examples", "pattern_problems"]


def detect_text(doc, rules, audience: str | None = None):
    """Text findings of a Document: one Evidence per (indicator, sentence), in reading order."""
    from .text import detect_text as _detect

    return _detect(doc, rules, audience)


def detect_text_and_set_aside(doc, rules, audience: str | None = None):
    """The findings of a Document, and apart the sentences set aside in terms addressed to customers."""
    from .text import detect_text_and_set_aside as _detect

    return _detect(doc, rules, audience)


def document_audience(text: str, lang: str, rules) -> str:
    """``customers`` for terms addressed to the workers' customers (rider terms), else ``workers``."""
    from .audience import document_audience as _audience

    return _audience(text, lang, rules)


def run_rule_examples(rules, indicator: str | None = None):
    """Each text indicator's example sentences, run through the engine (backs ``rules test``)."""
    from .text import run_rule_examples as _run

    return _run(rules, indicator)


def get_nlp(lang: str):
    """The spaCy pipeline for ``lang``, loaded once per process."""
    from ._nlp import get_nlp as _get

    return _get(lang)


def pattern_problems(spec: dict) -> list[str]:
    """Problems in one indicator's text patterns, per spaCy's own token-pattern schema."""
    from ._compile import pattern_problems as _problems

    return _problems(spec)
