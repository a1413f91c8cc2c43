"""The corpus report a researcher can cite: heatmap, timelines, prevalence and version changes.

Charts are matplotlib (Agg, no pyplot) written as SVG and PNG into ``charts/`` with a fixed hash
salt, text drawn as paths and no date in their metadata, so the same corpus and rules give the
same bytes. The HTML is one autoescaped jinja2 template; the PDF is that HTML through weasyprint
with a fetcher that serves ``data:`` URIs and refuses every other URL.
"""

from __future__ import annotations

import base64
import functools
import io
import math
from collections import Counter
from dataclasses import dataclass
from datetime import date as Date
from importlib import resources
from pathlib import Path
from typing import Any

from .compare_align import diff_segments
from .report.charts import RC as DOSSIER_RC

CHART_RC = {**DOSSIER_RC, "svg.hashsalt": "requalify-compare", "font.size": 7}
POLARITY_MAPS = {"+": "Reds", "-": "Blues", "0": "Greys"}
SERIES_COLORS = ("#1f4e79", "#a23b2a", "#c9a227", "#2e7d4f", "#6a4c93", "#d17a22", "#3b8ea5", "#7f7f7f", "#b5446e")
MAX_CLAUSES_PER_PAIR = 14
CONTEXT_WORDS = 14
FONTS = (("Report Serif", "normal", "normal", "DejaVuSerif.ttf"),
         ("Report Serif", "bold", "normal", "DejaVuSerif-Bold.ttf"),
         ("Report Serif", "normal", "italic", "DejaVuSerif-Italic.ttf"),
         ("Report Mono", "normal", "normal", "DejaVuSansMono.ttf"))


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    caption: str
    svg: bytes
    png: bytes
    width_pct: int = 100


def _templates():
    return resources.files("requalify").joinpath("templates")


@functools.cache
def words(lang: str) -> dict[str, str]:
    import yaml

    table = yaml.safe_load(_templates().joinpath("compare", "i18n.yaml").read_text("utf-8"))
    return {k: v.get(lang) or v["en"] for k, v in table.items()}


# --- charts -------------------------------------------------------------------------------------


def _figure(width: float, height: float):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=100)


def _save(fig) -> tuple[bytes, bytes]:
    import matplotlib

    with matplotlib.rc_context(CHART_RC):
        svg, png = io.BytesIO(), io.BytesIO()
        fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
        fig.savefig(png, format="png", dpi=200, metadata={"Software": None})
    return svg.getvalue(), png.getvalue()


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def doc_label(r) -> str:
    return f"{_short(r.item.platform, 18)} · {_short(r.item.document_type, 22)} · {r.date or '?'}"


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, max(6, width))) if text else ""


def heatmap_columns(rules) -> list[str]:
    """Text indicators only (a terms text cannot carry a data indicator), grouped by criterion then polarity."""
    crit_order = {c: k for k, c in enumerate(("direction", "control", "sanction", "organised_service", "dependence"))}
    pol_order = {"+": 0, "-": 1, "0": 2}
    ids = [i for i in rules.catalogue if rules.indicators[i].kind == "text"]
    return sorted(ids, key=lambda i: (crit_order.get(rules.indicators[i].criterion, 9),
                                      pol_order.get(rules.indicators[i].polarity, 3), i))


def criterion_label(rules, criterion: str | None, lang: str) -> str:
    if not criterion:
        return ""
    label = rules.scoring["criteria"].get(criterion, {}).get("label", {})
    return label.get(lang) or label.get("en") or criterion


HEATMAP_BOX_MM = (269, 158)


