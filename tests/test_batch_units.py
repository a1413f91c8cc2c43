"""Batch pieces that need no analysis: member discovery, the manifest, summary columns, the PDF fetcher."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from requalify.batch import check_member_id, data_only_fetcher, discover_members, render_aggregate_html
from requalify.errors import InputError

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
ROULIO = CORPUS / "tos" / "roulio-chauffeurs-fr.md"
WECLOCK = CORPUS / "exports" / "weclock" / "data.csv"


def member(root: Path, name: str, yaml: str | None = None, files=(ROULIO, WECLOCK)) -> Path:
    m = root / name
    m.mkdir(parents=True)
    for f in files:
        shutil.copy(f, m)
    if yaml is not None:
        (m / "member.yaml").write_text(yaml, "utf-8")
    return m


def test_folders_are_members_and_member_yaml_is_read(tmp_path):
    member(tmp_path, "b-diallo")
    member(tmp_path, "a-martin", "name: Aïcha Martin\nplatform: Roulio\nperiod: {start: 2024-01-01, end: 2024-06-30}\n"
                                 "language: en\n")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "notes.txt").write_text("not a member")
    out = tmp_path / "out"
    out.mkdir()
    members = discover_members(tmp_path, exclude=[out])
    assert [m.id for m in members] == ["a-martin", "b-diallo"]
    a = members[0]
    assert a.meta == {"name": "Aïcha Martin", "platform": "Roulio", "period": {"start": "2024-01-01",
                                                                              "end": "2024-06-30"}, "language": "en"}
    assert [Path(p).name for p in a.tos] == ["roulio-chauffeurs-fr.md"]
    assert [Path(p).name for p in a.activity] == ["data.csv"]
    assert a.extra_inputs == (str(tmp_path / "a-martin" / "member.yaml"),)
    assert a.problem is None and not any("member.yaml" in s.path for s in a.skipped)


@pytest.mark.parametrize("yaml, reason", [
    ("name: [unclosed", "invalid YAML"),
    ("nom: Martin\n", "unknown key(s): nom"),
    ("language: de\n", "not a dossier language"),
    ("- a list\n", "must be a mapping"),
])
def test_a_bad_member_yaml_fails_that_member_only(tmp_path, yaml, reason):
    member(tmp_path, "ok")
    member(tmp_path, "bad", yaml)
    ok, bad = sorted(discover_members(tmp_path), key=lambda m: m.id != "ok")
    assert ok.problem is None
    assert bad.problem["code"] == "RQ305" and reason in bad.problem["reason"]
    assert bad.problem["path"].endswith("member.yaml")
    assert str(tmp_path / "bad" / "member.yaml") in bad.extra_inputs


def test_an_empty_member_folder_is_a_failed_member(tmp_path):
    member(tmp_path, "ok")
    (tmp_path / "empty").mkdir()
    empty = next(m for m in discover_members(tmp_path) if m.id == "empty")
    assert "no terms-of-service document or activity export" in empty.problem["reason"]


def test_no_member_at_all_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no member folder"):
        discover_members(tmp_path)
    with pytest.raises(InputError, match="not found"):
        discover_members(tmp_path / "missing")


def test_manifest(tmp_path):
    (tmp_path / "cgu").mkdir()
    shutil.copy(ROULIO, tmp_path / "cgu")
    shutil.copy(WECLOCK, tmp_path)
    manifest = tmp_path / "members.csv"
    manifest.write_text("member,tos,activity,name,platform\n"
                        "z-last,cgu/roulio-chauffeurs-fr.md,data.csv,Zoé,Roulio\n"
                        "a-first,cgu/roulio-chauffeurs-fr.md,,,\n"
                        "ghost,cgu/missing.pdf,,,\n", "utf-8")
    members = discover_members(manifest)
    assert [m.id for m in members] == ["a-first", "ghost", "z-last"]
    z = members[2]
    assert z.tos == (str(tmp_path / "cgu" / "roulio-chauffeurs-fr.md"),) and z.activity == (str(tmp_path / "data.csv"),)
    assert z.meta == {"name": "Zoé", "platform": "Roulio"}
    assert members[1].problem["code"] == "RQ304" and members[1].problem["path"].endswith("missing.pdf")


@pytest.mark.parametrize("text, match", [
    ("id,files\nx,a.md\n", "needs a 'member' column"),
    ("member,tos\nx,a.md\nx,a.md\n", "listed twice"),
    ("member,tos\n", "needs a 'member' column"),
])
def test_bad_manifests_are_input_errors(tmp_path, text, match):
    (tmp_path / "a.md").write_text("# CGU\n")
    manifest = tmp_path / "m.csv"
    manifest.write_text(text, "utf-8")
    with pytest.raises(InputError, match=match):
        discover_members(manifest)


@pytest.mark.parametrize("name, ok", [("a-martin", True), ("Jean Dupont", True), (".git", False),
                                      ("summary.csv", False), ("a/b", False), ("", False)])
def test_member_ids_must_name_a_folder(name, ok):
    assert (check_member_id(name) is None) == ok


def test_the_pdf_fetcher_serves_data_uris_only():
    fetcher = data_only_fetcher()
    fetcher.fetch("data:text/plain;base64,aGk=")
    fetcher.fetch("data:text/plain,hi%20there")
    for url in ("file:///etc/passwd", "http://example.org/x.css", "https://example.org/f.ttf"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert fetcher.refused == ["file:///etc/passwd", "http://example.org/x.css", "https://example.org/f.ttf"]


def test_report_escapes_hostile_quotes():
    data = {"total": 1, "done": 1, "failed": 0, "rules_version": "sha256:x", "median": 0.5, "mean": 0.5,
            "bands": [{"band": "weak", "members": 1, "share": 1.0}],
            "histogram": [{"label": "0.5–0.6", "members": 1, "share": 1.0}],
            "criteria": [{"id": "control", "mean": 0.5}],
            "indicators": [{"id": "x", "label": "X", "criterion": "control", "polarity": "+", "kind": "text",
                            "members": 1, "share": 1.0}],
            "clauses": [{"document": "cgu.html", "clause": "Art. 1", "quote": "<script>alert(1)</script>",
                         "indicators": ["X"], "members": 1}],
            "failures": [], "members": [{"member": "m", "name": "<b>n</b>", "platform": "", "score": 0.5,
                                         "band": "weak"}]}
    for lang in ("fr", "en"):
        html = render_aggregate_html(data, lang, for_pdf=False)
        assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;n&lt;/b&gt;" in html
    assert "Most frequent clauses" in render_aggregate_html(data, "en", for_pdf=False)
    assert "data:font/ttf;base64," in render_aggregate_html(data, "fr", for_pdf=True)
