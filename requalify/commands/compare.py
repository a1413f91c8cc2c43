"""``requalify compare CORPUS``: a corpus of terms as a matrix, version diffs and a report."""

from __future__ import annotations

import click

FORMATS = ("csv", "parquet", "json", "html", "pdf")


def _formats(ctx, param, value: str) -> set[str]:
    chosen = {f.strip().lower() for f in value.split(",") if f.strip()}
    unknown = sorted(chosen - set(FORMATS))
    if unknown or not chosen:
        raise click.BadParameter(f"unknown format(s) {', '.join(unknown) or '(none)'}; choose from {','.join(FORMATS)}")
    return chosen


@click.command()
@click.argument("corpus", type=click.Path(path_type=str))
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=str),
              help="Folder for matrix.*, versions.*, report.* and the cache requalify.sqlite.")
@click.option("--format", "formats", default=",".join(FORMATS), show_default=True, callback=_formats,
              help="Outputs to write, comma-separated.")
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Worker processes (default: all cores).")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="local process pool, or a Dask cluster.")
@click.option("--scheduler", default=None, help="Dask scheduler address (with --engine dask; default: a local cluster).")
@click.option("--force", is_flag=True, help="Analyse every document again, ignoring the cache.")
@click.option("--lang", type=click.Choice(["en", "fr"]), default="en", show_default=True, help="Report language.")
@click.option("--dates", "date_order", type=click.Choice(["recorded", "stated"]), default="recorded", show_default=True,
              help="Which date places a version: recorded (manifest, file name, then the text's own date) or "
                   "stated (the text's 'last updated' date first).")
@click.option("--quiet", is_flag=True, help="No progress output.")
def compare(corpus: str, out: str, formats: set[str], workers: int | None, engine: str, scheduler: str | None,
            force: bool, lang: str, date_order: str, quiet: bool) -> None:
    """Compare a corpus of terms of service: which platform carries which indicator, and what changed.

    CORPUS is a folder of <platform>/<document-type>_<YYYY-MM-DD>.<ext> files (as Open Terms
    Archive lays them out) or a manifest CSV with columns platform, document_type, date, language,
    path (paths relative to the manifest). Writes matrix.csv (one row per document, one column per
    indicator), versions.csv (every clause added, removed, reworded or moved between successive
    versions, with the indicators it carries), version_pairs.csv, report.html/.pdf and charts/.
    Results are cached in OUT/requalify.sqlite by document hash and rules version. Local files
    only: links are not followed and nothing is fetched.

    \b
    Examples:
      requalify compare ../shared/corpus-real/tos --out out/compare
      requalify compare manifest.csv --out out/c --format csv,html --lang fr
      requalify compare corpus/ --out out/c --engine dask --scheduler tcp://10.0.0.5:8786
    """
    from pathlib import Path

    from ..cli import BatchIncomplete
    from ..compare import compare_corpus

    if scheduler and engine != "dask":
        raise click.UsageError("--scheduler needs --engine dask")
    run = compare_corpus(corpus, out, formats=formats, workers=workers, engine=engine, scheduler=scheduler,
                         force=force, lang=lang, date_order=date_order, progress=not quiet)
    ok = len(run.results) - len(run.failed)
    platforms = len({r.item.platform for r in run.results})
    click.echo(f"{len(run.results)} documents ({ok} analysed, {len(run.failed)} failed; {run.skipped} from cache), "
               f"{platforms} platforms, {len(run.pairs)} version pairs, {run.seconds:.1f}s")
    if run.corpus.skipped:
        click.echo(f"{len(run.corpus.skipped)} file(s) left out of the corpus (see skipped.csv)")
    outdir = Path(out)
    for p in run.written:
        if p.parent == outdir:
            click.echo(f"  {p}")
    if run.failed:
        lines = "\n".join(f"  {r.item.id}: {r.error}" for r in run.failed)
        raise BatchIncomplete(f"{len(run.failed)} document(s) failed:\n{lines}")