def chart_heatmap(results, rules, t: dict[str, str], lang: str) -> Chart:
    import matplotlib
    import numpy as np
    from matplotlib import colormaps

    docs = [r for r in results if r.ok]
    cols = heatmap_columns(rules)
    counts = np.array([[r.record["counts"].get(i, 0) for i in cols] for r in docs], dtype=float)
    cap = max(1.0, float(np.percentile(counts[counts > 0], 95)) if (counts > 0).any() else 1.0)
    rgba = np.ones((len(docs), len(cols), 4))
    for j, i in enumerate(cols):
        cmap = colormaps[POLARITY_MAPS.get(rules.indicators[i].polarity, "Greys")]
        for k in range(len(docs)):
            n = counts[k, j]
            if n > 0:
                rgba[k, j] = cmap(0.25 + 0.7 * min(1.0, math.log1p(n) / math.log1p(cap)))
    with matplotlib.rc_context(CHART_RC):
        width = 10.4
        height = 2.1 + 0.17 * len(docs)
        fig = _figure(width, height)
        ax = fig.add_axes([0.255, 1.45 / height, 0.74, 1 - 1.95 / height])
        ax.imshow(rgba, aspect="auto", interpolation="nearest")
        ax.set_xticks(range(len(cols)), [_short(i, 28) for i in cols], rotation=90, fontsize=6)
        ax.set_yticks(range(len(docs)), [doc_label(r) for r in docs], fontsize=6)
        ax.tick_params(length=0)
        ax.set_xticks([x - 0.5 for x in range(1, len(cols))], minor=True)
        ax.set_yticks([y - 0.5 for y in range(1, len(docs))], minor=True)
        ax.grid(which="minor", color="white", linewidth=0.8)
        ax.tick_params(which="minor", length=0)
        for s in ax.spines.values():
            s.set_visible(False)
        prev_platform = None
        for k, r in enumerate(docs):
            if prev_platform is not None and r.item.platform != prev_platform:
                ax.axhline(k - 0.5, color="#555555", linewidth=0.7)
            prev_platform = r.item.platform
        end = object()
        prev, start = None, 0
        for j, i in enumerate(cols + [end]):
            crit = end if i is end else rules.indicators[i].criterion
            if j and crit != prev:
                label = criterion_label(rules, prev, lang) or t["neutral"]
                ax.text((start + j - 1) / 2, -0.8, _wrap(label, int(2.6 * (j - start))), ha="center", va="bottom",
                        fontsize=6.3, fontweight="bold", linespacing=1.1)
                if i is not end:
                    ax.axvline(j - 0.5, color="#555555", linewidth=0.7)
                start = j
            prev = crit
        for k in range(len(docs)):
            for j in range(len(cols)):
                n = int(counts[k, j])
                if n:
                    dark = sum(rgba[k, j][:3]) < 1.6
                    ax.text(j, k, str(n), ha="center", va="center", fontsize=5.2,
                            color="white" if dark else "#222222")
        svg, png = _save(fig)
    box_w, box_h = HEATMAP_BOX_MM
    fit = min(100, int(100 * box_h / (box_w * height / width)))
    return Chart("heatmap", t["heatmap_title"], t["heatmap_caption"], svg, png, width_pct=fit)


def _series(results):
    """(platform, document type) -> dated results, for every pair with at least two dated versions."""
    groups: dict[tuple[str, str], list] = {}
    for r in results:
        if r.ok and r.date:
            groups.setdefault((r.item.platform, r.item.document_type), []).append(r)
    return {k: sorted(v, key=lambda r: r.date) for k, v in sorted(groups.items()) if len(v) >= 2}


def chart_timeline(results, rules, t: dict[str, str]) -> Chart | None:
    import matplotlib
    from matplotlib import dates as mdates

    series = _series(results)
    if not series:
        return None
    positive = {i for i in rules.catalogue if rules.indicators[i].polarity == "+"}
    singles = [r for r in results if r.ok and r.date and (r.item.platform, r.item.document_type) not in series]
    with matplotlib.rc_context(CHART_RC):
        fig = _figure(6.7, 5.2)
        axes = fig.subplots(2, 1, sharex=True)
        metrics = ((lambda r: r.record["overall"], t["timeline_score"]),
                   (lambda r: sum(1 for i, n in r.record["counts"].items() if n and i in positive),
                    t["timeline_indicators"]))
        for ax, (value, ylabel) in zip(axes, metrics):
            if singles:
                ax.scatter([Date.fromisoformat(r.date) for r in singles], [value(r) for r in singles], s=9,
                           color="#bbbbbb", zorder=1, label=t["timeline_single"])
            per_platform = Counter(platform for platform, _ in series)
            for n, ((platform, doc_type), docs) in enumerate(series.items()):
                color = SERIES_COLORS[n % len(SERIES_COLORS)]
                name = platform if per_platform[platform] == 1 else f"{platform} · {_short(doc_type, 26)}"
                xs = [Date.fromisoformat(r.date) for r in docs]
                ys = [value(r) for r in docs]
                ax.plot(xs, ys, marker="o", markersize=3.2, linewidth=1.3, color=color, zorder=2,
                        label=name)
            ax.set_ylabel(ylabel)
            ax.grid(axis="y", color="#e4e4e4", linewidth=0.5)
            ax.set_axisbelow(True)
        axes[0].set_ylim(bottom=0)
        axes[1].set_ylim(bottom=0)
        axes[1].xaxis.set_major_locator(mdates.YearLocator())
        axes[1].xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="lower center", ncol=4, fontsize=6.5, bbox_to_anchor=(0.5, 0.0))
        fig.subplots_adjust(left=0.09, right=0.98, top=0.97, bottom=0.16, hspace=0.12)
        svg, png = _save(fig)
    return Chart("timeline", t["timeline_title"], t["timeline_caption"], svg, png)


