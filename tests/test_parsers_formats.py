"""Each document format parses into located clauses; each kind of bad file gets its own clear error."""

from __future__ import annotations

import pytest

from requalify.errors import (BinaryInput, CorruptDocx, CorruptPdf, EmptyInput, EncryptedPdf, InputError,
                              NoTextLayer, UnsupportedFormat)
from requalify.parsers import parse_document

from .makedocs import (W_NS, docx_bytes, docx_from_xml, make_encrypted_pdf, make_image_only_pdf, make_pdf, tos_docx_paragraphs,
                       tos_html)


@pytest.fixture(scope="module")
def tos_pdf(tmp_path_factory):
    return make_pdf(tmp_path_factory.mktemp("pdf") / "cgu.pdf", tos_html(filler=12))


def test_pdf_clauses_have_pages_and_heading_paths(tos_pdf):
    doc = parse_document(tos_pdf)
    assert doc.source.format == "pdf" and doc.language == "fr"
    assert doc.metadata["pages"] >= 2
    by_start = {" ".join(c.text.split())[:40]: c for c in doc.clauses}
    c = next(c for k, c in by_start.items() if k.startswith("3.2 La plateforme peut désactiver"))
    assert c.heading_path[-2:] == ("Article 3 – Sanctions", "3.2")
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(tos_pdf))
    raw_pages = [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    assert "3.2 La plateforme" in raw_pages[c.page - 1]
    first = next(c for c in doc.clauses if c.text.startswith("1.1"))
    assert first.page == 1 and first.heading_path[-2:] == ("Article 1 – Objet", "1.1")
    assert " ".join(c.text.split()) == "3.2 La plateforme peut désactiver le compte à sa seule discrétion."


def test_pdf_running_header_and_page_numbers_are_removed(tos_pdf):
    doc = parse_document(tos_pdf)
    assert "confidentiel" not in doc.text
    assert "Page 1 /" not in doc.text and "Page 2 /" not in doc.text


def test_pdf_offsets_slice_back_to_clause_text(tos_pdf):
    doc = parse_document(tos_pdf)
    for c in doc.clauses:
        assert doc.text[c.char_start:c.char_end] == c.text
        assert doc.page_at(c.char_start) == c.page


def test_encrypted_pdf_is_refused_with_a_fix(tos_pdf, tmp_path):
    enc = make_encrypted_pdf(tmp_path / "locked.pdf", tos_pdf)
    with pytest.raises(EncryptedPdf) as err:
        parse_document(enc)
    assert "encrypted PDF" in err.value.message and "locked.pdf" in err.value.message
    assert "decrypt" in err.value.message


def test_image_only_pdf_says_it_has_no_text_layer(tmp_path):
    with pytest.raises(NoTextLayer) as err:
        parse_document(make_image_only_pdf(tmp_path / "scan.pdf"))
    assert "no text layer" in err.value.message


def test_truncated_and_corrupt_pdfs(tos_pdf, tmp_path):
    data = tos_pdf.read_bytes()
    (tmp_path / "cut.pdf").write_bytes(data[: len(data) // 3])
    with pytest.raises(CorruptPdf, match="truncated"):
        parse_document(tmp_path / "cut.pdf")
    (tmp_path / "junk.pdf").write_bytes(b"%PDF-1.7\n" + b"\x8f garbage \x00" * 300 + b"\n%%EOF\n")
    with pytest.raises(CorruptPdf, match="corrupt"):
        parse_document(tmp_path / "junk.pdf")


def test_docx_headings_pages_and_offsets(tmp_path):
    paras = tos_docx_paragraphs()
    breaks = {next(i for i, (t, _) in enumerate(paras) if t.startswith("Article 3"))}
    f = tmp_path / "contrat.docx"
    f.write_bytes(docx_bytes(paras, page_break_before=breaks))
    doc = parse_document(f)
    assert doc.source.format == "docx" and doc.language == "fr"
    c = next(c for c in doc.clauses if c.text.startswith("3.1"))
    assert c.heading_path == ("Contrat de prestation", "Article 3 – Sanctions", "3.1")
    assert c.page == 2
    assert next(c for c in doc.clauses if c.text.startswith("1.1")).page == 1
    for c in doc.clauses:
        assert doc.text[c.char_start:c.char_end] == c.text


def test_docx_errors(tmp_path):
    (tmp_path / "a.docx").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(CorruptDocx):
        parse_document(tmp_path / "a.docx")
    bad = docx_from_xml(f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:t>x</w:t></w:p></w:document>')
    (tmp_path / "b.docx").write_bytes(bad)
    with pytest.raises(CorruptDocx, match="well-formed"):
        parse_document(tmp_path / "b.docx")


def test_html_drops_scripts_styles_and_navigation(tmp_path):
    f = tmp_path / "cgu.html"
    f.write_text(
        "<!DOCTYPE html><html><head><title>CGU</title><style>p{color:red}</style></head>\n"
        "<body><nav>Accueil | Connexion</nav>\n<script>alert('x')</script>\n"
        "<h1>Conditions</h1>\n<h2>Article 1 – Objet</h2>\n"
        "<p>Le chauffeur doit suivre l&#8217;itin&eacute;raire.</p>\n<footer>© 2024</footer></body></html>\n",
        encoding="utf-8",
    )
    doc = parse_document(f)
    texts = [" ".join(c.text.split()) for c in doc.clauses]
    assert texts == ["Le chauffeur doit suivre l’itinéraire."]
    c = doc.clauses[0]
    assert c.heading_path == ("Conditions", "Article 1 – Objet") and c.line_start == 6
    assert "alert" not in doc.text and "Accueil" not in doc.text and "color" not in doc.text
    assert doc.metadata["title"] == "CGU"


def test_markdown_lines_are_the_source_lines(tmp_path):
    src = ("# CGU\n\nDernière mise à jour : 3 juillet 2024\n\n## Article 2 – Prix\n\n"
           "2.1 Le prix est **fixé** par la [plateforme](https://x.example).\n"
           "Il ne peut pas être négocié.\n\n- une puce\n- une autre\n")
    f = tmp_path / "cgu.md"
    f.write_text(src, encoding="utf-8")
    doc = parse_document(f)
    assert doc.metadata["stated_date"] == "2024-07-03"
    c = next(c for c in doc.clauses if "fixé" in c.text)
    assert (c.line_start, c.line_end) == (7, 8)
    assert " ".join(c.text.split()) == "2.1 Le prix est fixé par la plateforme. Il ne peut pas être négocié."
    assert c.heading_path == ("CGU", "Article 2 – Prix", "2.1")
    lines = src.split("\n")
    assert lines[c.line_start - 1].startswith("2.1")
    assert [x.line_start for x in doc.clauses if x.text.startswith("-")] == [10, 11]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_text_encodings(tmp_path, encoding):
    text = "ARTICLE PREMIER – OBJET\n\nLe prestataire s'engage à respecter la procédure décrite.\n"
    f = tmp_path / "cgu.txt"
    f.write_bytes(text.encode(encoding))
    doc = parse_document(f)
    assert "procédure décrite" in doc.clauses[0].text
    assert doc.clauses[0].heading_path == ("Article premier – OBJET",) or doc.clauses[0].heading_path[0].startswith("Article")


@pytest.mark.parametrize(
    "name,data,error",
    [
        ("empty.pdf", b"", EmptyInput),
        ("empty.md", b"", EmptyInput),
        ("binary.txt", bytes(range(256)) * 10, BinaryInput),
        ("binary.md", b"\x00\x01\x02" * 100, BinaryInput),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 100, UnsupportedFormat),
        ("notes", b"plain words", UnsupportedFormat),
    ],
)
def test_bad_inputs_raise_input_errors_naming_the_file(tmp_path, name, data, error):
    f = tmp_path / name
    f.write_bytes(data)
    with pytest.raises(error) as err:
        parse_document(f)
    assert isinstance(err.value, InputError)
    assert str(f) in err.value.message


def test_pdf_named_txt_is_read_as_pdf(tos_pdf, tmp_path):
    f = tmp_path / "cgu.txt"
    f.write_bytes(tos_pdf.read_bytes())
    assert parse_document(f).source.format == "pdf"
