"""Clause-to-clause alignment of two versions of one document, for ``requalify compare``.

The question a researcher asks is "which clause became which": a clause kept word for
word, reworded, moved elsewhere, dropped or new. The alignment is built in three passes:

1. **Anchors.** Clauses whose normalised text is identical are paired by
   :class:`difflib.SequenceMatcher` run over the sequence of clause fingerprints. That is a
   longest-common-subsequence alignment, so it respects reading order and is cheap even for
   300-clause documents.
2. **Gaps.** Between two anchors, the remaining old and new clauses are aligned by an exact
   order-preserving dynamic programme (weighted LCS) that maximises the summed similarity of
   the pairs it keeps. Similarity is ``SequenceMatcher.ratio`` over normalised *words*
   (character-level matching with autojunk misreads long texts), with a heading-path hint: an
   unchanged section title lowers the bar for a reworded clause. Pairs that cannot reach the bar
   are ruled out with exact upper bounds (length ratio, shared-word multiset) before any ratio
   is computed.
   A clause split in two or merged with its neighbour keeps a low ratio; it still pairs when at
   least 85% of the shorter clause's words appear in order in the longer one (containment),
   with a lower weight so that a true rewording wins when both are possible.
3. **Moves.** An old clause left unmatched and a new one left unmatched that are still very
   similar are one clause that moved; paired greedily, most similar first.

Optimal within gaps, greedy only for moves: an optimal alignment that also allows crossings is
NP-hard in general and a reader expects moves to be rare and near-verbatim.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Sequence

MATCH_THRESHOLD = 0.5
HEADING_BONUS = 0.15
MOVE_THRESHOLD = 0.7
CONTAINMENT = 0.85
CONTAINMENT_MIN_WORDS = 8
CONTAINMENT_WEIGHT = 0.6

KINDS = ("unchanged", "changed", "moved", "added", "removed")

_LINK = re.compile(r"\]\([^)]*\)")
_MARKUP = re.compile(r"[*_`#>|\[\]]+")
_NUMBERING = re.compile(r"^\s*(?:(?:article|art\.|section|clause)\s+)?(?:\d+(?:\.\d+)*\.?|[ivxlc]+\.|[a-z]\)|\([a-z0-9]+\))\s+",
                        re.IGNORECASE)
_WORD = re.compile(r"\w+(?:['’]\w+)*", re.UNICODE)
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "«": '"', "»": '"', "\u00a0": " ", "\u202f": " "})


@dataclass(frozen=True)
class ClauseText:
    """What alignment needs of a clause: its heading path and its text."""

    heading: str
    text: str


@dataclass(frozen=True)
class AlignedPair:
    """One step of the alignment: ``old``/``new`` are clause indexes (None for added/removed)."""

    kind: str
    old: int | None
    new: int | None
    similarity: float


def normalise(text: str) -> str:
    """Text as compared: case, markup, link targets, quotes and the clause's own number do not count."""
    t = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    t = _LINK.sub("]", t)
    t = _MARKUP.sub(" ", t)
    t = " ".join(t.split()).casefold()
    return _NUMBERING.sub("", t, count=1)


def words(text: str) -> list[str]:
    return _WORD.findall(normalise(text))


def _heading_key(heading: str) -> str:
    last = heading.split(" > ")[-1] if heading else ""
    return " ".join(_WORD.findall(normalise(last)))


class _Side:
    """Precomputed views of one version's clauses."""

    def __init__(self, clauses: Sequence[ClauseText]):
        self.words = [words(c.text) for c in clauses]
        self.counts = [Counter(w) for w in self.words]
        self.keys = [hashlib.blake2b(" ".join(w).encode(), digest_size=12).digest() for w in self.words]
        self.headings = [_heading_key(c.heading) for c in clauses]


def similarity(a: str, b: str) -> float:
    """Word-level similarity of two clause texts in [0, 1] (1.0 when they normalise the same)."""
    wa, wb = words(a), words(b)
    return _ratio(wa, wb)


