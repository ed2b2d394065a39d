"""A reviewer's star rating as a prior for sentiment: the stars are a label the reviewer gave for free."""
from __future__ import annotations

from typing import Any

from analysis.sentiment import label_for
from core.models import BEST_STARS, RATING, WORST_STARS

# How much the stars count against the words (0..1). Half: a one-star review written politely is still
# unhappy, and "great, three hours in the waiting room" with one star is not praise.
RATING_WEIGHT = 0.5
# The blended score's threshold for a label; a three-star review needs clear words to leave neutral.
RATING_THRESHOLD = 0.2
BEST, WORST = BEST_STARS, WORST_STARS


def star_rating(extra: dict[str, Any]) -> float | None:
    """The mention's 1..5 rating (Mention.extra["rating"]), None when absent or out of range."""
    value = extra.get(RATING)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if WORST <= value <= BEST else None


def with_rating(score: float, rating: float) -> tuple[str, float]:
    """The sentiment label and score once the words' score (-1..1) is blended with the stars."""
    prior = (rating - (BEST + WORST) / 2) / ((BEST - WORST) / 2)  # 1 star -> -1, 3 -> 0, 5 -> +1
    blended = (1 - RATING_WEIGHT) * score + RATING_WEIGHT * prior
    return label_for(blended, RATING_THRESHOLD), blended
