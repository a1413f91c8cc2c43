"""Issue 3: a whole one-document `analyze --tos` of a 40-page PDF to JSON, against a bare process
that only loads fr_core_news_sm, in the same run. Target: at most 1.5x.

Loading spaCy's French model is the floor of any analysis (about 8 s here, most of it the
tokenizer's regex compilation); everything requalify adds must stay small beside it.
"""

from __future__ import annotations

import tempfile

from _common import PYTHON, REPO, median, table, time_process
from bench_parse import build_pdf


def main():
    pdf = build_pdf()
    bare = time_process([PYTHON, "-c", "import spacy; spacy.load('fr_core_news_sm')"], runs=3)
    with tempfile.TemporaryDirectory() as out:
        ours = time_process([str(REPO / ".venv" / "bin" / "requalify"), "analyze", "--tos", str(pdf),
                             "--format", "json", "--out", out], runs=3)
    rows = [
        {"process": "python: import spacy; spacy.load('fr_core_news_sm')", "median s": f"{median(bare):.2f}",
         "min-max s": f"{min(bare):.2f}-{max(bare):.2f}"},
        {"process": f"requalify analyze --tos {pdf.name} --format json", "median s": f"{median(ours):.2f}",
         "min-max s": f"{min(ours):.2f}-{max(ours):.2f}"},
    ]
    print("40-page PDF, median of 3 whole processes after 1 warm-up")
    print(table(rows, ["process", "median s", "min-max s"]))
    ratio = median(ours) / median(bare)
    print(f"\nanalyze / bare model load = {ratio:.2f}x (target <= 1.5x) -> {'OK' if ratio <= 1.5 else 'OVER TARGET'}")


if __name__ == "__main__":
    main()
