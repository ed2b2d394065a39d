"""Kind, topics and urgency from hand-written cues (analysis/lexicons/*.txt) and the sentiment score."""
from __future__ import annotations

import math

from core.labels import TOPICS, URGENCY_REASONS
from analysis.lexicon import load_cues, load_pattern_list

# Urgency: each reason adds its weight, combined as independent evidence: 1 - prod(1 - w).
REASON_WEIGHTS: dict[str, float] = {
    "legal_threat": 0.55,
    "press": 0.45,
    "health_risk": 0.5,
    "strong_negative": 0.3,
    "high_reach": 0.25,
}
assert set(REASON_WEIGHTS) == set(URGENCY_REASONS), "every urgency reason needs a weight"
STRONG_NEGATIVE = -0.75  # two or more strong words, not one "rude"
HIGH_REACH = 50  # votes + comments from which a post is widely seen
BASE_URGENCY = {"complaint": 0.2, "question": 0.1, "praise": 0.0, "other": 0.0}
QUESTION_OVER_COMPLAINT = -0.5  # a question only milder than this stays a question


def is_question(text: str, folded: str) -> bool:
    """A question mark, or a text opening like a question ("czy", "come posso", "how do I")."""
    return "?" in text or bool(load_pattern_list("questions").match(folded))


def detect_kind(question: bool, sentiment: str, score: float) -> str:
    """complaint | question | praise | other: negative wins unless a mild question."""
    if question and score > QUESTION_OVER_COMPLAINT:
        return "question"
    if sentiment == "negative":
        return "complaint"
    if sentiment == "positive":
        return "praise"
    return "other"


def find_cues(folded: str) -> set[str]:
    """Topic and urgency cues in one pass over the text: {"topics:waiting_time", "urgency:press", ...}."""
    return load_cues("topics", "urgency").found(folded)


def detect_topics(cues: set[str]) -> list[str]:
    """Every topic whose cues occur, in TOPICS order; ["other"] when none."""
    found = [topic for topic in TOPICS if f"topics:{topic}" in cues]
    return found or ["other"]


def assess_urgency(cues: set[str], score: float, kind: str, reach: int = 0) -> tuple[float, list[str]]:
    """A 0..1 urgency with the reason codes that raised it."""
    reasons = [cue.removeprefix("urgency:") for cue in cues if cue.startswith("urgency:")]
    # Emergency words in praise ("saved my life after a stroke") are not a risk to answer fast.
    if kind == "praise":
        reasons = [r for r in reasons if r != "health_risk"]
    if score <= STRONG_NEGATIVE:
        reasons.append("strong_negative")
    if reach >= HIGH_REACH:
        reasons.append("high_reach")
    remaining = 1.0 - BASE_URGENCY.get(kind, 0.0)
    for reason in reasons:
        weight = REASON_WEIGHTS[reason]
        if reason == "high_reach":
            weight = min(0.5, weight * math.log10(max(reach, 10)) / math.log10(HIGH_REACH))
        remaining *= 1.0 - weight
    ordered = [r for r in URGENCY_REASONS if r in reasons]
    return round(1.0 - remaining, 3), ordered
