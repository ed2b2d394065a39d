"""Urgency signals from the words: health risk (emergencies first), legal threats and press, with context.

The signals come from lexicons/triage_<lang>.txt over lemmas (analysis.lemmacues); here the context decides
what counts: a past problem told in praise ("they saved me when I had chest pain last year") is not an
emergency and an idiom told as a joke is not one either (the
vetoes in the data files).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from analysis.lemmacues import CONTEXT, FIGURATIVE, HEALTH, load_triage

LEGAL = "legal_threat"


@dataclass(slots=True)
class TriageSignals:
    reasons: list[str] = field(default_factory=list)  # health_risk, legal_threat, press (as found)
    evidence: dict[str, list[str]] = field(default_factory=dict)  # reason -> the words that drove it
    health_confidence: float = 0.0  # 0..1
    figurative: bool = False  # an emergency word used as a figure of speech (a joke about the bill)


def find_signals(
    text: str, folded: str, language: str, praise: bool, news: bool = False, candidate: bool | None = None
) -> TriageSignals:
    """The urgency reasons the words carry, with the words; `praise` when the mention reads as praise.

    A news item reporting on complaints and regulators is not itself a legal threat (`news`). `candidate` is
    the surface pre-check's answer when it ran already (analysis.textscan runs it with the other cues).
    """
    cues = load_triage(language)
    if cues is None:
        return TriageSignals()
    hits = cues.find(text, folded, candidate)
    if not hits:
        return TriageSignals()
    context = {hit.name for hit in hits if hit.reason == CONTEXT}
    result = TriageSignals(figurative=FIGURATIVE in context)
    health_names: set[str] = set()
    for hit in hits:
        if hit.reason == CONTEXT or (news and hit.reason == LEGAL):
            continue
        if hit.reason == HEALTH:
            # Thanks for help with a past problem: praise, not an emergency, unless the text speaks of now.
            if praise and "past" in context:
                continue
            health_names.add(hit.name)
        if hit.reason not in result.reasons:
            result.reasons.append(hit.reason)
        words = result.evidence.setdefault(hit.reason, [])
        words += [w for w in hit.words if w not in words]
    if health_names:
        # More distinct red flags, and a problem happening now, make the call surer.
        result.health_confidence = min(1.0, 0.6 + 0.15 * (len(health_names) - 1) + 0.15 * ("now" in context))
    return result
