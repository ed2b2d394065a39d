"""Guardrail linter for public replies: every suggested and every staff-edited reply goes through `lint`."""
from __future__ import annotations

import re

from core.config import Config
from replies.findings import Finding, merge, reason, whole_reply
from replies.health_rules import RawHit, health_hits, promise_hits, record_hits, sentence_of, sentences
from replies.lexicon import tokens
from replies.personal_data import EMAIL, NAME_WINDOW, URL, find_personal_data, person_name
from replies.reply_language import reply_language
from replies.rulebook import RULES, rule_book
from replies.textfold import fold, fold_with_map, original_span

MAX_CHARS = 600
MAX_SENTENCES = 5
# "Please do not describe your symptoms here" is the opposite of asking for them.
NEGATION_BEFORE = re.compile(
    r"(?:\bnie|\bnon|\bnot|n't|\bnever|\bnigdy|\bmai|\bno need to|\bwithout|\bsenza|\bbez)\s+(?:\w+\s+){0,2}$"
)
NEGATABLE = ("asks_health_data", "promises_outcome")

__all__ = ["RULES", "Finding", "lint", "reason", "count_sentences", "protected_spans"]


def lint(text: str, language: str, *, mention_text: str = "", config: Config | None = None) -> list[Finding]:
    """Check a public reply; `language` is the reply's (its vocabulary and cues), patterns of all languages run."""
    if not isinstance(text, str) or not text.strip():
        return []
    language = reply_language(text, language)
    book = rule_book()
    folded, origin = fold_with_map(text)
    protected = protected_spans(folded, config)
    words = tokens(text, language)
    post = mention_text or ""
    hits = _pattern_hits(text, folded, origin, language)
    hits += health_hits(text, language, book, post, words)
    hits += record_hits(text, language, book, config)
    hits += promise_hits(text, language, book)
    hits = [hit for hit in hits if not _inside_original((hit.start, hit.end), text, origin, protected)]
    hits += _personal_hits(text, language, config)  # official contacts are already left out there
    findings = merge(text, hits, language)
    return findings + _length_findings(text, language)


def protected_spans(folded: str, config: Config | None) -> list[tuple[int, int]]:
    """Links, addresses and the clinic's own names: "Gwarant Clinic" or "/cukrzyca" there are no finding."""
    spans = [m.span() for m in URL.finditer(folded)] + [m.span() for m in EMAIL.finditer(folded)]
    if config is not None:
        names = [config.clinic_name, *config.brand.names, *config.brand.aliases]
        for name in {fold(n).strip() for n in names if n and n.strip()}:
            spans += [m.span() for m in re.finditer(re.escape(name), folded)]
    return spans


def _inside_original(span: tuple[int, int], text: str, origin: list[int], protected: list[tuple[int, int]]) -> bool:
    for start, end in protected:
        first, last = original_span(origin, start, end, len(text))
        if first <= span[0] and span[1] <= last:
            return True
    return False


def _pattern_hits(text: str, folded: str, origin: list[int], language: str) -> list[RawHit]:
    hits: list[RawHit] = []
    book = rule_book()
    found = sentences(text)
    for rule, pattern in book.patterns.items():
        for match in pattern.finditer(folded):
            if match.end() == match.start():
                continue
            negatable = rule in NEGATABLE
            if negatable and NEGATION_BEFORE.search(folded[: match.start()]):
                continue  # "we do not promise results", "please do not describe your symptoms"
            start, end = original_span(origin, *match.span(), len(text))
            sentence = sentence_of(found, start)
            if negatable and sentence is not None and book.cue(language, "privacy").search(sentence.folded):
                continue
            hits.append(RawHit(rule, start, end))
    return hits


def _personal_hits(text: str, language: str, config: Config | None) -> list[RawHit]:
    hits: list[RawHit] = []
    for hit in find_personal_data(text, config):
        hits.append(RawHit("personal_data", *hit.span))
        offset = max(0, hit.span[0] - NAME_WINDOW)
        name = person_name(text[offset : hit.span[0]])
        if name:  # the name next to the number is personal data too: highlight it
            hits.append(RawHit("personal_data", offset + name.start(), offset + name.end()))
    title_name = rule_book().cue(language, "title_name")
    hits += [RawHit("personal_data", *m.span()) for m in title_name.finditer(text)]
    return hits


def count_sentences(text: str) -> int:
    """Sentences end in . ! ? (or …); addresses are masked first so their dots do not count."""
    masked = URL.sub("link", EMAIL.sub("mail", text))
    return len(re.findall(r"\w[^.!?…]*?[.!?…]+(?=\s|$)", masked))


def _length_findings(text: str, language: str) -> list[Finding]:
    length, sentences = len(text.strip()), count_sentences(text)
    if length <= MAX_CHARS and sentences <= MAX_SENTENCES:
        return []
    detail = f"{length} characters, {sentences} sentences; at most {MAX_CHARS} and {MAX_SENTENCES}"
    return [whole_reply("too_long", language, detail)]
