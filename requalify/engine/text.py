"""Find text indicators in a Document: the exact sentence, where it stands, which pattern fired.

Two passes, so a 40-page ToS costs milliseconds, not seconds:

1. cheap, on every clause: tokenizer (English: plus lookup lemmas) and one Matcher/PhraseMatcher
   holding every indicator's patterns, counter-cues and the generic obligation, negation and
   permission cues of ``rules/cues.yaml``; a sentence holding the ``parse_if`` words of a French
   dependency pattern is parsed, once, and that DependencyMatcher pattern runs on the parse;
2. careful, only where a trigger fired: the sentence's cues decide. A question ("How do I close
   my account?") and a sentence that only refers to a topic (a reference cue: the claims an
   arbitration clause covers) yield nothing. A counter-cue cancels its
   indicator; a negation or permission governing the trigger cancels it ("the platform may not
   deactivate", "you are free to refuse any trip"); an obligation cue strengthens it. In French a
   negation found by the token window is confirmed on the dependency parse of that one sentence,
   so "accounts that are not used may be deactivated" keeps its finding. Whose sentence it is
   counts too: another party's (« Le Restaurant est libre de refuser »), the worker's own choice
   ("Users may request the deletion of their account"), a fact about riders ("Riders whose rating
   falls...") yield no finding about the worker (see ``subject``, ``actor`` and ``about`` in
   docs/rules.md). A pattern marked ``aside`` is also tried with one comma-delimited aside taken
   out (« suspendre, à titre conservatoire, l'accès »).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Document, Evidence, Location
from ._compile import COUNTER, CUE, TRIGGER, Compiled, compile_rules, text_indicators
from ._nlp import SUPPORTED_LANGUAGES, check_language, get_nlp, parse
from .audience import CUSTOMERS, binds_worker, document_audience, names_workers

_SENTENCE_END = frozenset({".", "!", "?", "…"})
_OPENER_OF = {"»": "«", ")": "(", "”": "“", "]": "[", '"': '"', "'": "'"}
_CLOSERS = frozenset(_OPENER_OF)
_BULLETS = frozenset({"-", "–", "—", "•", "*", "·", "▪", "◦"})
_LIST_LEAD = frozenset({":", ";"})


@dataclass(frozen=True)
class Hit:
    """One indicator in one sentence of a text (token offsets into the cheap doc)."""

    indicator: str
    cue: str
    strength: float
    sent_start: int  # char offsets into the scanned text
    sent_end: int


@dataclass(frozen=True)
class ExampleResult:
    """The verdict on one example sentence of an indicator's file."""

    id: str  # deactivation_power/fr/negative/2
    indicator: str
    lang: str
    expected: str  # "present" | "absent"
    got: str
    passed: bool
    sentence: str
    found: tuple[str, ...] = ()  # every indicator the sentence yielded


_COMPILED: dict[tuple[int, str], tuple[object, Compiled]] = {}


def compiled(rules, lang: str) -> Compiled:
    """Matchers for ``rules`` in ``lang``, built once per rules object and language."""
    key = (id(rules), lang)
    entry = _COMPILED.get(key)
    if entry is None or entry[0] is not rules:
        entry = (rules, compile_rules(rules, lang, get_nlp(lang)))
        _COMPILED[key] = entry
    return entry[1]


def _sentences(doc) -> list[tuple[int, int]]:
    """Token spans of sentences: end punctuation, list items, and lines led by ':' or ';'."""
    spans, start, n = [], 0, len(doc)
    i = 0
    while i < n:
        tok = doc[i]
        cut = None
        if tok.text in _SENTENCE_END:
            cut = i + 1
            while cut < n and doc[cut].text in _CLOSERS:
                cut += 1
        elif tok.is_space and "\n" in tok.text and i + 1 < n:
            prev = doc[i - 1].text if i > 0 else ""
            if doc[i + 1].text in _BULLETS or prev in _LIST_LEAD or ("\n\n" in tok.text and prev[-1:].isalnum() is False):
                cut = i
        if cut is not None and cut > start:
            spans.append((start, cut))
            start = cut
            i = cut
            continue
        i += 1
    if start < n:
        spans.append((start, n))
    out = []
    for s, e in spans:
        while s < e and doc[s].is_space:
            s += 1
        while e > s and doc[e - 1].is_space:
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def _window_clear(doc, a: int, b: int, limit: int, stops: frozenset) -> bool:
    """True when tokens a..b hold at most ``limit`` words and no stop word."""
    words = 0
    for tok in doc[a:b]:
        if tok.is_space:
            continue
        if tok.lower_ in stops:
            return False
        words += 1
    return words <= limit


