"""Seconds per page of the PDF dossier, and what the report stage adds to weasyprint itself.

Builds a ~20-page dossier from the report fixture (findings multiplied), then times in the
same process, alternating, on a fresh weasyprint Document each run:
  stage  requalify.report.render(..., {"pdf"}): context + charts + jinja2 + weasyprint
  bare   weasyprint.HTML(string=<the same HTML>).write_pdf() with the same assets
Target (issue 5): stage <= bare + 20 %.

    .venv/bin/python benchmarks/bench_report.py [--runs 3] [--copies 5]
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
FIXTURES = ROOT / "tests" / "fixtures" / "report"
from tests.report_fixtures import fake_rules  # noqa: E402


def large_assessment(copies: int):
    """The fixture with every finding repeated ``copies`` times at other lines, as a long ToS would give."""
    from requalify.report.load import assessment_from_dict

    data = json.loads((FIXTURES / "assessment.json").read_text("utf-8"))
    findings = []
    for k in range(copies):
        for f in data["findings"]:
            g = copy.deepcopy(f)
            src = g["source"]
            if src.get("line_start"):
                src["line_start"] += 100 * k
                src["line_end"] += 100 * k
            if g.get("quote") and k:
                g["quote"] = f"{g['quote']} (version {k + 1} du contrat, article {k + 3}.{k + 1})"
            findings.append(g)
    data["findings"] = findings
    return assessment_from_dict(data)


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--copies", type=int, default=5, help="how many times each fixture finding is repeated")
    args = parser.parse_args()

    from weasyprint import HTML

    from requalify.report import render
    from requalify.report.charts import render_charts
    from requalify.report.context import build_context
    from requalify.report.html import pdf_assets, render_html
    from requalify.report.pdf import asset_fetcher

    rules = fake_rules()
    assessment = large_assessment(args.copies)
    t_ctx, context = timed(lambda: build_context(assessment, rules, "fr"))
    t_charts_cold, _ = timed(lambda: render_charts(assessment.series, "fr"))
    t_charts, charts = timed(lambda: render_charts(assessment.series, "fr"))
    t_jinja, html = timed(lambda: render_html(context, charts, for_pdf=True))
    assets = pdf_assets(charts)

    def bare():
        return HTML(string=html, base_url=None, url_fetcher=asset_fetcher(assets)).write_pdf()

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)

        def stage():
            return render(assessment, out, {"pdf"}, lang="fr", rules=rules)["pdf"]

        bare()
        stage()
        stage_times, bare_times = [], []
        for _ in range(args.runs):
            stage_times.append(timed(stage)[0])
            bare_times.append(timed(bare)[0])
        pdf_path = stage()
        import pdfplumber

        with pdfplumber.open(pdf_path) as pdf:
            pages = len(pdf.pages)
        size_kib = pdf_path.stat().st_size / 1024

    s, b = statistics.median(stage_times), statistics.median(bare_times)
    rows = [
        ("findings", f"{len(assessment.findings)}"),
        ("pages", f"{pages}"),
        ("HTML KiB", f"{len(html.encode()) / 1024:.0f}"),
        ("PDF KiB", f"{size_kib:.0f}"),
        ("context ms", f"{t_ctx * 1000:.1f}"),
        ("charts (3 SVG), first call incl. import, ms", f"{t_charts_cold * 1000:.0f}"),
        ("charts (3 SVG), warm, ms", f"{t_charts * 1000:.0f}"),
        ("jinja2 ms", f"{t_jinja * 1000:.1f}"),
        (f"stage s (median of {args.runs})", f"{s:.2f}  [{min(stage_times):.2f}–{max(stage_times):.2f}]"),
        (f"bare weasyprint s (median of {args.runs})", f"{b:.2f}  [{min(bare_times):.2f}–{max(bare_times):.2f}]"),
        ("stage s / page", f"{s / pages:.3f}"),
        ("bare s / page", f"{b / pages:.3f}"),
        ("stage / bare", f"{s / b:.3f}  (target <= 1.20)"),
    ]
    width = max(len(k) for k, _ in rows)
    print(f"| {'measure'.ljust(width)} | value |")
    print(f"|{'-' * (width + 2)}|-------|")
    for k, v in rows:
        print(f"| {k.ljust(width)} | {v} |")
    return 0 if s / b <= 1.2 else 1


if __name__ == "__main__":
    sys.exit(main())
