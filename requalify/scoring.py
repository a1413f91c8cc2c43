"""Evidence -> Assessment: plain arithmetic a lawyer can redo by hand.

The formula is in docs/decisions/0001-scoring.md and every constant in
``rules/scoring.yaml``; nothing here decides what the law says. In short:

* an indicator's strength is the strongest of its findings (repeating a clause adds nothing);
* a criterion sums weight x strength of its ``+`` indicators, scaled so that ``full_at``
  counts as fully shown, and subtracts its counter-indicators scaled the same way;
* the overall score is the weighted mean of the criteria; the band also asks how many of
  the three powers (direction, control, sanction) are shown;
* each precedent profile scores the share of its facts on which the case agrees with it.

Indicators of polarity ``0`` (the contract's label, a required registration) are listed
with their reason and never weighed, and an indicator outside its ``valid_from`` /
``valid_until`` window at the document's date is shown but not weighed.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from .model import CRITERIA, Assessment, Evidence, SourceFile, Skipped

DIGITS = 4


def _r(x: float) -> float:
    v = round(float(x), DIGITS)
    return 0.0 if v == 0 else v


def _clamp(x: float) -> float:
    return min(1.0, max(0.0, x))


def _in_force(spec: Mapping[str, Any], date: str | None) -> bool:
    """True unless the document's date falls outside the indicator's validity window."""
    if not date:
        return True
    frm, until = spec.get("valid_from"), spec.get("valid_until")
    day = str(date)[:10]
    return not ((frm and day < str(frm)) or (until and day > str(until)))


def _finding_key(f: Evidence) -> tuple:
    s = f.source
    return (s.path, s.page or 0, s.char_start if s.char_start is not None else -1,
            tuple(s.rows) if s.rows else (), f.indicator, f.quote or "", repr(sorted((f.figure or {}).items())))


def _dedupe(findings: Iterable[Evidence]) -> list[Evidence]:
    seen: set = set()
    out = []
    for f in sorted(findings, key=lambda f: (_finding_key(f), -f.strength, f.cue or "")):
        k = _finding_key(f)
        if k not in seen:
            seen.add(k)
            out.append(f)
    return out


def score_indicators(findings: list[Evidence], rules, dates: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """The ``indicators`` map: every catalogue id, present or not, with what it weighs and why."""
    notes = rules.scoring["notes"]
    out: dict[str, dict[str, Any]] = {}
    by_id: dict[str, list[Evidence]] = {}
    for f in findings:
        by_id.setdefault(f.indicator, []).append(f)
    for iid in rules.catalogue:
        ind = rules.indicators[iid]
        found = by_id.get(iid, [])
        live = [f for f in found if _in_force(ind.spec, dates.get(f.source.sha256))]
        strength = max((_clamp(f.strength) for f in found), default=0.0)
        entry: dict[str, Any] = {
            "present": bool(found),
            "polarity": ind.polarity,
            "criterion": ind.criterion,
            "kind": ind.kind,
            "weight": _r(ind.weight),
            "strength": _r(strength),
            "findings": len(found),
            "weighed": bool(live) and ind.weight > 0 and ind.polarity != "0",
        }
        if ind.polarity == "0" or ind.weight == 0:
            reason = ind.spec.get("weight_reason")
            if reason:
                entry["weight_reason"] = reason
        elif found and not live:
            entry["weight_reason"] = notes["out_of_validity"]
        out[iid] = entry
    return out


def _weighed_strength(entry: Mapping[str, Any]) -> float:
    return entry["weight"] * entry["strength"] if entry["weighed"] else 0.0


def score_criteria(indicators: Mapping[str, dict], rules) -> dict[str, dict[str, Any]]:
    """Per criterion: '+' share minus counter share, both capped at 1, result in 0..1."""
    cfg = rules.scoring
    out = {}
    for c in CRITERIA:
        full = float(cfg["criteria"][c]["full_at"])
        pro = {i: e for i, e in indicators.items() if e["criterion"] == c and e["polarity"] == "+"}
        con = {i: e for i, e in indicators.items() if e["criterion"] == c and e["polarity"] == "-"}
        pro_sum = sum(_weighed_strength(e) for e in pro.values())
        con_sum = sum(_weighed_strength(e) for e in con.values())
        pro_share = min(1.0, pro_sum / full)
        con_share = min(1.0, con_sum / full)
        out[c] = {
            "label": cfg["criteria"][c]["label"],
            "weight": _r(cfg["criteria"][c]["weight"]),
            "for": _r(pro_share),
            "against": _r(con_share),
            "score": _r(_clamp(pro_share - float(cfg["counter_factor"]) * con_share)),
            "indicators_for": sorted(i for i, e in pro.items() if e["weighed"]),
            "indicators_against": sorted(i for i, e in con.items() if e["weighed"]),
        }
    return out


def score_overall(criteria: Mapping[str, dict], rules) -> dict[str, Any]:
    cfg = rules.scoring
    total = sum(float(cfg["criteria"][c]["weight"]) for c in CRITERIA)
    overall = sum(float(cfg["criteria"][c]["weight"]) * criteria[c]["score"] for c in CRITERIA) / total
    overall = _r(overall)
    powers = list(cfg["powers"])
    shown = [p for p in powers if criteria[p]["score"] >= float(cfg["power_threshold"])]
    band = cfg["bands"][-1]
    for candidate in cfg["bands"]:
        if overall >= float(candidate.get("min_overall", 0)) and len(shown) >= int(candidate.get("min_powers", 0)):
            band = candidate
            break
    return {
        "overall": overall,
        "band": band["band"],
        "band_label": band["label"],
        "powers_shown": shown,
        "power_threshold": _r(cfg["power_threshold"]),
        "heuristic": True,
        "note": cfg["notes"]["heuristic"],
        "criteria": dict(criteria),
        "method": "docs/decisions/0001-scoring.md",
    }


def _present(indicators: Mapping[str, dict], iid: str) -> bool:
    e = indicators.get(iid)
    return bool(e and e["weighed"])


def score_profile(profile: Mapping[str, Any], indicators: Mapping[str, dict], rules) -> dict[str, Any]:
    """Place the case against one precedent: agreement fact by fact, and what weighs the other way."""
    decisive_weight = float(rules.scoring["profiles"]["decisive_weight"])
    facts_out, matched, missing, differs = [], [], [], []
    got = total = 0.0
    own_found: set[str] = set()
    for fact in profile["facts"]:
        if "criterion" in fact:
            ids = [i for i in rules.catalogue
                   if rules.indicators[i].criterion == fact["criterion"] and rules.indicators[i].polarity == "+"]
            key = fact["criterion"]
        else:
            ids = list(fact["indicators"])
            key = ids[0]
        present = [i for i in ids if _present(indicators, i)]
        in_case = bool(present)
        agrees = in_case == bool(fact["found"])
        weight = decisive_weight if fact.get("decisive") else 1.0
        total += weight
        if agrees:
            got += weight
            matched.append(key)
        elif fact["found"]:
            missing.append(key)
        else:
            differs.append(key)
        if fact["found"]:
            own_found.update(ids)
        item = {
            "key": key,
            "found_in_precedent": bool(fact["found"]),
            "found_in_case": in_case,
            "present": present,
            "matched": agrees,
            "difference": None if agrees else ("for" if in_case == (fact["weighs"] == "for") else "against"),
            "weighs": fact["weighs"],
            "decisive": bool(fact.get("decisive", False)),
            "note": fact["note"],
        }
        item["criterion" if "criterion" in fact else "indicators"] = fact.get("criterion") or list(fact["indicators"])
        if "source" in fact:
            item["source"] = fact["source"]
        if "confidence" in fact:
            item["confidence"] = fact["confidence"]
        facts_out.append(item)
    other_way = "-" if profile["direction"] == "for" else "+"
    contrary = sorted(i for i, e in indicators.items()
                      if e["weighed"] and e["polarity"] == other_way and i not in own_found)
    source = rules.sources[profile["source"]]
    out: dict[str, Any] = {
        "score": _r(got / total) if total else 0.0,
        "matched": matched,
        "missing": missing,
        "differs": differs,
        "contrary": contrary,
        "direction": profile["direction"],
        "source": profile["source"],
        "see_also": list(profile.get("see_also", [])),
        "confidence": profile["confidence"],
        "label": profile["label"],
        "summary": profile["summary"],
        "citation": source["citation"],
        "facts": facts_out,
    }
    if "note" in profile:
        out["note"] = profile["note"]
    if "threshold" in profile:
        t = profile["threshold"]
        hits = sum(1 for f in facts_out if f["found_in_precedent"] and f["found_in_case"])
        out["threshold"] = {"min_matched": t["min_matched"], "status": t["status"], "met": hits >= t["min_matched"],
                            "count": hits, "note": t["note"]}
    return out


def _as_ruled(f: Evidence, ind) -> Evidence:
    """The rule file is the authority on an indicator's polarity and criterion."""
    if f.polarity == ind.polarity and f.criterion == ind.criterion:
        return f
    return Evidence(f.indicator, ind.polarity, ind.criterion, f.strength, f.source, f.quote, f.figure, f.cue)


