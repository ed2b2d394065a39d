"""The language a reply is written in: staff sometimes answer a Polish post in English, and the linter must
read the reply with the right vocabulary. Function words are enough for a reply and cost nothing."""
from __future__ import annotations

import re

# Frequent, unambiguous function words (disjoint sets), as in analysis/language.py's confirmation step.
FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "pl": frozenset("w na nie się że do jest jak ale po tak za od mnie był była mi dla przez pani pan czy już "
                    "tylko bardzo jestem są ze które który jego jej tam tego można prosimy nam dziękujemy".split()),
    "it": frozenset("il lo gli di che è un una per non con del della sono si ma ho ha al alla dei nel più "
                    "come questo anche da molto sempre ci dopo tutto lei la le sua suo grazie".split()),
    "en": frozenset("the and of is was in it for that with my not on were they be very are have had this at "
                    "me but so you from we there been an would your our please".split()),
}
WORDS = re.compile(r"[^\W\d_]+")
MARGIN = 2  # another language must beat the declared one by this many function words


def reply_language(text: str, declared: str) -> str:
    """`declared` unless the reply's function words clearly say another of pl/it/en."""
    counts = dict.fromkeys(FUNCTION_WORDS, 0)
    for word in WORDS.findall(text.lower()):
        for language, words in FUNCTION_WORDS.items():
            if word in words:
                counts[language] += 1
    best = max(counts, key=counts.__getitem__)
    if best != declared and counts[best] >= counts.get(declared, 0) + MARGIN:
        return best
    return declared
