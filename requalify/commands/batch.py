"""``requalify batch``: one dossier per union member, in parallel, resumable, on one machine or on Dask."""

from __future__ import annotations

import os
from pathlib import Path

import click

FORMATS = ("pdf", "json", "html", "md")


def _formats(value: str) -> list[str]:
    wanted = [f.strip().lower() for f in value.split(",") if f.strip()]
    bad = [f for f in wanted if f not in FORMATS]
    if bad or not wanted:
        raise click.BadParameter(f"{', '.join(bad) or 'nothing'}: choose among {', '.join(FORMATS)}",
                                 param_hint="--format")
    return sorted(set(wanted), key=FORMATS.index)


@click.command()
@click.argument("members", type=click.Path(exists=True, path_type=Path), metavar="MEMBERS_DIR")
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for <member>/dossier.pdf, summary.csv, report.html/pdf and requalify.sqlite.")
@click.option("--workers", type=click.IntRange(min=1), help="Parallel worker processes (default: all cores).")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="local: a process pool on this machine; dask: a dask.distributed cluster.")
@click.option("--scheduler", metavar="ADDR", help="Dask scheduler address (tcp://host:8786); without it "
              "--engine dask starts a local cluster.")
@click.option("--force", is_flag=True, help="Redo every member, even those whose inputs and rules are unchanged.")
@click.option("--format", "fmt", default="pdf,json", show_default=True,
              help="Per-member outputs among pdf, json, html, md (report.pdf is written with pdf).")
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True,
              help="Dossier and report language (a member.yaml 'language' overrides it for that member).")
@click.option("--rules", "rules_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Use this rules folder instead of the packaged one.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or per-member log lines.")
def batch(members, out, workers, engine, scheduler, force, fmt, lang, rules_dir, quiet):
    """Analyse every member of a union: one dossier each, a summary table and a collective report.

    MEMBERS_DIR holds one sub-folder per member (that member's terms of service,
    activity exports and an optional member.yaml with name, platform, period,
    language), or is a manifest CSV (member,tos,activity,...). A rerun redoes only
    the members whose files or rules changed; a run that was interrupted, even by
    kill -9, resumes where it stopped.

    \b
    Examples:
      requalify batch adherents/ --out dossiers/
      requalify batch adherents/ --out dossiers/ --workers 4 --format json
      requalify batch manifest.csv --out dossiers/ --engine dask --scheduler tcp://10.0.0.5:8786

    Exit status: 0 all done, 4 finished but some members failed (listed), 3 input
    error, 2 usage error, 1 internal error.
    """
    from ..batch import run_batch
    from ..cli import BatchIncomplete

    if scheduler and engine != "dask":
        raise click.UsageError("--scheduler needs --engine dask")
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("REQUALIFY_LOG_DIR", str(out))
    result = run_batch(members, out, workers=workers, engine=engine, scheduler=scheduler, force=force,
                       formats=_formats(fmt), lang=lang, rules_dir=rules_dir, progress=not quiet)
    total = len(result.members)
    done = total - len(result.failed)
    click.echo(f"{total} members: {done} done ({result.skipped} unchanged, skipped), {len(result.failed)} failed; "
               f"{result.tos_documents} distinct terms documents ({result.tos_executed} analysed this run)")
    for key in ("summary", "report_html", "report_pdf"):
        if key in result.outputs:
            click.echo(f"wrote {result.outputs[key]}")
    if result.failed:
        for member_id, error in result.failed:
            click.echo(f"  failed {member_id}: {error}", err=True)
        raise BatchIncomplete(f"{len(result.failed)} of {total} members failed: "
                              f"{', '.join(m for m, _ in result.failed)} (see {out / 'summary.csv'})")


__all__ = ["batch"]
