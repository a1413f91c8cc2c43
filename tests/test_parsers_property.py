"""Parsers fed garbage: any bytes give a Document or an InputError, never another exception;
any text gives clauses whose offsets slice the text back to themselves."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from requalify.errors import InputError
from requalify.parsers import parse_document

from .makedocs import docx_from_xml

SUFFIXES = [".pdf", ".md", ".html", ".txt", ".docx", ".htm", ".bin", ""]
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_TOS_WORDS = st.sampled_from(
    ["Article", "ARTICLE", "7", "7.2", "VII", "Section", "3", "–", "-", "#", "##", "**", "__", "*", "<p>", "</p>",
     "<h2>", "</h2>", "<script>", "&amp;", "&#8217;", "\\.", "[", "](", ")", "|", "\n", "\n\n", "\r\n", " ",
     "Le", "chauffeur", "doit", "must", "the", "driver", "a)", "(i)", "•", "\t", "é", "\ufeff", "\x00"]
)
tos_like_text = st.lists(st.one_of(_TOS_WORDS, st.text(max_size=12)), max_size=200).map("".join)


def _parse_bytes(data: bytes, suffix: str):
    with tempfile.TemporaryDirectory() as d:
        f = Path(d) / f"input{suffix}"
        f.write_bytes(data)
        try:
            return parse_document(f)
        except InputError as exc:
            assert str(f) in exc.message
            return None


def _check_invariants(doc):
    end = -1
    for c in doc.clauses:
        assert doc.text[c.char_start:c.char_end] == c.text
        assert c.char_start >= end
        end = c.char_end
        assert 1 <= c.line_start <= c.line_end
        assert c.heading_path


@SETTINGS
@given(data=st.binary(max_size=4096), suffix=st.sampled_from(SUFFIXES))
def test_random_bytes_never_crash(data, suffix):
    doc = _parse_bytes(data, suffix)
    if doc is not None:
        _check_invariants(doc)


@SETTINGS
@given(data=st.binary(max_size=2048))
def test_random_bytes_behind_a_pdf_header_never_crash(data):
    doc = _parse_bytes(b"%PDF-1.7\n" + data + b"\n%%EOF\n", ".pdf")
    if doc is not None:
        _check_invariants(doc)


@SETTINGS
@given(text=tos_like_text, suffix=st.sampled_from([".md", ".html", ".txt"]))
def test_random_text_gives_consistent_clauses(text, suffix):
    doc = _parse_bytes(text.encode("utf-8"), suffix)
    if doc is not None:
        _check_invariants(doc)


@SETTINGS
@given(body=tos_like_text)
def test_random_docx_body_never_crashes(body):
    from xml.sax.saxutils import escape

    ns = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    xml = f'<w:document xmlns:w="{ns}"><w:body><w:p><w:t>{escape(body)}</w:t></w:p></w:body></w:document>'
    doc = _parse_bytes(docx_from_xml(xml), ".docx")
    if doc is not None:
        _check_invariants(doc)
