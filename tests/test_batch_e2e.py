"""``requalify batch`` end to end: a dozen members from corpus/, two broken; rerun, change, kill -9, Dask."""

from __future__ import annotations

import csv
import io
import os
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from requalify.cli import cli
from requalify.runner import Store

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
TOS = ["tos/roulio-chauffeurs-fr.md", "tos/flashlivre-coursiers-fr.html", "demo/conditions-chauffeurs.md"]
EXPORTS = ["exports/uber-dispatches-2020", "exports/weclock", "exports/uber-eats-courier-2023", "exports/wolt"]
BROKEN = {"m05": "RQ310", "m09": "RQ350"}


def make_members(root: Path, n: int = 12, broken: bool = True) -> Path:
    """n member folders: a shared ToS (3 distinct ones in all) and one export each; m05 and m09 broken."""
    root.mkdir(parents=True, exist_ok=True)
    for i in range(1, n + 1):
        m = root / f"m{i:02d}"
        m.mkdir()
        shutil.copy(CORPUS / TOS[i % len(TOS)], m)
        for f in sorted((CORPUS / EXPORTS[i % len(EXPORTS)]).iterdir()):
            shutil.copy(f, m)
        if i % 3 == 0:
            (m / "member.yaml").write_text(f"name: Adhérent {i}\nplatform: Roulio\nperiod: 2024-01-01/2024-06-30\n",
                                           "utf-8")
    if broken and n >= 9:
        (root / "m05" / "cgu-signee.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage")
        for f in (root / "m09").glob("*.csv"):
            f.unlink()
        (root / "m09" / "10 - Driver Online Offline.csv").write_text(
            "earner_state;begin_timestamp_utc\nopen;2021-01-01T00:00:00.000Z\n", "utf-8")
    return root


def run_cli(*args: str):
    return CliRunner().invoke(cli, ["batch", *args], catch_exceptions=False)


def summary_rows(out: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((out / "summary.csv").read_text("utf-8"))))


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """One complete batch run (12 members, 2 broken), shared by the tests that only read it."""
    base = tmp_path_factory.mktemp("batch")
    members = make_members(base / "members")
    out = base / "out"
    result = run_cli(str(members), "--out", str(out), "--format", "json", "--workers", "2")
    return {"members": members, "out": out, "result": result, "summary": (out / "summary.csv").read_bytes(),
            "rules_version": rules_version()}


def rules_version() -> str:
    from requalify.rules import load_rules

    return load_rules().version


def same_rules(batch) -> None:
    """Comparing two runs' outputs only means something if nobody edited the rules in between."""
    if rules_version() != batch["rules_version"]:
        pytest.skip("the rules folder changed while the tests ran")


def test_exit_4_lists_the_failed_members(batch):
    result = batch["result"]
    assert result.exit_code == 4, result.output
    assert "12 members: 10 done" in result.output and "2 failed" in result.output
    assert "failed m05" in result.output and "failed m09" in result.output
    assert "m05, m09" in result.output
    assert "loading the language model" in result.output  # said before the silent seconds of the preload


def test_summary_has_one_row_per_member_and_every_indicator(batch):
    from requalify.rules import load_rules

    rows = summary_rows(batch["out"])
    assert [r["member"] for r in rows] == [f"m{i:02d}" for i in range(1, 13)]
    header = next(csv.reader(io.StringIO(batch["summary"].decode())))
    catalogue = load_rules().catalogue
    assert header[-len(catalogue):] == catalogue
    assert {"score", "band", "direction", "control", "sanction", "organised_service", "dependence"} <= set(header)
    done = [r for r in rows if r["status"] == "done"]
    assert len(done) == 10
    for r in done:
        assert r["error"] == "" and r["band"] in ("strong", "moderate", "weak", "insufficient")
        assert 0 <= float(r["score"]) <= 1
        assert all(r[i] in ("0", "1") for i in catalogue)
    assert next(r for r in rows if r["member"] == "m03")["name"] == "Adhérent 3"
    failed = {r["member"]: r for r in rows if r["status"] == "failed"}
    assert set(failed) == set(BROKEN)
    for member, code in BROKEN.items():
        assert failed[member]["error_code"] == code
        assert failed[member]["error_file"].startswith(str(batch["members"] / member))
        assert failed[member]["error"] and all(failed[member][i] == "" for i in catalogue)
    assert "missing required column" in failed["m09"]["error"]


