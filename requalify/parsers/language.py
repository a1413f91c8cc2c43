"""Document language from function words: cheap, deterministic, good enough for whole documents."""

from __future__ import annotations

import re

_STOPWORDS = {
    "fr": "le la les des du de un une et est sont pour par dans sur avec qui que vous nous ne pas au aux ce cette ses son sa leur être doit peut".split(),
    "en": "the and of to in is are for by with that this you we not be or any your our may shall will from on as it".split(),
    "de": "der die das und ist sind für mit von zu den dem nicht ein eine auf sie wir oder".split(),
    "es": "el la los las y es son para por con que en un una del no se su al lo".split(),
    "it": "il la le gli e è sono per con che di un una del della non si su al".split(),
    "nl": "de het een en is zijn voor met van te dat niet op je wij of aan".split(),
    "pl": "i w na z do że nie się jest to od po przez dla jak lub oraz".split(),
    "pt": "o a os as e é são para por com que em um uma do da não se".split(),
}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
LANGUAGE_NAMES = {"fr": "French", "en": "English", "de": "German", "es": "Spanish", "it": "Italian",
                  "nl": "Dutch", "pl": "Polish", "pt": "Portuguese", "unknown": "unknown"}


def detect_language(text: str, sample_chars: int = 200_000) -> str:
    words = _WORD.findall(text[:sample_chars].lower())
    if len(words) < 5:
        return "unknown"
    counts = {lang: 0 for lang in _STOPWORDS}
    sets = {lang: set(ws) for lang, ws in _STOPWORDS.items()}
    for w in words:
        for lang, s in sets.items():
            if w in s:
                counts[lang] += 1
    best = max(counts, key=lambda k: (counts[k], k == "fr", k == "en"))
    if counts[best] / len(words) < 0.05:
        return "unknown"
    return best
