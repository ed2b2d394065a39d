"""Topics and urgency from hand-written cues (analysis/lexicons/*.txt), triage signals and the sentiment score."""
from __future__ import annotations

import functools
import math
import re

from analysis.lexicon import LEXICON_DIR, load_cues, load_pattern_list, read_sections
from core.labels import TOPICS, URGENCY_REASONS

# Urgency: each reason adds its weight, combined as independent evidence: 1 - prod(1 - w).
REASON_WEIGHTS: dict[str, float] = {
    "legal_threat": 0.55,
    "press": 0.45,
    "health_risk": 0.5,  # not combined: a health risk goes to the top band (HEALTH_FLOOR and above)
    "strong_negative": 0.3,
    "high_reach": 0.25,
}
assert set(REASON_WEIGHTS) == set(URGENCY_REASONS), "every urgency reason needs a weight"
STRONG_NEGATIVE = -0.75  # two or more strong words, not one "rude"
HIGH_REACH = 50  # votes + comments from which a post is widely seen
BASE_URGENCY = {"complaint": 0.2, "question": 0.1, "praise": 0.0, "other": 0.0}
# Emergencies first: a health risk is at least HEALTH_FLOOR whatever its kind or sentiment, and everything
# else (legal, press, reach, anger) stays below OTHERS_CAP, so no threat outranks an emergency.
HEALTH_FLOOR = 0.9
OTHERS_CAP = 0.85


def is_question(text: str, folded: str) -> bool:
    """A question mark, or a text opening like a question ("czy", "come posso", "how do I")."""
    return "?" in text or bool(load_pattern_list("questions").match(folded))


def find_cues(folded: str) -> dict[str, int]:
    """Topic and kind cues: {"topics:waiting_time": position, "kind:praise": ...}.

    Two passes: at one word start only the first matching pattern of a set counts, so one set for both
    files would hide a kind cue ("receptionist" says the text is about care) behind a topic cue on that word.
    """
    return load_cues("topics").patterns.positions(folded) | load_cues("kind").patterns.positions(folded)


def cue_text(cue: str, folded: str, position: int) -> str:
    """The words a cue matched at its position (for explanations)."""
    found = _section_regex(cue).match(folded, position)
    return found.group(0) if found else folded[position:].split(" ", 1)[0]


@functools.cache
def _section_regex(cue: str) -> re.Pattern[str]:
    name, _, section = cue.partition(":")
    lines = read_sections(LEXICON_DIR / f"{name}.txt")[section]
    return re.compile(r"(?:" + "|".join(f"(?:{line})" for line in lines) + r")\b")


def compile_cues() -> None:
    """Parse and compile every topic, kind and question pattern now: once per process, not on the first texts."""
    load_cues("topics")
    load_cues("kind")
    load_pattern_list("questions")
    for name in ("topics", "kind"):
        for section in read_sections(LEXICON_DIR / f"{name}.txt"):
            _section_regex(f"{name}:{section}")


def detect_topics(cues: dict[str, int]) -> list[str]:
    """Every topic whose cues occur, in TOPICS order; ["other"] when none."""
    found = [topic for topic in TOPICS if f"topics:{topic}" in cues]
    return found or ["other"]


def assess_urgency(
    signals: list[str], score: float, kind: str, reach: int = 0, health_confidence: float = 0.0
) -> tuple[float, list[str]]:
    """A 0..1 urgency with the reason codes that raised it.

    `signals` are the reasons found in the words (health_risk, legal_threat, press); a health risk puts the
    mention at HEALTH_FLOOR + 0.1 × its confidence, above anything else can reach.
    """
    reasons = list(signals)
    if score <= STRONG_NEGATIVE:
        reasons.append("strong_negative")
    if reach >= HIGH_REACH:
        reasons.append("high_reach")
    remaining = 1.0 - BASE_URGENCY.get(kind, 0.0)
    for reason in reasons:
        if reason == "health_risk":
            continue
        weight = REASON_WEIGHTS[reason]
        if reason == "high_reach":
            weight = min(0.5, weight * math.log10(max(reach, 10)) / math.log10(HIGH_REACH))
        remaining *= 1.0 - weight
    urgency = min(OTHERS_CAP, 1.0 - remaining)
    if "health_risk" in reasons:
        urgency = HEALTH_FLOOR + 0.1 * max(0.0, min(1.0, health_confidence))
    ordered = [r for r in URGENCY_REASONS if r in reasons]
    return round(urgency, 3), ordered
