"""Shared output options for commands that print (as sqlite-utils does): table by default, or --json / --csv."""

from __future__ import annotations

import csv
import functools
import json
import sys

import click


def output_options(fn):
    @click.option("--json", "fmt", flag_value="json", help="Print JSON.")
    @click.option("--csv", "fmt", flag_value="csv", help="Print CSV.")
    @click.option("--table", "fmt", flag_value="table", default=True, help="Print a text table (default).")
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return fn(*args, **kwargs)

    return wrapper


def emit_json(obj) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True))


def emit_rows(rows: list[dict], columns: list[str], fmt: str) -> None:
    if fmt == "json":
        emit_json(rows)
        return
    if fmt == "csv":
        w = csv.DictWriter(sys.stdout, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
        return
    widths = {c: max([len(c)] + [len(_cell(r.get(c))) for r in rows]) for c in columns}
    widths[columns[-1]] = len(columns[-1])
    click.echo("  ".join(c.ljust(widths[c]) for c in columns).rstrip())
    click.echo("  ".join("-" * widths[c] for c in columns).rstrip())
    for r in rows:
        click.echo("  ".join(_cell(r.get(c)).ljust(widths[c]) for c in columns).rstrip())


def _cell(v) -> str:
    return "" if v is None else str(v)
