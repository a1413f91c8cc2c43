"""``--pseudonymize``: worker names, identifiers, licence plates, contact details and precise
GPS positions replaced in an Assessment before any output is written.

A stage between scoring and report: it takes an Assessment and returns another, so
every output (JSON, PDF, HTML, Markdown, batch summaries) is pseudonymised the same
way. Pseudonyms are keyed hashes: stable for one key (the same worker gets the same
pseudonym across a research corpus), not reversible without it. The default key is
derived from the inputs' hashes, so reruns are byte-identical but the key cannot be
guessed from a name alone. File hashes are kept: they identify the exhibits, not the person.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Any

from .model import Assessment, transform

GPS_DECIMALS = 2  # ~1.1 km in latitude

_UUID = re.compile(r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_PHONE = re.compile(r"(?<![\w.])(?:\+33\s?|0033\s?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)|(?<![\w.])\+\d{2}\s?\d(?:[\s.-]?\d{2,4}){3,5}(?!\d)")
_PLATE = re.compile(
    r"\b[A-HJ-NP-TV-Z]{2}-\d{3}-[A-HJ-NP-TV-Z]{2}\b"  # France, SIV (2009-)
    r"|\b\d{1,4}\s?[A-Z]{2,3}\s?(?:\d{2}|2A|2B|97\d)\b"  # France, FNI (before 2009)
    r"|\b[A-Z]{2}\d{2}\s?[A-Z]{3}\b"  # United Kingdom
)
_WORKER_ID = re.compile(r"\b(?:A(?=[A-Z]*\d[A-Z]*\d)[0-9A-Z]{12,13}|RI-[0-9a-f-]{8,}|W\d{5,})\b")  # MTurk, IWGB riderId, generic worker ids
# a position is a lat/lng pair with >= 4 decimals: a lone "13.316" may be a case number (n° 19-13.316)
_COORD_PAIR = re.compile(r"(?<![\w.-])(-?\d{1,2}\.\d{4,})(\s*[,;/]\s*|\s+)(-?\d{1,3}\.\d{4,})(?![\d.])")
_GPS_KEYS = {"lat", "lng", "lon", "latitude", "longitude", "begin_lat", "begin_lng", "end_lat", "end_lng"}
_HASH_KEYS = {"sha256", "rules_version"}


class Pseudonymizer:
    def __init__(self, key: bytes, names: list[str] = ()):
        self.key = key
        parts = {n.strip() for n in names if n and n.strip()}
        for n in list(parts):
            parts.update(w for w in re.split(r"[\s_.-]+", n) if len(w) >= 3)
        self._names = (re.compile("|".join(re.escape(n) for n in sorted(parts, key=len, reverse=True)), re.I)
                       if parts else None)

    def token(self, kind: str, value: str) -> str:
        digest = hmac.new(self.key, f"{kind}:{value.lower()}".encode(), hashlib.sha256).hexdigest()[:8]
        return f"{kind}-{digest}"

    def text(self, s: str) -> str:
        if self._names is not None:
            s = self._names.sub(lambda m: self.token("worker", m.group(0)), s)
        s = _UUID.sub(lambda m: self.token("id", m.group(0)), s)
        s = _EMAIL.sub(lambda m: self.token("email", m.group(0)), s)
        s = _PHONE.sub(lambda m: self.token("phone", m.group(0)), s)
        s = _PLATE.sub(lambda m: self.token("plate", m.group(0)), s)
        s = _WORKER_ID.sub(lambda m: self.token("id", m.group(0)), s)
        return _COORD_PAIR.sub(lambda m: _round_coord(m.group(1)) + m.group(2) + _round_coord(m.group(3)), s)

    def value(self, v: Any) -> Any:
        """``v`` (an Assessment, a dict, a string...) with personal data replaced."""
        return transform(v, self._leaf)

    def _leaf(self, v: Any, key: str | None) -> Any:
        if key in _HASH_KEYS:
            return v
        if isinstance(v, str):
            return self.text(v)
        if isinstance(v, float) and key in _GPS_KEYS:
            return round(v, GPS_DECIMALS)
        return v


def _round_coord(s: str) -> str:
    x = float(s)
    return f"{round(x, GPS_DECIMALS):.{GPS_DECIMALS}f}" if -180 <= x <= 180 else s


def default_key(assessment: Assessment) -> bytes:
    """Derived from the inputs' hashes: deterministic for the same inputs, unguessable without them."""
    joined = "\n".join(sorted(i.sha256 for i in assessment.inputs))
    return hashlib.sha256(b"requalify-pseudonym\n" + joined.encode()).digest()


def pseudonymizer_for(assessment: Assessment, *, names: list[str] = (), key: bytes | None = None) -> Pseudonymizer:
    """The pseudonymizer for this case, to apply the same pseudonyms to side files (run.json)."""
    case = assessment.case or {}
    names = [*names, *(str(case[k]) for k in ("worker", "worker_id") if case.get(k))]
    return Pseudonymizer(key or default_key(assessment), names)


def pseudonymize(assessment: Assessment, *, names: list[str] = (), key: bytes | None = None) -> Assessment:
    """A copy of ``assessment`` with personal data replaced; ``names`` are the worker's names and ids."""
    p = pseudonymizer_for(assessment, names=names, key=key)
    out = p.value(assessment)
    out.case = {**out.case, "pseudonymized": True}
    return out