def _governing(doc, cue_spans, s: int, e: int, gap_tokens: set[int], scope: dict, stops, after_stops=frozenset()) -> list[tuple[int, int]]:
    """The cue spans that govern the trigger doc[s:e] by position.

    After the trigger a coordinator also ends the window: in "paid by Lyft and not by the rider" the
    negation opens a second phrase and leaves the first one standing.
    """
    out = []
    for cs, ce in cue_spans:
        if cs >= s and ce <= e:
            if any(t in gap_tokens for t in range(cs, ce)):
                out.append((cs, ce))
        elif ce <= s:
            if _window_clear(doc, ce, s, scope["before"], stops):
                out.append((cs, ce))
        elif cs >= e:
            if _window_clear(doc, e, cs, scope["after"], stops | after_stops):
                out.append((cs, ce))
        elif cs < s < ce:
            out.append((cs, ce))
    return out


def _parse_confirms(sent, negations, anchors: list[int], relations: frozenset) -> bool:
    """On the parse: does any negation hang on a trigger word or on a word it depends on?"""
    chain = set()
    for i in anchors:
        tok = sent[i]
        chain.add(tok.i)
        while tok.head.i != tok.i and tok.dep_ not in relations:
            tok = tok.head
            chain.add(tok.i)
    return any(sent[i].head.i in chain or sent[i].i in chain for cs, ce in negations for i in range(cs, ce))


def _lead_negations(doc, negations, s: int, e: int, cuts: list[int], limit: int, stops) -> list[int]:
    """Token positions in doc[s:e] after which a list lead's negation (or permission) governs every item.

    "You are not required to: accept any job; work minimum hours" and "Le Partenaire n'est pas
    tenu : ... ; ..." deny each item, however far it stands from the negation: the lead's colon
    (or the end of a lead read with its item) is the cut, and the negation must close the lead.
    """
    out = []
    for cut in cuts:
        for cs, ce in negations:
            if not (s <= cs and ce <= cut and _window_clear(doc, ce, cut, limit, stops)):
                continue
            lead = cs
            while lead > s and doc[lead - 1].text not in (":", ";"):
                lead -= 1
            # "If you do not comply: we may suspend..." is a condition, not a denial of the items
            if not any(tok.lower_ in stops and tok.is_alpha for tok in doc[lead:cs]):
                out.append(cut)
                break
    return out


_POSSESSIVE = frozenset({"'s", "’s", "'", "’"})


def _other_party_subject(doc, s: int, e: int, cfg: dict) -> bool:
    """Whether the sentence doc[s:e] has another party as its subject ("Le Client peut...").

    The subject is looked for at the head of the sentence (numbering and markup skipped), after a
    short opening phrase ("Pour passer commande, le Client doit...") and after an opener of the
    rules ("il appartient au Client de..."). An optional determiner and at most one other word may
    stand before the party. "The customer's rating", "les clients du livreur" and "Rider
    information" are not that party's own sentence.
    """
    if not cfg.get("other_parties"):
        return False
    return any(_party_at(doc, h, e, cfg) for h in _subject_heads(doc, s, e, cfg))


def _head(doc, s: int, e: int) -> int:
    """The first word of the sentence doc[s:e], past its numbering and markup."""
    t = s
    while t < e and (doc[t].is_punct or doc[t].like_num or doc[t].is_space or len(doc[t].text) == 1 and not doc[t].is_alpha):
        t += 1
    return t


def _subject_heads(doc, s: int, e: int, cfg: dict) -> list[int]:
    """Where the subject of the sentence doc[s:e] may stand: its head, after a short opening phrase, after an opener."""
    t = _head(doc, s, e)
    heads = [t] + [c + 1 for c in range(t, min(e, t + 12)) if doc[c].text == ","][:1]
    lowers = [doc[k].lower_ for k in range(t, min(e, t + 20))]
    for opener in cfg.get("subject_openers", ()):
        for k in range(len(lowers) - len(opener) + 1):
            if tuple(lowers[k:k + len(opener)]) == opener:
                heads.append(t + k + len(opener))
                break
    return heads


def _names_worker(doc, s: int, e: int, cfg: dict) -> bool:
    """Whether the sentence doc[s:e] names the worker: a worker noun or agent, "your" in their own terms."""
    return any(doc[t].lower_ in cfg["worker_mentions"] for t in range(s, e))


