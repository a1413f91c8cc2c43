"""spaCy pipelines, loaded once per process and only when a text is actually analysed.

French uses ``fr_core_news_sm``: its tokenizer for the cheap pass, its parser for the few
sentences whose reading hinges on a negation. English models are not on the package
registry, so English is ``spacy.blank("en")`` with lookup lemmas from spacy-lookups-data.
"""

from __future__ import annotations

from functools import lru_cache

from ..errors import UnsupportedLanguage

from . import SUPPORTED_LANGUAGES
FRENCH_MODEL = "fr_core_news_sm"

# Same-length substitutions so cue lists need one spelling and offsets stay the source's.
_FOLD = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u00a0": " ", "\u202f": " "})


def fold(text: str) -> str:
    return text.translate(_FOLD)


def check_language(lang: str, path: object = "<text>") -> None:
    if lang not in SUPPORTED_LANGUAGES:
        from ..parsers.language import LANGUAGE_NAMES

        name = LANGUAGE_NAMES.get(lang, lang)
        raise UnsupportedLanguage(
            path, f"unsupported language: {name} ({lang})", f"supported: {', '.join(SUPPORTED_LANGUAGES)}"
        )


@lru_cache(maxsize=None)
def get_nlp(lang: str):
    """The full pipeline for ``lang`` (French: tagger, parser, lemmatizer; English: lookup lemmas)."""
    check_language(lang)
    import spacy

    if lang == "fr":
        try:
            return spacy.load(FRENCH_MODEL, exclude=["ner"])
        except OSError as exc:
            raise RuntimeError(
                f"spaCy model {FRENCH_MODEL} is not installed: pip install -e '.[model]'"
            ) from exc
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


@lru_cache(maxsize=None)
def _lemma_memo(lang: str) -> dict[int, int] | None:
    """Hash of a lower-cased form -> hash of its lookup lemma (English; the table is case-sensitive)."""
    return {} if lang == "en" else None


def cheap_doc(nlp, text: str):
    """Tokens (and, in English, lookup lemmas of the lower-cased form) without any statistical component."""
    doc = nlp.make_doc(fold(text))
    memo = _lemma_memo(nlp.lang)
    if memo is not None and len(doc):
        strings = nlp.vocab.strings
        table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
        lowers = doc.to_array("LOWER")
        lemmas = lowers.copy()
        for i, low in enumerate(lowers.tolist()):
            lemma = memo.get(low)
            if lemma is None:
                word = strings[low]
                lemma = memo[low] = strings.add(table.get(word, word))
            lemmas[i] = lemma
        doc.from_array(["LEMMA"], lemmas.reshape(-1, 1))
    return doc


def parse(nlp, text: str):
    """Full analysis of one sentence (French: dependency parse)."""
    return nlp(fold(text))
