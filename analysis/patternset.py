"""Many regular expressions matched in one quick pass at word starts.

Python's re would try every alternative at every position. Instead each pattern is filed under the strings of
up to three characters its matches can start with (worked out from its parsed form), one C-level scan finds
the word starts where any of those strings begins, and only there the few patterns filed under that string are
tried, in their original order: at each word start the first pattern that matches wins, as in one alternation.
"""
from __future__ import annotations

import re
from collections import defaultdict
from re import _parser  # type: ignore[attr-defined]
from re._constants import (
    ASSERT,
    ASSERT_NOT,
    AT,
    AT_BEGINNING,
    AT_BEGINNING_STRING,
    BRANCH,
    IN,
    LITERAL,
    MAX_REPEAT,
    MIN_REPEAT,
    RANGE,
    SUBPATTERN,
)

_WORD_CHAR = re.compile(r"\w")
KEY = 3  # characters of the text that pick the patterns to try at a word start (three lookup tables below)
MAX_STARTS = 4096  # more start strings than this for one pattern: file it under shorter ones
MAX_CLASS = 64  # a character class larger than this is not expanded


class _TooMany(Exception):
    pass


def _first_chars(items: list) -> set[str] | None:
    """The characters a parsed pattern can start with, or None when that is not a small known set."""
    if not items:
        return None
    op, arg = items[0]
    if op == LITERAL:
        return {chr(arg)}
    if op == IN:
        return _class_chars(arg)
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


def _class_chars(items: list) -> set[str] | None:
    """The characters of a [class] made of literals and small ranges, or None."""
    chars: set[str] = set()
    for kind, value in items:
        if kind == LITERAL:
            chars.add(chr(value))
        elif kind == RANGE and value[1] - value[0] < MAX_CLASS:
            chars.update(chr(c) for c in range(value[0], value[1] + 1))
        else:
            return None
    return chars


def _extend(items: list, live: set[str], size: int) -> tuple[set[str], set[str]]:
    """Extend each start string by what `items` can match.

    Returns (closed, live): closed strings are final (`size` long, or cut where the pattern stops being simple,
    so anything may follow them); live strings have matched all of `items` and are still shorter than `size`.
    Zero-width items (\\b, ^, lookarounds) are skipped: leaving out a condition only makes the filter wider.
    """
    closed: set[str] = set()
    for op, arg in items:
        if not live:
            break
        if op == LITERAL:
            live = {s + chr(arg) for s in live}
        elif op == IN and (chars := _class_chars(arg)) is not None:
            live = {s + c for s in live for c in chars}
        elif op == SUBPATTERN and not arg[1] and not arg[2]:  # a group without inline flags
            inner_closed, live = _extend(list(arg[-1]), live, size)
            closed |= inner_closed
        elif op == BRANCH:
            after: set[str] = set()
            for branch in arg[1]:
                branch_closed, branch_live = _extend(list(branch), live, size)
                closed |= branch_closed
                after |= branch_live
            live = after
        elif op in (MAX_REPEAT, MIN_REPEAT) and arg[1] == 1:  # x? or {1}
            once_closed, once_live = _extend(list(arg[2]), live, size)
            closed |= once_closed
            live = once_live | (live if arg[0] == 0 else set())
        elif op in (MAX_REPEAT, MIN_REPEAT) and arg[0] >= 1:  # x+ : one x, then anything
            once_closed, once_live = _extend(list(arg[2]), live, size)
            closed |= once_closed | once_live
            live = set()
        elif op in (AT, ASSERT, ASSERT_NOT):
            continue
        else:  # anything else: what follows is unknown
            closed |= live
            live = set()
        full = {s for s in live if len(s) >= size}
        closed |= full
        live -= full
        if len(closed) + len(live) > MAX_STARTS:
            raise _TooMany
    return closed, live


