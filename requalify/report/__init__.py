"""Assessment -> the dossier a lawyer files: PDF, HTML and Markdown from one context.

``render`` is the stage's one verb. weasyprint and matplotlib load only when a format
needs them, so importing this package costs nothing for ``requalify parse``.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..model import Assessment

FORMATS = ("pdf", "html", "md")


def render(assessment: Assessment, out_dir: Path, formats: set[str], *, lang: str = "fr",
           rules: Any = None) -> dict[str, Path]:
    """Write ``dossier.pdf`` / ``dossier.html`` / ``dossier.md`` for the formats asked; "json" is written elsewhere.

    The same assessment, rules and language always give the same bytes: nothing reads the
    clock, the fonts are bundled and the charts are deterministic SVG.
    """
    from .charts import render_charts
    from .context import build_context

    wanted = [f for f in FORMATS if f in set(formats)]
    if not wanted:
        return {}
    if rules is None:
        from ..rules import load_rules

        rules = load_rules()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    context = build_context(assessment, rules, lang)
    charts = render_charts(assessment.series, lang)
    written: dict[str, Path] = {}
    if "pdf" in wanted:
        written["pdf"] = render_pdf(context, charts, out_dir / "dossier.pdf")
    if "html" in wanted:
        from .html import render_html

        path = out_dir / "dossier.html"
        path.write_text(render_html(context, charts, for_pdf=False), "utf-8")
        written["html"] = path
    if "md" in wanted:
        from .markdown import render_markdown

        chart_files = {}
        for chart in charts:
            name = f"dossier-{chart.id}.svg"
            (out_dir / name).write_bytes(chart.svg)
            chart_files[chart.id] = name
        path = out_dir / "dossier.md"
        path.write_text(render_markdown(context, charts, chart_files), "utf-8")
        written["md"] = path
    return written


def render_pdf(context: dict[str, Any], charts: list, path: Path) -> Path:
    from .html import pdf_assets, render_html
    from .pdf import write_pdf

    html = render_html(context, charts, for_pdf=True)
    identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")
    iso = context["case"]["iso_date"]
    epoch = int(datetime.fromisoformat(iso).replace(tzinfo=timezone.utc).timestamp()) if iso else 0
    write_pdf(html, pdf_assets(charts), path, identifier=identifier, epoch=epoch)
    return path
