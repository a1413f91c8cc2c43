"""``requalify compare`` end to end through click's CliRunner, on a small corpus built from corpus/tos/.

The corpus is a tree in tmp_path: the project's six example terms, one per platform, plus a
second Roulio version with known edits (a clause deleted, one reworded, one inserted that
gives the platform a deactivation power for low acceptance).
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from requalify.cli import cli

from .conftest import CORPUS, compare_golden

pytestmark = pytest.mark.slow

GOLDEN = Path(__file__).parent / "golden" / "compare"
LAYOUT = {
    "roulio/chauffeurs_2024-01-15.md": "roulio-chauffeurs-fr.md",
    "velocity/driver-terms_2025-03-03.txt": "velocity-drivers-en.txt",
    "parcelpal/supplier-agreement.md": "parcelpal-couriers-en.md",
    "flashlivre/coursiers_2024-02-01.html": "flashlivre-coursiers-fr.html",
    "taskhive/participation-agreement_2023-09-20.md": "taskhive-workers-en.md",
    "cliquemission/contributeurs_2022-05-10.md": "cliquemission-contributeurs-fr.md",
}
INSERTED = ("6.4 Un Chauffeur Partenaire dont le taux d'acceptation est inférieur à 80 % pourra voir son "
            "compte désactivé.")


def roulio_2025(text: str) -> str:
    """The 2024 Roulio terms with three known edits."""
    lines = text.splitlines(keepends=True)
    deleted = [ln for ln in lines if ln.startswith("3.5 ")]
    assert len(deleted) == 1
    out = []
    for ln in lines:
        if ln.startswith("3.5 "):
            continue
        if ln.startswith("4.1 "):
            ln = ln.replace("au moins 30 heures par semaine pour conserver son accès prioritaire aux courses",
                            "au moins 40 heures par semaine, faute de quoi son accès aux courses est suspendu")
            assert "40 heures" in ln
        out.append(ln)
        if ln.startswith("6.3 "):
            out.append("\n" + INSERTED + "\n")
    return "".join(out).replace("15 janvier 2024", "1er mars 2025")


def build_corpus(root: Path) -> Path:
    for rel, name in LAYOUT.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(CORPUS / "tos" / name, root / rel)
    (root / "roulio" / "chauffeurs_2025-03-01.md").write_text(
        roulio_2025((CORPUS / "tos" / "roulio-chauffeurs-fr.md").read_text("utf-8")), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """One cold run shared by the tests that only read its outputs."""
    root = build_corpus(tmp_path_factory.mktemp("corpus") / "tos")
    out = tmp_path_factory.mktemp("out")
    result = CliRunner().invoke(cli, ["compare", str(root), "--out", str(out), "--format", "csv,json,parquet,html",
                                      "--workers", "1", "--quiet"])
    return root, out, result


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_matrix_one_row_per_document_matches_golden(run):
    root, out, result = run
    assert result.exit_code == 0, result.output
    assert result.output.startswith("7 documents (7 analysed, 0 failed; 0 from cache), 6 platforms, 1 version pairs")
    rows = _rows(out / "matrix.csv")
    assert [(r["platform"], r["date"], r["date_source"]) for r in rows] == [
        ("cliquemission", "2022-05-10", "name"), ("flashlivre", "2024-02-01", "name"),
        ("parcelpal", "2024-06-01", "text"), ("roulio", "2024-01-15", "name"), ("roulio", "2025-03-01", "name"),
        ("taskhive", "2023-09-20", "name"), ("velocity", "2025-03-03", "name")]
    compare_golden(GOLDEN / "matrix.csv", (out / "matrix.csv").read_text("utf-8"))


def test_matrix_has_every_catalogue_indicator_in_every_format(run):
    import pandas as pd

    from requalify.rules import load_rules

    _, out, _ = run
    catalogue = load_rules().catalogue
    header = next(csv.reader((out / "matrix.csv").open(encoding="utf-8")))
    assert header[-len(catalogue):] == catalogue
    assert {"platform", "document_type", "date", "date_source", "language", "path", "sha256", "overall",
            "criterion_direction", "criterion_sanction"} <= set(header)
    frame = pd.read_parquet(out / "matrix.parquet")
    assert list(frame.columns) == header and len(frame) == 7
    assert frame["deactivation_power"].dtype.kind == "i"
    body = json.loads((out / "matrix.json").read_text("utf-8"))
    assert body["schema"] == "requalify.compare-matrix/1" and body["columns"] == header
    assert body["rules_version"] == load_rules().version and len(body["rows"]) == 7


def test_versions_show_the_known_edits_with_their_indicators(run):
    _, out, _ = run
    changes = _rows(out / "versions.csv")
    assert {c["platform"] for c in changes} == {"roulio"}
    assert all((c["from_date"], c["to_date"]) == ("2024-01-15", "2025-03-01") for c in changes)
    kinds = {}
    for c in changes:
        kinds.setdefault(c["change"], []).append(c)
    added = [c for c in kinds["added"] if "taux d'acceptation est inférieur à 80" in c["new_text"]]
    assert len(added) == 1 and "deactivation_power" in added[0]["indicators_new"].split()
    assert "deactivation_power" in added[0]["indicators_gained"].split()
    removed = [c for c in kinds["removed"] if "attendre le passager" in c["old_text"]]
    assert len(removed) == 1
    reworded = [c for c in kinds["changed"] if "40 heures" in c["new_text"]]
    assert len(reworded) == 1 and "30 heures" in reworded[0]["old_text"]
    assert "[-30-] {+40+}" in reworded[0]["word_diff"]
    assert float(reworded[0]["similarity"]) >= 0.5
    pairs = _rows(out / "version_pairs.csv")
    assert len(pairs) == 1
    # changed: the reworded clause 4.1 and the "last updated" line
    assert [int(pairs[0][k]) for k in ("added", "removed", "changed", "moved")] == [1, 1, 2, 0]
    compare_golden(GOLDEN / "version_pairs.csv", (out / "version_pairs.csv").read_text("utf-8"))


def test_report_html_is_self_contained(run):
    _, out, _ = run
    html = (out / "report.html").read_text("utf-8")
    assert "Marks of subordination in platform terms" in html
    assert "roulio · chauffeurs: 2024-01-15 → 2025-03-01" in html
    for src in __import__("re").findall(r'(?:src|href)="([^"#][^"]*)"', html):
        assert src.startswith("data:"), src
    for name in ("heatmap", "timeline", "prevalence"):
        svg = (out / "charts" / f"{name}.svg").read_bytes()
        assert svg.startswith(b"<?xml") and b"<dc:date>" not in svg
        assert (out / "charts" / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_rerun_comes_from_the_cache_and_gives_the_same_matrix(run):
    root, out, _ = run
    before = (out / "matrix.csv").read_bytes()
    result = CliRunner().invoke(cli, ["compare", str(root), "--out", str(out), "--format", "csv", "--quiet"])
    assert result.exit_code == 0, result.output
    assert "; 7 from cache)" in result.output
    assert (out / "matrix.csv").read_bytes() == before


def test_failed_document_keeps_its_row_and_exits_4(tmp_path):
    root = tmp_path / "tos"
    (root / "roulio").mkdir(parents=True)
    shutil.copyfile(CORPUS / "tos" / "roulio-chauffeurs-fr.md", root / "roulio" / "cgu_2024-01-15.md")
    (root / "broken").mkdir()
    (root / "broken" / "cgu_2024-01-01.md").write_bytes(b"")
    result = CliRunner().invoke(cli, ["compare", str(root), "--out", str(tmp_path / "out"), "--format", "csv",
                                      "--workers", "1", "--quiet"])
    assert result.exit_code == 4, result.output
    assert "broken/cgu_2024-01-01.md: " in result.output and "empty file" in result.output
    rows = {r["path"]: r for r in _rows(tmp_path / "out" / "matrix.csv")}
    assert rows["broken/cgu_2024-01-01.md"]["status"] == "failed"
    assert rows["broken/cgu_2024-01-01.md"]["deactivation_power"] == ""
    assert rows["roulio/cgu_2024-01-15.md"]["status"] == "done"


def test_manifest_names_are_escaped_in_the_report_and_pdf_is_written(tmp_path):
    shutil.copyfile(CORPUS / "tos" / "taskhive-workers-en.md", tmp_path / "t.md")
    (tmp_path / "m.csv").write_text("platform,document_type,date,language,path\n"
                                    "<script>alert(1)</script>,terms,2023-09-20,en,t.md\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["compare", str(tmp_path / "m.csv"), "--out", str(out), "--format", "html,pdf",
                                      "--lang", "fr", "--workers", "1", "--quiet"])
    assert result.exit_code == 0, result.output
    html = (out / "report.html").read_text("utf-8")
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Les indices de subordination" in html
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(out / "report.pdf"))
    assert len(pdf) >= 3
    assert "indices de subordination" in pdf[0].get_textpage().get_text_range()


@pytest.mark.parametrize("args, message", [
    (["--format", "csv,xlsx"], "unknown format(s) xlsx"),
    (["--scheduler", "tcp://127.0.0.1:8786"], "--scheduler needs --engine dask"),
])
def test_usage_errors_exit_2(tmp_path, args, message):
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "a.md").write_text("# T\n\nText.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["compare", str(tmp_path), "--out", str(tmp_path / "o"), *args])
    assert result.exit_code == 2 and message in result.output


def test_url_corpus_is_refused_with_exit_3(tmp_path):
    result = CliRunner().invoke(cli, ["compare", "https://example.org/tos", "--out", str(tmp_path / "o")])
    assert result.exit_code == 3 and "error[RQ370]" in result.output and "local files only" in result.output


def test_pdf_fetcher_serves_data_uris_only():
    from requalify.compare_report import data_only_fetcher

    fetcher = data_only_fetcher()
    with pytest.raises(ValueError):
        fetcher.fetch("file:///etc/passwd")
    with pytest.raises(ValueError):
        fetcher.fetch("https://example.org/x.png")
    assert fetcher.refused == ["file:///etc/passwd", "https://example.org/x.png"]
    response = fetcher.fetch("data:text/plain;base64,aGk=")
    body = response.read() if hasattr(response, "read") else response.body
    assert body == b"hi"


def test_dask_engine_gives_the_same_matrix(tmp_path):
    root = tmp_path / "tos"
    for rel in ("roulio/chauffeurs_2024-01-15.md", "taskhive/participation-agreement_2023-09-20.md"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(CORPUS / "tos" / LAYOUT[rel], root / rel)
    outs = []
    for engine in ("local", "dask"):
        out = tmp_path / engine
        result = CliRunner().invoke(cli, ["compare", str(root), "--out", str(out), "--format", "csv",
                                          "--engine", engine, "--workers", "1", "--quiet"])
        assert result.exit_code == 0, result.output
        outs.append((out / "matrix.csv").read_text("utf-8"))
    assert outs[0] == outs[1]
