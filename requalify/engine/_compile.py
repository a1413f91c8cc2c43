"""Turn the rules' text patterns into spaCy matchers, one set per language.

A pattern item is ``{id, tokens | phrases | dependency, strength?, requires?}``: ``tokens`` is one
spaCy Matcher token pattern, validated by spaCy's own schema; ``phrases`` are matched on lower-cased
tokens by a PhraseMatcher; ``dependency`` (French only) is a DependencyMatcher pattern, run on the
parse of the sentences that hold one word of each ``parse_if`` list, so the parser runs only where
the cheap pass found those words. Every token pattern gets its own match key so the engine knows
which of its elements were wildcards (gaps) when it looks for a negation inside a match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from ._nlp import fold

TRIGGER, COUNTER, CUE = "trigger", "counter", "cue"
GENERIC_CUES = ("obligation", "negation", "permission", "reference")


@dataclass(frozen=True)
class PatternInfo:
    role: str  # trigger | counter | cue
    name: str  # indicator id, or the generic cue kind
    cue: str  # pattern id, as reported in Evidence.cue
    strength: float = 0.0
    requires: str | None = None  # a generic cue the sentence must carry: obligation | permission
    negation: str = "scope"  # "ignore": a negation nearby does not cancel it (prohibitions, labels)
    gap_elements: frozenset[int] = frozenset()  # token-pattern elements that match any token
    reach: str = "sentence"  # a counter-cue's: "clause" cancels only triggers in its own clause


@dataclass
class Unit:
    """One token pattern with its own Matcher, and what a text must contain for it to match.

    ``needs`` holds, for each required element, the attribute and a test on one value of it; a
    clause lacking any of them is skipped without running the Matcher (the costly part: its
    gapped states check predicates on every token).
    """

    matcher: Any
    needs: tuple[tuple[str, Any], ...]
    role: str
    aside: bool = False  # also run with a comma-delimited aside taken out of the sentence

    def possible(self, values: dict[str, set[int]]) -> bool:
        return all(not want.isdisjoint(values[key]) for key, want in self.needs)


@dataclass
class DependencyUnit:
    """One dependency pattern, and the words (one of each set, as LOWER hashes) a sentence needs before it is parsed."""

    matcher: Any
    parse_if: tuple[frozenset[int], ...]
    indicator: str

    def possible(self, values: dict[str, set[int]]) -> bool:
        return all(not words.isdisjoint(values["LOWER"]) for words in self.parse_if)


@dataclass
class Compiled:
    lang: str
    nlp: Any
    units: list[Unit]
    regexes: RegexIndex
    phrases: Any
    info: dict[int, PatternInfo]
    indicators: dict[str, Any]  # id -> model.Indicator (text indicators only)
    config: dict[str, Any] = field(default_factory=dict)
    dependencies: list[DependencyUnit] = field(default_factory=list)


class RegexIndex:
    """The REGEX predicates of all patterns, and which of them each word (by hash) satisfies.

    A word is tested against every regex once per process; a clause's regex hits are then the
    union over its words, so a pattern's REGEX element is checked like a literal set.
    """

    def __init__(self, strings):
        self.strings = strings
        self.patterns: list = []
        self.ids: dict[str, int] = {}
        self.memo: dict[int, frozenset[int]] = {}

    def add(self, pattern: str) -> int:
        import re

        if pattern not in self.ids:
            self.ids[pattern] = len(self.patterns)
            self.patterns.append(re.compile(pattern).search)
        return self.ids[pattern]

    def hits(self, values: set[int]) -> set[int]:
        out: set[int] = set()
        memo = self.memo
        for v in values:
            got = memo.get(v)
            if got is None:
                word = self.strings[v]
                got = memo[v] = frozenset(i for i, search in enumerate(self.patterns) if search(word))
            out |= got
        return out


def _needs(pattern: list[dict], strings, regexes: RegexIndex) -> tuple[tuple[str, frozenset], ...]:
    """Necessary conditions of a token pattern: elements that must match at least one token.

    Each is (key, values): literal values as string hashes under "LOWER"/"LEMMA", regex ids under
    "LOWER~"/"LEMMA~"; a text can match only if every element's values meet the text's own.
    """
    needs = []
    for el in pattern:
        if el.get("OP", "1") not in ("1", "+"):
            continue
        for attr in ("LOWER", "LEMMA"):
            if attr not in el:
                continue
            value = el[attr]
            if isinstance(value, str):
                needs.append((attr, frozenset([strings.add(value)])))
            elif isinstance(value, dict) and "IN" in value:
                needs.append((attr, frozenset(strings.add(v) for v in value["IN"])))
            elif isinstance(value, dict) and "REGEX" in value:
                needs.append((attr + "~", frozenset([regexes.add(value["REGEX"])])))
    return tuple(needs)


@lru_cache(maxsize=1)
def _packaged_cues() -> dict[str, Any]:
    from ..rules import load_yaml_bytes

    data = resources.files("requalify.rules").joinpath("cues.yaml").read_bytes()
    return load_yaml_bytes(data, "cues.yaml")[0] or {}


def load_cues(rules=None) -> dict[str, Any]:
    """The generic cues of ``rules`` (so ``--rules DIR`` applies); the packaged file only if it has none."""
    cues = getattr(rules, "cues", None)
    return cues if cues else _packaged_cues()


def text_indicators(rules) -> dict[str, Any]:
    return {i: ind for i, ind in sorted(rules.indicators.items()) if ind.kind == "text"}


def _is_gap(element: dict) -> bool:
    """A repeated element ({0,n}, *, a bare ?) that stands for intervening words, not a word of the cue.

    An optional element that names its word ({LOWER: not, OP: "?"}) is part of the cue: a negation
    it matches belongs to the pattern ("whether or not to log in"), not to the sentence.
    """
    op = element.get("OP", "1")
    return op == "*" or op.startswith("{") or (op == "?" and set(element) == {"OP"})


MAX_GAP = 20
_ELIDED = re.compile(r"(?<![\w'’])(?:[ldsnjmtc]|qu)['’][a-zà-ÿ]")


def _elided_words(element: dict) -> list[str]:
    """Values of a French token element that glue an elision to its word ("s'interdit").

    The French tokenizer splits them ("s'" + "interdit"), so such a value never matches a token.
    """
    low = element.get("LOWER")
    values = [low] if isinstance(low, str) else []
    if isinstance(low, dict):
        values = [v for v in low.get("IN") or [] if isinstance(v, str)]
        regex = low.get("REGEX")
        if isinstance(regex, str):
            values += [alt for alt in re.split(r"[|()^$]", regex) if alt]
    return [v for v in values if _ELIDED.search(v)]


def _gap_width(element: dict) -> int:
    """The most tokens a {n,m} element may take (0 for anything else)."""
    op = str(element.get("OP", ""))
    if op.startswith("{") and op.endswith("}") and "," in op:
        high = op[1:-1].split(",")[1].strip()
        return int(high) if high.isdigit() else 0
    return 0


@lru_cache(maxsize=1)
def _english_lemmas() -> tuple[Any, frozenset]:
    from ._nlp import get_nlp

    table = get_nlp("en").get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
    return table, frozenset(table.values())


def _dead_lemmas(element: dict) -> list[tuple[str, str]]:
    """LEMMA values of an English token element that no word has as its lemma ("paid": its lemma is "pay")."""
    lemma = element.get("LEMMA")
    if isinstance(lemma, dict):
        values = [v for v in lemma.get("IN") or [] if isinstance(v, str)]
    else:
        values = [lemma] if isinstance(lemma, str) else []
    table, lemmas = _english_lemmas()
    return [(v, table.get(v, v)) for v in values if table.get(v, v) != v and v not in lemmas]


def _dependency_problems(item: dict, lang: str) -> list[str]:
    """What keeps a dependency pattern from working: no parser, a malformed pattern, no words to gate the parse."""
    from spacy.matcher import DependencyMatcher
    from spacy.schemas import validate_token_pattern
    from spacy.vocab import Vocab

    if lang != "fr":
        return ["dependency patterns need a parser; only French texts are parsed (English has a blank pipeline)"]
    problems = []
    nodes = item["dependency"] if isinstance(item["dependency"], list) else []
    for node in nodes:
        attrs = node.get("RIGHT_ATTRS") if isinstance(node, dict) else None
        problems += [f"node {node.get('RIGHT_ID', '?')}: {err}" for err in validate_token_pattern([attrs or {}])]
    if not problems:
        try:
            DependencyMatcher(Vocab()).add("check", [nodes])
        except (ValueError, KeyError, TypeError) as exc:
            problems.append(f"not a DependencyMatcher pattern: {str(exc).splitlines()[0]}")
    if not item.get("parse_if"):
        problems.append("parse_if is required: the words a sentence must hold before it is parsed")
    for words in item.get("parse_if") or []:
        for word in (w for w in (words if isinstance(words, list) else []) if isinstance(w, str)):
            if re.search(r"[\s'’]", word.strip()):
                problems.append(f"parse_if word '{word}' never matches: the gate compares single tokens; "
                                "list one word")
    return problems


def pattern_problems(spec: dict) -> list[str]:
    """Every problem in one indicator's patterns and counter-cues, checked with spaCy's own schema."""
    from spacy.schemas import validate_token_pattern

    problems = []
    for block in ("patterns", "counter_cues"):
        langs = spec.get(block) or {}
        if not isinstance(langs, dict):
            continue
        for lang, items in langs.items():
            seen: set[str] = set()
            for n, item in enumerate(items if isinstance(items, list) else []):
                if not isinstance(item, dict):
                    continue
                where = f"{block}.{lang}[{n}] ({item.get('id', '?')})"
                if item.get("id") in seen:
                    problems.append(f"{where}: id used twice in {block}.{lang}; a finding names its rule by this id")
                seen.add(item.get("id"))
                if item.get("aside") and "tokens" not in item:
                    problems.append(f"{where}: aside applies to token patterns only; a phrase has no words between")
                if "dependency" in item:
                    problems += [f"{where}: {p}" for p in _dependency_problems(item, lang)]
                if "tokens" in item:
                    for err in validate_token_pattern(item["tokens"]):
                        problems.append(f"{where}: {err}")
                    widest = max((_gap_width(el) for el in item["tokens"] if isinstance(el, dict)), default=0)
                    if widest > MAX_GAP:
                        problems.append(f"{where}: a gap of {widest} tokens is wider than {MAX_GAP}; spaCy's Matcher "
                                        "follows every way of filling it, which costs gigabytes; split the pattern")
                    if lang == "en":
                        for word, lemma in (d for el in item["tokens"] if isinstance(el, dict) for d in _dead_lemmas(el)):
                            problems.append(f"{where}: LEMMA '{word}' never matches: no word has it as its lemma "
                                            f"(its own lemma is '{lemma}'); list '{lemma}'")
                    if lang == "fr":
                        for word in (w for el in item["tokens"] if isinstance(el, dict) for w in _elided_words(el)):
                            problems.append(f"{where}: '{word}' never matches: the French tokenizer splits the "
                                            "elision from its word; match the word alone")
                    if lang == "fr" and "LEMMA" in str(item["tokens"]):
                        problems.append(f"{where}: LEMMA is not available in the French cheap pass; use LOWER")
    return problems


def compile_rules(rules, lang: str, nlp) -> Compiled:
    from spacy.matcher import Matcher, PhraseMatcher

    cues = load_cues(rules)
    defaults = cues["defaults"]
    lang_cues = cues["languages"][lang]
    units: list[Unit] = []
    regexes = RegexIndex(nlp.vocab.strings)
    phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
    info: dict[int, PatternInfo] = {}

    def unit(key: str, pattern: list[dict], role: str, aside: bool = False) -> None:
        matcher = Matcher(nlp.vocab, validate=True)
        matcher.add(key, [pattern])
        units.append(Unit(matcher, _needs(pattern, nlp.vocab.strings, regexes), role, aside))

    dependencies: list[DependencyUnit] = []

    def add(key: str, item: dict, role: str, name: str, strength: float = 0.0) -> None:
        if "dependency" in item:
            from spacy.matcher import DependencyMatcher

            gaps = frozenset()
            matcher = DependencyMatcher(nlp.vocab, validate=True)
            matcher.add(key, [item["dependency"]])
            gate = tuple(frozenset(nlp.vocab.strings.add(fold(w).lower()) for w in words) for words in item["parse_if"])
            dependencies.append(DependencyUnit(matcher, gate, name))
        elif "tokens" in item:
            pattern = item["tokens"]
            gaps = frozenset(i for i, el in enumerate(pattern) if _is_gap(el))
            unit(key, pattern, role, bool(item.get("aside")))
        else:
            gaps = frozenset()
            elided = [p for p in item["phrases"] if p.strip().endswith("'")]
            for w in elided:  # a lone "n'" tokenizes differently alone than inside a text
                unit(key, [{"LOWER": fold(w.strip()).lower()}], role)
            rest = [nlp.make_doc(fold(p)) for p in item["phrases"] if p not in elided]
            if rest:
                phrases.add(key, rest)
        info[nlp.vocab.strings.add(key)] = PatternInfo(
            role, name, item.get("id", key), strength, item.get("requires"), item.get("negation", "scope"), gaps,
            item.get("reach", "sentence"),
        )

    indicators = text_indicators(rules)
    for ind_id, ind in indicators.items():
        spec = ind.spec or {}
        for n, item in enumerate((spec.get("patterns") or {}).get(lang) or []):
            strength = float(item.get("strength", defaults["strength"]))
            add(f"{ind_id}|p{n}", item, TRIGGER, ind_id, strength)
        for n, item in enumerate((spec.get("counter_cues") or {}).get(lang) or []):
            add(f"{ind_id}|c{n}", item, COUNTER, ind_id)
    for kind in GENERIC_CUES:
        if lang_cues.get(kind):
            add(f"@{kind}", {"id": kind, "phrases": lang_cues[kind]}, CUE, kind)
    config = {
        "defaults": defaults,
        "scope": cues["scope"],
        "stop": frozenset(lang_cues["stop"]),
        "after_stop": frozenset(lang_cues.get("after_stop", ())),
        "clause_relations": frozenset(cues["scope"].get("clause_relations", ())),
        "determiners": frozenset(fold(w).lower() for w in lang_cues.get("determiners", ())),
        "other_parties": tuple(tuple(t.lower_ for t in nlp.make_doc(fold(p))) for p in lang_cues.get("other_parties", ())),
        # one-word names only: the words of "partenaire de livraison" would make "de" a worker
        "worker_nouns": frozenset(fold(w).lower() for w in lang_cues.get("worker_nouns", ()) if len(nlp.make_doc(fold(w))) == 1),
        "compound_heads": frozenset(fold(w).lower() for w in lang_cues.get("compound_heads", ())),
        "connectors": frozenset(t.lower_ for w in lang_cues.get("connectors", ()) for t in nlp.make_doc(fold(w))),
        "subject_openers": tuple(tuple(t.lower_ for t in nlp.make_doc(fold(p))) for p in lang_cues.get("subject_openers", ())),
        "worker_agents": frozenset(fold(w).lower() for w in lang_cues.get("worker_agents", ())),
        "not_parties": tuple(tuple(t.lower_ for t in nlp.make_doc(fold(p))) for p in lang_cues.get("not_parties", ())),
        "second_person": frozenset(fold(w).lower() for w in lang_cues.get("second_person", ())),
        "abilities": tuple(tuple(t.lower_ for t in nlp.make_doc(fold(p))) for p in lang_cues.get("abilities", ())),
        "undergoing": tuple(tuple(t.lower_ for t in nlp.make_doc(fold(p))) for p in lang_cues.get("undergoing", ())),
        "redress": tuple(tuple(t.lower_ for t in nlp.make_doc(fold(p))) for p in lang_cues.get("redress", ())),
        "modals": frozenset(fold(w).lower() for w in lang_cues.get("modals", ())),
        "presupposing": tuple(tuple(t.lower_ for t in nlp.make_doc(fold(p))) for p in lang_cues.get("presupposing", ())),
    }
    config["worker_mentions"] = config["worker_nouns"] | config["worker_agents"] | config["second_person"]
    config["redress_openers"] = frozenset(phrase[0] for phrase in config["redress"])
    config["party_openers"] = frozenset(party[0] for party in config["other_parties"])
    return Compiled(lang, nlp, units, regexes, phrases, info, indicators, config, dependencies)