def _ratio(wa: list[str], wb: list[str]) -> float:
    if wa == wb:
        return 1.0
    if not wa or not wb:
        return 0.0
    return difflib.SequenceMatcher(None, wa, wb, autojunk=False).ratio()


def _pair_score(old: _Side, new: _Side, i: int, j: int, threshold: float) -> tuple[float, float] | None:
    """(weight for the DP, text similarity), or None when the pair cannot reach the bar.

    A pair qualifies by similarity, or by containment: when a clause was split or merged, most
    words of the shorter one appear, in order, in the longer one although the ratio is low.
    """
    same_heading = bool(old.headings[i]) and old.headings[i] == new.headings[j]
    bar = threshold - HEADING_BONUS if same_heading else threshold
    la, lb = len(old.words[i]), len(new.words[j])
    if la + lb == 0:
        return (1.0 + HEADING_BONUS, 1.0) if same_heading else None
    short = min(la, lb)
    shared = sum((old.counts[i] & new.counts[j]).values())
    by_ratio = 2 * short / (la + lb) >= bar and 2 * shared / (la + lb) >= bar
    by_containment = short >= CONTAINMENT_MIN_WORDS and shared / short >= CONTAINMENT
    if not (by_ratio or by_containment):
        return None
    if old.words[i] == new.words[j]:
        matched = la
    else:
        sm = difflib.SequenceMatcher(None, old.words[i], new.words[j], autojunk=False)
        matched = sum(b.size for b in sm.get_matching_blocks())
    r = 2 * matched / (la + lb)
    if r >= bar:
        return r + (HEADING_BONUS if same_heading else 0.0), r
    if short >= CONTAINMENT_MIN_WORDS and matched / short >= CONTAINMENT:
        return CONTAINMENT_WEIGHT * matched / short, r
    return None


def _align_gap(old: _Side, new: _Side, i1: int, i2: int, j1: int, j2: int, threshold: float) -> list[AlignedPair]:
    """Order-preserving alignment of old[i1:i2] with new[j1:j2] maximising summed pair weight."""
    n, m = i2 - i1, j2 - j1
    if n == 0 or m == 0:
        return [AlignedPair("removed", i, None, 0.0) for i in range(i1, i2)] + [
            AlignedPair("added", None, j, 0.0) for j in range(j1, j2)]
    scores: dict[tuple[int, int], tuple[float, float]] = {}
    for a in range(n):
        for b in range(m):
            s = _pair_score(old, new, i1 + a, j1 + b, threshold)
            if s is not None:
                scores[a, b] = s
    if not scores:
        return [AlignedPair("removed", i, None, 0.0) for i in range(i1, i2)] + [
            AlignedPair("added", None, j, 0.0) for j in range(j1, j2)]
    dp = [[0.0] * (m + 1) for _ in range(n + 1)]
    for a in range(n - 1, -1, -1):
        row, below = dp[a], dp[a + 1]
        for b in range(m - 1, -1, -1):
            best = max(below[b], row[b + 1])
            s = scores.get((a, b))
            if s is not None and s[0] + below[b + 1] > best:
                best = s[0] + below[b + 1]
            row[b] = best
    out: list[AlignedPair] = []
    a = b = 0
    while a < n and b < m:
        s = scores.get((a, b))
        if s is not None and dp[a][b] == s[0] + dp[a + 1][b + 1]:
            kind = "unchanged" if old.keys[i1 + a] == new.keys[j1 + b] else "changed"
            out.append(AlignedPair(kind, i1 + a, j1 + b, 1.0 if kind == "unchanged" else round(s[1], 4)))
            a, b = a + 1, b + 1
        elif dp[a][b] == dp[a + 1][b]:
            out.append(AlignedPair("removed", i1 + a, None, 0.0))
            a += 1
        else:
            out.append(AlignedPair("added", None, j1 + b, 0.0))
            b += 1
    out += [AlignedPair("removed", i1 + k, None, 0.0) for k in range(a, n)]
    out += [AlignedPair("added", None, j1 + k, 0.0) for k in range(b, m)]
    return out


