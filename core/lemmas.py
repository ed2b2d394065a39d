"""Dictionary lemmas of words in Polish, Italian and English (simplemma), for a search that finds word forms.

A word's lemmas are looked up in all three languages at once, so the result depends on the word alone (not on the
text's detected language): the index and the search box then fold a word the same way wherever it appears.
simplemma's dictionaries are read directly (its rule fall-backs cost about a millisecond a word); the Polish one
takes ~8 s and ~400 MB to load, once per process, on the first word looked up.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Mapping

from simplemma.strategies.dictionaries import dictionary_factory

LEMMA_LANGUAGES: tuple[str, ...] = ("pl", "it", "en")
_WORD = re.compile(r"[^\W\d_]{3,}")  # letters only: numbers, ids and two-letter words have no useful lemma
# simplemma.lemmatize()'s own factory where simplemma has one (2.x): a process that also lemmatizes through it (the
# reply checker) then holds each dictionary once.
LEMMA_FACTORY = getattr(dictionary_factory, "DEFAULT_DICTIONARY_FACTORY", None) or dictionary_factory.DefaultDictionaryFactory()


@functools.cache
def lemma_dictionary(language: str) -> Mapping[str, str]:
    """simplemma's word → lemma dictionary of `language`, loaded once per process."""
    return LEMMA_FACTORY.get_dictionary(language)


@functools.lru_cache(maxsize=200_000)
def word_lemmas(word: str) -> tuple[str, ...]:
    """The distinct lower-case lemmas of a lower-case word other than the word itself, in any of the languages."""
    found: list[str] = []
    for language in LEMMA_LANGUAGES:
        dictionary = lemma_dictionary(language)
        lemma = dictionary.get(word) or dictionary.get(word.capitalize())
        if lemma:
            lemma = lemma.lower()
            if lemma != word and lemma not in found:
                found.append(lemma)
    return tuple(found)


def text_lemmas(text: str) -> list[tuple[str, str]]:
    """(word, lemma) for every word of `text` whose lemma differs from it, each pair once, in text order."""
    pairs: dict[tuple[str, str], None] = {}
    for word in _WORD.findall(text.lower()):
        for lemma in word_lemmas(word):
            pairs[(word, lemma)] = None
    return list(pairs)
