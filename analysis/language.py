"""Language identification for short texts: py3langid restricted to a sensible set, with the source's hint."""
from __future__ import annotations

import functools
import re

import numpy as np
from py3langid.langid import MODEL_FILE, LanguageIdentifier

# Languages the clinics' patients write in, plus neighbours so that foreign texts are not forced into them.
DEFAULT_CANDIDATES: tuple[str, ...] = ("pl", "it", "en", "de", "fr", "es", "uk", "ru", "cs", "pt", "nl", "ro")
# Below this many letters the identifier is unreliable and a declared language wins unless clearly beaten.
SHORT_TEXT = 60
HINT_BONUS_SHORT = 0.35
HINT_BONUS_LONG = 0.1
SAMPLE_CHARS = 300  # enough for identification; the DFA walk is the costly part
_NON_LETTERS = re.compile(r"[\W\d_]+")
_WORDS = re.compile(r"[^\W\d_]+")
# Frequent function words, unambiguous between these three languages: enough to confirm a declared language
# cheaply, so the (slower) identifier runs only when the text disagrees with its source's hint.
FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "pl": frozenset("w na nie się że do jest jak ale po tak za od mnie był była mi dla przez pani pan czy już "
                    "tylko bardzo jestem są ze które który jego jej tam tego można".split()),
    "it": frozenset("il lo gli di che è un una per non con del della sono si ma ho ha al alla dei nel più "
                    "come questo anche da molto sempre ci dopo tutto".split()),
    "en": frozenset("the and of is was in it for that with my not on were they be very are have had this at "
                    "me but so you from we there been an would".split()),
}
CONFIRM_HITS = 2
# The sets are disjoint, so one lookup tells a word's language.
_FUNCTION_WORD_LANGUAGE = {word: lang for lang, words in FUNCTION_WORDS.items() for word in words}


@functools.lru_cache(maxsize=8)
def _identifier(candidates: tuple[str, ...]) -> LanguageIdentifier:
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(candidates))
    # numpy computes float16 products in software; widening the table is exact (the products were already
    # summed in float32), so the scores are the same bits, about twice as fast.
    identifier.nb_ptc = identifier.nb_ptc.astype(np.float32)
    return identifier


class LanguageDetector:
    """Detects the language of a text, treating the source's declared language as a prior."""

    def __init__(self, languages: list[str] | tuple[str, ...] | None = None) -> None:
        candidates = tuple(dict.fromkeys([*(languages or ()), *DEFAULT_CANDIDATES]))
        self.identifier = _identifier(candidates)
        self.candidates = frozenset(candidates)
        self.classes = list(self.identifier.nb_classes)
        if len(set(self.classes)) != len(self.classes) or self.identifier._alias_pairs:  # noqa: SLF001  # py3langid keeps it private
            raise ValueError("the language model has aliased columns; detect() reads one column per language")
        self.columns = {lang: index for index, lang in enumerate(self.classes) if lang in self.candidates}

    def detect(self, text: str, declared: str | None = None) -> str:
        hint = (declared or "").split("-")[0].split("_")[0].lower() or None
        # A confirmed hint is the answer whatever the length, as it is for texts too short to identify.
        if hint in FUNCTION_WORDS and self._confirms(text, hint):
            return hint
        letters = len(_NON_LETTERS.sub("", text[:SAMPLE_CHARS]))
        if letters < 3:
            return hint or "und"
        # The scores rank() would sort, without the sort and the per-language dict: only the best and the hint's
        # are needed (the restricted model has one column per language, and argmax breaks ties as rank() does).
        scores = self.identifier._decide(text[:SAMPLE_CHARS])  # noqa: SLF001  # the scores rank() sorts
        top = int(scores.argmax())
        best = self.classes[top]
        if hint is None or hint not in self.columns:
            return best
        bonus = HINT_BONUS_SHORT if letters < SHORT_TEXT else HINT_BONUS_LONG
        return hint if float(scores[self.columns[hint]]) + bonus >= float(scores[top]) else best

    @staticmethod
    def _confirms(text: str, hint: str) -> bool:
        """The hint's function words clearly outnumber the other languages' in the opening of the text."""
        found = [lang for lang in map(_FUNCTION_WORD_LANGUAGE.get, _WORDS.findall(text[:SAMPLE_CHARS].lower())) if lang]
        own = found.count(hint)
        return own >= CONFIRM_HITS and all(own >= 2 * found.count(lang) for lang in FUNCTION_WORDS if lang != hint)
