"""One Assessment plus the rules turned into the plain data every dossier format shows.

The HTML/PDF and Markdown templates read only this context, so the three formats cannot
disagree on a figure, a citation or an exhibit number.
"""

from __future__ import annotations

import posixpath
from typing import Any

from ..model import CRITERIA, Assessment, Evidence
from .i18n import Words, format_date, format_figure, format_number, format_size, parse_date

LONG_QUOTE_CHARS = 700
DIRECTION_ORDER = {"for": 0, "mixed": 1, "against": 2, "context": 3}


def build_context(assessment: Assessment, rules: Any, lang: str) -> dict[str, Any]:
    """Everything the templates print, already translated and formatted for ``lang``."""
    t = Words(lang)
    builder = _Builder(assessment, rules, t)
    return builder.build()


class _Builder:
    def __init__(self, assessment: Assessment, rules: Any, t: Words):
        self.a = assessment
        self.rules = rules
        self.t = t
        self.lang = t.lang
        self.indicators = dict(getattr(rules, "indicators", {}) or {})
        self.sources = dict(getattr(rules, "sources", {}) or {})
        self.rule_profiles = dict(getattr(rules, "profiles", {}) or {})
        self.cited: dict[str, dict[str, Any]] = {}
        self.exhibits = self._exhibits()

    def build(self) -> dict[str, Any]:
        t = self.t
        case = self._case()
        sections = [self._criterion_section(c) for c in CRITERIA]
        profiles = self._profiles()
        counter = self._counter(profiles)
        toc = [("synthesis", t.synthesis)]
        toc += [(s["anchor"], s["title"]) for s in sections]
        toc += [("counter", t.counter), ("charts", t.charts), ("methodology", t.methodology),
                ("sources", t.cited_sources), ("exhibits", t.exhibits)]
        return {
            "lang": self.lang,
            "t": t,
            "case": case,
            "synthesis": self._synthesis(sections, counter),
            "profiles": profiles,
            "shared_contrary": _shared_contrary(profiles),
            "sections": sections,
            "counter": counter,
            "exhibits": self.exhibits,
            "activity_exhibits": self._exhibit_label([e["n"] for e in self.exhibits if e["kind"] == "activity"]),
            "skipped": [{"path": s.path, "reason": s.reason, "code": s.code} for s in self.a.skipped],
            "rules_fired": self._rules_fired(),
            "cited_sources": sorted(self.cited.values(), key=lambda s: (s["date"] or "", s["id"])),
            "toc": toc,
        }

    # -- case and exhibits -------------------------------------------------

    def _case(self) -> dict[str, Any]:
        case = self.a.case or {}
        t = self.t
        worker = _name(case.get("worker")) or t.unknown
        platform = _name(case.get("platform")) or t.unknown
        start, end = _period(case.get("period"))
        if start and end:
            period = t("period_range", start=format_date(start, self.lang), end=format_date(end, self.lang))
        else:
            period = format_date(start or end, self.lang) or t.unknown
        when = dossier_date(self.a)
        return {
            "worker": worker,
            "platform": platform,
            "period": period,
            "date": format_date(when, self.lang) if when else t.unknown,
            "iso_date": when,
            "rules_version": self.a.rules_version or getattr(self.rules, "version", "") or t.unknown,
            "runhead": f"{worker} — {platform}" if (case.get("worker") or case.get("platform")) else t.title,
            "title": f"{t.title} — {worker} / {platform}",
        }

    def _exhibit_label(self, numbers: list[int]) -> str | None:
        """'pièce n° 2', 'pièces n° 2 à 6', 'pièces n° 2, 4 et 7': every exhibit the charts draw on."""
        if not numbers:
            return None
        numbers = sorted(numbers)
        t = self.t
        if len(numbers) == 1:
            return t("exhibit_one", n=numbers[0])
        if numbers == list(range(numbers[0], numbers[-1] + 1)):
            return t("exhibit_range", first=numbers[0], last=numbers[-1])
        return t("exhibit_list", items=", ".join(map(str, numbers[:-1])), last=numbers[-1])

    def _exhibits(self) -> list[dict[str, Any]]:
        documents = (self.a.case or {}).get("documents") or []
        for_customers = {d.get("sha256") for d in documents if d.get("audience") == "customers"}
        set_aside = {d.get("sha256"): d.get("set_aside") or [] for d in documents}
        out = []
        for n, f in enumerate(self.a.inputs, 1):
            out.append({
                "n": n,
                "label": self.t("exhibit_no", n=n),
                "path": f.path,
                "name": posixpath.basename(f.path.replace("\\", "/")) or f.path,
                "kind": f.kind,
                "kind_label": self.t.get(f"kind_{f.kind}", f.kind),
                "format": f.format,
                "sha256": f.sha256,
                "size": format_size(f.size, self.lang),
                "note": self.t.audience_customers if f.sha256 in for_customers else "",
                "set_aside": [self._set_aside_view(item) for item in set_aside.get(f.sha256, [])],
            })
        return out

    def _set_aside_view(self, item: dict[str, Any]) -> dict[str, Any]:
        """A sentence the audience rule set aside: where it is, what it would have shown, its words."""
        t, start = self.t, item.get("line_start")
        end = item.get("line_end") if item.get("line_end") is not None else start
        where = "" if start is None else (t("loc_line", start=start) if end == start
                                          else t("loc_lines", start=start, end=end))
        return {"where": where, "label": self.indicator_label(item["indicator"]), "quote": item.get("quote", "")}

    def _exhibit_for(self, sha256: str | None, path: str | None) -> dict[str, Any] | None:
        for e in self.exhibits:
            if sha256 and e["sha256"] == sha256:
                return e
        for e in self.exhibits:
            if path and e["path"] == path:
                return e
        return None

    # -- sources and indicators -------------------------------------------

    def indicator_label(self, ind_id: str) -> str:
        """An indicator's label; a profile fact may also name a whole criterion (classic definition)."""
        if ind_id in CRITERIA and ind_id not in self.indicators:
            return self.t.get(f"criterion_{ind_id}", ind_id)
        ind = self.indicators.get(ind_id)
        label = getattr(ind, "label", None) if ind is not None else None
        return self.t.pick(label) if label else ind_id.replace("_", " ")

    def source(self, sid: str | None) -> dict[str, Any] | None:
        """A source as cited: full citation, number, ECLI or the warning that it is unverified."""
        if not sid:
            return None
        if sid in self.cited:
            return self.cited[sid]
        src = self.sources.get(sid)
        if src is None:
            return None
        t = self.t
        number = src.get("number")
        citation = t.pick(src.get("citation")) or _build_citation(src, self.lang)
        if number and str(number).split()[-1] not in citation:
            citation = f"{citation}, n° {number}"
        kind = src.get("kind") or ""
        needs_ecli = src.get("ecli_status") != "not_applicable" and kind not in (
            "statute", "directive", "regulation", "law", "code", "treaty", "standard", "proposal")
        direction = src.get("direction") or "context"
        name = t.pick(src.get("name")) or sid
        year = str(src.get("date") or "")[:4]
        short = name if (not year or year in name) else f"{name} {year}"
        view = {
            "id": sid,
            "name": name,
            "short": short,
            "short_cite": f"{short}, {t.number_abbr} {number}" if number and str(number).split()[-1] not in short else short,
            "citation": citation,
            "number": number,
            "ecli": src.get("ecli"),
            "ecli_label": "" if (src.get("ecli") and src["ecli"] in citation) else (
                src.get("ecli") or (t.ecli_unverified if needs_ecli else "")),
            "secondary": (src.get("citation_confidence") or src.get("confidence")) == "secondary",
            "holding_secondary": (src.get("holding_confidence") or src.get("confidence")) == "secondary",
            "direction": direction,
            "direction_label": t.get(f"direction_{direction}", direction),
            "holding": t.pick(src.get("holding")),
            "court": src.get("court"),
            "date": str(src.get("date") or ""),
        }
        self.cited[sid] = view
        return view

    def precedents_for(self, ind_id: str) -> list[dict[str, Any]]:
        ids = set(getattr(self.indicators.get(ind_id), "sources", ()) or ())
        ids |= {sid for sid, s in self.sources.items() if ind_id in (s.get("relied_on") or ())}
        views = [v for v in (self.source(s) for s in ids) if v]
        return sorted(views, key=lambda v: (DIRECTION_ORDER.get(v["direction"], 9), v["date"], v["id"]))

    # -- findings -----------------------------------------------------------

    def finding(self, ev: Evidence) -> dict[str, Any]:
        t = self.t
        loc = ev.source
        exhibit = self._exhibit_for(loc.sha256, loc.path)
        where = []
        if loc.clause:
            parts = [p.strip() for p in loc.clause.split(" > ")]
            where.append(" > ".join(parts[-2:]))
        if loc.page is not None:
            where.append(t("loc_page", page=loc.page))
        if loc.line_start is not None:
            end = loc.line_end if loc.line_end is not None else loc.line_start
            where.append(t("loc_line", start=loc.line_start) if end == loc.line_start
                         else t("loc_lines", start=loc.line_start, end=end))
        if loc.rows:
            where.append(t("loc_rows", start=format_number(loc.rows[0], self.lang),
                           end=format_number(loc.rows[1], self.lang)))
        view: dict[str, Any] = {
            "exhibit": exhibit["label"] if exhibit else None,
            "file": exhibit["name"] if exhibit else posixpath.basename(loc.path or ""),
            "where": where,
            "strength": format_number(ev.strength, self.lang, 2),
            "rule": f"{ev.indicator}/{ev.cue}" if ev.cue else ev.indicator,
            "long": False,
        }
        if ev.quote:
            view["kind"] = "quote"
            view["quote"] = ev.quote
            view["long"] = len(ev.quote) > LONG_QUOTE_CHARS
        else:
            fig = ev.figure or {}
            view["kind"] = "figure"
            view["value"] = format_figure(fig.get("value"), fig.get("unit"), self.lang)
            view["label"] = t.pick(fig.get("label")) or self.indicator_label(ev.indicator)
        return view

    def _rules_fired(self) -> list[dict[str, Any]]:
        """Which rule found how many findings: what a reader checks with ``requalify rules show ID``."""
        counts: dict[tuple[str, str], int] = {}
        for ev in self.a.findings:
            key = (ev.indicator, ev.cue or "")
            counts[key] = counts.get(key, 0) + 1
        return [{"indicator": ind, "label": self.indicator_label(ind), "rule": f"{ind}/{cue}" if cue else ind, "count": n}
                for (ind, cue), n in sorted(counts.items())]

    def _grouped(self, findings: list[Evidence]) -> list[dict[str, Any]]:
        by_id: dict[str, list[Evidence]] = {}
        for ev in findings:
            by_id.setdefault(ev.indicator, []).append(ev)
        groups = []
        for ind_id, evs in by_id.items():
            evs = sorted(evs, key=_finding_order)
            groups.append({
                "id": ind_id,
                "label": self.indicator_label(ind_id),
                "strength": max(e.strength for e in evs),
                "findings": [self.finding(e) for e in evs],
                "precedents": self.precedents_for(ind_id),
                "criterion": None,
                "criterion_label": "",
                "reason": "",
            })
        return sorted(groups, key=lambda g: (-g["strength"], g["label"]))

    def _criterion_of(self, ev: Evidence) -> str | None:
        return ev.criterion or getattr(self.indicators.get(ev.indicator), "criterion", None)

    def _criterion_section(self, crit: str) -> dict[str, Any]:
        t = self.t
        found = [e for e in self.a.findings if e.polarity == "+" and self._criterion_of(e) == crit]
        return {
            "id": crit,
            "anchor": f"criterion-{crit}",
            "title": t.get(f"criterion_{crit}", crit),
            "intro": t.get(f"criterion_intro_{crit}", ""),
            "score": format_number(float(self.a.criteria.get(crit, 0.0) or 0.0), self.lang, 2),
            "indicators": self._grouped(found),
        }

    # -- synthesis, profiles, counter-indicators ---------------------------

    def _synthesis(self, sections: list[dict[str, Any]], counter: dict[str, Any]) -> dict[str, Any]:
        t = self.t
        rows = []
        for s in sections:
            against = [g for g in counter["groups"] if g["criterion"] == s["id"]]
            value = float(self.a.criteria.get(s["id"], 0.0) or 0.0)
            rows.append({
                "id": s["id"],
                "anchor": s["anchor"],
                "label": s["title"],
                "score": s["score"],
                "bar": round(max(0.0, min(1.0, value)) * 100, 1),
                "found": [g["label"] for g in s["indicators"]],
                "against": [g["label"] for g in against],
            })
        score = self.a.score or {}
        band = score.get("band") or "insufficient"
        band_label = t.get(f"band_{band}", band)
        overall = format_number(float(score.get("overall", 0.0) or 0.0), self.lang, 2)
        return {
            "criteria": rows,
            "band": band,
            "band_label": band_label,
            "overall": overall,
            "overall_line": t("overall_line", score=overall, band=band_label),
        }

    def _profiles(self) -> list[dict[str, Any]]:
        t = self.t
        rows = []
        for pid, ap in (self.a.profiles or {}).items():
            rp = self.rule_profiles.get(pid, {}) or {}
            sid = ap.get("source") or rp.get("source") or next(iter(rp.get("sources") or ()), None)
            src = self.source(sid)
            direction = ap.get("direction") or rp.get("direction") or (src or {}).get("direction") or "context"
            name = t.pick(rp.get("name") or rp.get("label")) or (src or {}).get("name") or pid
            short = (src or {}).get("short") or name
            matched = list(ap.get("matched") or ())
            missing = list(ap.get("missing") or ())
            differs = list(ap.get("differs") or ())
            contrary = list(ap.get("contrary") or ())
            total = len(matched) + len(missing) + len(differs)
            court = _court_phrase((src or {}).get("court"), self.lang)
            if not court:
                key = "alignment_sentence_text"
            else:
                key = "alignment_sentence_against" if direction == "against" else "alignment_sentence"
                if direction == "against" and not matched:
                    key = "alignment_sentence_against_none"
            rows.append({
                "id": pid,
                "name": name,
                "source": src,
                "direction": direction,
                "direction_label": t.get(f"direction_{direction}", direction),
                "direction_short": t.get(f"dir_short_{direction}", direction),
                "score": format_number(float(ap.get("score", 0.0) or 0.0), self.lang, 2),
                "matched_n": len(matched),
                "total_n": total,
                "short": short,
                "sentence": t(key, matched=len(matched), total=total, court=court, name=short),
                "matched": [self.indicator_label(i) for i in matched],
                "missing": [self.indicator_label(i) for i in missing],
                "differs": [self.indicator_label(i) for i in differs],
                "contrary": [self.indicator_label(i) for i in contrary],
                "date": (src or {}).get("date") or "",
            })
        return sorted(rows, key=lambda r: (DIRECTION_ORDER.get(r["direction"], 9), r["date"], r["id"]))

    def _counter(self, profiles: list[dict[str, Any]]) -> dict[str, Any]:
        t = self.t
        groups = self._grouped([e for e in self.a.findings if e.polarity == "-"])
        for g in groups:
            crit = next((self._criterion_of(e) for e in self.a.findings if e.indicator == g["id"]), None)
            g["criterion"] = crit
            g["criterion_label"] = t.get(f"criterion_{crit}", crit or "")
        neutral = self._grouped([e for e in self.a.findings if e.polarity == "0"])
        for g in neutral:
            g["reason"] = t.get(f"neutral_reason_{g['id']}") or t.neutral_reason_default
        return {
            "groups": groups,
            "neutral": neutral,
            "against": [p for p in profiles if p["direction"] in ("against", "mixed")],
        }


