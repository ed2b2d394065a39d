"""Fold text for pattern matching while keeping a map back to the original characters."""
from __future__ import annotations

import unicodedata
from functools import lru_cache

# Characters that fold to something a pattern author can type: typographic quotes and dashes.
_EXTRA = {"ł": "l", "’": "'", "‘": "'", "ʼ": "'", "`": "'", "–": "-", "—": "-", "\u00a0": " "}


@lru_cache(maxsize=8192)
def fold_char(ch: str) -> str:
    folded = _EXTRA.get(ch)
    if folded is not None:
        return folded
    decomposed = unicodedata.normalize("NFKD", ch.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("ł", "l")


def fold_with_map(text: str) -> tuple[str, list[int]]:
    """Lower-case, strip diacritics; origin[i] is the index in `text` of folded character i."""
    if text.isascii():  # the common case: one character in, one out
        return text.lower().replace("`", "'"), list(range(len(text)))
    out: list[str] = []
    origin: list[int] = []
    for index, ch in enumerate(text):
        folded = fold_char(ch)
        out.append(folded)
        origin.extend([index] * len(folded))
    return "".join(out), origin


def fold(text: str) -> str:
    return fold_with_map(text)[0]


def original_span(origin: list[int], start: int, end: int, text_length: int) -> tuple[int, int]:
    """Map a span of the folded text back to the original text."""
    if not origin:
        return (0, 0)
    first = origin[min(start, len(origin) - 1)] if start < len(origin) else text_length
    last = origin[end - 1] + 1 if end > start else first
    return (first, min(last, text_length))
