"""Rule-based sentiment: VADER plus domain phrases for English; own lexicons over lemmas for Polish and Italian."""
from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

from analysis.lexicon import Lexicon, WeightedPatterns, available_languages, fold, fold_word, load_lexicon
from analysis.vader import BiasedVader
from core.lemmas import LEMMA_FACTORY

# A compound score beyond these reads as negative / positive. One mild positive word (<= 1) stays neutral in
# our lexicons, one mild negative word (-1, times the negativity bias) does not; VADER's convention is 0.05.
LEXICON_THRESHOLD = 0.3
VADER_THRESHOLD = 0.05
ALPHA = 15.0  # VADER's normalisation constant, so both scales read alike
NEGATED_POSITIVE = -1.0  # "nie polecam" is as negative as "polecam" is positive
NEGATED_NEGATIVE = -0.5  # "nie był niemiły" is only mildly positive
NEGATION_SCOPE = 3
BEFORE_CONTRAST, AFTER_CONTRAST = 0.5, 1.5
# Negative words count 1.5 times positive ones (the negativity bias of SO-CAL, Taboada et al. 2011):
# in feedback, politeness is cheap and criticism is the message.
NEGATIVE_BIAS = 1.5
# A negated word the lexicon does not know ("nie zbadał", "non ha risposto"): in feedback, something not done.
# It counts as one mild negative word.
NEGATED_UNKNOWN = -1.0
# Complaint phrases weighing this much (one strong phrase, or two mild ones) decide the label on their own.
CLEAR_COMPLAINT = 2.0
SHOUTING = 1.3  # an all-capitals word weighs more, as in VADER

_TOKENS = re.compile(r"[^\W\d_]+|[!?.;:,]")
_POSITIVE_EMOJI = "😀😁😃😄😊🙂😍🥰😘👍👏🙏💪❤💙💚🎉"
_NEGATIVE_EMOJI = "😡😠🤬😢😭😞😒👎🤮💩😤🙄😩😫😱🙁☹😔😕😓😖😣💔😑🤦"
_POSITIVE_EMOTICONS = re.compile(rf"(?::-?\)|:-?D\b|;-?\)|<3|[{_POSITIVE_EMOJI}])")
_NEGATIVE_EMOTICONS = re.compile(rf"(?::-?\(|:'\(|(?<![\w:]):-?/(?![/\w])|-_-|[{_NEGATIVE_EMOJI}])")
# Every emoticon above contains one of these parts, or a character from the first emoji up: texts without any
# (nearly all) skip both regex scans. One search finds either, where a max() over the text and ten substring
# tests took ~4 us a text.
_FIRST_EMOJI = min(_POSITIVE_EMOJI + _NEGATIVE_EMOJI)
_MAY_HAVE_EMOTICONS = re.compile(rf":[-)D('/]|;[-)]|<3|-_-|[{_FIRST_EMOJI}-\U0010FFFF]")
_DICTIONARIES = LEMMA_FACTORY  # shared with the search index's lemmas: each dictionary once per process
_LEMMA_LANGUAGES = frozenset({"pl", "it", "en"})


@dataclass(slots=True)
class SentimentResult:
    label: str
    score: float  # -1 .. 1
    positive: float  # sum of positive evidence
    negative: float  # sum of negative evidence (as a positive number)
    phrases: int  # domain phrases matched


def normalise(total: float) -> float:
    return total / math.sqrt(total * total + ALPHA)


def label_for(score: float, threshold: float) -> str:
    if score <= -threshold:
        return "negative"
    if score >= threshold:
        return "positive"
    return "neutral"


@functools.lru_cache(maxsize=400_000)
def lemma_of(token: str, language: str) -> str:
    """The dictionary lemma of a lower-case token, or the token itself.

    simplemma's dictionary is looked up directly: its rule fall-backs cost about a millisecond a word.
    """
    if language not in _LEMMA_LANGUAGES:
        return token
    dictionary = _loaded_dictionaries.get(language)
    if dictionary is None:
        dictionary = _loaded_dictionaries[language] = _DICTIONARIES.get_dictionary(language)
    return dictionary.get(token) or dictionary.get(token.capitalize()) or token


