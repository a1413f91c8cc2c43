"""Hostile documents (issue 8): each gives a Document or one clear InputError, fast, with no network
and nothing read but the input."""

from __future__ import annotations

import socket
import time

import pytest

from requalify.errors import CorruptDocx, InputError
from requalify.parsers import parse_document

from . import hostile


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a parser tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def _parse(tmp_path, name, data, budget_s=20.0):
    f = tmp_path / name
    f.write_bytes(data)
    t0 = time.perf_counter()
    try:
        return parse_document(f), None
    except InputError as exc:
        assert str(f) in exc.message
        return None, exc
    finally:
        assert time.perf_counter() - t0 < budget_s, f"{name} took too long"


def test_deeply_nested_html_is_read_without_recursion(tmp_path):
    doc, err = _parse(tmp_path, "nested.html", hostile.nested_html())
    assert err is None
    assert any("itinéraire" in c.text for c in doc.clauses)


def test_remote_and_file_resources_are_never_fetched_nor_inlined(tmp_path):
    doc, err = _parse(tmp_path, "remote.html", hostile.html_with_remote_resources())
    assert err is None
    assert "SECRET-IFRAME" not in doc.text and "SECRET-OBJECT" not in doc.text
    assert "root:" not in doc.text and "evil.example" not in doc.text
    assert [" ".join(c.text.split()) for c in doc.clauses] == ["Le prix est fixé par la plateforme."]


def test_docx_zip_bomb_is_refused(tmp_path):
    doc, err = _parse(tmp_path, "bomb.docx", hostile.docx_zip_bomb())
    assert isinstance(err, CorruptDocx) and "zip bomb" in err.message


def test_docx_billion_laughs_is_refused(tmp_path):
    doc, err = _parse(tmp_path, "laughs.docx", hostile.docx_billion_laughs())
    assert doc is None or "lol" * 1000 not in doc.text


def test_docx_external_entity_is_not_resolved(tmp_path):
    doc, err = _parse(tmp_path, "xxe.docx", hostile.docx_external_entity())
    assert doc is None or "root:" not in doc.text


def test_docx_deeply_nested(tmp_path):
    doc, err = _parse(tmp_path, "deep.docx", hostile.docx_deeply_nested())
    assert err is None and doc.clauses


def test_ten_million_character_line(tmp_path):
    doc, err = _parse(tmp_path, "long.txt", hostile.text_with_huge_line(), budget_s=30)
    assert err is None and len(doc.clauses) == 1 and len(doc.clauses[0].text) > 9_000_000
