"""Sentence-level checks of the text engine on sets written from the catalogue alone.

    .venv/bin/python benchmarks/bench_sentences.py [--details]

The documents of the development set (bench_quality.py) measure what a lawyer gets, but they are
few and most have been tuned on. The sets in benchmarks/devset/sentences/ were written by writers
who read only ../shared/legal/INDICATORS.md, never the patterns: realistic hard negatives (the
vocabulary of an indicator without its fact: a customer's account, a restaurant's prices, a
password reset) and realistic positives. For negatives the figure is the number of false
findings (any indicator not listed in ``also``); for positives, how many sentences yield their
``target``. positives-2, positives-3 and negatives-4 are split: rules were tuned on their
``tune`` half only, so their ``heldout`` half tells whether a change generalises. positives-3 and
negatives-4 contrast who acts: a power stated from the worker's side ("you may be deactivated")
against the worker's own choice ("you may close your account").
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from requalify.engine.text import detect_sentence  # noqa: E402
from requalify.rules import load_rules  # noqa: E402

SETS = REPO / "benchmarks" / "devset" / "sentences"


def run(path: Path, rules) -> list[dict]:
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    for it in items:
        it["found"] = sorted(detect_sentence(rules, it["lang"], it["sentence"]))
    return items


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--details", action="store_true",
                    help="list every false finding and every missed positive of the sets and halves tuned on")
    ap.add_argument("--all", action="store_true",
                    help="with --details, list the held-back halves too (reading them makes them tuning data)")
    args = ap.parse_args()
    rules = load_rules()
    t0 = time.perf_counter()
    print(f"{'set':22} {'lang':4} {'sentences':>9} {'result':>28}")
    for path in sorted(SETS.glob("*.yaml")):
        items = run(path, rules)
        positive = path.name.startswith("positives")
        groups: dict[tuple[str, str], list[dict]] = {}
        for it in items:
            groups.setdefault((it.get("split", ""), it["lang"]), []).append(it)
        for (split, lang), group in sorted(groups.items()):
            name = path.stem + (f" ({split})" if split else "")
            if positive:
                hit = sum(it["target"] in it["found"] for it in group)
                result = f"{hit} found ({hit / len(group):.0%})"
            else:
                false = sum(len(set(it["found"]) - set(it.get("also") or [])) for it in group)
                result = f"{false} false findings"
            print(f"{name:22} {lang:4} {len(group):>9} {result:>28}")
        if args.details:
            for it in items:
                if it.get("split") == "heldout" and not args.all:
                    continue
                if positive and it["target"] not in it["found"]:
                    print(f"  missed {it['lang']} {it['target']}: {it['sentence']}")
                elif not positive and set(it["found"]) - set(it.get("also") or []):
                    print(f"  false  {it['lang']} {sorted(set(it['found']) - set(it.get('also') or []))}: {it['sentence']}")
    print(f"({time.perf_counter() - t0:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