def _pair_moves(old: _Side, new: _Side, steps: list[AlignedPair], threshold: float) -> list[AlignedPair]:
    """Merge a removed and an added clause that are the same clause, relocated, into one ``moved`` step."""
    removed = [s.old for s in steps if s.kind == "removed"]
    added = [s.new for s in steps if s.kind == "added"]
    candidates = []
    for i in removed:
        for j in added:
            la, lb = len(old.words[i]), len(new.words[j])
            if la + lb == 0 or 2 * min(la, lb) / (la + lb) < threshold:
                continue
            if 2 * sum((old.counts[i] & new.counts[j]).values()) / (la + lb) < threshold:
                continue
            r = 1.0 if old.keys[i] == new.keys[j] else _ratio(old.words[i], new.words[j])
            if r >= threshold:
                candidates.append((-r, i, j))
    if not candidates:
        return steps
    moved: dict[int, tuple[int, float]] = {}
    used_old: set[int] = set()
    for neg, i, j in sorted(candidates):
        if i in used_old or j in moved:
            continue
        used_old.add(i)
        moved[j] = (i, round(-neg, 4))
    out = []
    for s in steps:
        if s.kind == "removed" and s.old in used_old:
            continue
        if s.kind == "added" and s.new in moved:
            i, r = moved[s.new]
            out.append(AlignedPair("moved", i, s.new, r))
        else:
            out.append(s)
    return out


def align_clauses(old: Sequence[ClauseText], new: Sequence[ClauseText], *, threshold: float = MATCH_THRESHOLD,
                  move_threshold: float = MOVE_THRESHOLD) -> list[AlignedPair]:
    """Every clause of both versions exactly once, in the new version's reading order
    (a removed clause stands where it stood, after the clause that preceded it)."""
    a, b = _Side(old), _Side(new)
    matcher = difflib.SequenceMatcher(None, a.keys, b.keys, autojunk=False)
    steps: list[AlignedPair] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            steps += [AlignedPair("unchanged", i1 + k, j1 + k, 1.0) for k in range(i2 - i1)]
        else:
            steps += _align_gap(a, b, i1, i2, j1, j2, threshold)
    return _pair_moves(a, b, steps, move_threshold)


def diff_segments(old: str, new: str) -> list[tuple[str, str]]:
    """Word-level diff of two clause texts as ``(op, text)`` runs, op in ``=``, ``-``, ``+``.

    Words are compared normalised (case, markup, quotes) but shown as written in the new text
    (the old text for removed runs), so a reader sees the clause, not its fingerprint.
    """
    wa, wb = _display_words(old), _display_words(new)
    ka, kb = [w.casefold() for w in wa], [w.casefold() for w in wb]
    out: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, ka, kb, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append(("=", " ".join(wb[j1:j2])))
            continue
        if i2 > i1:
            out.append(("-", " ".join(wa[i1:i2])))
        if j2 > j1:
            out.append(("+", " ".join(wb[j1:j2])))
    return out


def word_diff(old: str, new: str) -> str:
    """A git ``--word-diff`` style line: ``[-removed words-]{+added words+}``."""
    marks = {"=": "{}", "-": "[-{}-]", "+": "{{+{}+}}"}
    return " ".join(marks[op].format(text) for op, text in diff_segments(old, new))


def _display_words(text: str) -> list[str]:
    t = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    t = _LINK.sub("]", t)
    t = _MARKUP.sub(" ", t)
    t = " ".join(t.split())
    m = _NUMBERING.match(t)
    if m:
        t = t[m.end():]
    return t.split(" ") if t else []


def counts_of(kinds: Iterable[str]) -> dict[str, int]:
    c = Counter(kinds)
    return {k: c.get(k, 0) for k in KINDS}