def _starts(pattern: str) -> set[str] | None:
    """Strings (1..KEY characters) some match of `pattern` begins with; shorter than KEY means anything may
    follow. None when the pattern's start cannot be worked out (it is then tried at every word start)."""
    parsed = _parser.parse(pattern)
    if parsed.state.flags & re.IGNORECASE:
        return None
    first = _first_chars(list(parsed))
    for size in range(KEY, 0, -1):
        try:
            closed, live = _extend(list(parsed), {""}, size)
        except _TooMany:
            continue
        starts = closed | live
        if "" in starts:
            break
        # Never wider than the first-letter filter this class has always applied.
        return {s for s in starts if first is None or s[0] in first}
    return {c for c in first} if first is not None else None


def _anchored(pattern: str) -> bool:
    """Whether the pattern starts with ^ or \\A: tried at a word start, it can match only at the text's start."""
    parsed = _parser.parse(pattern)
    items = list(parsed)
    return (
        not parsed.state.flags & re.MULTILINE
        and bool(items)
        and items[0][0] == AT
        and items[0][1] in (AT_BEGINNING, AT_BEGINNING_STRING)
    )


def _trie_regex(keys: set[str]) -> str:
    """A regex matching one character at a word start where one of `keys` begins (the rest is a lookahead)."""
    trie: dict = {}
    for key in sorted(keys, key=len):
        node = trie
        for char in key:
            if node.get("") is True:  # a shorter key already covers this one
                break
            node = node.setdefault(char, {})
        else:
            node.clear()
            node[""] = True
    branches = []
    for char, node in sorted(trie.items()):
        rest = _trie_body(node)
        branches.append(re.escape(char) + (f"(?={rest})" if rest else ""))
    # The word-start test first: it fails at once inside words, where most characters are.
    return r"(?<!\w)(?:" + "|".join(branches) + ")" if branches else r"(?!)"


def _trie_body(node: dict) -> str:
    if node.get("") is True:
        return ""
    parts = [re.escape(char) + _trie_body(child) for char, child in sorted(node.items())]
    return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"