def _phrase_at(doc, t: int, e: int, phrases) -> int:
    """The end of the first of ``phrases`` that starts at doc[t], or -1."""
    for phrase in phrases:
        end = t + len(phrase)
        if end <= e and all(doc[t + j].lower_ == w for j, w in enumerate(phrase)):
            return end
    return -1


_ASIDE_BREAKS = frozenset({",", ".", ";", ":", "!", "?"})
_ASIDE_MAX = 20
_ASIDES_PER_SENTENCE = 6


def _asides(doc, s: int, e: int) -> list[tuple[int, int]]:
    """Comma-delimited asides in doc[s:e], as token spans from one comma to the next, both included.

    « suspendre, à titre conservatoire, l'accès » holds one. Every pair of consecutive commas with a
    few words and no other break between them is a candidate; each is taken out on its own, since
    the first comma of a sentence may close a clause rather than open an aside.
    """
    commas = [t for t in range(s, e) if doc[t].text == ","]
    out = []
    for a, b in zip(commas, commas[1:]):
        if 1 < b - a <= _ASIDE_MAX + 1 and not any(doc[t].text in _ASIDE_BREAKS or "\n" in doc[t].text
                                                   for t in range(a + 1, b)):
            out.append((a, b))
    return out[:_ASIDES_PER_SENTENCE]


def _aside_matches(doc, s: int, e: int, units, lemmas, info) -> list[tuple]:
    """Matches of the ``aside`` units in doc[s:e] read without one of its asides, in the sentence's own tokens.

    Each is (match id, start, end, None, (gap tokens, aside tokens)): the aside's tokens count as
    gaps, and a negation among them ("with no notice", « sans préavis ni indemnité ») qualifies the
    manner, not the power, so it is set apart.
    """
    if not units:
        return []
    from spacy.tokens import Doc

    out = []
    for a0, b0 in _asides(doc, s, e):
        kept = [t for t in range(s, e) if not a0 <= t <= b0]
        view = Doc(doc.vocab, words=[doc[t].text for t in kept], spaces=[True] * len(kept))
        if lemmas is not None:
            view.from_array(["LEMMA"], lemmas[kept].reshape(-1, 1))
        for unit in units:
            for m, a, b, al in unit.matcher(view, with_alignments=True):
                start, end = kept[a], kept[b - 1] + 1
                if not start < a0 < end:
                    continue  # found as well without taking the aside out
                inside = set(range(a0, b0 + 1))
                gaps = {kept[a + j] for j, el in enumerate(al) if el in info[m].gap_elements} | inside
                out.append((m, start, end, None, (gaps, inside)))
    return out


_BRACKETS = frozenset({"(", ")"})


def _breaks_clause(doc, t: int, e: int, cfg: dict) -> bool:
    """Whether doc[t] ends a clause: a stop word other than a comma or a bracket (;, but, if, « mais »), ', and'."""
    word = doc[t].lower_
    if word == ",":
        return t + 1 < e and doc[t + 1].lower_ in cfg["after_stop"]
    return word in cfg["stop"] and word not in _BRACKETS


def _reopens(doc, t: int, e: int, cfg: dict) -> bool:
    """Whether doc[t] opens a new clause after the worker's ability: another ability, a stop word, ', and'."""
    return (_breaks_clause(doc, t, e, cfg) or doc[t].lower_ in _BRACKETS and doc[t].lower_ in cfg["stop"]
            or _phrase_at(doc, t, e, cfg["abilities"]) >= 0)


def _clause_of(doc, s: int, e: int, ss: int, se: int, cfg: dict) -> tuple[int, int]:
    """The clause of the sentence doc[ss:se] that holds doc[s:e].

    In « Vous pouvez résilier à tout moment, et la Société peut suspendre votre compte » the
    worker's own termination is one clause, the platform's power another. A bracket does not end
    it: "you may (at any time) terminate" is one clause.
    """
    start = next((t + 1 for t in range(s - 1, ss - 1, -1) if _breaks_clause(doc, t, se, cfg)), ss)
    end = next((t for t in range(e, se) if _breaks_clause(doc, t, se, cfg)), se)
    return start, end


