"""Star ratings as a sentiment prior: the words still count, the stars tip what the words leave open."""
from __future__ import annotations

import pytest

from analysis.analyzer import Analyzer
from analysis.rating_prior import star_rating, with_rating
from core.models import Mention


@pytest.fixture(scope="module")
def analyzer(tmp_path_factory) -> Analyzer:
    return Analyzer(model_dir=tmp_path_factory.mktemp("no-model"))  # rules only: no clinic model on disk


def review(text: str, rating: float | None) -> Mention:
    extra = {"rating": rating} if rating is not None else {}
    return Mention("google_reviews", "g", "r1", "https://example.org", text, language="it", extra=extra)


def test_the_stars_decide_what_neutral_words_leave_open(analyzer) -> None:
    words = "Sono stato al poliambulatorio martedì per un prelievo."
    plain = analyzer.analyse(review(words, None))
    assert plain.sentiment == "neutral"  # the words alone say nothing either way

    one_star, five_stars = analyzer.analyse(review(words, 1)), analyzer.analyse(review(words, 5))
    assert (one_star.sentiment, one_star.kind) == ("negative", "complaint")
    assert (five_stars.sentiment, five_stars.kind) == ("positive", "praise")
    assert one_star.sentiment_score < plain.sentiment_score < five_stars.sentiment_score


def test_a_rating_only_review_takes_its_stars(analyzer) -> None:
    assert analyzer.analyse(review("", 4)).sentiment == "positive"
    assert analyzer.analyse(review("", 2)).sentiment == "negative"
    assert analyzer.analyse(review("", 3)).sentiment == "neutral"


def test_clear_words_are_not_overturned_by_three_stars(analyzer) -> None:
    words = "Attesa infinita, personale scortese, visita annullata senza avvisare. Vergognoso."
    assert analyzer.analyse(review(words, None)).sentiment == "negative"
    assert analyzer.analyse(review(words, 3)).sentiment == "negative"


@pytest.mark.parametrize("extra, expected", [
    ({"rating": 5}, 5.0), ({"rating": 4.5}, 4.5), ({"rating": 0}, None), ({"rating": 6}, None),
    ({"rating": "5"}, None), ({"rating": True}, None), ({}, None),
])
def test_star_rating_reads_only_a_number_from_one_to_five(extra, expected) -> None:
    assert star_rating(extra) == expected


def test_blend_is_symmetric_around_three_stars() -> None:
    assert with_rating(0.0, 3) == ("neutral", 0.0)
    assert with_rating(0.0, 1)[1] == -with_rating(0.0, 5)[1]
