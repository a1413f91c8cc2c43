"""analyze: case.yaml, --mapping, --pseudonymize, owner-only outputs (issues 4 and 8)."""

from __future__ import annotations

import json
import shutil
import stat

import pytest
from click.testing import CliRunner

from requalify.cli import cli

from .conftest import CORPUS


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture()
def case(tmp_path):
    d = tmp_path / "case"
    d.mkdir()
    shutil.copy(CORPUS / "tos" / "roulio-chauffeurs-fr.md", d)
    (d / "case.yaml").write_text("name: Jeanne Martin\nplatform: Roulio\nlanguage: fr\n", encoding="utf-8")
    return d


def test_case_yaml_names_worker_and_platform_and_is_not_an_input(case, tmp_path):
    r = run("analyze", case, "--format", "json", "--out", tmp_path / "out")
    assert r.exit_code == 0, r.output + r.stderr
    a = json.loads((tmp_path / "out" / "assessment.json").read_text())
    assert a["case"]["worker"] == "Jeanne Martin" and a["case"]["platform"] == "Roulio"
    assert [i["path"].rsplit("/", 1)[-1] for i in a["inputs"]] == ["roulio-chauffeurs-fr.md"]
    assert not any("case.yaml" in s["path"] for s in a["skipped"])


def test_outputs_are_owner_only(case, tmp_path):
    out = tmp_path / "out"
    assert run("analyze", case, "--format", "json,md", "--out", out).exit_code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    for f in out.iterdir():
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, f


def test_pseudonymize_removes_the_worker_from_every_output(case, tmp_path):
    out = tmp_path / "out"
    r = run("analyze", case, "--format", "json,md,html", "--out", out, "--pseudonymize")
    assert r.exit_code == 0, r.output + r.stderr
    for f in out.iterdir():
        if f.suffix in (".json", ".md", ".html"):
            text = f.read_text(encoding="utf-8")
            assert "Jeanne" not in text and "Martin" not in text, f
    a = json.loads((out / "assessment.json").read_text())
    assert a["case"]["pseudonymized"] is True and a["case"]["worker"].startswith("worker-")
    again = tmp_path / "again"
    assert run("analyze", case, "--format", "json", "--out", again, "--pseudonymize").exit_code == 0
    assert (again / "assessment.json").read_bytes() == (out / "assessment.json").read_bytes()


def test_generic_mapping_reads_an_unknown_export(tmp_path):
    gen = CORPUS / "exports" / "generic"
    out = tmp_path / "out"
    r = run("analyze", "--activity", gen / "shifts-2024-04.csv", "--mapping", gen / "mapping.yaml",
            "--format", "json", "--out", out)
    assert r.exit_code == 0, r.output + r.stderr
    a = json.loads((out / "assessment.json").read_text())
    assert a["inputs"][0]["format"] == "generic-mapping"
    assert a["metrics"]["connection.online_hours"] > 0


def test_unknown_export_without_mapping_suggests_one(tmp_path):
    gen = CORPUS / "exports" / "generic"
    r = run("analyze", "--activity", gen / "shifts-2024-04.csv", "--format", "json", "--out", tmp_path / "o")
    assert r.exit_code == 3 and "--mapping" in r.stderr and "shifts-2024-04.csv" in r.stderr


def test_invalid_mapping_is_an_input_error(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("files: nope\n", encoding="utf-8")
    gen = CORPUS / "exports" / "generic"
    r = run("analyze", "--activity", gen / "shifts-2024-04.csv", "--mapping", bad, "--format", "json",
            "--out", tmp_path / "o")
    assert r.exit_code == 3 and r.stderr.startswith("error[RQ352]") and "bad.yaml" in r.stderr


def test_case_file_with_an_unknown_key_is_an_input_error(case, tmp_path):
    (case / "case.yaml").write_text("name: A\nplatfrom: Roulio\n", encoding="utf-8")
    r = run("analyze", case, "--format", "json", "--out", tmp_path / "out")
    assert r.exit_code == 3 and "case.yaml" in r.stderr and "platfrom" in r.stderr


def test_case_file_language_is_the_default_dossier_language(case, tmp_path):
    (case / "case.yaml").write_text("name: A\nlanguage: en\n", encoding="utf-8")
    assert run("analyze", case, "--format", "json", "--out", tmp_path / "o1").exit_code == 0
    assert json.loads((tmp_path / "o1" / "assessment.json").read_text())["case"]["language"] == "en"
    assert run("analyze", case, "--format", "json", "--lang", "fr", "--out", tmp_path / "o2").exit_code == 0
    assert json.loads((tmp_path / "o2" / "assessment.json").read_text())["case"]["language"] == "fr"
