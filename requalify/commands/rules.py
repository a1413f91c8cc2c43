"""``requalify rules``: read, check and test the legal knowledge without opening Python."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import InputError, RequalifyError, RulesInvalid
from ._output import emit_json, emit_rows, output_options


class RuleExamplesFailed(RequalifyError):
    """Some example sentences were misclassified: the run finished, items failed (exit 4)."""

    exit_code = 4


def _load(ctx: click.Context):
    from ..rules import load_rules

    return load_rules(ctx.obj.get("rules_dir") if ctx.obj else None)


@click.group()
@click.option("--rules", "rules_dir", type=click.Path(file_okay=False, path_type=Path),
              help="A rules folder other than the packaged one.")
@click.pass_context
def rules(ctx, rules_dir):
    """Read, check and test the rules: indicators, legal sources, precedent profiles.

    \b
    Examples:
      requalify rules list --lang en
      requalify rules show deactivation_power
      requalify rules validate my-rules/
      requalify rules test --indicator freedom_to_refuse
    """
    ctx.ensure_object(dict)
    ctx.obj["rules_dir"] = rules_dir


@rules.command("list")
@output_options
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True, help="Language of the labels.")
@click.pass_context
def list_(ctx, fmt, lang):
    """List every indicator: id, kind, polarity, criterion, weight, label.

    \b
    Examples:
      requalify rules list
      requalify rules list --csv --lang en > indicators.csv
    """
    rs = _load(ctx)
    rows = [{"id": i, "kind": ind.kind, "polarity": ind.polarity, "criterion": ind.criterion or "",
             "weight": ind.weight, "label": ind.label.get(lang, "")}
            for i, ind in ((i, rs.indicators[i]) for i in rs.catalogue)]
    emit_rows(rows, ["id", "kind", "polarity", "criterion", "weight", "label"], fmt)


def _resolved_sources(rs, ids, lang):
    out = []
    for sid in ids:
        src = rs.sources[sid]
        out.append({"id": sid, "citation": src["citation"][lang], "direction": src["direction"],
                    "confidence": src["confidence"], "ecli": src["ecli"]})
    return out


@rules.command("show")
@click.argument("item_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True)
@click.pass_context
def show(ctx, item_id, as_json, lang):
    """Show one indicator, source or profile: its YAML and the sources it cites, resolved.

    \b
    Examples:
      requalify rules show deactivation_power
      requalify rules show soc_2020_uber --lang en
      requalify rules show uber_2025 --json
    """
    import yaml

    rs = _load(ctx)
    if item_id in rs.indicators:
        kind, doc = "indicator", rs.indicators[item_id].spec
        cited = list(rs.indicators[item_id].sources)
        profiles = sorted(pid for pid, p in rs.profiles.items()
                          if any(item_id in (f.get("indicators") or []) for f in p["facts"]))
    elif item_id in rs.sources:
        kind, doc = "source", rs.sources[item_id]
        cited = []
        profiles = sorted(pid for pid, p in rs.profiles.items() if p["source"] == item_id or item_id in p.get("see_also", []))
    elif item_id in rs.profiles:
        kind, doc = "profile", rs.profiles[item_id]
        cited = [doc["source"], *doc.get("see_also", [])]
        cited += [f["source"] for f in doc["facts"] if "source" in f and f["source"] not in cited]
        profiles = []
    else:
        import difflib

        close = difflib.get_close_matches(item_id, [*rs.indicators, *rs.sources, *rs.profiles], n=3)
        raise InputError(item_id, "no indicator, source or profile has this id",
                         f"did you mean {', '.join(close)}?" if close else "see `requalify rules list`", code="RQ362")
    resolved = _resolved_sources(rs, cited, lang)
    if as_json:
        emit_json({"id": item_id, "kind": kind, "rule": doc, "sources": resolved, "profiles": profiles})
        return
    click.echo(f"# {kind} {item_id}  (rules {rs.version[:19]}…)")
    click.echo(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100).rstrip())
    if resolved:
        click.echo("\n# sources")
        for s in resolved:
            click.echo(f"{s['id']}: {s['citation']} [{s['direction']}, {s['confidence']}]")
    if profiles:
        click.echo("\n# profiles")
        for pid in profiles:
            click.echo(pid)


@rules.command("validate")
@click.argument("directory", required=False, type=click.Path(path_type=Path))
@click.pass_context
def validate(ctx, directory):
    """Check a rules folder: schemas, ids, cross-references, catalogue.

    Prints "N files valid" and exits 0, or lists every problem as
    file:field: message and exits 3.

    \b
    Examples:
      requalify rules validate
      requalify rules validate ./my-rules
    """
    from ..rules import check_rules

    target = directory or (ctx.obj or {}).get("rules_dir")
    count, problems, notes = check_rules(target)
    for note in notes:
        click.echo(f"note: {note}", err=True)
    if problems:
        for p in problems:
            click.echo(str(p))
        raise RulesInvalid(target or "requalify/rules", f"{len(problems)} problem(s) in the rules")
    click.echo(f"{count} files valid")


@rules.command("test")
@click.option("--indicator", help="Only this indicator's examples.")
@click.option("-v", "--verbose", is_flag=True, help="List passing examples too.")
@click.pass_context
def test(ctx, indicator, verbose):
    """Run each indicator's own example sentences through the engine.

    Every positive example must yield its indicator and every negative one must
    not. Exit status: 0 all pass; 4 some examples are misclassified (listed:
    the run finished but items failed, as for a batch); 3 the rules are invalid
    or the indicator id is unknown.

    \b
    Examples:
      requalify rules test
      requalify rules test --indicator freedom_to_refuse -v
    """
    from ..engine import run_rule_examples

    rs = _load(ctx)
    if indicator is not None and indicator not in rs.indicators:
        raise InputError(indicator, "unknown indicator id", "see `requalify rules list`", code="RQ362")
    results = run_rule_examples(rs, indicator)
    failed = [r for r in results if not r.passed]
    for r in results:
        if not r.passed:
            found = ", ".join(r.found) or "nothing"
            click.echo(f"FAIL {r.id}: expected {r.expected}, got {r.got} (found: {found})\n     {r.sentence}")
        elif verbose:
            click.echo(f"ok   {r.id}")
    click.echo(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    if failed:
        raise RuleExamplesFailed(f"{len(failed)} example(s) misclassified")
