"""Loading the hand-written lexicon files in analysis/lexicons/ into fast lookup structures."""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from analysis.patternset import PatternSet

LEXICON_DIR = Path(__file__).resolve().parent / "lexicons"
_SECTION = re.compile(r"^\[([\w:]+)\]$")


def _fold_table() -> dict[int, str]:
    """Latin letters with diacritics mapped to their base letter (ł too, which has no decomposition)."""
    table = {}
    for code in range(0xC0, 0x250):
        base = "".join(c for c in unicodedata.normalize("NFKD", chr(code)) if not unicodedata.combining(c))
        if base and base != chr(code):
            table[code] = base
    table.update({ord("ł"): "l", ord("Ł"): "L", ord("’"): "'", ord("`"): "'"})
    return table


_FOLD = _fold_table()
_FOLD_CHARS = {chr(code): base for code, base in _FOLD.items()}
_FOLDABLE = frozenset(_FOLD_CHARS)
# No base letter is itself foldable, so replacing one character at a time equals str.translate(_FOLD).
assert not any(_FOLDABLE.intersection(base) for base in _FOLD_CHARS.values())


def fold(text: str) -> str:
    """Lower case without diacritics, single spaces: what every cue and lexicon entry is matched against.

    The same result as core.models.fold_text for Latin scripts, several times faster.
    """
    lowered = text.lower()
    # A text has a handful of distinct foldable characters: replacing each is faster than translate(),
    # which looks every character up in a dict.
    for char in _FOLDABLE.intersection(lowered):
        lowered = lowered.replace(char, _FOLD_CHARS[char])
    return " ".join(lowered.split())  # the whitespace of str.split() is that of re's \s


def fold_word(word: str) -> str:
    """fold() for one lower-case word (no spaces to collapse)."""
    if word.isascii():  # only the backtick folds among ASCII characters; translate() would look up each one
        return word.replace("`", "'") if "`" in word else word
    return word.translate(_FOLD)


def read_sections(path: Path) -> dict[str, list[str]]:
    """A file of `[section]` headers and lines; comments (#) and blank lines are skipped."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        header = _SECTION.match(line)
        if header:
            current = sections.setdefault(header.group(1), [])
        elif current is None:
            raise ValueError(f"{path.name}:{number}: a line before the first [section]")
        else:
            current.append(line)
    return sections


def _weighted(lines: list[str], path: Path, *, weight_first: bool) -> list[tuple[str, float]]:
    entries = []
    for line in lines:
        head, _, tail = line.partition(" ")
        term, weight = (tail, head) if weight_first else (head, tail)
        try:
            entries.append((term.strip(), float(weight)))
        except ValueError:
            raise ValueError(f"{path.name}: '{line}' needs a term and a number") from None
    return entries


@dataclass(slots=True)
class Lexicon:
    """One language's sentiment resources, with every key folded (lower case, no diacritics)."""

    language: str
    words: dict[str, float] = field(default_factory=dict)
    stems: dict[str, float] = field(default_factory=dict)
    negators: frozenset[str] = frozenset()
    intensifiers: dict[str, float] = field(default_factory=dict)
    contrast: frozenset[str] = frozenset()
    phrases: WeightedPatterns | None = None
    max_stem: int = 0
    stem_lengths: tuple[int, ...] = ()  # lengths of 4 or more that stems have, longest first


@functools.cache
def load_lexicon(language: str) -> Lexicon:
    path = LEXICON_DIR / f"{language}.txt"
    sections = read_sections(path)
    lexicon = Lexicon(language)
    for term, weight in _weighted(sections.get("words", []), path, weight_first=False):
        key = fold(term)
        if key.endswith("*"):
            lexicon.stems[key[:-1]] = weight
        else:
            lexicon.words[key] = weight
    lexicon.max_stem = max((len(stem) for stem in lexicon.stems), default=0)
    lexicon.stem_lengths = tuple(sorted({len(stem) for stem in lexicon.stems if len(stem) >= 4}, reverse=True))
    lexicon.negators = frozenset(fold(word) for word in sections.get("negators", []))
    lexicon.intensifiers = {
        fold(term): weight for term, weight in _weighted(sections.get("intensifiers", []), path, weight_first=False)
    }
    lexicon.contrast = frozenset(fold(word) for word in sections.get("contrast", []))
    lexicon.phrases = WeightedPatterns(_weighted(sections.get("phrases", []), path, weight_first=True))
    return lexicon


class WeightedPatterns:
    """Many weighted regular expressions searched in one pass (one named group each)."""

    def __init__(self, entries: list[tuple[str, float]]) -> None:
        self.weights = {str(i): weight for i, (_, weight) in enumerate(entries)}
        self.patterns = PatternSet([(str(i), pattern) for i, (pattern, _) in enumerate(entries)])

    def evidence(
        self, folded: str, contrast_at: int = -1, before: float = 1.0, after: float = 1.0,
        matched: dict[str, int] | None = None,
    ) -> tuple[float, float, int]:
        """Sum of positive weights, sum of negative weights (as a positive number), patterns matched.

        With a contrast word at `contrast_at` ("but", "ale", "ma"), phrases before it count `before` times and
        phrases after it `after` times, as words do: the clause after "but" carries the message. `matched` is
        self.patterns.positions(folded) when a shared scan (analysis.textscan) found it already.
        """
        if matched is None:
            matched = self.patterns.positions(folded)
        positive = negative = 0.0
        for group, position in matched.items():
            weight = self.weights[group]
            if contrast_at >= 0:
                weight *= before if position < contrast_at else after
            if weight > 0:
                positive += weight
            else:
                negative -= weight
        return positive, negative, len(matched)


def available_languages() -> tuple[str, ...]:
    """Languages with a lexicon of their own (English uses VADER plus en.txt)."""
    return tuple(sorted(p.stem for p in LEXICON_DIR.glob("??.txt")))


class Cues:
    """Sections of cue patterns (topics.txt, kind.txt) searched in one pass: which sections occur."""

    def __init__(self, sections: dict[str, list[str]]) -> None:
        self.names = tuple(sections)
        # One entry per alternative, so that each is filed under the letters it starts with.
        entries = [(name, alternative) for name, lines in sections.items() for line in lines for alternative in _split_top(line)]
        self.patterns = PatternSet(entries, word_end=True)

    def found(self, folded: str) -> set[str]:
        return self.patterns.matches(folded)


def _split_top(pattern: str) -> list[str]:
    """Split a pattern at its top-level | (outside groups and classes)."""
    parts: list[str] = []
    current: list[str] = []
    depth, in_class, escaped = 0, False, False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return [part for part in parts if part]


@functools.cache
def load_cues(*names: str) -> Cues:
    """Cue files searched together; each section is reported as "<file>:<section>" (e.g. "topics:vaccinations")."""
    sections: dict[str, list[str]] = {}
    for name in names:
        for section, lines in read_sections(LEXICON_DIR / f"{name}.txt").items():
            sections[f"{name}:{section}"] = lines
    return Cues(sections)


@functools.cache
def load_pattern_list(name: str) -> re.Pattern[str]:
    """A plain list file (questions.txt) as one alternation, anchored at the start of the text."""
    lines = [
        line.strip()
        for line in (LEXICON_DIR / f"{name}.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    return re.compile(r"^\W*(?:" + "|".join(f"(?:{line})" for line in lines) + r")\b")
