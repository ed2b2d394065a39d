"""Sentiment rules on hand-written sentences: complaint phrases, negation idioms, contrast, symptoms, emoticons."""
from __future__ import annotations

import pytest

from analysis import Analyzer
from analysis.lexicon import WeightedPatterns, fold
from analysis.model import extract_features
from analysis.sentiment import SentimentScorer, emoticon_counts, last_contrast


@pytest.fixture(scope="module")
def analyzer(tmp_path_factory) -> Analyzer:
    return Analyzer(model_dir=tmp_path_factory.mktemp("no-model"))


@pytest.mark.parametrize(
    "text, language, expected",
    [
        # A clear complaint phrase decides, whatever polite words surround it.
        ("The staff were lovely and friendly, but it would be nice if someone answered the phone.", "en", "negative"),
        # Praise built on a negation is praise.
        ("Couldn't have been better, nothing was too much trouble.", "en", "positive"),
        ("I didn't have to wait at all and the doctor was kind.", "en", "positive"),
        # A comment opening with a suggestion names what is missing.
        ("Answer the phone quicker in the mornings.", "en", "negative"),
        ("Lovely staff. Please keep patients informed about delays.", "en", "negative"),
        # A negated action the lexicon does not know is something not done.
        ("Lekarz mnie nie zbadał.", "pl", "negative"),
        ("Kazała mi czekać dwie godziny na korytarzu.", "pl", "negative"),
        ("Brak jakiegokolwiek podejścia do pacjenta.", "pl", "negative"),
        # Why the patient came is not a verdict on the care.
        ("Poszłam do lekarza z bólem gardła.", "pl", "neutral"),
        ("Ancora in coda al pronto soccorso :(", "it", "negative"),
        ("Che cialtroni, vergognatevi.", "it", "negative"),
        ("Medico impeccabile, lo ringrazio.", "it", "positive"),
    ],
)
def test_sentiment_rules(analyzer, text, language, expected):
    assert analyzer.analyse_text(text, declared_language=language).sentiment == expected


def test_negation_reaching_a_known_word_counts_only_through_it():
    scorer = SentimentScorer()
    text = "Lekarz nie był niemiły."
    result = scorer.score(text, fold(text), "pl")
    assert result.negative == 0.0 and result.positive > 0


def test_phrases_after_contrast_weigh_more_than_before():
    patterns = WeightedPatterns([("slow", -2.0), ("kind", 2.0)])
    text = "slow service but kind staff"
    contrast = last_contrast(text, "en")
    assert contrast == text.index("but")
    positive, negative, hits = patterns.evidence(text, contrast, 0.5, 1.5)
    assert (positive, negative, hits) == (3.0, 1.0, 2)
    assert patterns.evidence(text) == (2.0, 2.0, 2)


def test_specific_idiom_wins_over_generic_negation_at_the_same_word():
    scorer = SentimentScorer()
    text = "couldn't be better"
    assert scorer.score(text, fold(text), "en").label == "positive"


def test_model_features_keep_emoticons_and_emoji():
    scorer = SentimentScorer()
    text = "Ancora in coda :( 😡 http://example.org"
    features = extract_features(text, "it", scorer.score(text, fold(text), "it"), False)
    assert "w::(" in features and "w:😡" in features
    assert not any(name.startswith("w::/") for name in features)  # a URL is not an emoticon


def test_naming_a_condition_in_a_question_is_not_a_complaint():
    analysis = Analyzer().analyse_text("Does Salus Medica do flu vaccinations for children, and do I need to book?", "en")
    assert analysis.kind == "question"
    assert "vaccinations" in analysis.topics


def _it_features(text: str) -> dict[str, float]:
    scorer = SentimentScorer()
    return extract_features(text, "it", scorer.score(text, fold(text), "it"), False)


def test_model_features_take_a_link_as_one_token():
    features = _it_features("Leggete qui https://t.co/AbC123xY e www.esempio.it/pagina")
    assert "w:URL" in features and "w:leggete" in features
    assert not {"w:https", "w:t", "w:co", "w:www", "w:esempio"} & features.keys()


@pytest.mark.parametrize("laughter", ["ahahah", "AHAHAH", "hahaha", "ahah", "eheh", "lol", "xD", "asdasd"])
def test_model_features_take_laughter_as_one_token(laughter):
    features = _it_features(f"Ma che dice {laughter}")
    assert "w:LAUGH" in features
    assert f"w:{laughter.lower()}" not in features


def test_model_features_keep_one_h_words_as_words():
    features = _it_features("Ha ragione, eh")  # "ha" (has) and "eh" are words, not laughter
    assert "w:ha" in features and "w:eh" in features and "w:LAUGH" not in features


def test_model_features_reduce_elongated_words_and_mark_capitals_and_repeated_marks():
    features = _it_features("Bellooo!!! nooo VERGOGNA, il PD?!")
    assert {"w:bello", "w:no", "w:vergogna", "x:ELONG", "x:CAPS", "x:!!", "x:?!"} <= features.keys()
    assert "w:bellooo" not in features and "x:??" not in features
    plain = _it_features("Bello! no vergogna, il PD?")  # one mark, no capitals of 4+ letters (PD is an acronym)
    assert not any(name.startswith("x:") for name in plain)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Grazie tante, governo.", "negative"),  # sarcastic thanks
        ("Non hanno vergogna.", "negative"),  # shameless: a negated negative word that is no praise
        ("Tanto per cambiare, un'altra stangata.", "negative"),
        ("Sì, come no.", "negative"),
        ("Sono d'accordo con lei.", "positive"),
        ("Non sono d'accordo con lei.", "negative"),
        ("Hai ragione, ben detto.", "positive"),
    ],
)
def test_italian_sarcasm_and_agreement_idioms(text, expected):
    scorer = SentimentScorer()
    assert scorer.score(text, fold(text), "it").label == expected


@pytest.mark.parametrize("text, counts", [
    ("Super lekarz :-) polecam <3", (2, 0)), ("Tragedia 😡😡", (0, 2)), ("No comment -_-", (0, 1)),
    ("Dr. Rossi: ottima (davvero) - 10/10", (0, 0)), ("https://example.org/a:b", (0, 0)), ("", (0, 0)),
])
def test_emoticons_and_emoji_are_counted_and_plain_punctuation_is_not(text, counts):
    assert emoticon_counts(text) == counts
