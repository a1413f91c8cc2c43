"""`requalify parse` through click's runner: what scripts read, and the exit codes of CONTRACT.md."""

from __future__ import annotations

import json

from click.testing import CliRunner

from requalify import __version__
from requalify.cli import cli

from .conftest import CORPUS


def run(*args):
    return CliRunner().invoke(cli, list(args))


def test_parse_json_lists_clauses_with_locations():
    r = run("parse", str(CORPUS / "tos" / "taskhive-workers-en.md"), "--json")
    assert r.exit_code == 0
    data = json.loads(r.stdout)
    assert data["source"]["format"] == "md" and data["language"] == "en"
    first = data["clauses"][0]
    assert set(first) == {"index", "heading_path", "heading", "text", "char_start", "char_end",
                          "line_start", "line_end", "page"}
    c = next(c for c in data["clauses"] if c["text"].startswith("5.1"))
    assert c["heading"] == "TaskHive Worker Participation Agreement > 5. Suspension > 5.1"
    assert (c["line_start"], c["line_end"]) == (35, 35)


def test_parse_table_names_file_format_language_and_count():
    r = run("parse", str(CORPUS / "tos" / "roulio-chauffeurs-fr.md"))
    assert r.exit_code == 0
    head = r.stdout.splitlines()[0]
    assert "roulio-chauffeurs-fr.md" in head and "[md, fr, 25 clauses, sha256 be0050c0f2b1…]" in head


def test_parse_csv():
    r = run("parse", str(CORPUS / "tos" / "velocity-drivers-en.txt"), "--csv")
    assert r.exit_code == 0
    assert r.stdout.splitlines()[0] == "index,heading,page,line_start,line_end,char_start,char_end,text"


def test_input_errors_exit_3_with_one_line_naming_the_file(tmp_path):
    f = tmp_path / "scan.pdf"
    f.write_bytes(b"%PDF-1.4 truncated")
    r = run("parse", str(f))
    assert r.exit_code == 3
    assert r.stderr.strip().count("\n") == 0
    assert r.stderr.startswith("error[RQ310]: ") and str(f) in r.stderr and "truncated" in r.stderr
    assert "Traceback" not in r.output + r.stderr


def test_missing_file_and_unknown_format(tmp_path):
    assert run("parse", str(tmp_path / "nope.pdf")).exit_code == 3
    f = tmp_path / "data.xyz"
    f.write_text("hello")
    r = run("parse", str(f))
    assert r.exit_code == 3 and "unsupported document format '.xyz'" in r.stderr


def test_usage_errors_exit_2():
    assert run("parse").exit_code == 2
    assert run("no-such-command").exit_code == 2


def test_version_and_help_have_examples():
    assert run("--version").stdout.strip() == f"requalify, version {__version__}"
    r = run("parse", "--help")
    assert r.exit_code == 0 and "Examples:" in r.stdout and "requalify parse" in r.stdout


def test_internal_errors_exit_1_with_log_path(monkeypatch, tmp_path):
    import requalify.parsers as parsers

    def boom(*a, **k):
        raise ZeroDivisionError("bug")

    monkeypatch.setattr(parsers, "parse_document", boom)
    monkeypatch.setenv("REQUALIFY_LOG_DIR", str(tmp_path))
    r = run("parse", str(CORPUS / "tos" / "taskhive-workers-en.md"))
    assert r.exit_code == 1
    assert "internal error (ZeroDivisionError)" in r.stderr and str(tmp_path) in r.stderr
    logs = list(tmp_path.glob("error-*.log"))
    assert len(logs) == 1 and "ZeroDivisionError" in logs[0].read_text()
    assert "Traceback" not in r.stderr


def test_parse_does_not_import_heavy_libraries():
    import subprocess
    import sys

    code = ("import sys; from requalify.cli import main; sys.argv=['requalify','parse','"
            + str(CORPUS / "tos" / "taskhive-workers-en.md")
            + "','--json']\ntry:\n main()\nexcept SystemExit: pass\n"
            "heavy=[m for m in ('spacy','pandas','weasyprint','matplotlib') if m in sys.modules]\n"
            "sys.stderr.write(repr(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stderr.strip().endswith("[]"), out.stderr