def _own_act(doc, s: int, e: int, cfg: dict) -> tuple[int, int] | None:
    """The tokens in which the worker is the one who may act ("Users may request the deletion of...").

    The worker (``worker_agents``: an optional determiner and at most one word before it) stands at
    a subject position and an ability follows within one word. The span runs from the ability to
    the next ability, stop word other than a comma ("..., but your continued use after the
    changes...", "if we change the terms"), comma and coordinator (", and the Platform
    measures...") or the end of the sentence. It is None when what follows the ability is
    suffered ("you may be deactivated", « vous pouvez voir votre compte suspendu »).
    """
    agents, abilities = cfg.get("worker_agents"), cfg.get("abilities")
    if not agents or not abilities:
        return None
    for h in _subject_heads(doc, s, e, cfg):
        t = h + 1 if h < e and doc[h].lower_ in cfg["determiners"] else h
        agent = next((k for k in (t, t + 1) if k < e and doc[k].lower_ in agents), None)
        if agent is None:
            continue
        for a in (agent + 1, agent + 2):
            end = _phrase_at(doc, a, e, abilities)
            if end < 0:
                continue
            if any(_phrase_at(doc, k, e, cfg["undergoing"]) >= 0 for k in range(end, min(e, end + 4))):
                return None
            stop = end
            while stop < e and not _reopens(doc, stop, e, cfg):
                stop += 1
            return end, stop
    return None


def _presupposed(doc, s: int, e: int, cfg: dict) -> list[tuple[int, int]]:
    """Spans of doc[s:e] that take an act for granted rather than state it.

    A leading condition: a ``presupposing`` word (if, once, après, en cas de) at the head of the
    sentence, up to the next comma, semicolon or colon: "If your account is deactivated, you
    will lose access" says what follows the act, not that the platform holds the power. Only
    the head is read ("..., where our algorithm assigns..." is no condition), and a span that
    holds an ability or obligation (may, peut, must) has run into the main clause: a condition
    without its own comma ("If you cancel too often we may suspend your account, ...") is
    not read. A ``redress`` phrase (compensation for, liable for, « indemnité pour ») takes the
    act for granted too, up to the next stop word or ability: "no compensation for the
    cancellation or suspension of your account" grants or denies redress, it does not state the
    power, while in "...not liable for any damages and may deactivate your account" the power
    follows.
    """
    spans = []
    words = cfg.get("presupposing")
    head = _head(doc, s, e)
    if words and head < e and _phrase_at(doc, head, e, words) >= 0:
        end = next((t for t in range(head + 1, e) if doc[t].text in (",", ";", ":")), None)
        if end is not None and not any(_modal_at(doc, t, end, cfg) for t in range(head + 1, end)):
            spans.append((head, end))
    openers = cfg.get("redress_openers", ())
    for t in range(s, e):
        after = _phrase_at(doc, t, e, cfg["redress"]) if doc[t].lower_ in openers else -1
        if after >= 0:
            stop = after
            while stop < e and not (doc[stop].lower_ in cfg["stop"] or _modal_at(doc, stop, e, cfg)):
                stop += 1
            spans.append((t, stop))
    return spans


def _modal_at(doc, t: int, e: int, cfg: dict) -> bool:
    """Whether an ability or obligation word (may, peut, must, doit) starts at doc[t]."""
    return _phrase_at(doc, t, e, cfg["abilities"]) >= 0 or doc[t].lower_ in cfg["modals"]


def _asks(doc, s: int, e: int) -> bool:
    """Whether doc[s:e] is a question ("How do I close my account?"): it asks, it states no term.

    A question quoted inside a statement ("...if you ignore the “Are you still driving?” prompt",
    "(for any reason?)") leaves the statement one: its closer's opener stands inside the sentence.
    """
    t = e - 1
    closers = []
    while t >= s and (doc[t].is_space or doc[t].text in _CLOSERS):
        closers.append(doc[t].text)
        t -= 1
    if t < s or doc[t].text != "?":
        return False
    first = next((k for k in range(s, t) if not doc[k].is_space), t)
    openers = {_OPENER_OF.get(c) for c in closers} - {None}
    return not any(doc[k].text in openers for k in range(first + 1, t))


def _party_at(doc, t: int, e: int, cfg: dict) -> bool:
    if _phrase_at(doc, t, e, cfg.get("not_parties", ())) >= 0:
        return False  # « En particulier, il reconnaît... »
    if t < e and doc[t].lower_ in cfg["determiners"]:
        t += 1
    if t + 1 < e and doc[t + 1].lower_ in _POSSESSIVE:
        t += 2
    for start in (t, t + 1):
        if start >= e or doc[start].lower_ not in cfg["party_openers"]:
            continue
        for party in cfg["other_parties"]:
            end = start + len(party)
            if end <= e and tuple(doc[k].lower_ for k in range(start, end)) == party:
                after = [doc[k].lower_ for k in range(end, min(e, end + 4))]
                if after and (after[0] in _POSSESSIVE or after[0] in cfg["compound_heads"]):
                    return False
                if after and after[0] in cfg["connectors"] and cfg["worker_nouns"].intersection(after[1:]):
                    return False
                return True
    return False


