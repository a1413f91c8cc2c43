"""OCR for image-only PDFs: pages rendered by pypdfium2, read by the tesseract command.

Only used when the user asks (``--ocr``): OCR text can misread words, so a finding
built on it must say where its text came from. Nothing is sent anywhere.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import InputError

MAX_OCR_PAGES = 300
LANGUAGES = "fra+eng"


def tesseract_version() -> str | None:
    exe = shutil.which("tesseract")
    if not exe:
        return None
    out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=30)
    first = (out.stdout or out.stderr).splitlines()
    return first[0].strip() if first else "tesseract"


def ocr_pdf_pages(path: Path, data: bytes, scale: float = 300 / 72) -> tuple[list[str], str]:
    """Text of each page, and a description of the engine for the record."""
    version = tesseract_version()
    if version is None:
        raise InputError(path, "OCR requested but tesseract is not installed", "run `make setup-ocr` first",
                         code="RQ313")
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    if len(pdf) > MAX_OCR_PAGES:
        raise InputError(path, f"too many pages to OCR ({len(pdf)}, limit {MAX_OCR_PAGES})", code="RQ313")
    pages = []
    with tempfile.TemporaryDirectory(prefix="requalify-ocr-") as tmp:
        for i in range(len(pdf)):
            image = Path(tmp) / f"page-{i + 1}.png"
            pdf[i].render(scale=scale).to_pil().save(image)
            out = subprocess.run(["tesseract", str(image), "stdout", "-l", LANGUAGES, "--psm", "3"],
                                 capture_output=True, text=True, timeout=300)
            if out.returncode != 0:
                raise InputError(path, f"OCR failed on page {i + 1}: {out.stderr.strip()[:200]}", code="RQ313")
            pages.append(out.stdout)
    pdf.close()
    return pages, f"ocr ({version}, {LANGUAGES})"