def score(findings: Iterable[Evidence], rules, *, inputs: Iterable[SourceFile], metrics: Mapping[str, Any] | None = None,
          series: Mapping[str, Any] | None = None, skipped: Iterable[Skipped] = (),
          case: Mapping[str, Any] | None = None) -> Assessment:
    """Weigh the findings against the rules and the precedents; same inputs give the same Assessment."""
    case = dict(case or {})
    findings = _dedupe(findings)
    unknown = sorted({f.indicator for f in findings} - set(rules.indicators))
    if unknown:
        raise ValueError(f"findings name indicators the rules do not define: {', '.join(unknown)}")
    findings = [_as_ruled(f, rules.indicators[f.indicator]) for f in findings]
    dates = {k: v for k, v in (case.get("document_dates") or {}).items() if v}
    indicators = score_indicators(findings, rules, dates)
    criteria = score_criteria(indicators, rules)
    overall = score_overall(criteria, rules)
    profiles = {pid: score_profile(p, indicators, rules) for pid, p in sorted(rules.profiles.items())}
    return Assessment(
        rules_version=rules.version,
        inputs=sorted(inputs, key=lambda s: (s.kind != "tos", s.path, s.sha256)),
        indicators=indicators,
        findings=findings,
        metrics=dict(metrics or {}),
        criteria={c: criteria[c]["score"] for c in CRITERIA},
        profiles=profiles,
        score=overall,
        skipped=sorted(skipped, key=lambda s: (s.path, s.reason)),
        case=case,
        series=dict(series or {}),
    )