def scan(comp: Compiled, text: str, lead_end: int | None = None) -> list[Hit]:
    """Every (indicator, sentence) finding in ``text``, best cue per pair.

    ``lead_end``: the char offset where a list's lead sentence ends when ``text`` is a lead
    joined with one of its items (see ``_in_context``).
    """
    from ._nlp import cheap_doc

    doc = cheap_doc(comp.nlp, text)
    info = comp.info
    arrays = {"LOWER": doc.to_array("LOWER")}
    if comp.lang == "en":
        arrays["LEMMA"] = doc.to_array("LEMMA")

    def values_of(s: int, e: int) -> dict[str, set[int]]:
        out = {}
        for attr, a in arrays.items():
            out[attr] = set(a[s:e].tolist())
            out[attr + "~"] = comp.regexes.hits(out[attr])
        return out

    whole = values_of(0, len(doc))
    units = [u for u in comp.units if u.possible(whole)]
    dependencies = [d for d in comp.dependencies if d.possible(whole)]
    phrase_hits = comp.phrases(doc)
    if (not any(u.role == TRIGGER for u in units) and not dependencies
            and not any(info[m].role == TRIGGER for m, _, _ in phrase_hits)):
        return []
    sents = _sentences(doc)
    sent_of = [-1] * len(doc)
    for k, (s, e) in enumerate(sents):
        for t in range(s, e):
            sent_of[t] = k
    per_sent: dict[int, list] = {}
    parses: dict[int, object] = {}  # sentence -> its parse, made at most once
    for m, s, e in phrase_hits:
        k = sent_of[s]
        if k >= 0 and sent_of[e - 1] == k:
            per_sent.setdefault(k, []).append((info[m], s, e, None, None))
    for k, (s, e) in enumerate(sents):
        values = values_of(s, e)
        span = None
        possible = [unit for unit in units if unit.possible(values)]
        for unit in possible:
            span = span or doc[s:e]
            for m, a, b, al in unit.matcher(span, with_alignments=True):
                per_sent.setdefault(k, []).append((info[m], s + a, s + b, al, None))
        for item in _aside_matches(doc, s, e, [u for u in possible if u.aside], arrays.get("LEMMA"), info):
            per_sent.setdefault(k, []).append((info[item[0]], *item[1:]))
        fired = {it[0].name for it in per_sent.get(k, ()) if it[0].role == TRIGGER} if dependencies else set()
        for dep in dependencies:
            if dep.indicator in fired or not dep.possible(values):
                continue  # a dependency pattern adds nothing where its indicator already matched
            if k not in parses:
                parses[k] = parse(comp.nlp, doc[s:e].text)
            if len(parses[k]) != e - s:
                continue  # the parse split the words otherwise: its tokens cannot be placed in the text
            for m, tokens in dep.matcher(parses[k]):
                a, b = s + min(tokens), s + max(tokens) + 1
                between = set(range(a, b)) - {s + t for t in tokens}  # words the pattern does not name
                per_sent.setdefault(k, []).append((info[m], a, b, None, (between, set())))
    cfg = comp.config
    scope, stops, defaults = cfg["scope"], cfg["stop"], cfg["defaults"]
    hits: list[Hit] = []
    for k in sorted(per_sent):
        items = per_sent[k]
        triggers = [it for it in items if it[0].role == TRIGGER]
        if triggers and _asks(doc, *sents[k]):
            continue
        if not triggers or any(pi.role == CUE and pi.name == "reference" for pi, *_ in items):
            continue
        cues: dict[str, list[tuple[int, int]]] = {"obligation": [], "negation": [], "permission": [], "reference": []}
        counters = set()
        clause_counters: dict[str, list[tuple[int, int]]] = {}
        for pi, s, e, *_ in items:
            if pi.role == CUE:
                cues[pi.name].append((s, e))
            elif pi.role == COUNTER and pi.reach == "clause":
                clause_counters.setdefault(pi.name, []).append(_clause_of(doc, s, e, *sents[k], cfg))
            elif pi.role == COUNTER:
                counters.add(pi.name)
        all_negations = list(cues["negation"])
        permitted = {t for s, e in cues["permission"] for t in range(s, e)}
        cues["negation"] = [(s, e) for s, e in cues["negation"] if s not in permitted]
        cues["obligation"] = [(s, e) for s, e in cues["obligation"] if s not in permitted]
        ss, se = sents[k]
        cuts = [t for t in range(ss, se) if doc[t].text == ":"]
        if lead_end is not None:
            cuts += [t for t in range(ss, se) if doc[t].idx >= lead_end][:1]
        lead_cuts = lead_permits = []
        if cuts:
            lead_cuts = _lead_negations(doc, cues["negation"], ss, se, cuts, scope["negation"]["before"], stops)
            lead_permits = _lead_negations(doc, cues["permission"], ss, se, cuts, scope["negation"]["before"], stops)
        parsed = parses.get(k)
        other_subject = own_act = presupposed = None
        best: dict[str, Hit] = {}
        for pi, s, e, al, seen_aside in triggers:
            ind = comp.indicators[pi.name]
            if pi.name in counters or any(a <= s < b for a, b in clause_counters.get(pi.name, ())):
                continue
            if binds_worker(ind) or (ind.spec or {}).get("about") == "worker":
                if other_subject is None:
                    other_subject = _other_party_subject(doc, ss, se, cfg)
                if other_subject and (binds_worker(ind) or not _names_worker(doc, ss, se, cfg)):
                    continue
            if (ind.spec or {}).get("actor") == "platform":
                if own_act is None:
                    own_act = _own_act(doc, ss, se, cfg) or (0, 0)
                if own_act[0] <= s < own_act[1]:
                    continue
            if (ind.spec or {}).get("in_condition") == "presupposed":
                if presupposed is None:
                    presupposed = _presupposed(doc, ss, se, cfg)
                if any(a <= s < b for a, b in presupposed):
                    continue
            if pi.requires and not cues[pi.requires]:
                continue
            gaps: set[int] = set()
            aside: set[int] = set()
            if seen_aside is not None:
                gaps, aside = seen_aside
            elif al is not None and pi.gap_elements:
                gaps = {s + j for j, el in enumerate(al) if el in pi.gap_elements}
            permissions = [c for c in cues["permission"] if c[0] not in aside]
            if ind.polarity in ("+", "0") and _governing(doc, permissions, s, e, gaps, scope["permission"], stops):
                continue
            own_negation = any(cs >= s and ce <= e and cs not in gaps for cs, ce in all_negations)
            negs = []
            if pi.negation != "ignore" and not own_negation:
                negations = [c for c in cues["negation"] if c[0] not in aside]
                negs = _governing(doc, negations, s, e, gaps, scope["negation"], stops, cfg["after_stop"])
            if not own_negation and pi.negation != "ignore" and any(s > cut for cut in lead_cuts):
                continue
            if ind.polarity in ("+", "0") and any(s > cut for cut in lead_permits):
                continue
            if negs and comp.lang == "fr":
                if parsed is None:
                    parsed = parse(comp.nlp, doc[ss:se].text)
                if len(parsed) == se - ss:
                    anchors = [t - ss for t in range(s, e) if t not in gaps and not doc[t].is_space]
                    local = [(cs - ss, ce - ss) for cs, ce in negs]
                    if not _parse_confirms(parsed, local, anchors, cfg["clause_relations"]):
                        negs = []
            if negs:
                continue
            strength = pi.strength
            if ind.polarity == "+" and cues["obligation"]:
                strength += defaults["obligation_boost"]
            elif ind.polarity == "-" and cues["permission"]:
                strength += defaults["permission_boost"]
            strength = round(min(1.0, strength), 2)
            prev = best.get(pi.name)
            if prev is None or strength > prev.strength:
                start = doc[ss].idx
                end = doc[se - 1].idx + len(doc[se - 1].text)
                best[pi.name] = Hit(pi.name, pi.cue, strength, start, end)
        hits.extend(best[i] for i in sorted(best))
    return hits


