"""Medical vocabulary per language (vocab/<lang>.toml), matched on lemmas so inflected forms count."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import simplemma

from replies.textfold import fold

VOCAB_DIR = Path(__file__).with_name("vocab")
CATEGORIES = ("conditions", "symptoms", "procedures", "tests", "medicines", "specialties", "body_parts", "services")
LANGUAGES = ("pl", "it", "en")
# Letters with inner hyphens or apostrophes ("x-ray", "all'ospedale" splits at the apostrophe below).
WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


@dataclass(frozen=True, slots=True)
class Token:
    start: int
    end: int
    form: str  # folded surface form
    lemma: str  # folded lemma


@dataclass(frozen=True, slots=True)
class TermHit:
    start: int  # character span in the original text
    end: int
    category: str
    term: str  # the vocabulary entry that matched


@dataclass
class Vocabulary:
    language: str
    words: dict[str, str] = field(default_factory=dict)  # folded lemma or form -> category
    stems: dict[str, str] = field(default_factory=dict)  # folded stem -> category
    stem_pattern: re.Pattern[str] = re.compile(r"(?!)")
    phrases: dict[str, list[tuple[tuple[str, ...], str, str]]] = field(default_factory=dict)  # first word -> entries
    stem_phrases: list[tuple[tuple[str, ...], str, str]] = field(default_factory=list)  # phrases starting with a stem
    suffix_pattern: re.Pattern[str] = re.compile(r"(?!)")  # medical word endings ("-itis", "-skopia")
    suffixes: dict[str, str] = field(default_factory=dict)  # folded ending -> category
    exceptions: frozenset[str] = frozenset()  # words with a medical ending that are not medical ("sympathy")


@lru_cache(maxsize=8)
def vocabulary(language: str) -> Vocabulary:
    """Load vocab/<language>.toml (English for languages without one); an unknown category is an error."""
    path = VOCAB_DIR / f"{language if language in LANGUAGES else 'en'}.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    suffixes = data.pop("suffixes", {})
    unknown = set(data) - set(CATEGORIES)
    if unknown:
        raise ValueError(f"{path.name}: unknown categories {sorted(unknown)}; expected {', '.join(CATEGORIES)}")
    vocab = Vocabulary(path.stem)
    _load_suffixes(vocab, suffixes, path)
    for category in CATEGORIES:
        for entry in data.get(category, []):
            words = fold(entry).split()
            if len(words) > 1 and words[0].endswith("*"):
                vocab.stem_phrases.append((tuple(words), category, entry))
            elif len(words) > 1:
                vocab.phrases.setdefault(words[0], []).append((tuple(words), category, entry))
            elif entry.endswith("*"):
                vocab.stems.setdefault(words[0][:-1], category)
            else:
                vocab.words.setdefault(words[0], category)  # entries are lemmas already: not lemmatised again
    if vocab.stems:
        ordered = sorted(vocab.stems, key=len, reverse=True)  # longest stem wins
        vocab.stem_pattern = re.compile("^(?:" + "|".join(re.escape(s) for s in ordered) + ")")
    return vocab


MIN_SUFFIX_WORD = 7  # "lite", "coma" and "site" are too short to judge by their ending


def _load_suffixes(vocab: Vocabulary, table: dict[str, list[str]], path: Path) -> None:
    unknown = set(table) - set(CATEGORIES) - {"exceptions"}
    if unknown:
        raise ValueError(f"{path.name}: [suffixes] unknown keys {sorted(unknown)}")
    vocab.exceptions = frozenset(fold(w) for w in table.get("exceptions", []))
    for category, endings in table.items():
        if category != "exceptions":
            for ending in endings:
                vocab.suffixes.setdefault(fold(ending), category)
    if vocab.suffixes:
        ordered = sorted(vocab.suffixes, key=len, reverse=True)
        vocab.suffix_pattern = re.compile("(?:" + "|".join(re.escape(e) for e in ordered) + ")$")


@lru_cache(maxsize=65536)
def _lemma(language: str, word: str) -> str:
    return fold(simplemma.lemmatize(word, lang=language if language in LANGUAGES else "en"))


def tokens(text: str, language: str) -> list[Token]:
    """Words of `text` with spans, folded forms and folded lemmas (cached per word)."""
    lang = language if language in LANGUAGES else "en"
    found = []
    for match in WORD.finditer(text):
        lower = match.group().lower()
        found.append(Token(match.start(), match.end(), fold(lower), _lemma(lang, lower)))
    return found


def _word_category(vocab: Vocabulary, token: Token) -> tuple[str, str] | None:
    for key in (token.form, token.lemma):
        category = vocab.words.get(key)
        if category:
            return category, key
    for form in (token.form, token.lemma):  # "biegunce" starts no stem, its lemma "biegunka" does
        stem = vocab.stem_pattern.match(form)
        if stem:
            return vocab.stems[stem.group()], stem.group() + "*"
    if len(token.form) >= MIN_SUFFIX_WORD and token.form not in vocab.exceptions and token.lemma not in vocab.exceptions:
        ending = vocab.suffix_pattern.search(token.form)
        if ending:
            return vocab.suffixes[ending.group()], "*" + ending.group()
    return None


def _matches(word: str, token: Token) -> bool:
    if word.endswith("*"):
        return token.form.startswith(word[:-1])
    return word in (token.form, token.lemma)


def health_terms(words: list[Token], language: str) -> list[TermHit]:
    """Vocabulary terms among `words`; a phrase ("heart attack") wins over its single words."""
    vocab = vocabulary(language)
    hits: list[TermHit] = []
    index = 0
    while index < len(words):
        token = words[index]
        phrase = _phrase_at(vocab, words, index)
        if phrase:
            length, category, entry = phrase
            hits.append(TermHit(token.start, words[index + length - 1].end, category, entry))
            index += length
            continue
        found = _word_category(vocab, token)
        if found:
            hits.append(TermHit(token.start, token.end, found[0], found[1]))
        index += 1
    return hits


def _phrase_at(vocab: Vocabulary, words: list[Token], index: int) -> tuple[int, str, str] | None:
    token = words[index]
    candidates = vocab.phrases.get(token.form, []) + vocab.phrases.get(token.lemma, [])
    candidates += [entry for entry in vocab.stem_phrases if token.form.startswith(entry[0][0][:-1])]
    for parts, category, entry in sorted(candidates, key=lambda c: -len(c[0])):
        if index + len(parts) <= len(words) and all(_matches(p, words[index + i]) for i, p in enumerate(parts)):
            return len(parts), category, entry
    return None