def chart_prevalence(prevalence: list[dict[str, Any]], t: dict[str, str]) -> Chart | None:
    import matplotlib

    rows = [p for p in prevalence if p["documents"]]
    if not rows:
        return None
    rows = sorted(rows, key=lambda p: (p["documents"], p["id"]))
    colors = {"+": "#a23b2a", "-": "#1f4e79", "0": "#8c8c8c"}
    with matplotlib.rc_context(CHART_RC):
        fig = _figure(6.7, 0.8 + 0.16 * len(rows))
        ax = fig.add_axes([0.42, 0.45 / (0.8 + 0.16 * len(rows)), 0.54, 1 - 0.65 / (0.8 + 0.16 * len(rows))])
        ys = range(len(rows))
        ax.barh(ys, [p["documents"] for p in rows], color=[colors.get(p["polarity"], "#8c8c8c") for p in rows],
                height=0.7)
        ax.set_yticks(list(ys), [_short(p["label"], 64) for p in rows], fontsize=6)
        ax.set_xlabel(t["prevalence_axis"])
        ax.tick_params(axis="y", length=0)
        for y, p in zip(ys, rows):
            ax.text(p["documents"] + 0.15, y, f"{p['documents']} ({p['platforms']})", va="center", fontsize=5.5)
        ax.set_xlim(0, max(p["documents"] for p in rows) * 1.15 + 0.5)
        svg, png = _save(fig)
    return Chart("prevalence", t["prevalence_title"], t["prevalence_caption"], svg, png)


# --- context ------------------------------------------------------------------------------------


def prevalence_rows(results, rules, lang: str) -> list[dict[str, Any]]:
    """Per text indicator: how many documents and platforms carry it."""
    ok = [r for r in results if r.ok]
    out = []
    for i in heatmap_columns(rules):
        carrying = [r for r in ok if r.record["counts"].get(i)]
        ind = rules.indicators[i]
        out.append({"id": i, "label": rules.label(i, lang), "polarity": ind.polarity, "criterion": criterion_label(rules, ind.criterion, lang),
                    "documents": len(carrying), "platforms": len({r.item.platform for r in carrying}),
                    "findings": sum(r.record["counts"].get(i, 0) for r in carrying)})
    return out


def excerpt(old: str, new: str, kind: str) -> list[tuple[str, str]]:
    """Runs to show for a changed clause: every change, with a few words of context either side."""
    if kind == "added":
        segs = [("+", " ".join(new.split()))]
    elif kind == "removed":
        segs = [("-", " ".join(old.split()))]
    else:
        segs = diff_segments(old, new)
    out = []
    for n, (op, text) in enumerate(segs):
        w = text.split(" ")
        if op == "=" and len(w) > 2 * CONTEXT_WORDS:
            first, last = n == 0, n == len(segs) - 1
            if first:
                text = "… " + " ".join(w[-CONTEXT_WORDS:])
            elif last:
                text = " ".join(w[:CONTEXT_WORDS]) + " …"
            else:
                text = " ".join(w[:CONTEXT_WORDS]) + " … " + " ".join(w[-CONTEXT_WORDS:])
        elif op != "=" and len(w) > 90:
            text = " ".join(w[:80]) + " …"
        out.append((op, text))
    return out