_loaded_dictionaries: dict[str, Mapping[str, str]] = {}


@functools.lru_cache(maxsize=400_000)
def word_weight(token: str, folded: str, language: str) -> float:
    """The lexicon weight of one lower-case token (0 if unknown): word, lemma, stem, or Polish nie- prefix."""
    lexicon = load_lexicon(language)
    weight = lexicon.words.get(folded)
    if weight is None:
        lemma = lemma_of(token, language)
        # A lower-case ASCII word that is its own lemma folds to itself: the key just looked up, not worth another.
        if lemma != token or folded != token or not (token.isascii() and token.isalpha() and token.islower()):
            weight = lexicon.words.get(fold_lemma(lemma))
    if weight is None:
        weight = _ending_weight(lexicon, folded, language)
    if weight is None:
        weight = _stem_weight(lexicon, folded)
    if weight is None and language == "pl" and folded.startswith("nie") and len(folded) > 6:
        inner = word_weight(token[3:], folded[3:], language)
        weight = inner * (NEGATED_POSITIVE if inner > 0 else NEGATED_NEGATIVE) if inner else None
    return weight or 0.0


def fold_lemma(lemma: str) -> str:
    """fold() of one lemma: per word as fold_word, whole-text fold() only when it holds more than letters."""
    folded = fold_word(lemma.lower())
    return folded if folded.isalpha() else fold(lemma)


# Inflection endings mapped back to the dictionary form, for adjectives the lemma dictionary misses.
_ENDINGS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "pl": (("ymi", ("y",)), ("imi", ("i", "y")), ("ego", ("y", "i")), ("emu", ("y", "i")), ("ych", ("y",)),
           ("ich", ("i",)), ("ej", ("y", "i")), ("ym", ("y",)), ("im", ("i",)), ("a", ("y", "i")), ("e", ("y", "i"))),
    "it": (("a", ("o", "e")), ("e", ("o", "e")), ("i", ("o", "e"))),
}


# The same endings grouped by their last letter (in their order), so that a word is tried only against those
# it can end with: the first ending that fits decides, as in _ENDINGS.
_ENDINGS_BY_LAST = {
    language: {last: tuple(e for e in endings if e[0][-1] == last) for last in {e[0][-1] for e in endings}}
    for language, endings in _ENDINGS.items()
}


def _ending_weight(lexicon: Lexicon, folded: str, language: str) -> float | None:
    for ending, replacements in _ENDINGS_BY_LAST.get(language, {}).get(folded[-1:], ()):
        if folded.endswith(ending) and len(folded) > len(ending) + 2:
            base = folded[: -len(ending)]
            for replacement in replacements:
                weight = lexicon.words.get(base + replacement)
                if weight is not None:
                    return weight
            return None
    return None


def _stem_weight(lexicon: Lexicon, folded: str) -> float | None:
    """The weight of the longest stem (4 letters or more) the word starts with."""
    for end in lexicon.stem_lengths:
        if end <= len(folded):
            weight = lexicon.stems.get(folded[:end])
            if weight is not None:
                return weight
    return None


@functools.cache
def _contrast_words(language: str) -> tuple[re.Pattern[str] | None, tuple[str, ...]]:
    words = tuple(sorted(load_lexicon(language).contrast))
    return (re.compile(r"\b(?:" + "|".join(words) + r")\b") if words else None), words


def last_contrast(folded: str, language: str) -> int:
    """Where the last contrast word ("but", "ale", "ma") starts in the folded text, or -1."""
    pattern, words = _contrast_words(language)
    # A few substring tests rule out most texts before the regex walks them.
    if pattern is None or not any(map(folded.__contains__, words)):
        return -1
    position = -1
    for match in pattern.finditer(folded):
        position = match.start()
    return position


