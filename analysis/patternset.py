"""Many regular expressions matched in one quick pass: each is tried only where a word starts with a letter
it can start with (Python's re tries every alternative at every position otherwise)."""
from __future__ import annotations

import re
from collections import defaultdict
from re import _parser  # type: ignore[attr-defined]
from re._constants import BRANCH, IN, LITERAL, MAX_REPEAT, MIN_REPEAT, RANGE, SUBPATTERN  # type: ignore

_WORD_START = re.compile(r"(?<!\w)\w")
_ANY = None  # the first letter could not be worked out: try the pattern everywhere


def _first_chars(items: list) -> set[str] | None:
    """The characters a parsed pattern can start with, or None when that is not a small known set."""
    if not items:
        return None
    op, arg = items[0]
    if op == LITERAL:
        return {chr(arg)}
    if op == IN:
        chars: set[str] = set()
        for kind, value in arg:
            if kind == LITERAL:
                chars.add(chr(value))
            elif kind == RANGE and value[1] - value[0] < 64:
                chars.update(chr(c) for c in range(value[0], value[1] + 1))
            else:
                return None
        return chars
    if op == SUBPATTERN:
        return _first_chars(list(arg[-1]))
    if op == BRANCH:
        union: set[str] = set()
        for branch in arg[1]:
            first = _first_chars(list(branch))
            if first is None:
                return None
            union |= first
        return union
    if op in (MAX_REPEAT, MIN_REPEAT) and arg[0] >= 1:
        return _first_chars(list(arg[2]))
    return None


class PatternSet:
    """Keyed patterns over folded text; `matches(text)` gives the keys of those that occur at a word start."""

    def __init__(self, entries: list[tuple[str, str]], *, word_end: bool = False) -> None:
        by_char: dict[str | None, list[int]] = defaultdict(list)
        for index, (_, pattern) in enumerate(entries):
            first = _first_chars(list(_parser.parse(pattern)))
            for char in first or [_ANY]:
                by_char[char].append(index)
        self.keys = {f"g{i}": key for i, (key, _) in enumerate(entries)}
        tail = r"\b" if word_end else ""
        anywhere = by_char.pop(_ANY, [])
        self.by_char = {
            char: self._compile(entries, indices + anywhere, tail) for char, indices in by_char.items()
        }
        self.anywhere = self._compile(entries, anywhere, tail) if anywhere else None

    @staticmethod
    def _compile(entries: list[tuple[str, str]], indices: list[int], tail: str) -> re.Pattern[str]:
        ordered = sorted(set(indices))
        return re.compile("|".join(f"(?P<g{i}>(?:{entries[i][1]}){tail})" for i in ordered))

    def matches(self, text: str) -> set[str]:
        return set(self.positions(text))

    def positions(self, text: str) -> dict[str, int]:
        """Each key that occurs, with the position of its last occurrence."""
        found: dict[str, int] = {}
        by_char, anywhere = self.by_char, self.anywhere
        for start in _WORD_START.finditer(text):
            position = start.start()
            pattern = by_char.get(text[position], anywhere)
            if pattern is None:
                continue
            match = pattern.match(text, position)
            if match is not None:
                found[self.keys[match.lastgroup]] = position  # type: ignore[index]
        return found
