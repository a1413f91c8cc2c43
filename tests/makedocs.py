"""Generators for test documents: PDFs, DOCX files and broken variants, made at test time
instead of binary blobs checked into the repository."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

TOS_ARTICLES = [
    ("Article 1 – Objet", ["1.1 La plateforme met en relation des clients et des chauffeurs partenaires.",
                           "1.2 Le chauffeur exerce son activité en qualité de travailleur indépendant."]),
    ("Article 2 – Courses", ["2.1 Le chauffeur doit suivre l'itinéraire proposé par l'application.",
                             "2.2 La destination n'est communiquée qu'une fois le client à bord."]),
    ("Article 3 – Sanctions", ["3.1 Après trois refus consécutifs, le chauffeur est déconnecté de l'application.",
                               "3.2 La plateforme peut désactiver le compte à sa seule discrétion."]),
]


def tos_html(articles=TOS_ARTICLES, filler: int = 0, header: str = "Conditions Trajeo – confidentiel") -> str:
    """A ToS as paged HTML with a running header and 'Page N / M' footers, as real PDFs have."""
    body = []
    for title, paras in articles:
        body.append(f"<h2>{title}</h2>")
        body.extend(f"<p>{p}</p>" for p in paras)
        body.extend(
            "<p>Les stipulations du présent article s'appliquent pendant toute la durée du contrat "
            "et lient les parties dans les conditions prévues par les présentes.</p>" for _ in range(filler)
        )
    return f"""<html><head><style>
      @page {{ size: A4; margin: 2.5cm 2cm;
        @top-center {{ content: "{header}"; font-size: 8pt }}
        @bottom-center {{ content: "Page " counter(page) " / " counter(pages); font-size: 8pt }} }}
      body {{ font-family: 'DejaVu Serif', serif; font-size: 10pt }}
      h2 {{ font-size: 12pt }}
    </style></head><body><h1>Contrat de prestation</h1>{''.join(body)}</body></html>"""


def make_pdf(path: Path, html: str | None = None) -> Path:
    from weasyprint import HTML

    HTML(string=html or tos_html()).write_pdf(path)
    return path


def make_image_only_pdf(path: Path) -> Path:
    """A 'scan': pages holding only drawn shapes, no text layer."""
    html = """<html><body style="margin:0">
      <svg width="500" height="700"><rect x="10" y="10" width="400" height="600" fill="#888"/></svg>
      <div style="page-break-before: always"></div>
      <svg width="500" height="700"><circle cx="200" cy="200" r="150" fill="#444"/></svg></body></html>"""
    return make_pdf(path, html)


def make_encrypted_pdf(path: Path, source: Path) -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(source).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    with open(path, "wb") as fh:
        writer.write(fh)
    return path


W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_bytes(paragraphs: list[tuple[str, str | None]], page_break_before: set[int] = frozenset()) -> bytes:
    """A minimal valid DOCX: (text, style) paragraphs; styles like 'Heading1'."""
    from xml.sax.saxutils import escape

    parts = []
    for i, (text, style) in enumerate(paragraphs):
        ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
        brk = '<w:r><w:br w:type="page"/></w:r>' if i in page_break_before else ""
        parts.append(f'<w:p>{ppr}{brk}<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>')
    return docx_from_xml(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                         f'<w:document xmlns:w="{W_NS}"><w:body>{"".join(parts)}</w:body></w:document>')


def docx_from_xml(document: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        zf.writestr("word/document.xml", document)
    return buf.getvalue()


def tos_docx_paragraphs() -> list[tuple[str, str | None]]:
    paras: list[tuple[str, str | None]] = [("Contrat de prestation", "Title")]
    for title, texts in TOS_ARTICLES:
        paras.append((title, "Heading1"))
        paras.extend((t, None) for t in texts)
    return paras


def make_scanned_pdf(path: Path, source_pdf: Path, scale: float = 2.5) -> Path:
    """A 'scan' of a text PDF: each page rendered to an image, then wrapped in a PDF with no text layer."""
    import base64

    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(source_pdf))
    imgs = []
    for i in range(len(pdf)):
        buf = io.BytesIO()
        pdf[i].render(scale=scale).to_pil().convert("L").save(buf, format="PNG")
        imgs.append(base64.b64encode(buf.getvalue()).decode())
    pages = "".join(
        f'<img src="data:image/png;base64,{b}" style="width:100%;page-break-after:always;display:block">' for b in imgs
    )
    return make_pdf(path, f"<html><head><style>@page{{size:A4;margin:0}}</style></head><body style='margin:0'>{pages}</body></html>")
