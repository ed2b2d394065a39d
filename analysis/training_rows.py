"""What the clinic's model learns from: staff corrections, and the stars of the clinic's own rated reviews as
weak sentiment labels, kept apart from the corrections and weighted lower."""
from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Iterable
from typing import Any, NotRequired, TypedDict

# A reviewer's stars as a sentiment label: 1–2 stars negative, 4–5 positive. Three stars (and a fractional
# rating between 2 and 4) are skipped, not taken as neutral: a middling review mixes praise and complaint, so its
# stars say nothing reliable about its words.
NEGATIVE_AT_MOST = 2.0
POSITIVE_AT_LEAST = 4.0
# A rating counts this much of a staff correction: stars rate the whole visit, not the words written, and a
# polite one-star review is common. A staff sentiment label on the same mention always wins over its stars.
RATING_WEIGHT = 0.3


class TrainingRow(TypedDict):
    """One labelled mention: its text, languages, and the labels by field (sentiment, kind, topics)."""

    text: str
    declared_language: str | None
    language: str | None
    labels: dict[str, Any]
    mention_id: NotRequired[int]  # lets a rating of the same mention give way to the staff's label
    weights: NotRequired[dict[str, float]]  # per field, when not 1.0 (a weak label)


class RatedRow(TypedDict):
    """One of the clinic's own rated reviews (its latest version): the stars, a weak label for its words."""

    mention_id: int
    text: str
    declared_language: str | None
    language: str | None
    stars: float


def rating_label(stars: float) -> str | None:
    """The sentiment a star rating stands for; None for a middling rating, which is not used."""
    if stars <= NEGATIVE_AT_MOST:
        return "negative"
    if stars >= POSITIVE_AT_LEAST:
        return "positive"
    return None


def with_ratings(rows: Iterable[TrainingRow], rated: Iterable[RatedRow]) -> tuple[list[TrainingRow], dict[str, Any]]:
    """Staff rows plus ratings as weak sentiment labels, and what became of the ratings (for the summary).

    A mention staff labelled keeps the staff's sentiment; when staff labelled only its kind or topics, the
    stars add the sentiment beside them, at RATING_WEIGHT.
    """
    merged = [copy.deepcopy(row) for row in rows]
    by_mention = {row["mention_id"]: row for row in merged if "mention_id" in row}
    outcome: Counter[str] = Counter()
    for review in rated:
        label = rating_label(review["stars"])
        if label is None:
            outcome["skipped_middling"] += 1
            continue
        staff = by_mention.get(review["mention_id"])
        if staff is not None and "sentiment" in staff["labels"]:
            outcome["overruled_by_staff"] += 1
            continue
        if staff is None:
            staff = TrainingRow(text=review["text"], declared_language=review["declared_language"],
                                language=review["language"], labels={}, mention_id=review["mention_id"])
            merged.append(staff)
            by_mention[review["mention_id"]] = staff
        staff["labels"]["sentiment"] = label
        staff["weights"] = {**staff.get("weights", {}), "sentiment": RATING_WEIGHT}
        outcome[label] += 1
    used = outcome["negative"] + outcome["positive"]
    return merged, {"used": used, **dict(sorted(outcome.items())), "weight": RATING_WEIGHT}