@functools.cache
def lexicon_languages() -> frozenset[str]:
    """Languages scored over their own lexicon; every other one is scored by VADER with English phrases."""
    return frozenset(lang for lang in available_languages() if lang != "en")


def phrases_for(language: str) -> WeightedPatterns:
    """The domain phrases SentimentScorer.score weighs for a language."""
    phrases = load_lexicon(language if language in lexicon_languages() else "en").phrases
    assert phrases is not None  # every lexicon file is loaded with its phrases
    return phrases


class SentimentScorer:
    """Scores text in its detected language; build once (loads VADER and the lexicons)."""

    def __init__(self) -> None:
        self.vader = BiasedVader(NEGATIVE_BIAS)
        english = load_lexicon("en")
        self.vader.lexicon.update(english.words)
        self.english_phrases = english.phrases
        self.lexicon_languages = lexicon_languages()
        for language in self.lexicon_languages:
            load_lexicon(language)
        # simplemma's dictionaries (~1-4 s each) load on the first text of their language, once per process.

    @staticmethod
    def load_language(language: str) -> None:
        """Load a language's lemma dictionary and compile its contrast words now rather than on its first text."""
        if language in _LEMMA_LANGUAGES:
            _DICTIONARIES.get_dictionary(language)
        if language in available_languages():
            _contrast_words(language)

    def score(self, text: str, folded: str, language: str, phrases: dict[str, int] | None = None) -> SentimentResult:
        """`phrases`: where phrases_for(language) matched in `folded`, when a shared scan found them already."""
        if language in self.lexicon_languages:
            return self._score_lexicon(text, folded, language, phrases)
        return self._score_vader(text, folded, phrases)

    def _score_vader(self, text: str, folded: str, phrases: dict[str, int] | None) -> SentimentResult:
        scores = self.vader.polarity_scores(text)
        compound = max(-0.9999, min(0.9999, scores["compound"]))
        total = compound * math.sqrt(ALPHA / (1 - compound * compound))
        contrast = last_contrast(folded, "en")
        assert self.english_phrases is not None  # every lexicon file is loaded with its phrases
        positive, negative, hits = self.english_phrases.evidence(
            folded, contrast, BEFORE_CONTRAST, AFTER_CONTRAST, phrases
        )
        negative *= NEGATIVE_BIAS
        total += positive - negative
        final = _complaint_wins(normalise(total), positive, negative / NEGATIVE_BIAS, VADER_THRESHOLD)
        return SentimentResult(
            label_for(final, VADER_THRESHOLD),
            final,
            positive + scores["pos"] * 4,
            negative + scores["neg"] * 4,
            hits,
        )

    def _score_lexicon(self, text: str, folded: str, language: str, phrases: dict[str, int] | None) -> SentimentResult:
        lexicon = load_lexicon(language)
        parts, exclamations = _word_evidence(text, lexicon, language)
        positive = sum(p for p in parts if p > 0)
        negative = -sum(p for p in parts if p < 0) * NEGATIVE_BIAS
        contrast = last_contrast(folded, language)
        assert lexicon.phrases is not None  # every lexicon file is loaded with its phrases
        phrase_pos, phrase_neg, hits = lexicon.phrases.evidence(folded, contrast, BEFORE_CONTRAST, AFTER_CONTRAST, phrases)
        happy, sad = emoticon_counts(text)
        positive += phrase_pos + 1.5 * happy
        negative += phrase_neg * NEGATIVE_BIAS + 1.5 * sad
        total = positive - negative
        if total:
            total += math.copysign(0.3 * min(exclamations, 3), total)
        final = _complaint_wins(normalise(total), phrase_pos, phrase_neg, LEXICON_THRESHOLD)
        return SentimentResult(label_for(final, LEXICON_THRESHOLD), final, positive, negative, hits)


def emoticon_counts(text: str) -> tuple[int, int]:
    """How many positive and negative emoticons or emoji the text has."""
    if _MAY_HAVE_EMOTICONS.search(text) is None:
        return 0, 0
    return len(_POSITIVE_EMOTICONS.findall(text)), len(_NEGATIVE_EMOTICONS.findall(text))


