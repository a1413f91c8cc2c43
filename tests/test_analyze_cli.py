"""`requalify analyze` end to end: what scripts read (assessment.json, run.json) and the exit codes."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from requalify.cli import cli, main
from requalify.errors import InputError, UnsupportedLanguage
from requalify.pipeline import collect_case, collect_case_dir

from .conftest import CORPUS, REPO, compare_golden

GOLDEN = REPO / "tests" / "golden" / "assessment"
EXAMPLE = "corpus/tos/roulio-chauffeurs-fr.md"


def invoke(*args):
    return CliRunner().invoke(cli, list(map(str, args)))


def exit_code(capsys, *args) -> tuple[int, str, str]:
    """Through ``main``, which maps errors to the exit codes of CONTRACT.md."""
    with pytest.raises(SystemExit) as exc:
        main(list(map(str, args)))
    out, err = capsys.readouterr()
    return exc.value.code, out, err


@pytest.fixture(scope="module")
def example_run(tmp_path_factory):
    if not (REPO / EXAMPLE).exists():
        pytest.skip(f"{EXAMPLE} not written yet")
    out = tmp_path_factory.mktemp("out")
    mp = pytest.MonkeyPatch()
    mp.chdir(REPO)
    try:
        first = invoke("analyze", "--tos", EXAMPLE, "--format", "json", "--out", out / "a")
        second = invoke("analyze", "--tos", EXAMPLE, "--format", "json", "--out", out / "b")
    finally:
        mp.undo()
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    return out, first


def test_golden_assessment(example_run):
    """Reviewed as a diff; the rules hash is masked so a rules edit shows as the findings it changes."""
    out, _ = example_run
    text = (out / "a" / "assessment.json").read_text("utf-8")
    version = json.loads(text)["rules_version"]
    compare_golden(GOLDEN / "roulio-chauffeurs-fr" / "assessment.json", text.replace(version, "sha256:<rules_version>"))


def test_reruns_are_byte_identical(example_run):
    out, _ = example_run
    assert (out / "a" / "assessment.json").read_bytes() == (out / "b" / "assessment.json").read_bytes()


def test_assessment_follows_the_contract(example_run):
    out, _ = example_run
    d = json.loads((out / "a" / "assessment.json").read_text("utf-8"))
    assert d["schema"] == "requalify.assessment/1"
    assert {"schema", "rules_version", "inputs", "indicators", "findings", "metrics", "criteria", "profiles",
            "score"} <= set(d)
    assert d["inputs"][0]["path"] == EXAMPLE and d["inputs"][0]["kind"] == "tos" and d["inputs"][0]["format"] == "md"
    assert len(d["indicators"]) == 46
    assert all({"present", "polarity", "criterion", "strength", "findings"} <= set(e) for e in d["indicators"].values())
    assert set(d["criteria"]) == {"direction", "control", "sanction", "organised_service", "dependence"}
    assert d["score"]["band"] in ("strong", "moderate", "weak", "insufficient")
    assert all({"score", "matched", "missing"} <= set(p) for p in d["profiles"].values())
    for f in d["findings"]:
        assert {"path", "sha256", "page", "clause", "line_start", "line_end", "char_start", "char_end"} <= set(f["source"])
    assert d["case"]["language"] == "fr" and d["case"]["documents"][0]["date"] == "2024-01-15"


def test_run_json_holds_the_clock_and_hashes(example_run):
    out, result = example_run
    run = json.loads((out / "a" / "run.json").read_text("utf-8"))
    assert {"started_at", "duration_seconds", "requalify_version", "rules_version", "options", "inputs", "outputs"} <= set(run)
    assert run["outputs"]["json"]["sha256"] and run["options"]["formats"] == ["json"]
    assert result.output.splitlines()[:2] == [f"wrote {out / 'a' / 'assessment.json'}", f"wrote {out / 'a' / 'run.json'}"]
    assert result.output.splitlines()[2].startswith("score ")


def test_case_folder_is_split_and_leftovers_are_listed(tmp_path):
    case = tmp_path / "case"
    (case / "docs").mkdir(parents=True)
    shutil.copy(CORPUS / "tos" / "roulio-chauffeurs-fr.md", case / "docs" / "cgu.md")
    (case / "notes.odt").write_bytes(b"x")
    (case / ".DS_Store").write_bytes(b"x")
    tos, activity, skipped = collect_case(case)
    assert tos == [case / "docs" / "cgu.md"] and activity == []
    assert [(s.path, s.reason) for s in skipped] == [
        (str(case / ".DS_Store"), "hidden file"),
        (str(case / "notes.odt"), "neither a terms-of-service document nor an activity export")]
    assert collect_case_dir(case) == (tos, activity)


def test_case_folder_with_an_export_subfolder(tmp_path):
    case = tmp_path / "case"
    (case / "export").mkdir(parents=True)
    (case / "export" / "trips.csv").write_text("a,b\n1,2\n", "utf-8")
    shutil.copy(CORPUS / "tos" / "roulio-chauffeurs-fr.md", case / "cgu.md")
    tos, activity = collect_case_dir(case)
    assert tos == [case / "cgu.md"] and activity == [case / "export"]


def test_empty_case_folder_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no terms-of-service document or activity export found"):
        collect_case_dir(tmp_path)


def test_document_in_another_language_exits_3_naming_it(tmp_path, capsys):
    doc = tmp_path / "agb.md"
    doc.write_text("# Allgemeine Geschäftsbedingungen\n\nDer Fahrer ist verpflichtet, die Anweisungen der Plattform zu "
                   "befolgen und die App während der Schicht nicht zu verlassen. Die Plattform kann das Konto sperren, "
                   "wenn der Fahrer die Regeln nicht einhält oder mit den Kunden nicht freundlich ist.\n", "utf-8")
    code, out, err = exit_code(capsys, "analyze", "--tos", doc, "--format", "json", "--out", tmp_path / "out")
    assert code == 3
    assert err.startswith(f"error[RQ330]: {doc}: document language is German (de)")
    with pytest.raises(UnsupportedLanguage):
        from requalify.pipeline import analyze

        analyze([doc])


def test_missing_file_exits_3(tmp_path, capsys):
    code, _, err = exit_code(capsys, "analyze", "--tos", tmp_path / "nope.pdf", "--format", "json", "--out", tmp_path / "o")
    assert code == 3 and "file not found" in err and "Traceback" not in err


@pytest.mark.parametrize("args, message", [
    ((), "nothing to analyse"),
    (("somewhere", "--tos", "x.md"), "either CASE_DIR or --tos/--activity"),
    (("--tos", "x.md", "--format", "pdf,docx"), "docx: choose among pdf, json, html, md"),
])
def test_usage_errors_exit_2(tmp_path, capsys, args, message):
    code, _, err = exit_code(capsys, "analyze", *args, "--out", tmp_path / "o")
    assert code == 2 and message in err


def test_invalid_rules_folder_exits_3(tmp_path, capsys):
    (tmp_path / "rules").mkdir()
    code, _, err = exit_code(capsys, "analyze", "--tos", REPO / EXAMPLE, "--rules", tmp_path / "rules",
                             "--format", "json", "--out", tmp_path / "o")
    assert code == 3 and err.startswith("error[RQ360]:") and "indicators:(folder): missing or empty" in err


def test_help_has_an_example():
    r = invoke("analyze", "--help")
    assert r.exit_code == 0 and "requalify analyze corpus/demo --out out/demo" in r.output


def test_terms_addressed_to_customers_are_named_so_in_the_dossier(tmp_path):
    terms = tmp_path / "cgu-passagers.md"
    terms.write_text("# CGU\n\n" + "Les « Prestataires Tiers » sont des chauffeurs tiers. " * 12
                     + "\n\nVotre compte est personnel et vous ne pouvez pas le céder à un tiers.\n", encoding="utf-8")
    result = invoke("analyze", "--tos", terms, "--format", "json,md", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "out" / "assessment.json").read_text(encoding="utf-8"))
    assert [d["audience"] for d in data["case"]["documents"]] == ["customers"]
    assert not data["indicators"]["personal_performance_required"]["present"]
    dossier = (tmp_path / "out" / "dossier.md").read_text(encoding="utf-8")
    assert "s'adressent aux clients de la plateforme" in dossier
    # what was set aside is listed, so a lawyer can check the choice
    quote = "Votre compte est personnel et vous ne pouvez pas le céder à un tiers."
    assert data["case"]["documents"][0]["set_aside"] == [
        {"indicator": "personal_performance_required", "quote": quote, "page": None, "line_start": 5, "line_end": 5}]
    listed = next(line for line in dossier.splitlines() if line.startswith("- ligne 5, "))
    assert "Exécution personnelle imposée" in listed and f"« {quote} »" in listed


def test_terms_addressed_to_workers_set_nothing_aside(tmp_path):
    result = invoke("analyze", "--tos", REPO / EXAMPLE, "--format", "json", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "out" / "assessment.json").read_text(encoding="utf-8"))
    assert [d["set_aside"] for d in data["case"]["documents"]] == [[]]