def pair_view(p, rules, t: dict[str, str], lang: str) -> dict[str, Any]:
    """One version pair for the report: the sentence, the counts, the clauses that matter to indicators."""
    notable = [c for c in p.changes if c["indicators_gained"] or c["indicators_lost"]]
    decisive = set(p.gained) | set(p.lost)

    def priority(k: int):
        c = notable[k]
        moved = c["indicators_gained"] + c["indicators_lost"]
        return (not (decisive & set(moved)), -len(moved), k)

    picked = sorted(sorted(range(len(notable)), key=priority)[:MAX_CLAUSES_PER_PAIR])
    shown = [notable[k] for k in picked]
    clauses = []
    for c in shown:
        clauses.append({
            "change": t[f"change_{c['change']}"],
            "kind": c["change"],
            "heading": c["new_heading"] or c["old_heading"],
            "similarity": f"{c['similarity']:.2f}" if c["change"] in ("changed", "moved") else "",
            "gained": c["indicators_gained"],
            "lost": c["indicators_lost"],
            "runs": excerpt(c["old_text"], c["new_text"], c["change"]),
            "line": c["new_clause"] if c["new_clause"] is not None else c["old_clause"],
        })
    counts = p.counts
    sentence = t["pair_sentence"].format(
        platform=p.platform, old=p.old.date or "?", new=p.new.date or "?", added=counts["added"],
        removed=counts["removed"], changed=counts["changed"], moved=counts["moved"], unchanged=counts["unchanged"])
    return {
        "title": f"{p.platform} · {p.document_type}",
        "old_date": p.old.date or "?", "new_date": p.new.date or "?",
        "old_path": p.old.item.id, "new_path": p.new.item.id,
        "sentence": sentence,
        "gained": [(i, rules.label(i, lang)) for i in p.gained],
        "lost": [(i, rules.label(i, lang)) for i in p.lost],
        "overall_old": f"{p.old.record['overall']:.2f}", "overall_new": f"{p.new.record['overall']:.2f}",
        "clauses": clauses,
        "more": len(notable) - len(shown),
        "notable": len(notable),
    }


def brief(results, pairs, prevalence, rules, t: dict[str, str], lang: str) -> dict[str, Any]:
    """The cover's summary: bands, the commonest indicators and the version pairs that changed most."""
    ok = [r for r in results if r.ok]
    bands = Counter(r.record["band"] for r in ok)
    order = [b["band"] for b in rules.scoring["bands"]]
    ranked = sorted(prevalence, key=lambda p: (-p["documents"], p["id"]))
    common = [(p["label"], t["kf_of_documents"].format(n=p["documents"], total=len(ok)))
              for p in ranked if p["polarity"] == "+" and p["documents"]][:5]
    counter = [(p["label"], t["kf_of_documents"].format(n=p["documents"], total=len(ok)))
               for p in ranked if p["polarity"] == "-" and p["documents"]][:3]
    moving = sorted((p for p in pairs if p.gained or p.lost),
                    key=lambda p: (-abs(p.new.record["overall"] - p.old.record["overall"]),
                                   -(len(p.gained) + len(p.lost)), p.platform, p.old.date or ""))
    changes = [{"title": f"{p.platform} · {p.document_type}", "old": p.old.date or "?", "new": p.new.date or "?",
                "score": f"{p.old.record['overall']:.2f} → {p.new.record['overall']:.2f}",
                "gained": [rules.label(i, lang) for i in p.gained], "lost": [rules.label(i, lang) for i in p.lost]}
               for p in moving[:4]]
    return {
        "bands": [(t.get(f"band_{b}", b), bands[b]) for b in order if bands.get(b)],
        "common": common,
        "counter": counter,
        "changes": changes,
        "stable": t["kf_stable"].format(n=sum(1 for p in pairs if not (p.gained or p.lost)), total=len(pairs))
        if pairs else "",
    }


def build_context(results, pairs, rules, *, lang: str, corpus, date_order: str, charts: list[Chart]) -> dict[str, Any]:
    from . import __version__
    from .compare import DATE_ORDERS
    from .model import CRITERIA

    t = words(lang)
    ok = [r for r in results if r.ok]
    docs = []
    for r in results:
        rec = r.record or {}
        docs.append({
            "platform": r.item.platform, "document_type": r.item.document_type, "date": r.date or "—",
            "date_source": t.get(f"date_source_{r.date_source}", r.date_source), "language": rec.get("language", ""),
            "clauses": len(rec.get("clauses", [])) if r.ok else "", "overall": f"{rec['overall']:.2f}" if r.ok else "",
            "band": t.get(f"band_{rec.get('band')}", rec.get("band", "")) if r.ok else t["failed"],
            "criteria": [f"{rec['criteria'][c]:.2f}" if r.ok else "" for c in CRITERIA],
            "indicators": sum(1 for n in rec.get("counts", {}).values() if n) if r.ok else "",
            "error": r.error or "", "path": r.item.id, "ok": r.ok, "stated_date": rec.get("stated_date") or "—",
        })
    prevalence = prevalence_rows(results, rules, lang)
    counter = Counter(r.date_source for r in results)
    pair_views = [pair_view(p, rules, t, lang) for p in pairs]
    return {
        "lang": lang,
        "t": t,
        "title": t["title"],
        "n_documents": len(results),
        "n_ok": len(ok),
        "n_platforms": len({r.item.platform for r in results}),
        "n_pairs": len(pairs),
        "languages": ", ".join(f"{k} {v}" for k, v in sorted(Counter(r.record["language"] for r in ok).items())),
        "corpus_name": Path(corpus.root).name if corpus else "",
        "rules_version": rules.version,
        "requalify_version": __version__,
        "date_order": " > ".join(t[f"date_source_{s}"] for s in DATE_ORDERS[date_order]),
        "date_sources": ", ".join(f"{t.get('date_source_' + k, k)} {v}" for k, v in sorted(counter.items())),
        "criteria": [criterion_label(rules, c, lang) for c in CRITERIA],
        "documents": docs,
        "failed": [d for d in docs if not d["ok"]],
        "prevalence": prevalence,
        "pairs": pair_views,
        "brief": brief(results, pairs, prevalence, rules, t, lang),
        "charts": {c.id: c for c in charts},
        "skipped": corpus.skipped if corpus else [],
    }


