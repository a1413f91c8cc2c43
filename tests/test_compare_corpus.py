"""Corpus discovery for ``requalify compare``: folder trees, manifests, dates, and what is refused."""

from __future__ import annotations

import os

import pytest

from requalify.compare import CorpusError, CorpusItem, discover_corpus, resolve_date

TEXT = "# Terms\n\nLast updated: 3 March 2025\n\nThe platform may deactivate the account at any time.\n"


def _write(path, text=TEXT):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_tree_reads_platform_type_and_date_and_skips_the_rest(tmp_path):
    root = tmp_path / "tos"
    _write(root / "bolt" / "driver-terms_2021-10-07.md")
    _write(root / "bolt" / "driver-terms_2023-10-05.md")
    _write(root / "uber" / "cgu.md")
    _write(root / "README.md")
    _write(root / "uber" / "notes.json", "{}")
    _write(root / ".git" / "x" / "y_2020-01-01.md")
    elsewhere = _write(tmp_path / "outside" / "secret_2020-01-01.md")
    os.symlink(elsewhere, root / "bolt" / "link_2022-01-01.md")
    os.symlink(elsewhere.parent, root / "linked-platform")

    corpus = discover_corpus(root)
    assert corpus.kind == "tree"
    assert [(i.id, i.platform, i.document_type, i.name_date) for i in corpus.items] == [
        ("bolt/driver-terms_2021-10-07.md", "bolt", "driver-terms", "2021-10-07"),
        ("bolt/driver-terms_2023-10-05.md", "bolt", "driver-terms", "2023-10-05"),
        ("uber/cgu.md", "uber", "cgu", None),
    ]
    skipped = {s["path"]: s["reason"] for s in corpus.skipped}
    assert skipped == {
        "README.md": "not inside a platform folder",
        "bolt/link_2022-01-01.md": "symbolic link not followed",
        "linked-platform": "symbolic link not followed",
        "uber/notes.json": "not a document format (.json)",
    }


def test_manifest_paths_are_relative_to_it_and_columns_are_read(tmp_path):
    _write(tmp_path / "texts" / "a.md")
    _write(tmp_path / "texts" / "b_2020-02-02.md")
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("platform,document type,date,language,path\n"
                        "Roulio,cgu,2024-01-15,fr,texts/a.md\n"
                        "Velocity,,,,texts/b_2020-02-02.md\n", encoding="utf-8")
    corpus = discover_corpus(manifest)
    assert corpus.kind == "manifest"
    a, b = corpus.items
    assert (a.id, a.platform, a.document_type, a.manifest_date, a.language) == ("texts/a.md", "Roulio", "cgu",
                                                                               "2024-01-15", "fr")
    assert a.path == str(tmp_path / "texts" / "a.md")
    assert (b.document_type, b.name_date, b.manifest_date, b.language) == ("b", "2020-02-02", None, None)


@pytest.mark.parametrize("row, reason", [
    ("x,cgu,2024-01-01,fr,https://example.org/cgu.html", "is a URL; compare reads local files only"),
    ("x,cgu,15/01/2024,fr,a.md", "is not YYYY-MM-DD"),
    (",cgu,2024-01-01,fr,a.md", "platform and path are required"),
])
def test_manifest_problems_are_input_errors_naming_the_line(tmp_path, row, reason):
    _write(tmp_path / "a.md")
    manifest = tmp_path / "m.csv"
    manifest.write_text("platform,document_type,date,language,path\n" + row + "\n", encoding="utf-8")
    with pytest.raises(CorpusError) as exc:
        discover_corpus(manifest)
    assert exc.value.code == "RQ370" and exc.value.exit_code == 3
    assert "line 2" in exc.value.message and reason in exc.value.message


def test_manifest_symlink_is_refused(tmp_path):
    target = _write(tmp_path / "real.md")
    os.symlink(target, tmp_path / "link.md")
    manifest = tmp_path / "m.csv"
    manifest.write_text("platform,path\nx,link.md\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="symbolic link"):
        discover_corpus(manifest)


def test_manifest_without_path_column(tmp_path):
    manifest = tmp_path / "m.csv"
    manifest.write_text("platform,file_name\nx,a.md\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="lacks column"):
        discover_corpus(manifest)


@pytest.mark.parametrize("bad", ["missing-folder", "https://example.org/tos/"])
def test_unusable_corpus_argument(tmp_path, bad):
    with pytest.raises(CorpusError):
        discover_corpus(bad if bad.startswith("http") else tmp_path / bad)


def test_empty_tree_is_an_input_error(tmp_path):
    (tmp_path / "empty" / "bolt").mkdir(parents=True)
    with pytest.raises(CorpusError, match="no document found"):
        discover_corpus(tmp_path / "empty")


@pytest.mark.parametrize("manifest, name, stated, order, expected", [
    ("2024-01-01", "2023-01-01", "2022-01-01", ("manifest", "name", "text"), ("2024-01-01", "manifest")),
    (None, "2023-01-01", "2022-01-01", ("manifest", "name", "text"), ("2023-01-01", "name")),
    (None, None, "2022-01-01", ("manifest", "name", "text"), ("2022-01-01", "text")),
    (None, "2023-01-01", "2022-01-01", ("text", "manifest", "name"), ("2022-01-01", "text")),
    (None, None, None, ("manifest", "name", "text"), (None, "none")),
])
def test_date_precedence_is_recorded(manifest, name, stated, order, expected):
    item = CorpusItem(id="a", path="a", platform="p", document_type="d", name_date=name, manifest_date=manifest)
    assert resolve_date(item, stated, order) == expected
