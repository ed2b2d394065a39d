"""One scan of a folded text for every cue set a mention's analysis reads (topics, kind, the language's
sentiment phrases, the triage pre-check), instead of one scan per set in each stage."""
from __future__ import annotations

import functools
from dataclasses import dataclass

from analysis.lemmacues import load_triage
from analysis.lexicon import load_cues
from analysis.patternset import PatternSet, SharedScan
from analysis.sentiment import lexicon_languages, phrases_for


@dataclass(slots=True)
class Scanned:
    """What the cue sets found in one folded text, each as its own positions() would say."""

    cues: dict[str, int]  # topic and kind cues, as rules.find_cues gives them
    phrases: dict[str, int]  # the sentiment phrases SentimentScorer.score weighs for the language
    candidate: bool  # the triage pre-check: worth lemmatising for health, legal and press signals


@functools.cache
def _scanner(phrase_language: str, triage_language: str | None) -> tuple[SharedScan, bool]:
    """The shared scan over those languages' sets, and whether it holds a triage pre-check (the last set)."""
    sets: list[PatternSet] = [load_cues("topics").patterns, load_cues("kind").patterns, phrases_for(phrase_language).patterns]
    triage = load_triage(triage_language) if triage_language is not None else None
    precheck = triage.precheck if triage is not None else None
    if precheck is not None:
        sets.append(precheck)
    return SharedScan(tuple(sets)), precheck is not None


_by_language: dict[str, tuple[SharedScan, bool]] = {}


def _scanner_for(language: str) -> tuple[SharedScan, bool]:
    """Languages with the same phrases and no triage file (the foreign ones) share one scan."""
    found = _by_language.get(language)
    if found is None:
        phrase_language = language if language in lexicon_languages() else "en"
        triage_language = language if load_triage(language) is not None else None
        found = _by_language[language] = _scanner(phrase_language, triage_language)
    return found


def scan_text(folded: str, language: str) -> Scanned:
    """Every cue set over the folded text in one pass (rules.find_cues' two passes, the phrases', the pre-check's)."""
    scanner, with_precheck = _scanner_for(language)
    found = scanner.positions(folded)
    # The topic cues first, then the kind cues: as find_cues merges its two passes.
    return Scanned(found[0] | found[1], found[2], with_precheck and bool(found[3]))


def warm_up(language: str) -> None:
    """Build the language's shared scan now (working out every pattern's opening takes a while) rather than on
    its first text; and the one texts in other languages (detected as neither) share."""
    _scanner_for(language)
    _scanner("en", None)
