"""``requalify analyze``: one worker's case to assessment.json and the dossier."""

from __future__ import annotations

import hashlib
import json
import os
import platform as _platform
import time
from datetime import datetime, timezone
from pathlib import Path

import click
from click.core import ParameterSource

from ..errors import RequalifyError

FORMATS = ("pdf", "json", "html", "md")


class _Greedy(click.Option):
    """``--tos a.pdf b.html``: an option that takes every value up to the next option (repeating it works too)."""

    def add_to_parser(self, parser, ctx):
        super().add_to_parser(parser, ctx)
        for name in self.opts:
            opt = getattr(parser, "_long_opt", {}).get(name) or getattr(parser, "_short_opt", {}).get(name)
            if opt is None or not hasattr(opt, "process"):
                continue
            original = opt.process

            def process(value, state, _original=original):
                _original(value, state)
                while state.rargs and not state.rargs[0].startswith("-"):
                    _original(state.rargs.pop(0), state)

            opt.process = process


def _formats(value: str) -> list[str]:
    wanted = [f.strip().lower() for f in value.split(",") if f.strip()]
    bad = [f for f in wanted if f not in FORMATS]
    if bad or not wanted:
        raise click.BadParameter(f"{', '.join(bad) or 'nothing'}: choose among {', '.join(FORMATS)}", param_hint="--format")
    return sorted(set(wanted), key=FORMATS.index)


def _file_sha256(path: Path) -> str | None:
    h = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    except OSError:
        return None
    return h.hexdigest()


class ReportUnavailable(RequalifyError):
    """The dossier renderer could not be loaded: exit 1 with the reason, JSON already written."""


@click.command()
@click.argument("case_dir", required=False, type=click.Path(path_type=Path))
@click.option("--tos", "tos", multiple=True, cls=_Greedy, type=click.Path(path_type=Path), metavar="FILE...",
              help="Terms of service, charter or agreement (PDF, HTML, Markdown, text, DOCX).")
@click.option("--activity", "activity", multiple=True, cls=_Greedy, type=click.Path(path_type=Path), metavar="FILE...",
              help="Activity export: CSV, TSV, JSON, XLSX, ZIP or an unzipped data-download folder.")
@click.option("--worker", help="Worker's name for the dossier cover.")
@click.option("--platform", "platform_name", help="Platform's name for the dossier cover.")
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=Path("requalify-out"),
              show_default=True, help="Folder for dossier.pdf, assessment.json, run.json ...")
@click.option("--format", "fmt", default="pdf,json", show_default=True,
              help="Comma-separated outputs among pdf, json, html, md.")
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True, help="Dossier language.")
@click.option("--rules", "rules_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Use this rules folder instead of the packaged one (see `requalify rules validate`).")
@click.option("--mapping", type=click.Path(dir_okay=False, path_type=Path),
              help="Column-mapping YAML for an export no adapter knows (see docs/activity-mapping.md).")
@click.option("--ocr", is_flag=True, help="Read scanned (image-only) PDFs with tesseract (see `make setup-ocr`).")
@click.option("--pseudonymize", is_flag=True,
              help="Replace the worker's name and ids, plates, contacts and precise positions in every output.")
