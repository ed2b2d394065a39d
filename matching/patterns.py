"""Regular expressions for terms and phrases over folded text: whole words, flexible spacing, case forms."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass

from matching.folding import fold
from matching.inflection import TITLE_PATTERN, TITLE_WORDS, polish_forms

WORD = re.compile(r"\w+")
# Between the words of a phrase: any white space, dots, hyphens, apostrophes, or nothing at all,
# so "Lux Med" matches "LUX  MED", "Lux-Med" and "LuxMedu"; plus any other punctuation the
# configured phrase has in that place ("Salus, the Roman goddess").
SEPARATOR_CHARS = r"\s.\-'’‐‑–"
SEPARATOR = rf"[{SEPARATOR_CHARS}]*"
# After an honorific some separator is required, so "n" (as in "dr n. med.") cannot glue onto a name.
# At most five ("prof. dr hab. n. med."): an unbounded run made "dr.-dr.-dr.-…" quadratic.
TITLE_RUN = rf"(?:{TITLE_PATTERN}[\s.\-]+){{1,5}}"
# Short words (LIM, NFZ, Med) take a case ending only after a hyphen or apostrophe when they stand
# alone, otherwise "Lim" would match "lima" and "lime".
SHORT_WORD = 3


def bounded(pattern: str) -> str:
    """Anchor a pattern to whole words of the folded text."""
    return rf"(?<!\w)(?:{pattern})(?!\w)"


def phrase_words(phrase: str) -> list[str]:
    return WORD.findall(fold(phrase))


def phrase_separators(phrase: str) -> list[str]:
    """The separator pattern for each gap between the words of a phrase."""
    gaps = WORD.split(fold(phrase))[1:-1]
    extras = ["".join(sorted(set(gap) - set(" .-'’‐‑–"))) for gap in gaps]
    return [f"[{SEPARATOR_CHARS}{re.escape(extra)}]*" if extra.strip() else SEPARATOR for extra in extras]


@dataclass(frozen=True)
class PhrasePattern:
    """A phrase's pattern in two parts, so that many terms can share one honorific run.

    plain: matches the phrase with no honorific in front (None when one is required);
    after_title: what may follow an honorific run (None when the phrase has no honorific).
    """

    plain: str | None
    after_title: str | None

    @property
    def pattern(self) -> str:
        alternatives = [self.plain] if self.plain else []
        if self.after_title:
            alternatives.append(TITLE_RUN + self.after_title)
        return "|".join(alternatives)


def phrase_parts(phrase: str, *, prefix_last: bool = False, honorifics: bool = True) -> PhrasePattern:
    """Split a phrase into honorifics and names and build the patterns for its names.

    With honorifics, leading ones (dr, prof., dott.ssa) match any honorific, and with a first
    name and a surname the title may be left out ("Anna Kowalska") or the first name may
    ("dr Kowalskiej"); a bare surname never matches. Brand names pass honorifics=False, so "MED"
    in "MED Polonia" stays a word. Raises ValueError when the phrase has nothing to match.
    """
    words = phrase_words(phrase)
    if not words:
        raise ValueError(f"{phrase!r} has no letters or digits to match")
    titles = 0
    while honorifics and titles < len(words) - 1 and words[titles] in TITLE_WORDS:
        titles += 1
    names = words[titles:]
    separators = phrase_separators(phrase)[titles:]
    parts = []
    for index, word in enumerate(names):
        is_last = index == len(names) - 1
        if is_last and prefix_last:
            parts.append(re.escape(word) + r"\w*")
        else:
            parts.append(word_pattern(word, _mode(word, is_last, len(words))))
    body = parts[0] + "".join(separator + part for separator, part in zip(separators, parts[1:]))
    if not titles:
        return PhrasePattern(body, None)
    if len(names) == 1:
        return PhrasePattern(None, body)
    return PhrasePattern(body, f"(?:{body}|{parts[-1]})")


def phrase_pattern(phrase: str, *, prefix_last: bool = False) -> str:
    """The pattern (without word anchors) matching a phrase and the case forms of its words."""
    return phrase_parts(phrase, prefix_last=prefix_last).pattern


def phrase_anchor(phrase: str) -> str:
    """A literal every match of the phrase contains: the part all forms of its last word share."""
    last = phrase_words(phrase)[-1]
    _, other_forms = polish_forms(last)
    return os.path.commonprefix([last, *other_forms])


def _mode(word: str, is_last: bool, word_count: int) -> str:
    if len(word) > SHORT_WORD or (is_last and word_count > 1):
        return "free"
    return "hyphen" if word_count == 1 else "plain"


def word_pattern(word: str, mode: str = "free") -> str:
    """One folded word and its case forms; mode is free, hyphen (endings only after -) or plain."""
    if mode == "plain":
        return re.escape(word)
    endings, other_forms = polish_forms(word)
    hyphen = "[-'’]?" if mode == "free" else "[-'’]"
    alternatives = [re.escape(word) + _optional_endings(endings, hyphen)]
    if mode == "free":
        alternatives += [re.escape(form) for form in sorted(set(other_forms) - {word}, key=len, reverse=True)]
    return alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"


def _optional_endings(endings: list[str], hyphen: str) -> str:
    if not endings:
        return ""
    longest_first = sorted(set(endings), key=len, reverse=True)
    return f"(?:{hyphen}(?:{'|'.join(map(re.escape, longest_first))}))?"
