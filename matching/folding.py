"""Fold text for matching (case, diacritics, ł) while keeping a map back to the original offsets."""
from __future__ import annotations

import unicodedata


def fold_char(char: str) -> str:
    """Fold one character the way core.models.fold_text does, without collapsing white space.

    White space is left to the patterns (they accept any run of it), so every character folds on
    its own and offsets can be mapped back. The final lower() catches compatibility characters
    whose decomposition is upper case (e.g. U+210C).
    """
    decomposed = unicodedata.normalize("NFKD", char.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("ł", "l").lower()


def fold(text: str) -> str:
    """Fold a whole string character by character (same result as FoldedText(text).text)."""
    return text.translate(_FOLDS)


class _FoldTable(dict):
    """str.translate table filled on first sight of each code point (Unicode is too big to precompute)."""

    def __missing__(self, code: int) -> str:
        folded = fold_char(chr(code))
        self[code] = folded
        return folded


class _IrregularTable(dict):
    """Deletes characters that fold to exactly one character; keeps the others as a signal."""

    def __missing__(self, code: int) -> str | None:
        keep = None if len(_FOLDS[code]) == 1 else chr(code)
        self[code] = keep
        return keep


_FOLDS = _FoldTable()
_IRREGULAR = _IrregularTable()


class FoldedText:
    """A folded copy of a string and the way back from folded spans to original spans."""

    __slots__ = ("original", "text", "_starts")

    def __init__(self, original: str) -> None:
        self.original = original
        self._starts: list[int] | None = None
        if original.isascii():
            self.text = original.lower()
        elif not original.translate(_IRREGULAR):
            # Every character folded to exactly one character: offsets are unchanged.
            self.text = original.translate(_FOLDS)
        else:
            self.text, self._starts = _fold_with_starts(original)

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a folded span [start, end) to the smallest span of whole original characters."""
        starts = self._starts
        if starts is None:
            return start, end
        first = starts[start]
        last = starts[end - 1] + 1
        if end < len(starts):
            # Characters that folded to nothing (combining marks) right after the match belong to it.
            last = max(last, starts[end])
        else:
            last = len(self.original)
        return first, last


def _fold_with_starts(original: str) -> tuple[str, list[int]]:
    """Slow path for texts with expanding or vanishing characters (ß, ligatures, combining marks)."""
    pieces: list[str] = []
    starts: list[int] = []
    for index, char in enumerate(original):
        folded = _FOLDS[ord(char)]
        pieces.append(folded)
        starts.extend([index] * len(folded))
    return "".join(pieces), starts
