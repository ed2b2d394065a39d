"""Rules that combine the medical vocabulary with context cues, sentence by sentence.

A health term on its own is not a finding ("we offer blood tests on Mondays"); it becomes one when the
sentence ties it to the reader ("your knee surgery"), sympathises about it ("sorry about the surgery"),
explains it ("a rash is common after..."), advises on it, asks for it, or when the post mentioned it first.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from core.config import Config
from replies.lexicon import TermHit, Token, health_terms, tokens
from replies.rulebook import RuleBook
from replies.textfold import fold

SENSITIVE = ("conditions", "symptoms", "procedures", "tests", "medicines")
ADVICE_ON = ("medicines", "symptoms", "body_parts", "conditions")
EXPLAINED = SENSITIVE + ("body_parts",)
# Not body parts ("grazie di cuore", "z całego serca"); specialties count: "glad the stay on the psychiatric
# ward went well" names the care too.
FELT = SENSITIVE + ("specialties",)
ASKS_FOR = ("conditions", "symptoms", "medicines")
REPEATED = ("conditions", "symptoms", "medicines")  # "tests" or "prescriptions" repeated from a question are no detail
POSSESSIVE_WINDOW = 60  # characters before a term searched for "your", "Pana", "il suo"
CLOCK = re.compile(r"\b(?:[01]?\d|2[0-3])[:.][0-5]\d\b")
# Clock times in opening hours ("dalle 8:30 alle 18:00", "do 20:00") are no log entry.
OPENING_HOURS = re.compile(r"\b(?:dalle|fino alle|od|do|from|until|till|between|tra|open|aperti|czynn\w*|pracujemy|otwart\w*|"
                           r"przyjmuj\w*|nieczynn\w*|chius[oiae]|closed|rispondiamo|odpowiadamy|we reply)\b")
SENTENCE = re.compile(r"[^.!?\n]+[.!?\n]*")


@dataclass(frozen=True, slots=True)
class RawHit:
    rule: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    folded: str
    question: bool


def sentences(text: str) -> list[Sentence]:
    return [Sentence(m.start(), m.end(), fold(m.group()), m.group().rstrip().endswith("?")) for m in SENTENCE.finditer(text)]


def sentence_of(found: list[Sentence], position: int) -> Sentence | None:
    for sentence in found:
        if sentence.start <= position < sentence.end:
            return sentence
    return None


@lru_cache(maxsize=256)
def post_terms(post: str, language: str) -> frozenset[str]:
    """Vocabulary entries the post mentions (cached: the editor re-lints the same post on every keystroke)."""
    if not post.strip():
        return frozenset()
    return frozenset(hit.term for hit in health_terms(tokens(post, language), language) if hit.category != "specialties")


def health_hits(text: str, language: str, book: RuleBook, post: str, words: list[Token]) -> list[RawHit]:
    """names_condition, medical_advice and asks_health_data findings that need the vocabulary."""
    cue = lambda name: book.cue(language, name)  # noqa: E731 - a short local alias
    found = sentences(text)
    mentioned = post_terms(post, language)
    hits: list[RawHit] = []
    for term in health_terms(words, language):
        sentence = sentence_of(found, term.start)
        if sentence is None or cue("privacy").search(sentence.folded):
            continue  # "please don't share your symptoms here" is the safe sentence itself
        rule = _rule_for(term, text, sentence, mentioned, cue)
        if rule:
            hits.append(RawHit(rule, term.start, term.end))
    for sentence in found:
        identifier = cue("identifier").search(sentence.folded)
        if identifier and _asks(sentence, cue) and not cue("negation").search(sentence.folded[: identifier.start()]):
            hits.append(RawHit("asks_health_data", sentence.start + identifier.start(), sentence.start + identifier.end()))
    return hits


def _rule_for(term: TermHit, text: str, sentence: Sentence, mentioned: frozenset[str], cue) -> str | None:
    before = fold(text[max(sentence.start, term.start - POSSESSIVE_WINDOW) : term.start])
    folded = sentence.folded
    if term.category in ASKS_FOR and _asks(sentence, cue):
        offset = term.start - sentence.start
        if not cue("negation").search(folded[:offset]):
            return "asks_health_data"
    if term.category in ADVICE_ON and cue("advice").search(folded):
        return "medical_advice"
    if cue("conditional").search(folded) and cue("safety_net").search(folded):
        return None  # "if the pain is sudden, call 112" is the safety net, not a detail about the reader
    if term.category in EXPLAINED and cue("explanation").search(folded):
        return "medical_advice"
    if term.category in SENSITIVE and cue("specific_date").search(folded):
        return "record_lookup"  # a test or a procedure with its date can only come from the records
    if cue("possessive").search(before):
        return "names_condition"
    if term.category in FELT and (cue("sympathy").search(folded) or cue("relative").search(folded)):
        return "names_condition"
    if term.term in mentioned and term.category in REPEATED:
        return "names_condition"  # the reply repeats a health detail the post gave
    return None


def _asks(sentence: Sentence, cue) -> bool:
    """A request ("please tell us"), or a question to the reader ("what are you taking?")."""
    if cue("ask").search(sentence.folded):
        return True
    folded = sentence.folded
    return sentence.question and bool(cue("second_person").search(folded) or cue("interrogative").search(folded))


def promise_hits(text: str, language: str, book: RuleBook) -> list[RawHit]:
    """An outcome ("will disappear", "wróci do zdrowia") stated with certainty ("definitely", "w ciągu 3 dni")."""
    hits: list[RawHit] = []
    for sentence in sentences(text):
        outcome = book.cue(language, "outcome").search(sentence.folded)
        if not outcome or not book.cue(language, "certainty").search(sentence.folded):
            continue
        if book.cue(language, "negation").search(sentence.folded[max(0, outcome.start() - 25) : outcome.start()]):
            continue  # "we cannot say it will disappear"
        hits.append(RawHit("promises_outcome", sentence.start + outcome.start(), sentence.start + outcome.end()))
    return hits


def record_hits(text: str, language: str, book: RuleBook, config: Config | None) -> list[RawHit]:
    """Statements only the records could give: a visit with a date, a named doctor, said to the reader."""
    hits: list[RawHit] = []
    doctors = [fold(name) for name in (config.brand.doctors if config else []) if name.strip()]
    for sentence in sentences(text):
        folded = sentence.folded
        specific = book.cue(language, "specific_date").search(folded)
        # "sent on 18 February at 10:02": a log entry, i.e. the records
        if specific and CLOCK.search(folded) and not OPENING_HOURS.search(folded):
            hits.append(RawHit("record_lookup", sentence.start + specific.start(), sentence.start + specific.end()))
        if not book.cue(language, "second_person").search(folded):
            continue
        if specific:  # "your booking on the 9th", "dnia 3 czerwca obsługiwała Pana"
            hits.append(RawHit("record_lookup", sentence.start + specific.start(), sentence.start + specific.end()))
        visit, date = book.cue(language, "visit").search(folded), book.cue(language, "date").search(folded)
        if visit and date:
            hits.append(RawHit("record_lookup", sentence.start + visit.start(), sentence.start + visit.end()))
            hits.append(RawHit("record_lookup", sentence.start + date.start(), sentence.start + date.end()))
        for doctor in doctors:
            position = folded.find(doctor)
            if position >= 0:
                hits.append(RawHit("record_lookup", sentence.start + position, sentence.start + position + len(doctor)))
    return hits
