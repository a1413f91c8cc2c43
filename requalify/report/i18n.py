"""The dossier's words and number/date formats in French and English.

Formats are written by hand rather than taken from the process locale, so a dossier reads
the same whatever machine renders it.
"""

from __future__ import annotations

import functools
from datetime import date, datetime
from importlib import resources
from typing import Any

LANGUAGES = ("fr", "en")

MONTHS = {
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}
MONTHS_SHORT = {
    "fr": ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
           "nov.", "déc."),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}
NARROW_NBSP = "\u202f"


@functools.cache
def _catalogue() -> dict[str, dict[str, Any]]:
    import yaml

    text = resources.files("requalify").joinpath("templates/i18n.yaml").read_text("utf-8")
    return yaml.safe_load(text)


class Words:
    """``t.key`` or ``t("key", name=...)``: the string for one language, English as fallback."""

    def __init__(self, lang: str):
        if lang not in LANGUAGES:
            raise ValueError(f"unsupported dossier language {lang!r}: use one of {', '.join(LANGUAGES)}")
        self.lang = lang

    def get(self, key: str, default: Any = None) -> Any:
        entry = _catalogue().get(key)
        if entry is None:
            return default
        return entry.get(self.lang, entry.get("en"))

    def __getattr__(self, key: str) -> Any:
        if key.startswith("_"):
            raise AttributeError(key)
        value = self.get(key)
        if value is None:
            raise AttributeError(f"no dossier text for {key!r}")
        return value

    def __call__(self, key: str, **fields: Any) -> str:
        return str(getattr(self, key)).format(**fields)

    def pick(self, value: Any) -> str:
        """A ``{fr, en}`` mapping from the rules reduced to this language; plain strings pass through."""
        if isinstance(value, dict):
            return str(value.get(self.lang) or value.get("en") or value.get("fr") or next(iter(value.values()), ""))
        return "" if value is None else str(value)


def parse_date(value: Any) -> date | None:
    """The date part of an ISO date or timestamp, or None when it is not one."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def format_date(value: Any, lang: str) -> str:
    d = parse_date(value)
    if d is None:
        return "" if value is None else str(value)
    day = "1er" if (lang == "fr" and d.day == 1) else str(d.day)
    return f"{day} {MONTHS[lang][d.month - 1]} {d.year}"


def format_number(value: float, lang: str, digits: int = 0) -> str:
    text = f"{value:,.{digits}f}"
    if lang == "fr":
        text = text.replace(",", NARROW_NBSP).replace(".", ",")
    return text


def format_percent(share: float, lang: str, digits: int = 0) -> str:
    number = format_number(share * 100, lang, digits)
    return f"{number}{NARROW_NBSP}%" if lang == "fr" else f"{number}%"


def format_size(size: int | None, lang: str) -> str:
    """Exact bytes, because the schedule of exhibits is checked against the files."""
    if size is None:
        return ""
    unit = "octets" if lang == "fr" else "bytes"
    return f"{format_number(size, lang)} {unit}"


CURRENCIES = {"EUR": "€", "GBP": "£", "USD": "$"}


def format_figure(value: Any, unit: str | None, lang: str) -> str:
    """A data figure with its unit, in the dossier's number format; unknown units print as given."""
    if value is None:
        return "—"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"{value} {unit}".strip() if unit else str(value)
    unit = (unit or "").strip()
    if unit in ("share", "rate", "ratio", "%"):
        return format_percent(value if unit != "%" else value / 100, lang, 1 if abs(value) < 0.1 else 0)
    if unit in CURRENCIES or unit in CURRENCIES.values():
        symbol = CURRENCIES.get(unit, unit)
        return f"{format_number(value, lang, 2)} {symbol}" if lang == "fr" else f"{symbol}{format_number(value, lang, 2)}"
    digits = 0 if float(value).is_integer() else (1 if abs(value) >= 10 else 2)
    number = format_number(value, lang, digits)
    if unit in ("h", "hours", "hour"):
        return f"{number} h"
    if unit in ("count", ""):
        return number
    label = Words(lang).get(f"unit_{unit}") or unit.replace("_per_", " / ").replace("_", " ")
    return f"{number} {label}"