_ITEM = re.compile(r"[ \t]*(?:[-–—•*·▪◦●]|\(?(?:\d{1,3}(?:\.\d{1,3})*|[a-z]|[ivx]{1,4})[.)])[ \t]+")
_LEAD_START = re.compile(r"(?:^|(?<=[.!?]))\s+(?=\S)")


_LOWER_START = re.compile(r"[ \t]*[a-zà-ÿ]")


def _opens_item(text: str, pos: int) -> bool:
    """Whether the line at ``pos`` opens a list item: a marker after a lead, or a lower-case paragraph.

    Terms converted from PDF often drop the bullets: "you agree:" followed by paragraphs that
    begin "to treat passengers with respect", "that you shall update the status...".
    """
    before = text[:pos].rstrip()
    if _LOWER_START.match(text, pos):
        return before.endswith((":", ";", "."))
    return bool(_ITEM.match(text, pos)) and before.endswith((":", ";"))


def _segments(text: str) -> list[tuple[int, str]]:
    """A text cut before each line that opens a list item, as (offset, text)."""
    cuts = [0]
    for m in re.finditer(r"\n", text):
        if _opens_item(text, m.end()):
            cuts.append(m.end())
    cuts.append(len(text))
    return [(a, text[a:b]) for a, b in zip(cuts, cuts[1:]) if text[a:b].strip()]