def _complaint_wins(score: float, phrase_positive: float, phrase_negative: float, threshold: float) -> float:
    """A clear complaint phrase ("would be nice if", "waited 3 hours", "nikt nie odbiera") makes the text
    negative whatever polite or positive words surround it: in feedback the complaint is the message."""
    if phrase_negative >= CLEAR_COMPLAINT and phrase_negative > phrase_positive and score > -threshold:
        return -threshold
    return score


# What a token is to the word-evidence rules: worked out once per token (lower-casing, folding, lexicon and
# lemma look-ups) and kept per language, since the same words recur in every text.
_NEGATOR, _BREAK, _INTENSIFIER, _WORD = range(4)
_ROLE_CACHE_SIZE = 100_000  # distinct tokens kept per language (dev.jsonl has ~34,000 in all)
_roles: dict[str, dict[str, tuple]] = {}


def _token_role(original: str, lexicon: Lexicon, language: str) -> tuple:
    """(_NEGATOR,) | (_BREAK, is_contrast, is_exclamation) | (_INTENSIFIER, boost) | (_WORD, weight, shout, long)."""
    token = original.lower()
    key = fold_word(token)
    if key in lexicon.negators:
        return (_NEGATOR,)
    if token in "!?.;:," or key in lexicon.contrast:
        return (_BREAK, key in lexicon.contrast, token == "!")
    boost = lexicon.intensifiers.get(key)
    if boost is not None:
        return (_INTENSIFIER, boost)
    shout = SHOUTING if len(original) > 2 and original.isupper() else 1.0
    # Uncached: the role cache keeps the result, word_weight's cache would only hold it twice.
    return (_WORD, word_weight.__wrapped__(token, key, language), shout, len(token) > 2)


def _word_evidence(text: str, lexicon: Lexicon, language: str) -> tuple[list[float], int]:
    """Weighted lexicon words after negation, intensifiers and contrast; and the number of exclamation marks.

    A negation that reaches no lexicon word ("nie zbadał", "non ha risposto") counts NEGATED_UNKNOWN once its
    scope ends; one that reaches a known word ("nie był niemiły") counts only through that word.
    """
    roles = _roles.setdefault(language, {})
    if len(roles) > _ROLE_CACHE_SIZE:
        roles.clear()
    parts: list[float] = []
    contrast_at, negation_left, multiplier, exclamations = -1, 0, 1.0, 0
    negation_cue_used, unknown_negated = False, False
    for original in _TOKENS.findall(text):
        role = roles.get(original)
        if role is None:
            role = roles[original] = _token_role(original, lexicon, language)
        kind = role[0]
        if kind <= _BREAK:
            if unknown_negated and not negation_cue_used:
                parts.append(NEGATED_UNKNOWN)
            unknown_negated, negation_cue_used = False, False
            if kind == _NEGATOR:
                negation_left = NEGATION_SCOPE
                continue
            negation_left, multiplier = 0, 1.0
            if role[1]:
                contrast_at = len(parts)
            exclamations += role[2]
            continue
        if kind == _INTENSIFIER:
            multiplier *= role[1]
            continue
        _, weight, shout, long = role
        if weight:
            weight *= multiplier * shout
            if negation_left:
                weight *= NEGATED_POSITIVE if weight > 0 else NEGATED_NEGATIVE
                negation_cue_used = True
            parts.append(weight)
            multiplier = 1.0
        elif negation_left and long:
            unknown_negated = True
        if negation_left:
            negation_left -= 1
            if not negation_left and unknown_negated and not negation_cue_used:
                parts.append(NEGATED_UNKNOWN)
                unknown_negated, negation_cue_used = False, True
    if unknown_negated and not negation_cue_used:
        parts.append(NEGATED_UNKNOWN)
    if contrast_at > 0:
        parts = [p * BEFORE_CONTRAST for p in parts[:contrast_at]] + [p * AFTER_CONTRAST for p in parts[contrast_at:]]
    return parts, exclamations
