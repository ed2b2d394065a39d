"""Topic figures on staff-coded NHS comments: their categories mapped to our topic ids (the mapping is ours).

The eval file's English rows carry `categories`, the pxtextmining team's codes. Seven of them name what our
topics name; each row's codes are mapped, and for each of the seven topics the analysis's topic decision is
scored as a yes/no label (F1), then averaged (macro-F1). Rows without codes are left out.

The figure is also given on the two halves of the coded rows by row parity: the team scores a held-back set of
the same kind, so a cue change is kept only when it helps on both halves, not on one half's sentences.
"""
from __future__ import annotations

from typing import Any

from sklearn.metrics import f1_score

# NHS (pxtextmining) category -> our topic id. Categories not listed have no topic of ours to compare with.
NHS_TOPICS: dict[str, str] = {
    "Timeliness of care": "waiting_time",
    "Staff manner & personal attributes": "staff_attitude",
    "Appointment arrangements": "appointments",
    "Appointment method": "appointments",
    "Contacting services": "reaching_clinic",
    "Competence & training": "quality_of_care",
    "Diagnosis & triage": "quality_of_care",
    "Impact of treatment/ care": "quality_of_care",
    "Patient records": "results_records",
    "Transport to/ from services": "location_hours",
    "Service location": "location_hours",
}
MAPPED_TOPICS: tuple[str, ...] = tuple(dict.fromkeys(NHS_TOPICS.values()))


def topic_metrics(categories: list[list[str]], predicted: list[list[str]]) -> dict[str, Any] | None:
    """Per mapped topic F1 and their macro average over rows that have codes, and the macro-F1 of the even
    and odd coded rows; None when no row has any."""
    pairs = [(codes, topics) for codes, topics in zip(categories, predicted) if codes]
    if not pairs:
        return None
    per_topic = _per_topic(pairs)
    halves = {name: _macro(_per_topic(pairs[start::2])) for name, start in (("even", 0), ("odd", 1)) if pairs[start::2]}
    return {"n": len(pairs), "macro_f1": _macro(per_topic), "f1": per_topic, "halves": halves}


def _per_topic(pairs: list[tuple[list[str], list[str]]]) -> dict[str, float]:
    per_topic = {}
    for topic in MAPPED_TOPICS:
        truth = [any(NHS_TOPICS.get(code) == topic for code in codes) for codes, _ in pairs]
        found = [topic in topics for _, topics in pairs]
        per_topic[topic] = round(float(f1_score(truth, found, zero_division=0)), 4)
    return per_topic


def _macro(per_topic: dict[str, float]) -> float:
    return round(sum(per_topic.values()) / len(per_topic), 4)