def _lead_of(text: str) -> tuple[int, int] | None:
    """The last sentence of ``text`` when it announces a list (ends with ':'), as char offsets."""
    stripped = text.rstrip()
    if not stripped.endswith(":"):
        return None
    start = 0
    for m in _LEAD_START.finditer(stripped, 0, len(stripped) - 1):
        start = m.end()
    return start, len(stripped)


def _item_body(item: str) -> int:
    """Where an item's own words start: after its marker ("- ", "(b) ") or its indent."""
    marker = _ITEM.match(item)
    return marker.end() if marker else len(item) - len(item.lstrip())


def _in_context(comp: Compiled, lead: str, item: str, lead_found: set[str]) -> list[tuple[Hit, bool]]:
    """Scan a list item with its lead sentence before it: (hit, whether it starts in the lead).

    The lead's ':' becomes one space and the item's marker is dropped, so the two read as one
    sentence ("you agree to treat passengers with respect"): an obligation, a power or a
    prohibition stated in the lead governs the item. Offsets from ``len(lead)`` on are the
    item's, counted from ``_item_body(item)``. A hit the lead yields on its own is not repeated
    for every item.
    """
    joined = lead[:-1] + " " + item[_item_body(item):]
    out = []
    for hit in scan(comp, joined, lead_end=len(lead) - 1):
        starts_in_lead = hit.sent_start < len(lead)
        if starts_in_lead and hit.indicator in lead_found:
            continue
        out.append((hit, starts_in_lead))
    return out


def scan_blocks(comp: Compiled, blocks) -> list[tuple[Hit, int, int, str]]:
    """Hits over consecutive blocks ``(char offset, text, group)`` as (hit, start, end, group).

    A block is cut before each list item it holds; an item is read with the sentence that
    announces it ("We may suspend your account where: - your rating falls below..."), as long
    as both are in the same group (heading): its quote then runs from the lead to the item.
    """
    out: list[tuple[Hit, int, int, str]] = []
    lead = None  # (char start, text, indicators it yields alone, group)
    for start, block, group in blocks:
        for offset, text in _segments(block):
            base = start + offset
            if lead is not None and lead[3] == group and (_ITEM.match(text) or _LOWER_START.match(text)):
                lead_start, lead_text, lead_found, _ = lead
                item_start = base + _item_body(text) - len(lead_text)
                for hit, in_lead in _in_context(comp, lead_text, text, lead_found):
                    cs = lead_start + hit.sent_start if in_lead else item_start + hit.sent_start
                    out.append((hit, cs, item_start + hit.sent_end, group))
                    if in_lead:  # one finding per (lead, indicator): the first item that completes it
                        lead_found.add(hit.indicator)
                continue
            hits = scan(comp, text)
            out.extend((hit, base + hit.sent_start, base + hit.sent_end, group) for hit in hits)
            span = _lead_of(text)
            if span is None:
                lead = None
                continue
            a, b = span
            lead = (base + a, text[a:b], {h.indicator for h in hits if h.sent_end > a}, group)
    return out


# Text extracted from some PDFs lost its "ti" and "tt" ligatures: "applica(on", "perme?re".
_LIGATURE_DAMAGE = re.compile(r"(?<=[^\W\d_])([(?])(?=[^\W\d_]+(?![^\W\d_]|\)))")
_LIGATURES = {"(": "ti", "?": "tt"}
_DAMAGE_SIGNATURE = 5