def _shared_contrary(profiles: list[dict[str, Any]]) -> list[str]:
    """The contrary facts every favourable precedent shares, said once under the table, not on each row."""
    lists = [p["contrary"] for p in profiles if p["direction"] != "against"]
    return lists[0] if len(lists) > 1 and lists[0] and all(c == lists[0] for c in lists) else []


def dossier_date(assessment: Assessment) -> str | None:
    """The date the dossier carries: the case's own date, else the end of the period covered.

    Never the clock, so rendering the same assessment twice gives the same bytes.
    """
    case = assessment.case or {}
    for value in (case.get("date"), _period(case.get("period"))[1], _period(case.get("period"))[0]):
        d = parse_date(value)
        if d:
            return d.isoformat()
    return None


def _finding_order(ev: Evidence) -> tuple:
    loc = ev.source
    return (loc.path or "", loc.page or 0, loc.line_start or 0, (loc.rows or (0, 0))[0], ev.quote or "")


def _name(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("name") or value.get("id")
    return str(value).strip() if value else ""


def _period(value: Any) -> tuple[str | None, str | None]:
    if isinstance(value, dict):
        return value.get("start") or value.get("from"), value.get("end") or value.get("to")
    if isinstance(value, (list, tuple)) and value:
        return value[0], value[-1]
    if isinstance(value, str) and "/" in value:
        start, _, end = value.partition("/")
        return start, end
    return (value, None) if value else (None, None)


def _build_citation(src: dict[str, Any], lang: str) -> str:
    parts = [src.get("court"), src.get("chamber"), format_date(src.get("date"), lang) if src.get("date") else None]
    text = ", ".join(str(p) for p in parts if p)
    return text or str(src.get("name") or src.get("id") or "")


def _court_phrase(court: str | None, lang: str) -> str:
    if not court:
        return ""
    low = court.lower()
    if lang == "fr":
        if low.startswith(("la ", "le ", "l'")):
            return court
        if low.startswith(("cour", "chambre")):
            return f"la {court}"
        if low.startswith(("tribunal", "conseil", "parlement")):
            return f"le {court}"
        return f"la {court}"
    return court if low.startswith("the ") else f"the {court}"