# --- rendering ----------------------------------------------------------------------------------


@functools.cache
def environment():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_templates().joinpath("compare"))),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _data_uri(data: bytes, mime: str) -> str:
    return f"data:{mime};base64," + base64.b64encode(data).decode("ascii")


@functools.cache
def _font_faces() -> str:
    fonts = _templates().joinpath("fonts")
    return "\n".join(
        f'@font-face {{ font-family: "{family}"; font-weight: {weight}; font-style: {style}; '
        f'src: url({_data_uri(fonts.joinpath(name).read_bytes(), "font/ttf")}); }}'
        for family, weight, style, name in FONTS)


def render_html(context: dict[str, Any], *, for_pdf: bool) -> str:
    from markupsafe import Markup

    css = _templates().joinpath("compare", "report.css").read_text("utf-8")
    if for_pdf:
        css = _font_faces() + "\n" + css
    images = {cid: _data_uri(c.svg, "image/svg+xml") for cid, c in context["charts"].items()}
    return environment().get_template("report.html.j2").render(**context, css=Markup(css), images=images,
                                                                for_pdf=for_pdf)


def data_only_fetcher():
    """A weasyprint fetcher that serves ``data:`` URIs and refuses everything else (recorded in ``.refused``)."""
    from weasyprint.urls import URLFetcher

    class DataOnly(URLFetcher):
        def __init__(self):
            super().__init__(allowed_protocols=("data",), allow_redirects=False)
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            if not url.startswith("data:"):
                self.refused.append(url[:200])
                raise ValueError(f"the compare report loads only data: URIs, not {url[:200]}")
            return super().fetch(url, headers)

    return DataOnly()


def write_pdf(html: str, path: Path) -> list[str]:
    import logging

    from weasyprint import HTML

    fetcher = data_only_fetcher()
    logger = logging.getLogger("weasyprint")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        doc = HTML(string=html, base_url=None, url_fetcher=fetcher).render()
        path.write_bytes(doc.write_pdf(pdf_identifier=b"requalify-compare"))
    finally:
        logger.setLevel(level)
    return fetcher.refused


def render_report(results, pairs, rules, out: Path, formats: set[str], *, lang: str, corpus=None,
                  date_order: str = "recorded") -> list[Path]:
    """Charts into ``out/charts`` (SVG and PNG), then ``report.html`` and/or ``report.pdf``."""
    t = words(lang)
    charts = [c for c in (chart_heatmap(results, rules, t, lang) if any(r.ok for r in results) else None,
                          chart_timeline(results, rules, t),
                          chart_prevalence(prevalence_rows(results, rules, lang), t)) if c is not None]
    written = []
    folder = out / "charts"
    folder.mkdir(parents=True, exist_ok=True)
    for c in charts:
        for ext, data in (("svg", c.svg), ("png", c.png)):
            p = folder / f"{c.id}.{ext}"
            p.write_bytes(data)
            written.append(p)
    context = build_context(results, pairs, rules, lang=lang, corpus=corpus, date_order=date_order, charts=charts)
    if "html" in formats:
        p = out / "report.html"
        p.write_text(render_html(context, for_pdf=False), encoding="utf-8")
        written.append(p)
    if "pdf" in formats:
        p = out / "report.pdf"
        write_pdf(render_html(context, for_pdf=True), p)
        written.append(p)
    return written