def test_outputs_per_member_and_aggregate_report(batch):
    out = batch["out"]
    for i in range(1, 13):
        member = f"m{i:02d}"
        assert (out / member / "assessment.json").exists() == (member not in BROKEN)
    html = (out / "report.html").read_text("utf-8")
    assert "Rapport collectif de requalification" in html
    assert "Clauses les plus fréquentes" in html and "Dossiers en échec" in html
    assert "m05" in html and "RQ310" in html
    assert "<script" not in html
    assert (out / "requalify.sqlite").exists()
    with Store(out / "requalify.sqlite") as store:
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tos = [r for r in store.records() if r.id.startswith("tos/")]
        assert len(tos) == 4  # three distinct ToS documents and the corrupt PDF, each analysed once
        assert sum(r.attempts for r in tos) == 4


def run_cli_analyze(*args):
    from click.testing import CliRunner

    from requalify.cli import cli

    return CliRunner().invoke(cli, ["analyze", *args])


def test_a_member_dossier_equals_a_single_analyze(batch):
    """The ToS findings come from the cache, yet assessment.json is byte for byte what `analyze` writes."""
    from requalify.pipeline import analyze
    from requalify.report.json import assessment_json_bytes

    member = batch["members"] / "m03"
    tos = [str(p) for p in sorted(member.glob("*.md"))]
    activity = [str(p) for p in sorted(member.iterdir()) if p.suffix == ".csv"]
    single = analyze(tos, activity, worker="Adhérent 3", platform="Roulio", lang="fr", relative_to=member)
    single.case["period"] = single.case["period"] or "2024-01-01/2024-06-30"
    assert (batch["out"] / "m03" / "assessment.json").read_bytes() == assessment_json_bytes(single)
    cli_out = batch["out"].parent / "single-m03"
    assert run_cli_analyze(str(member), "--format", "json", "--out", str(cli_out)).exit_code == 0
    assert (cli_out / "assessment.json").read_bytes() == assessment_json_bytes(single)


def test_rerun_skips_what_is_done(batch, tmp_path):
    same_rules(batch)
    out = tmp_path / "out"
    shutil.copytree(batch["out"], out)
    with Store(out / "requalify.sqlite") as store:
        before = {r.id: (r.attempts, r.finished_at) for r in store.records()}
    result = run_cli(str(batch["members"]), "--out", str(out), "--format", "json", "--workers", "2")
    assert result.exit_code == 4
    assert "(12 unchanged, skipped)" in result.output and "(0 analysed this run)" in result.output
    assert "loading the language model" not in result.output  # nothing to run, nothing loaded
    with Store(out / "requalify.sqlite") as store:
        assert {r.id: (r.attempts, r.finished_at) for r in store.records()} == before
        last = store.runs()[-1]
        assert (last["total"], last["skipped"], last["done"], last["failed"]) == (12, 12, 0, 0)
    assert (out / "summary.csv").read_bytes() == batch["summary"]


def test_moving_the_members_folder_reruns_nobody(batch, tmp_path):
    same_rules(batch)
    moved = tmp_path / "elsewhere" / "members"
    shutil.copytree(batch["members"], moved)
    out = tmp_path / "out"
    shutil.copytree(batch["out"], out)
    result = run_cli(str(moved), "--out", str(out), "--format", "json", "--workers", "2")
    assert result.exit_code == 4
    assert "(12 unchanged, skipped)" in result.output and "(0 analysed this run)" in result.output
    assert (out / "summary.csv").read_bytes() == batch["summary"]


def test_a_changed_input_reruns_just_that_member(batch, tmp_path):
    same_rules(batch)
    out = tmp_path / "out"
    shutil.copytree(batch["out"], out)
    added = batch["members"] / "m04" / "member.yaml"
    added.write_text("name: Nadia\n", "utf-8")
    try:
        result = run_cli(str(batch["members"]), "--out", str(out), "--format", "json", "--workers", "1", "-q")
    finally:
        added.unlink()
    assert result.exit_code == 4
    with Store(out / "requalify.sqlite") as store:
        run = store.runs()[-1]
        ran = [r.id for r in store.records() if r.run_id == run["id"]]
    assert ran == ["member/m04"]
    rows = {r["member"]: r for r in summary_rows(out)}
    assert rows["m04"]["name"] == "Nadia"
    assert rows["m04"]["score"] == next(r for r in summary_rows(batch["out"]) if r["member"] == "m04")["score"]


def test_force_reruns_everything(tmp_path):
    members = make_members(tmp_path / "members", n=2, broken=False)
    out = tmp_path / "out"
    assert run_cli(str(members), "--out", str(out), "--format", "json", "--workers", "1", "-q").exit_code == 0
    result = run_cli(str(members), "--out", str(out), "--format", "json", "--workers", "1", "-q", "--force")
    assert result.exit_code == 0, result.output
    assert "2 members: 2 done (0 unchanged, skipped), 0 failed" in result.output
    with Store(out / "requalify.sqlite") as store:
        assert {r.attempts for r in store.records()} == {2}


