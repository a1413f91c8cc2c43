"""Words per second of the text pass on the largest real ToS, against spaCy's bare tokenizer and the
full fr_core_news_sm pipeline over the same text, in the same run.

    .venv/bin/python benchmarks/bench_engine.py

Model loading is excluded (done once before timing; the engine loads spaCy once per process).
The text pass is ``detect_text`` on the parsed document, i.e. what ``analyze`` runs per ToS.
Baseline (a) = ``nlp.make_doc`` over every clause; (b) = the full fr_core_news_sm pipeline
(tok2vec, morphologizer, parser, attribute_ruler, lemmatizer, ner) over the same clause texts,
``nlp.pipe(batch_size=32)``, single process. Aim: text pass >= 10x the full pipeline.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from requalify.rules import load_rules  # noqa: E402

from requalify.engine import detect_text  # noqa: E402
from requalify.engine.text import compiled  # noqa: E402
from requalify.parsers import parse_document  # noqa: E402

CORPUS = (REPO / ".." / "shared" / "corpus-real" / "tos").resolve()
DOCS = 3
REPEAT = 3


def _best(fn, repeat: int = REPEAT) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> int:
    if not CORPUS.exists():
        print(f"real corpus not found at {CORPUS}: skipped")
        return 0
    import spacy

    files = sorted(CORPUS.rglob("*.md"), key=lambda p: p.stat().st_size, reverse=True)
    docs = [parse_document(p) for p in files]
    docs = [d for d in docs if d.language in ("fr", "en")][:DOCS]
    rules = load_rules()
    t = time.perf_counter()
    for lang in {d.language for d in docs}:
        compiled(rules, lang)
    full = spacy.load("fr_core_news_sm")
    print(f"load (spaCy models + matchers, not timed below): {time.perf_counter() - t:.1f} s")
    for d in docs:
        detect_text(d, rules)  # warm-up: caches, lazily parsed sentences' first call

    rows = []
    for d in docs:
        texts = [c.text for c in d.clauses]
        words = sum(len(x.split()) for x in texts)
        t_pass = _best(lambda: detect_text(d, rules))
        t_tok = _best(lambda: [full.make_doc(x) for x in texts])
        t_full = _best(lambda: list(full.pipe(texts, batch_size=32)), repeat=1)
        n = len(detect_text(d, rules))
        rows.append((Path(d.source.path).name, d.language, words, n, t_pass, t_tok, t_full))

    print(f"\n{'document':48} {'lang':4} {'words':>6} {'finds':>5} {'pass w/s':>9} {'tok w/s':>10} "
          f"{'full w/s':>9} {'pass/full':>9} {'tok/pass':>8}")
    for name, lang, words, n, tp, tt, tf in rows:
        print(f"{name[:48]:48} {lang:4} {words:>6} {n:>5} {words / tp:>9,.0f} {words / tt:>10,.0f} "
              f"{words / tf:>9,.0f} {tf / tp:>8.1f}x {tp / tt:>7.1f}x")
    words = sum(r[2] for r in rows)
    tp, tt, tf = (sum(r[i] for r in rows) for i in (4, 5, 6))
    print(f"{'TOTAL':48} {'':4} {words:>6} {sum(r[3] for r in rows):>5} {words / tp:>9,.0f} {words / tt:>10,.0f} "
          f"{words / tf:>9,.0f} {tf / tp:>8.1f}x {tp / tt:>7.1f}x")
    print("\npass/full: how many times faster the text pass is than the full pipeline (aim >= 10x);"
          " tok/pass: how many times slower than the bare tokenizer.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
