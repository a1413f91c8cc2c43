"""Issue 2: PDF text extraction through `requalify parse` against raw pypdfium2, as whole processes.

Target: the parser within 2x of raw extraction, start-up included. Generates a ~40-page
French ToS PDF with weasyprint (running header, page footers), like the perf baselines.
"""

from __future__ import annotations

import sys

from _common import PYTHON, REPO, median, table, time_process, work_dir

sys.path.insert(0, str(REPO))
from tests.makedocs import make_pdf, tos_html  # noqa: E402

SENTENCES = [
    "Le Chauffeur Partenaire doit suivre l'itinéraire proposé par l'application.",
    "La plateforme peut suspendre ou désactiver le compte à tout moment, à sa seule discrétion.",
    "Le prix de la course est fixé par la plateforme selon sa grille tarifaire.",
    "La position du chauffeur est suivie en temps réel pendant toute la durée de sa connexion.",
    "Après trois refus consécutifs, le chauffeur est déconnecté temporairement de l'application.",
]


def build_pdf():
    articles = []
    for n in range(1, 65):
        paras = [f"{n}.{k} " + " ".join(SENTENCES[(n + k + j) % 5] for j in range(6)) for k in range(1, 6)]
        articles.append((f"Article {n} – Stipulations particulières", paras))
    pdf = work_dir() / "tos-40p.pdf"
    if not pdf.exists():
        make_pdf(pdf, tos_html(articles))
    return pdf


RAW = """
import sys, pypdfium2 as pdfium
pdf = pdfium.PdfDocument(sys.argv[1])
n = 0
for i in range(len(pdf)):
    p = pdf[i]; tp = p.get_textpage(); n += len(tp.get_text_range()); tp.close(); p.close()
print(n)
"""


def main():
    import pypdfium2

    pdf = build_pdf()
    pages = len(pypdfium2.PdfDocument(str(pdf)))
    raw = time_process([PYTHON, "-c", RAW, str(pdf)])
    ours = time_process([str(REPO / ".venv" / "bin" / "requalify"), "parse", str(pdf), "--json"])
    startup = time_process([PYTHON, "-c", "pass"])
    rows = [
        {"process": "python -c pass (interpreter)", "median s": f"{median(startup):.3f}", "pages/s": ""},
        {"process": "raw pypdfium2 extraction", "median s": f"{median(raw):.3f}", "pages/s": f"{pages / median(raw):.0f}"},
        {"process": "requalify parse --json", "median s": f"{median(ours):.3f}", "pages/s": f"{pages / median(ours):.0f}"},
    ]
    print(f"PDF: {pdf.name}, {pages} pages, {pdf.stat().st_size // 1024} KiB; median of 5 whole processes after 1 warm-up")
    print(table(rows, ["process", "median s", "pages/s"]))
    ratio = median(ours) / median(raw)
    print(f"\nrequalify parse / raw pypdfium2 = {ratio:.2f}x (target <= 2x) -> {'OK' if ratio <= 2 else 'OVER TARGET'}")


if __name__ == "__main__":
    main()
