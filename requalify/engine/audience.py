"""Whom a terms document addresses: the workers, or their customers.

Rider or eater terms ("les Prestataires Tiers" forty times over) say "we may suspend your
account" of the customer; read as a worker's terms, every such clause would be a false finding.
The phrases and the threshold are data (``audience`` and ``third_party_workers`` /
``worker_nouns`` in ``rules/cues.yaml``); this module only counts, with no spaCy.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ._compile import load_cues
from ._nlp import fold

WORKERS, CUSTOMERS = "workers", "customers"


@lru_cache(maxsize=64)
def _words_regex(words: tuple[str, ...]) -> re.Pattern | None:
    if not words:
        return None
    alternatives = sorted((re.escape(fold(w).lower()).replace(r"\ ", r"\s+") for w in words), key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")


def _cue_words(rules, lang: str, kind: str) -> tuple[str, ...]:
    return tuple((load_cues(rules).get("languages", {}).get(lang) or {}).get(kind) or ())


def document_audience(text: str, lang: str, rules) -> str:
    """``customers`` when ``text`` names the workers as third parties at least ``min_mentions`` times."""
    setting = load_cues(rules).get("audience")
    regex = _words_regex(_cue_words(rules, lang, "third_party_workers"))
    if not setting or regex is None:
        return WORKERS
    mentions = sum(1 for _ in regex.finditer(fold(text).lower()))
    return CUSTOMERS if mentions >= setting["min_mentions"] else WORKERS


def names_workers(sentence: str, lang: str, rules) -> bool:
    """Whether ``sentence`` speaks of the workers by name (a driver, a courier, a provider)."""
    regex = _words_regex(_cue_words(rules, lang, "worker_nouns"))
    return regex is not None and regex.search(fold(sentence).lower()) is not None


def binds_worker(indicator) -> bool:
    """Whether an indicator's fact binds the worker (the default), rather than being stated of any party."""
    return ((indicator.spec or {}).get("subject") or "worker") == "worker"
