"""Kind as its own decision (complaint | question | praise | other), from cues in lexicons/kind.txt,
the question form, the sentiment and where the mention came from; not a by-product of sentiment alone."""
from __future__ import annotations

from dataclasses import dataclass, field

from analysis.lemmacues import FIGURATIVE  # in `signals`: an emergency word used as a figure of speech
from analysis.rules import cue_text

QUESTION_OVER_COMPLAINT = -0.5  # a question without an information cue stays a question only milder than this
STRONG_NEGATIVE = -0.75
# Applause, heart eyes, upside-down face, eye roll, clown: on a bad experience they are sarcasm.
SARCASM_EMOJI = frozenset("👏😍🙃🙄🤡")
# Hashtags of praise under a bad experience ("took a call during my visit #respect") are sarcasm.
SARCASTIC_HASHTAGS = ("#respect", "#szacunek", "#rispetto", "#brawo", "#bravi", "#complimenti", "#welldone")
THREATS = frozenset({"legal_threat", "press"})
NEWS_SOURCES = frozenset({"headline", "news"})  # source kinds whose items are news, not patients' voices


@dataclass(slots=True)
class KindDecision:
    kind: str
    confidence: float  # 0..1
    strong: bool  # decided by a specific cue (it stands over a learned model's guess)
    sentiment: str | None = None  # the sentiment this kind implies, or None to keep the scored one
    words: list[str] = field(default_factory=list)  # what drove it
    firm: bool = False  # its sentiment stands even over a learned sentiment head (a plain information question)


@dataclass(slots=True)
class Context:
    """What the text alone does not say: the source and how the brand matched."""

    news: bool = False  # a news headline or article
    alias_only: bool = False  # the brand matched only through an alias (name-alikes live there)


def decide_kind(
    text: str, folded: str, cues: dict[str, int], question: bool, sentiment: str, score: float, context: Context,
    signals: frozenset[str] = frozenset(),
) -> KindDecision:
    """complaint | question | praise | other, with its confidence and the words that drove it.

    `signals` are the urgency reasons the words carry (health_risk, legal_threat, press): a threat or an
    emergency told without a single sentiment word is still a complaint, not "other".
    """

    def has(name: str) -> bool:
        return f"kind:{name}" in cues

    def words(*names: str) -> list[str]:
        return [cue_text(f"kind:{n}", folded, cues[f"kind:{n}"]) for n in names if has(n)]

    clinic = has("clinic")
    if context.news:
        return KindDecision("other", 0.8, True, None, ["(news source)"])
    if has("offtopic"):
        return KindDecision("other", 0.75, True, "neutral", words("offtopic"))
    if has("noise") and not clinic:
        return KindDecision("other", 0.75, True, None, words("noise"))
    if context.alias_only and not clinic and sentiment != "negative":
        return KindDecision("other", 0.6, True, None, ["(matched only by an alias)"])
    if has("journalist") and "?" not in text:
        return KindDecision("other", 0.7, True, "neutral", words("journalist"))
    emoji = [e for e in SARCASM_EMOJI if e in text]
    sarcastic_tags = [tag for tag in SARCASTIC_HASHTAGS if tag in folded]
    bad_situation = has("negative_situation")
    if has("ironic") and (bad_situation or sentiment == "negative" or emoji):
        return KindDecision("complaint", 0.8, True, "negative", words("ironic", "negative_situation") + emoji)
    if (emoji or sarcastic_tags) and (bad_situation or sentiment == "negative") and not has("elsewhere"):
        return KindDecision("complaint", 0.7, True, "negative", emoji + sarcastic_tags + words("negative_situation"))
    if has("complaint_question") or ("?!" in text or "??" in text) and "health_risk" not in signals:
        return KindDecision("complaint", 0.8, True, "negative", words("complaint_question") or ["?!"])
    if has("polite_complaint"):
        return KindDecision("complaint", 0.75, True, "negative", words("polite_complaint"))
    if question:
        if has("info_question") and score > STRONG_NEGATIVE:
            return KindDecision("question", 0.85, True, "neutral", words("info_question"), firm=True)
        if "health_risk" in signals and "?" in text:
            # Asking where to go with an emergency: a question, answered first (urgency does that).
            return KindDecision("question", 0.7, True, None, ["?"])
        if bad_situation and sentiment == "negative":
            return KindDecision("complaint", 0.6, False, None, words("negative_situation") + ["?"])
        if score > STRONG_NEGATIVE:
            # A plain question about care with a positive word is still neutral; negative words keep their
            # weight (in feedback a question with them is often rhetorical), as does any question elsewhere.
            plain = "neutral" if clinic and sentiment == "positive" else None
            return KindDecision("question", 0.65, False, plain, ["?"] if "?" in text else words("info_question"))
        return KindDecision("complaint", 0.6, False, None, ["?"])
    # Other places' failures may weigh more in the score than the thanks ("after years of being fobbed off by
    # my old practice … can't thank them enough"): a praise cue beside the comparison decides.
    if has("elsewhere") and (has("praise") or sentiment != "negative" and score > STRONG_NEGATIVE):
        return KindDecision("praise", 0.7, True, "positive", words("praise", "elsewhere"))
    if FIGURATIVE in signals and sentiment != "positive":
        # "zawał jak zobaczyłem rachunek 🤣": a joke about the clinic, and a complaint.
        return KindDecision("complaint", 0.65, True, "negative", ["(figure of speech)"])
    if signals - {FIGURATIVE} and sentiment != "positive":
        threat = "negative" if signals & THREATS and clinic else None  # symptoms alone are why one came, not a verdict
        return KindDecision("complaint", 0.7, True, threat, sorted(signals))
    if sentiment == "negative":
        if has("praise") and not bad_situation and not has("contrast") and score > QUESTION_OVER_COMPLAINT:
            return KindDecision("praise", 0.55, False, "positive", words("praise"))
        return KindDecision("complaint", min(0.95, 0.55 + abs(score) / 2), False, None, words("negative_situation"))
    if sentiment == "positive":
        if bad_situation and not has("praise"):
            # Upbeat words around an emergency ("three days of 40° fever, and the first slot is next week.
            # Unbelievable."): the danger is the message. Without one the scored sentiment stands (on the
            # shared feedback sets, overriding it there cost more than it gained).
            emergency = "negative" if signals - {FIGURATIVE} else None
            return KindDecision("complaint", 0.55, False, emergency, words("negative_situation"))
        return KindDecision("praise", min(0.95, 0.55 + score / 2), has("praise"), None, words("praise"))
    if has("praise"):
        return KindDecision("praise", 0.55, True, "positive", words("praise"))
    if bad_situation and clinic:
        return KindDecision("complaint", 0.55, False, None, words("negative_situation"))
    return KindDecision("other", 0.5, False, None, [])
