"""``requalify parse FILE``: the clauses a lawyer can quote, with their locations."""

from __future__ import annotations

import click

from ._output import emit_json, emit_rows, output_options


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=str))
@output_options
@click.option("--full", is_flag=True, help="Print whole clause texts in the table instead of a preview.")
@click.option("--ocr", is_flag=True, help="Read image-only (scanned) PDFs with tesseract (see `make setup-ocr`).")
def parse(file: str, fmt: str, full: bool, ocr: bool) -> None:
    """Print the clauses found in FILE (PDF, HTML, Markdown, text, DOCX).

    Each clause comes with its heading path (Article 7 > 7.2), its page for PDF
    and DOCX, its 1-based lines in the source file for text formats, and its
    character offsets in the extracted text.

    \b
    Examples:
      requalify parse terms.pdf
      requalify parse cgu.md --json > clauses.json
    """
    from ..parsers import parse_document

    doc = parse_document(file, ocr=ocr)
    if fmt == "json":
        emit_json(doc.to_dict())
        return
    rows = []
    for c in doc.clauses:
        text = " ".join(c.text.split())
        if not full and len(text) > 70:
            text = text[:69] + "…"
        lines = f"{c.line_start}-{c.line_end}" if c.line_start != c.line_end else str(c.line_start)
        rows.append({"#": c.index, "heading": c.heading, "page": c.page, "lines": lines, "text": text})
    if fmt == "csv":
        emit_rows([c.to_dict() for c in doc.clauses], ["index", "heading", "page", "line_start", "line_end",
                                                       "char_start", "char_end", "text"], fmt)
        return
    via = f", text by {doc.source.extraction}" if doc.source.extraction else ""
    click.echo(f"{doc.source.path}  [{doc.source.format}, {doc.language}, {len(doc.clauses)} clauses, "
               f"sha256 {doc.source.sha256[:12]}…{via}]")
    emit_rows(rows, ["#", "heading", "page", "lines", "text"], fmt)
