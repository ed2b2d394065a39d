"""Kind as its own decision (complaint | question | praise | other), from cues in lexicons/kind.txt,
the question form, the sentiment and where the mention came from; not a by-product of sentiment alone."""
from __future__ import annotations

from dataclasses import dataclass, field

from analysis.rules import cue_text

QUESTION_OVER_COMPLAINT = -0.5  # a question without an information cue stays a question only milder than this
STRONG_NEGATIVE = -0.75
# Applause, heart eyes, upside-down face, eye roll, clown: on a bad experience they are sarcasm.
SARCASM_EMOJI = frozenset("👏😍🙃🙄🤡")
NEWS_SOURCES = frozenset({"headline", "news"})  # source kinds whose items are news, not patients' voices


@dataclass(slots=True)
class KindDecision:
    kind: str
    confidence: float  # 0..1
    strong: bool  # decided by a specific cue (it stands over a learned model's guess)
    sentiment: str | None = None  # the sentiment this kind implies, or None to keep the scored one
    words: list[str] = field(default_factory=list)  # what drove it


@dataclass(slots=True)
class Context:
    """What the text alone does not say: the source and how the brand matched."""

    news: bool = False  # a news headline or article
    alias_only: bool = False  # the brand matched only through an alias (name-alikes live there)


def decide_kind(
    text: str, folded: str, cues: dict[str, int], question: bool, sentiment: str, score: float, context: Context
) -> KindDecision:
    """complaint | question | praise | other, with its confidence and the words that drove it."""

    def has(name: str) -> bool:
        return f"kind:{name}" in cues

    def words(*names: str) -> list[str]:
        return [cue_text(f"kind:{n}", folded, cues[f"kind:{n}"]) for n in names if has(n)]

    clinic = has("clinic")
    if context.news:
        return KindDecision("other", 0.8, True, None, ["(news source)"])
    if has("noise") and not clinic:
        return KindDecision("other", 0.75, True, None, words("noise"))
    if context.alias_only and not clinic and sentiment != "negative":
        return KindDecision("other", 0.6, True, None, ["(matched only by an alias)"])
    emoji = [e for e in SARCASM_EMOJI if e in text]
    bad_situation = has("negative_situation")
    if has("ironic") and (bad_situation or sentiment == "negative" or emoji):
        return KindDecision("complaint", 0.8, True, "negative", words("ironic", "negative_situation") + emoji)
    if emoji and bad_situation and not has("elsewhere"):
        return KindDecision("complaint", 0.7, True, "negative", emoji + words("negative_situation"))
    if has("complaint_question") or ("?!" in text and sentiment == "negative"):
        return KindDecision("complaint", 0.8, True, "negative", words("complaint_question") or ["?!"])
    if has("polite_complaint"):
        return KindDecision("complaint", 0.75, True, "negative", words("polite_complaint"))
    if question:
        if has("info_question") and score > STRONG_NEGATIVE:
            return KindDecision("question", 0.85, True, "neutral", words("info_question"))
        if score > QUESTION_OVER_COMPLAINT:
            return KindDecision("question", 0.65, False, "neutral", ["?"] if "?" in text else words("info_question"))
        return KindDecision("complaint", 0.6, False, "negative", ["?"])
    if has("elsewhere") and has("praise") and score > STRONG_NEGATIVE:
        return KindDecision("praise", 0.7, True, "positive", words("praise", "elsewhere"))
    if sentiment == "negative":
        return KindDecision("complaint", min(0.95, 0.55 + abs(score) / 2), False, None, [])
    if sentiment == "positive":
        return KindDecision("praise", min(0.95, 0.55 + score / 2), has("praise"), None, words("praise"))
    if has("praise"):
        return KindDecision("praise", 0.55, True, "positive", words("praise"))
    return KindDecision("other", 0.5, False, None, [])
