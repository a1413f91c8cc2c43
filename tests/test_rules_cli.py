"""`requalify rules list | show | validate | test` through click's runner, exact where a script reads."""

from __future__ import annotations

import csv
import io
import json
import shutil
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner

from requalify.cli import cli, main
from requalify.rules import _walk, load_rules


def invoke(*args):
    return CliRunner().invoke(cli, list(map(str, args)))


def exit_code(capsys, *args):
    with pytest.raises(SystemExit) as exc:
        main(list(map(str, args)))
    out, err = capsys.readouterr()
    return exc.value.code, out, err


def test_list_csv_has_every_indicator_in_catalogue_order():
    r = invoke("rules", "list", "--csv", "--lang", "en")
    assert r.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert list(rows[0]) == ["id", "kind", "polarity", "criterion", "weight", "label"]
    rules = load_rules()
    assert [row["id"] for row in rows] == rules.catalogue
    deact = next(row for row in rows if row["id"] == "deactivation_power")
    assert deact == {"id": "deactivation_power", "kind": "text", "polarity": "+", "criterion": "sanction",
                     "weight": str(rules.indicators["deactivation_power"].weight),
                     "label": rules.indicators["deactivation_power"].label["en"]}
    label = next(row for row in rows if row["id"] == "independent_status_label")
    assert label["polarity"] == "0" and label["criterion"] == "" and float(label["weight"]) == 0.0


def test_list_json_and_table():
    r = invoke("rules", "list", "--json")
    assert len(json.loads(r.stdout)) == len(load_rules().indicators)
    table = invoke("rules", "list").stdout.splitlines()
    assert table[0].split() == ["id", "kind", "polarity", "criterion", "weight", "label"]


def test_show_indicator_resolves_its_sources():
    r = invoke("rules", "show", "free_to_abandon_task", "--lang", "en")
    assert r.exit_code == 0
    assert r.stdout.startswith("# indicator free_to_abandon_task  (rules sha256:")
    assert "crim_2022_clic_and_walk: Cass. crim., 5 April 2022, No. 20-81.775, judgment No. 00321 FS-B [against, verified]" in r.stdout
    assert "\n# profiles\nclic_and_walk_2022" in r.stdout


def test_show_source_and_profile_as_json():
    src = json.loads(invoke("rules", "show", "soc_2020_uber", "--json").stdout)
    assert src["kind"] == "source" and src["rule"]["ecli"] is None
    assert src["profiles"] == ["uber_2020"]
    prof = json.loads(invoke("rules", "show", "eu_directive_2024", "--json").stdout)
    assert [s["id"] for s in prof["sources"]] == ["eu_pwd_2024_2831", "eu_com_2021_762"]


def test_show_unknown_id_exits_3_with_a_suggestion(capsys):
    code, _, err = exit_code(capsys, "rules", "show", "uber_2021")
    assert code == 3
    assert err.startswith("error[RQ362]: uber_2021: no indicator, source or profile has this id (did you mean ")


def test_validate_counts_the_files():
    n = len(_walk(resources.files("requalify.rules")))
    r = invoke("rules", "validate")
    assert r.exit_code == 0 and r.stdout == f"{n} files valid\n"


def test_validate_lists_every_problem_and_exits_3(tmp_path, capsys):
    folder = tmp_path / "rules"
    shutil.copytree(Path(str(resources.files("requalify.rules"))), folder,
                    ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    p = folder / "sources" / "soc_2022_le_cab.yaml"
    p.write_text(p.read_text("utf-8").replace("direction: against", "direction: for\nverdict: x"), "utf-8")
    code, out, err = exit_code(capsys, "rules", "validate", folder)
    assert code == 3
    assert out.splitlines() == ["sources/soc_2022_le_cab.yaml:verdict: unknown key (not in the schema)"]
    assert f"error[RQ360]: {folder}: 1 problem(s) in the rules" in err


class _Result:
    def __init__(self, id_, passed, expected="present", got="absent"):
        self.id, self.passed, self.expected, self.got = id_, passed, expected, got
        self.sentence, self.found = "Le compte peut être désactivé.", ()


def test_rules_test_reports_failures_and_exits_4(monkeypatch, capsys):
    import requalify.engine as engine

    monkeypatch.setattr(engine, "run_rule_examples", lambda rules, indicator=None: [
        _Result("deactivation_power/fr/positive/1", True), _Result("deactivation_power/fr/positive/2", False)])
    code, out, err = exit_code(capsys, "rules", "test", "--indicator", "deactivation_power")
    assert code == 4
    assert out.splitlines() == [
        "FAIL deactivation_power/fr/positive/2: expected present, got absent (found: nothing)",
        "     Le compte peut être désactivé.",
        "1 passed, 1 failed",
    ]
    assert err == "error: 1 example(s) misclassified\n"


def test_rules_test_passes(monkeypatch):
    import requalify.engine as engine

    monkeypatch.setattr(engine, "run_rule_examples", lambda rules, indicator=None: [_Result("x/fr/negative/1", True)])
    r = invoke("rules", "test")
    assert r.exit_code == 0 and r.stdout == "1 passed, 0 failed\n"


def test_rules_test_unknown_indicator_exits_3(capsys):
    code, _, err = exit_code(capsys, "rules", "test", "--indicator", "nope")
    assert code == 3 and "nope: unknown indicator id" in err