def test_kill_9_mid_run_resumes_to_the_same_summary(batch, tmp_path):
    out = tmp_path / "out"
    cmd = [str(ROOT / ".venv" / "bin" / "requalify"), "batch", str(batch["members"]), "--out", str(out),
           "--format", "pdf,json", "--workers", "1", "-q"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db = out / "requalify.sqlite"
    done, deadline = 0, time.time() + 300
    while time.time() < deadline and proc.poll() is None and done < 1:
        time.sleep(0.1)
        if db.exists():
            try:
                with sqlite3.connect(db, timeout=5) as con:
                    done = con.execute("SELECT count(*) FROM tasks WHERE id LIKE 'member/%' AND status = 'done'"
                                       ).fetchone()[0]
            except sqlite3.OperationalError:
                pass
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert done >= 1
    with Store(db) as store:
        members = [r for r in store.records() if r.id.startswith("member/")]
        assert sum(r.status == "done" for r in members) < 12, "the run finished before it could be killed"
        first_done = {r.id: r.finished_at for r in members if r.status == "done"}
    assert not (out / "summary.csv").exists()

    result = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    assert result.returncode == 4, result.stderr
    with Store(db) as store:
        records = {r.id: r for r in store.records() if r.id.startswith("member/")}
    assert len(records) == 12
    assert sum(r.status == "done" for r in records.values()) == 10
    assert all(records[i].finished_at == t and records[i].attempts == 1 for i, t in first_done.items())
    assert not list(out.rglob("*.rqtmp"))
    same_rules(batch)
    assert (out / "summary.csv").read_bytes() == batch["summary"]
    for i in range(1, 13):
        member = f"m{i:02d}"
        if member not in BROKEN:
            assert (out / member / "dossier.pdf").read_bytes()[:5] == b"%PDF-"
            assert (out / member / "assessment.json").read_bytes() == \
                (batch["out"] / member / "assessment.json").read_bytes()
    assert (out / "report.pdf").read_bytes()[:5] == b"%PDF-"
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(out / "report.pdf").pages)
    assert "Rapport collectif" in text and "m05" in text


def test_dask_engine_gives_the_same_dossiers(batch, tmp_path):
    from distributed import LocalCluster

    from requalify.batch import run_batch

    members = tmp_path / "members"
    members.mkdir()
    for m in ("m01", "m02", "m05"):
        shutil.copytree(batch["members"] / m, members / m)
    out = tmp_path / "out"
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        result = run_batch(members, out, engine="dask", scheduler=cluster.scheduler_address, formats=["json"],
                           progress=False)
    assert [m for m, _ in result.failed] == ["m05"]
    same_rules(batch)
    for m in ("m01", "m02"):
        expected = (batch["out"] / m / "assessment.json").read_bytes()
        assert (out / m / "assessment.json").read_bytes() == expected.replace(str(batch["members"]).encode(),
                                                                              str(members).encode())
    with Store(out / "requalify.sqlite") as store:
        assert {r["engine"] for r in store.runs()} == {"dask"}
    rows = {r["member"]: r for r in summary_rows(out)}
    full = {r["member"]: r for r in summary_rows(batch["out"])}
    assert rows["m01"] == full["m01"] and rows["m05"]["error_code"] == "RQ310"
    assert rows["m05"]["error_file"] == str(members / "m05" / "cgu-signee.pdf")


def test_the_cached_terms_analysis_keeps_what_was_set_aside(tmp_path):
    """A platform's customer terms are analysed once for all members: the cache must not drop the set-aside list."""
    import json

    from requalify.batch import _evidence, analyze_tos
    from requalify.pipeline import analyze_document
    from requalify.rules import load_rules
    from requalify.runner import Task

    terms = tmp_path / "cgu-passagers.md"
    terms.write_text("# CGU\n\n" + "Les « Prestataires Tiers » sont des chauffeurs tiers. " * 12
                     + "\n\nVotre compte est personnel et vous ne pouvez pas le céder à un tiers.\n", encoding="utf-8")
    cached = json.loads(json.dumps(analyze_tos(Task(id="t", inputs=(str(terms),), extra={}))))
    fresh = analyze_document(terms, load_rules())
    assert fresh.set_aside and [_evidence(e, str(terms)) for e in cached["set_aside"]] == fresh.set_aside