class MatchingView:
    """The text the patterns read: ``text`` itself, or a copy with lost ligatures restored.

    Offsets found in the view are mapped back, so every quote and line stays the source's own
    characters ("applica(on" is quoted as printed, though it was read as "application"). Repair
    only happens when a document shows the damage several times, so an odd "(" elsewhere is kept.
    """

    def __init__(self, text: str):
        damage = list(_LIGATURE_DAMAGE.finditer(text))
        self.repaired = len(damage) >= _DAMAGE_SIGNATURE
        if not self.repaired:
            self.text = text
            return
        pieces, orig_of, fixed_of, pos = [], [], [0] * (len(text) + 1), 0
        for m in damage:
            for i in range(pos, m.start()):
                fixed_of[i] = len(orig_of)
                orig_of.append(i)
            pieces.append(text[pos:m.start()])
            fixed_of[m.start()] = len(orig_of)
            replacement = _LIGATURES[m.group(1)]
            orig_of.extend([m.start()] * len(replacement))
            pieces.append(replacement)
            pos = m.end()
        for i in range(pos, len(text)):
            fixed_of[i] = len(orig_of)
            orig_of.append(i)
        pieces.append(text[pos:])
        fixed_of[len(text)] = len(orig_of)
        orig_of.append(len(text))
        self.text = "".join(pieces)
        self._orig_of, self._fixed_of = orig_of, fixed_of

    def to_view(self, offset: int) -> int:
        return self._fixed_of[offset] if self.repaired else offset

    def to_source(self, start: int, end: int) -> tuple[int, int]:
        """The source span of view span [start, end)."""
        if not self.repaired:
            return start, end
        return self._orig_of[start], self._orig_of[end - 1] + 1 if end > start else self._orig_of[start]


def detect_text(doc: Document, rules, audience: str | None = None) -> list[Evidence]:
    """Text findings of ``doc`` under ``rules``, one per (indicator, sentence), in reading order."""
    return detect_text_and_set_aside(doc, rules, audience)[0]


def detect_text_and_set_aside(doc: Document, rules, audience: str | None = None) -> tuple[list[Evidence], list[Evidence]]:
    """The findings of ``doc``, and the sentences its audience set aside, both in reading order.

    In terms addressed to the workers' customers (see ``audience``; computed when not given), a
    fact about the worker counts only where the sentence names the workers: "your account is
    personal" is the rider's. Those sentences are returned apart, so a reader can check the choice.
    """
    check_language(doc.language, doc.source.path)
    comp = compiled(rules, doc.language)
    found: list[Evidence] = []
    set_aside: list[Evidence] = []
    view = MatchingView(doc.text)
    blocks = []
    for c in doc.clauses:
        start = view.to_view(c.char_start)
        blocks.append((start, view.text[start:view.to_view(c.char_start + len(c.text))], c.heading))
    audience = audience or document_audience(doc.text, doc.language, rules)
    for_customers = audience == CUSTOMERS
    for hit, vs, ve, heading in scan_blocks(comp, blocks):
        cs, ce = view.to_source(vs, ve)
        ind = comp.indicators[hit.indicator]
        while ce > cs and doc.text[ce - 1].isspace():
            ce -= 1
        kept = not (for_customers and binds_worker(ind) and not names_workers(doc.text[cs:ce], doc.language, rules))
        (found if kept else set_aside).append(
            Evidence(
                indicator=hit.indicator,
                polarity=ind.polarity,
                criterion=ind.criterion,
                strength=hit.strength,
                quote=" ".join(doc.text[cs:ce].split()),
                cue=hit.cue,
                source=Location(
                    path=doc.source.path,
                    sha256=doc.source.sha256,
                    page=doc.page_at(cs),
                    clause=heading or None,
                    line_start=doc.line_at(cs),
                    line_end=doc.line_at(ce - 1),
                    char_start=cs,
                    char_end=ce,
                ),
            )
        )
    found.sort(key=lambda ev: (ev.source.char_start, ev.indicator))
    set_aside.sort(key=lambda ev: (ev.source.char_start, ev.indicator))
    return found, set_aside


def detect_sentence(rules, lang: str, text: str) -> tuple[str, ...]:
    """Indicator ids found in a bare sentence or passage (examples, benchmarks)."""
    check_language(lang)
    return tuple(sorted({h.indicator for h, _, _, _ in scan_blocks(compiled(rules, lang), [(0, text, "")])}))


def run_rule_examples(rules, indicator: str | None = None) -> list:
    """Run every text indicator's own example sentences; a result per sentence, in file order."""
    results = []
    for ind_id, ind in text_indicators(rules).items():
        if indicator is not None and ind_id != indicator:
            continue
        examples = (ind.spec or {}).get("examples") or {}
        for lang in SUPPORTED_LANGUAGES:
            for kind, expected in (("positive", "present"), ("negative", "absent")):
                for n, sentence in enumerate((examples.get(lang) or {}).get(kind) or [], start=1):
                    found = detect_sentence(rules, lang, sentence)
                    got = "present" if ind_id in found else "absent"
                    results.append(
                        ExampleResult(f"{ind_id}/{lang}/{kind}/{n}", ind_id, lang, expected, got,
                                      got == expected, sentence, found)
                    )
    return results