def analyze(case_dir, tos, activity, worker, platform_name, out, fmt, lang, rules_dir, mapping, ocr, pseudonymize):
    """Analyse one worker's case: terms of service and/or activity export.

    Give either CASE_DIR (a folder holding the terms documents and the activity
    export, sub-folders allowed, and optionally a case.yaml with worker, platform,
    period and language) or --tos / --activity files. Writes
    assessment.json (schema requalify.assessment/1, identical bytes for the same
    inputs and rules), run.json (hashes, versions, options, time) and the dossier
    in the formats asked.

    \b
    Examples:
      requalify analyze corpus/demo --out out/demo
      requalify analyze --tos cgu.pdf charte.html --activity export.zip \\
          --worker "A. Martin" --platform Roulio --out dossier/ --format pdf,json
      requalify analyze --tos cgu.md --format json --lang en --out out/

    Exit status: 0 done, 2 usage error, 3 input error (the message names the file),
    1 internal error.
    """
    from .. import __version__
    from ..pipeline import analyze as run_analysis, collect_case, read_case_metadata
    from ..report.json import write_assessment_json
    from ..rules import load_rules

    started = time.monotonic()
    stamp = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    formats = _formats(fmt)
    if case_dir is not None and (tos or activity):
        raise click.UsageError("give either CASE_DIR or --tos/--activity files, not both")
    if case_dir is None and not tos and not activity:
        raise click.UsageError("nothing to analyse: give CASE_DIR, or --tos FILE... and/or --activity FILE...")
    os.umask(0o077)  # worker exports are personal data: every output is owner-only
    out.mkdir(parents=True, exist_ok=True)
    os.environ["REQUALIFY_LOG_DIR"] = str(out)

    skipped = []
    if case_dir is not None:
        tos_paths, activity_paths, skipped = collect_case(case_dir, exclude=[out])
        meta = read_case_metadata(case_dir)
        lang_given = click.get_current_context().get_parameter_source("lang") != ParameterSource.DEFAULT
        if "language" in meta and not lang_given:
            lang = meta["language"]
        worker = worker or meta.get("name")
        platform_name = platform_name or meta.get("platform")
        period = meta.get("period")
    else:
        tos_paths, activity_paths, period = list(tos), list(activity), None
    rules = load_rules(rules_dir)
    assessment = run_analysis(tos_paths, activity_paths, rules=rules, worker=worker, platform=platform_name,
                              lang=lang, skipped=skipped, mapping=mapping, ocr=ocr, relative_to=case_dir,
                              period=period)
    pseudonymizer = None
    if pseudonymize:
        from ..pseudonymize import pseudonymizer_for

        pseudonymizer = pseudonymizer_for(assessment, names=[worker] if worker else [])
        assessment = pseudonymizer.value(assessment)
        assessment.case = {**assessment.case, "pseudonymized": True}

    written: dict[str, Path] = {}
    if "json" in formats:
        written["json"] = write_assessment_json(assessment, out / "assessment.json")
    dossier_formats = [f for f in formats if f != "json"]
    error = None
    if dossier_formats:
        try:
            from ..report import render
        except ImportError as exc:
            error = ReportUnavailable(f"cannot write {', '.join(dossier_formats)}: the dossier renderer is not available "
                                      f"({exc}); use --format json")
        else:
            written.update(render(assessment, out, set(dossier_formats), lang=lang, rules=rules))

    run = {
        "requalify_version": __version__,
        "rules_version": rules.version,
        "rules_path": str(rules_dir) if rules_dir else "requalify/rules",
        "schema": "requalify.run/1",
        "started_at": stamp,
        "duration_seconds": round(time.monotonic() - started, 3),
        "python": _platform.python_version(),
        "options": {"case_dir": str(case_dir) if case_dir else None, "tos": [str(p) for p in tos],
                    "activity": [str(p) for p in activity], "worker": worker, "platform": platform_name,
                    "formats": formats, "lang": lang, "out": str(out), "mapping": str(mapping) if mapping else None,
                    "ocr": ocr, "pseudonymize": pseudonymize},
        "inputs": [s.to_dict() for s in assessment.inputs],
        "skipped": [s.to_dict() for s in assessment.skipped],
        "outputs": {k: {"path": str(p), "sha256": _file_sha256(Path(p))} for k, p in sorted(written.items())},
    }
    if pseudonymizer is not None:
        run["options"] = pseudonymizer.value(run["options"])
    (out / "run.json").write_text(json.dumps(run, ensure_ascii=False, indent=2, sort_keys=True) + "\n", "utf-8")
    written["run"] = out / "run.json"

    for key in [k for k in ("json", "pdf", "html", "md", "run") if k in written]:
        click.echo(f"wrote {written[key]}")
    score = assessment.score
    counters = sum(1 for e in assessment.indicators.values() if e["present"] and e["polarity"] == "-")
    click.echo(f"score {score['overall']:.2f} ({score['band']}, heuristic) · {len(assessment.findings)} findings · "
               f"{counters} counter-indicators · {len(assessment.skipped)} skipped")
    if error is not None:
        raise error


__all__ = ["analyze"]
