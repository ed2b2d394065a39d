"""VADER as the English sentiment scorer uses it: a negativity bias, and the same scores computed faster."""
from __future__ import annotations

from vaderSentiment.vaderSentiment import (
    BOOSTER_DICT,
    C_INCR,
    N_SCALAR,
    NEGATE,
    SPECIAL_CASES,
    SentimentIntensityAnalyzer,
    SentiText,
    allcap_differential,
    scalar_inc_dec,
)


class BiasedVader(SentimentIntensityAnalyzer):
    """VADER with the same negativity bias as our lexicons, and a faster polarity_scores with the same results.

    VADER lower-cases the whole word list again for every check around every lexicon word and rebuilds the text
    character by character looking for emoji; here the lower-cased words are made once, and a text without
    emoji is used as it is. The rules and their order are VADER's, so the scores are bit for bit the same.
    """

    def __init__(self, negative_bias: float) -> None:
        super().__init__()
        self.negative_bias = negative_bias
        self.single_emojis = frozenset(emoji for emoji in self.emojis if len(emoji) == 1)

    def score_valence(self, sentiments: list[float], text: str) -> dict[str, float]:
        return super().score_valence([v * self.negative_bias if v < 0 else v for v in sentiments], text)

    def polarity_scores(self, text: str) -> dict[str, float]:
        if not self.single_emojis.isdisjoint(text):
            return super().polarity_scores(text)  # emoji become words: VADER's own path
        text = text.strip()
        words = list(map(SentiText._strip_punc_if_word, text.split()))  # noqa: SLF001  # VADER's own helper
        lowered = [word.lower() for word in words]
        is_cap_diff = allcap_differential(words)
        lexicon, last = self.lexicon, len(words) - 1
        sentiments: list[float] = []
        for i in range(len(words)):
            low = lowered[i]
            if low in BOOSTER_DICT or (i < last and low == "kind" and lowered[i + 1] == "of"):
                sentiments.append(0)
            elif low in lexicon:
                sentiments.append(self._lexicon_valence(i, words, lowered, is_cap_diff))
            else:
                sentiments.append(0)
        if "but" in lowered:  # VADER's _but_check lower-cases every word again to find out
            sentiments = self._but_check(words, sentiments)
        return self.score_valence(sentiments, text)

    def _lexicon_valence(self, i: int, words: list[str], lowered: list[str], is_cap_diff: bool) -> float:
        """SentimentIntensityAnalyzer.sentiment_valence for a lexicon word, over the lower-cased words."""
        lexicon = self.lexicon
        valence = lexicon[lowered[i]]
        if lowered[i] == "no" and i != len(words) - 1 and lowered[i + 1] in lexicon:
            valence = 0.0
        if (i > 0 and lowered[i - 1] == "no") or (i > 1 and lowered[i - 2] == "no") \
                or (i > 2 and lowered[i - 3] == "no" and lowered[i - 1] in ["or", "nor"]):
            valence = lexicon[lowered[i]] * N_SCALAR
        if words[i].isupper() and is_cap_diff:
            valence = valence + C_INCR if valence > 0 else valence - C_INCR
        for start_i in range(0, 3):
            if i > start_i and lowered[i - (start_i + 1)] not in lexicon:
                s = scalar_inc_dec(words[i - (start_i + 1)], valence, is_cap_diff)
                if start_i == 1 and s != 0:
                    s = s * 0.95
                if start_i == 2 and s != 0:
                    s = s * 0.9
                valence = valence + s
                valence = _vader_negation_check(valence, lowered, start_i, i)
                if start_i == 2:
                    valence = _vader_idioms_check(valence, lowered, i)
        return self._least_check(valence, lowered, i)


_VADER_NEGATE = frozenset(NEGATE)


def _vader_negated(word: str) -> bool:
    """vaderSentiment.negated([word]) for a lower-case word."""
    return word in _VADER_NEGATE or "n't" in word


def _vader_negation_check(valence: float, low: list[str], start_i: int, i: int) -> float:
    """SentimentIntensityAnalyzer._negation_check over the lower-cased words."""
    if start_i == 0:
        if _vader_negated(low[i - 1]):
            valence = valence * N_SCALAR
    if start_i == 1:
        if low[i - 2] == "never" and (low[i - 1] == "so" or low[i - 1] == "this"):
            valence = valence * 1.25
        elif low[i - 2] == "without" and low[i - 1] == "doubt":
            pass
        elif _vader_negated(low[i - 2]):
            valence = valence * N_SCALAR
    if start_i == 2:
        if low[i - 3] == "never" and (low[i - 2] == "so" or low[i - 2] == "this") \
                or (low[i - 1] == "so" or low[i - 1] == "this"):
            valence = valence * 1.25
        elif low[i - 3] == "without" and (low[i - 2] == "doubt" or low[i - 1] == "doubt"):
            pass
        elif _vader_negated(low[i - 3]):
            valence = valence * N_SCALAR
    return valence


def _vader_idioms_check(valence: float, low: list[str], i: int) -> float:
    """SentimentIntensityAnalyzer._special_idioms_check over the lower-cased words."""
    onezero = f"{low[i - 1]} {low[i]}"
    twoonezero = f"{low[i - 2]} {low[i - 1]} {low[i]}"
    twoone = f"{low[i - 2]} {low[i - 1]}"
    threetwoone = f"{low[i - 3]} {low[i - 2]} {low[i - 1]}"
    threetwo = f"{low[i - 3]} {low[i - 2]}"
    for seq in (onezero, twoonezero, twoone, threetwoone, threetwo):
        if seq in SPECIAL_CASES:
            valence = SPECIAL_CASES[seq]
            break
    if len(low) - 1 > i:
        zeroone = f"{low[i]} {low[i + 1]}"
        if zeroone in SPECIAL_CASES:
            valence = SPECIAL_CASES[zeroone]
    if len(low) - 1 > i + 1:
        zeroonetwo = f"{low[i]} {low[i + 1]} {low[i + 2]}"
        if zeroonetwo in SPECIAL_CASES:
            valence = SPECIAL_CASES[zeroonetwo]
    for n_gram in (threetwoone, threetwo, twoone):
        if n_gram in BOOSTER_DICT:
            valence = valence + BOOSTER_DICT[n_gram]
    return valence
