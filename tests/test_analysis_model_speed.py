"""The model step's fast paths give exactly what the plain computations give: extract_features (the same
features, values and order, since the model sums a text's weights in that order) and LearnedModel.predict
(the probabilities() of every usable head)."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import model
from analysis.lexicon import fold, load_lexicon
from analysis.model import Head, LearnedModel, extract_features
from analysis.sentiment import SentimentResult, lemma_of

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
RULES = SentimentResult("negative", -0.42, 1.5, 3.25, 2)


def reference_features(text: str, language: str, rules: SentimentResult, is_question: bool) -> dict[str, float]:
    """extract_features as first written: names formatted per occurrence, pairs built from full lists."""
    negators = load_lexicon(language).negators if language in model.LEXICON_LANGUAGES else frozenset()
    words: list[str] = []
    word_feats: set[str] = set()
    lemmas: set[str] = set()
    sequence: list[str] = []
    negation_left = 0
    marks: set[str] = set()
    if "://" in text or "www." in text:
        marks.add("w:" + model.URL)
        text = model._URL.sub(" ", text)
    for token in model._TOKENS.findall(text):
        if token[-1] in model._BREAKS:
            negation_left = 0
            sequence.append("|")
            if len(token) > 1:
                marks.add(model._punctuation_marker(token))
            continue
        lower = token.lower()
        marker = model.CAPS if len(token) > 3 and token.isupper() else ""
        if lower.count("h") != 1 and model._LAUGH.fullmatch(lower):
            folded = lemma = model.LAUGH
        else:
            if model._ELONGATED.search(lower):
                lower = model._ELONGATED.sub(r"\1", lower)
                marker = marker or model.ELONG
            folded = fold(lower)
            lemma = fold(lemma_of(lower, language))
            if lemma == folded and len(folded) > model.STEM + 1:
                lemma = folded[: model.STEM] + "~"
        if marker:
            marks.add(marker)
        words.append(folded)
        word_feats.add(f"w:{folded}")
        if folded in negators:
            negation_left = model.NEGATION_SCOPE
            sequence.append("NEG")
            continue
        lemmas.add(f"n:{lemma}" if negation_left else f"l:{lemma}")
        sequence.append(lemma)
        if negation_left:
            negation_left -= 1
    word_feats |= marks
    word_feats.update(f"b:{a}_{b}" for a, b in zip(words, words[1:]))
    lemmas.update(f"m:{a}_{b}" for a, b in zip(sequence, sequence[1:]) if a != "|" and b != "|")
    features: dict[str, float] = dict.fromkeys(word_feats, 1.0 / math.sqrt(len(word_feats))) if word_feats else {}
    if lemmas:
        features.update(dict.fromkeys(lemmas, 1.0 / math.sqrt(len(lemmas))))
    features[f"r:score@{language}"] = rules.score
    features[f"r:{rules.label}@{language}"] = 1.0
    features[f"r:pos@{language}"] = math.log1p(rules.positive)
    features[f"r:neg@{language}"] = math.log1p(rules.negative)
    features[f"r:phrases@{language}"] = float(rules.phrases)
    features[f"r:question@{language}"] = float(is_question)
    features[f"lang:{language}"] = 1.0
    return features


PIECES = ["nie", "Nie", "polecam", "lekarza", "rejestracji", "non", "consiglio", "medico", "not", "the", "doctor",
          "NOBODY", "answers", "bellooo", "nooo", "hahaha", "ahah", "ha", "xD", "lol", ":(", ":)", "😡", "👏", "!!",
          "?!", "??", ".", ",", ";", "!", "https://t.co/x1", "www.salus.it", "Łódź", "żółć", "città", "perché",
          "ZAWSZE", "42", "can't", "arm's", " ", "\n", "don't", "mai", "nikt", "odbiera"]


@FAST
@given(st.lists(st.sampled_from(PIECES), max_size=30).map(" ".join), st.sampled_from(["pl", "it", "en", "de"]),
       st.booleans())
def test_extract_features_equals_the_plain_computation_in_order(text: str, language: str, question: bool) -> None:
    expected = reference_features(text, language, RULES, question)
    assert list(extract_features(text, language, RULES, question).items()) == list(expected.items())


def test_extract_features_cold_and_warm_token_cache_agree() -> None:
    text = "Nie polecam tej przychodni, nikt nie odbiera telefonu!! Rejestracja ZAWSZE zajęta 😡"
    model._token_cache.clear()
    cold = list(extract_features(text, "pl", RULES, False).items())
    assert "Rejestracja" in model._token_cache["pl"]  # the token's forms are kept for the next text
    assert list(extract_features(text, "pl", RULES, False).items()) == cold
    assert cold == list(reference_features(text, "pl", RULES, False).items())


def _random_model(seed: int) -> LearnedModel:
    """A model over a made-up vocabulary: sentiment (3 classes), kind (4), two topic heads; English unusable."""
    rng = np.random.default_rng(seed)
    names = [f"w:word{i}" for i in range(40)] + ["r:score@pl", "lang:pl", "lang:it"]
    heads = {
        "sentiment": Head(["negative", "neutral", "positive"], slice(0, 3), {"pl": 50, "it": 50}),
        "kind": Head(["complaint", "other", "praise", "question"], slice(3, 7), {"pl": 50, "it": 5}),
        "topic:waiting_time": Head(["no", "yes"], slice(7, 8), {"pl": 50, "it": 50}),
        "topic:staff_attitude": Head(["no", "yes"], slice(8, 9), {"pl": 50}),
    }
    return LearnedModel(
        version=1,
        vocabulary={name: i for i, name in enumerate(names)},
        columns=rng.normal(size=(len(names), 9)).astype(np.float32),
        intercepts=rng.normal(size=9).astype(np.float32),
        heads=heads,
        min_labels=20,
    )


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("known", [0, 1, 2, 30])
@pytest.mark.parametrize("language", ["pl", "it", "en"])
def test_predict_gives_what_probabilities_gives(seed: int, known: int, language: str) -> None:
    learned = _random_model(seed)
    features = {f"w:word{i}": 0.1 * (i + 1) for i in range(known)} | {"w:unknown": 1.0, "r:score@pl": -0.3}
    fields = learned.usable_fields(language)
    expected = learned.probabilities(features, fields)
    predicted = learned.predict(features, language)
    assert predicted.sentiment == expected.get("sentiment")
    assert predicted.kind == expected.get("kind")
    assert predicted.topics == {f.removeprefix("topic:"): p["yes"] >= 0.5 for f, p in expected.items()
                                if f.startswith("topic:")}
    if language == "en":
        assert predicted == model.Prediction(None, None, {})