class PatternSet:
    """Keyed patterns over folded text; `matches(text)` gives the keys of those that occur at a word start."""

    def __init__(self, entries: list[tuple[str, str]], *, word_end: bool = False) -> None:
        self.entries = entries
        self.tail = r"\b" if word_end else ""
        self.keys = {f"g{i}": key for i, (key, _) in enumerate(entries)}
        self.indices = {f"g{i}": i for i in range(len(entries))}
        by_start: dict[str, list[int]] = defaultdict(list)
        anywhere: list[int] = []
        at_start: list[int] = []
        for index, (_, pattern) in enumerate(entries):
            starts = _starts(pattern)
            if starts is None:
                (at_start if _anchored(pattern) else anywhere).append(index)
            for start in starts or ():
                if _WORD_CHAR.match(start):  # only word starts are tried
                    by_start[start].append(index)
        self._compiled: dict[tuple[int, ...], re.Pattern[str]] = {}
        # A text's next KEY characters pick, in this order: the patterns filed under those characters
        # (with those filed under a shorter beginning of them), else those under 2 characters, else under 1.
        self.lookups: list[dict[str, re.Pattern[str]]] = []
        for size in range(KEY, 0, -1):
            table = {}
            for start in by_start:
                if len(start) == size:
                    shorter = [i for n in range(1, size) for i in by_start.get(start[:n], ())]
                    table[start] = self._pattern([*by_start[start], *shorter])
            self.lookups.append(table)
        self.starts = frozenset(by_start)
        self.scan = re.compile(_trie_regex(set(by_start)))
        # Patterns whose start is unknown (a leading ".", "\\d", "^\\W*") are few: one regex tries them at
        # every word start, zero-width so that no word start is skipped.
        self.anywhere = re.compile(r"(?<!\w)(?=\w)(?=" + self._alternation(anywhere) + ")") if anywhere else None
        self.at_start = self._pattern(at_start) if at_start else None

    def _alternation(self, indices: list[int]) -> str:
        return "|".join(f"(?P<g{i}>(?:{self.entries[i][1]}){self.tail})" for i in sorted(set(indices)))

    def _pattern(self, indices: list[int]) -> re.Pattern[str]:
        ordered = tuple(sorted(set(indices)))
        if ordered not in self._compiled:
            self._compiled[ordered] = re.compile(self._alternation(list(ordered)))
        return self._compiled[ordered]

    def matches(self, text: str) -> set[str]:
        return set(self.positions(text))

    def positions(self, text: str) -> dict[str, int]:
        """Each key that occurs, with the position of its last occurrence."""
        return self.combine(self._filed_matches(text), text)

    def combine(self, hits: list[tuple[int, str]], text: str) -> dict[str, int]:
        """positions() from the filed patterns' hits (found here or by a SharedScan) and the unfiled ones."""
        others = self._unfiled_matches(text)
        if not others:
            keys = self.keys
            return {keys[group]: position for position, group in hits}
        # Both kinds in text order; where both match at one word start the earlier pattern wins, as in one
        # alternation.
        indices = self.indices
        winners = {position: indices[group] for position, group in hits}
        for position, group in others:
            index = indices[group]
            winners[position] = min(index, winners.get(position, index))
        return {self.entries[index][0]: position for position, index in sorted(winners.items())}

    def pattern_at(self, key: str) -> re.Pattern[str] | None:
        """The filed patterns to try where the text continues with `key` (its next KEY characters)."""
        by3, by2, by1 = self.lookups
        return by3.get(key[:3]) or by2.get(key[:2]) or by1.get(key[:1])

    def _filed_matches(self, text: str) -> list[tuple[int, str]]:
        """(position, group) of the first filed pattern matching at each word start, in text order."""
        hits = []
        by3, by2, by1 = self.lookups
        for start in self.scan.finditer(text):
            position = start.start()
            pattern = (
                by3.get(text[position:position + 3])
                or by2.get(text[position:position + 2])
                or by1.get(text[position])
            )
            if pattern is not None and (match := pattern.match(text, position)) is not None:
                hits.append((position, match.lastgroup))
        return hits  # type: ignore[return-value]

    def _unfiled_matches(self, text: str) -> list[tuple[int, str]]:
        """(position, group) of the first unfiled pattern matching at each word start."""
        hits = []
        if self.at_start is not None and text and _WORD_CHAR.match(text):
            match = self.at_start.match(text)
            if match is not None:
                hits.append((0, match.lastgroup))
        if self.anywhere is not None:
            hits.extend((match.start(), match.lastgroup) for match in self.anywhere.finditer(text))
        return hits  # type: ignore[return-value]


class SharedScan:
    """Several PatternSets over one text in one pass: one scan for the word starts any of them can match at,
    and at each only the patterns each set files there. positions() gives what each set's own would."""

    MEMO = 100_000  # distinct 3-character word openings remembered (with the sets' patterns for each)

    def __init__(self, sets: tuple[PatternSet, ...]) -> None:
        self.sets = sets
        self.scan = re.compile(_trie_regex(set().union(*(s.starts for s in sets))))
        self._at: dict[str, tuple[tuple[int, re.Pattern[str]], ...]] = {}

    def _resolve(self, key: str) -> tuple[tuple[int, re.Pattern[str]], ...]:
        """Per set, its (precompiled) patterns to try where the text continues with `key` (remembered)."""
        if len(self._at) >= self.MEMO:
            self._at.clear()
        found = tuple((i, pattern) for i, s in enumerate(self.sets) if (pattern := s.pattern_at(key)) is not None)
        self._at[key] = found
        return found

    def positions(self, text: str) -> list[dict[str, int]]:
        """PatternSet.positions(text) of each set, in the order of the sets."""
        hits: list[list[tuple[int, str]]] = [[] for _ in self.sets]
        at = self._at
        for start in self.scan.finditer(text):
            position = start.start()
            key = text[position:position + KEY]
            todo = at.get(key)
            if todo is None:
                todo = self._resolve(key)
            for index, pattern in todo:
                if (match := pattern.match(text, position)) is not None:
                    hits[index].append((position, match.lastgroup))  # type: ignore[arg-type]
        return [s.combine(found, text) for s, found in zip(self.sets, hits)]
