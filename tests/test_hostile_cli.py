"""Issue 8 through the command line: hostile inputs give exit 3 and one clear line; nothing is
written outside --out, nothing is fetched; the same case gives the same bytes anywhere."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys

import pytest
from click.testing import CliRunner

from requalify.cli import cli

from . import hostile
from .conftest import CORPUS


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def tree(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


@pytest.mark.parametrize("name,data", [
    ("10 - Driver Online Offline.csv", hostile.csv_wrong_delimiter()),
    ("10 - Driver Online Offline.csv", hostile.csv_mixed_encodings()),
    ("10 - Driver Online Offline.csv", hostile.csv_huge_line()),
    ("export.csv", b"\x00\x01\x02\x03" * 1000),
    ("download.zip", b"PK\x03\x04 this is not a zip"),
], ids=["wrong-delimiter", "mixed-encodings", "10M-char-line", "binary-csv", "fake-zip"])
def test_hostile_activity_files_exit_3_or_are_read(tmp_path, name, data):
    f = tmp_path / name
    f.write_bytes(data)
    r = run("analyze", "--activity", f, "--format", "json", "--out", tmp_path / "out")
    assert r.exit_code in (0, 3), r.output + r.stderr
    assert "Traceback" not in r.output + r.stderr
    if r.exit_code == 3:
        assert r.stderr.count("\n") == 1 and name in r.stderr and r.stderr.startswith("error[RQ")


def test_nothing_is_written_outside_out_and_nothing_fetched(tmp_path, monkeypatch):
    case = tmp_path / "case"
    case.mkdir()
    (case / "cgu.html").write_bytes(hostile.html_with_remote_resources())
    shutil.copy(CORPUS / "tos" / "roulio-chauffeurs-fr.md", case)
    (case / "cgu-bad.pdf").write_bytes(b"%PDF-1.7 truncated")
    before = tree(tmp_path)

    def refuse(*a, **k):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.chdir(case)
    r = run("analyze", "--tos", case / "cgu.html", case / "roulio-chauffeurs-fr.md",
            "--format", "json,html,pdf", "--out", tmp_path / "out")
    assert r.exit_code == 0, r.output + r.stderr
    after = tree(tmp_path)
    assert [p for p in after if p not in before and not p.startswith("out")] == []
    html = (tmp_path / "out" / "dossier.html").read_text()
    assert "evil.example" not in html and "SECRET-IFRAME" not in html
    r = run("analyze", "--tos", case / "cgu-bad.pdf", "--format", "json", "--out", tmp_path / "out2")
    assert r.exit_code == 3 and "cgu-bad.pdf" in r.stderr and "truncated" in r.stderr


def test_same_case_gives_identical_json_and_pdf_across_runs_and_folders(tmp_path):
    """Two copies of the demo case, analysed from two different working directories."""
    outs = []
    for i, cwd_name in enumerate(("a", "b/c")):
        cwd = tmp_path / cwd_name
        cwd.mkdir(parents=True)
        shutil.copytree(CORPUS / "demo", cwd / "case")
        out = tmp_path / f"out{i}"
        proc = subprocess.run([sys.executable, "-m", "requalify.cli", "analyze", "case", "--out", str(out),
                               "--format", "json,pdf"], cwd=cwd, capture_output=True, text=True,
                              env={**os.environ, "PYTHONHASHSEED": str(i)})
        assert proc.returncode == 0, proc.stderr
        outs.append(out)
    assert (outs[0] / "assessment.json").read_bytes() == (outs[1] / "assessment.json").read_bytes()
    assert (outs[0] / "dossier.pdf").read_bytes() == (outs[1] / "dossier.pdf").read_bytes()


def test_internal_error_logs_in_the_output_folder(tmp_path, monkeypatch):
    import requalify.pipeline as pipeline

    def boom(*a, **k):
        raise KeyError("bug")

    monkeypatch.setattr(pipeline, "analyze", boom)
    out = tmp_path / "out"
    r = run("analyze", "--tos", CORPUS / "tos" / "roulio-chauffeurs-fr.md", "--format", "json", "--out", out)
    assert r.exit_code == 1 and r.stderr.count("\n") == 1
    assert "internal error (KeyError)" in r.stderr and str(out) in r.stderr
    logs = list(out.glob("error-*.log"))
    assert len(logs) == 1 and "KeyError" in logs[0].read_text() and "Traceback" not in r.stderr
