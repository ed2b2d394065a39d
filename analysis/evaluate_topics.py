"""Topic figures on staff-coded NHS comments: their categories mapped to our topic ids (the mapping is ours).

The eval file's English rows carry `categories`, the pxtextmining team's codes. Seven of them name what our
topics name; each row's codes are mapped, and for each of the seven topics the analysis's topic decision is
scored as a yes/no label (F1), then averaged (macro-F1). Rows without codes are left out.
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
    """Per mapped topic F1 and their macro average over rows that have codes; None when no row has any."""
    pairs = [(codes, topics) for codes, topics in zip(categories, predicted) if codes]
    if not pairs:
        return None
    per_topic = {}
    for topic in MAPPED_TOPICS:
        truth = [any(NHS_TOPICS.get(code) == topic for code in codes) for codes, _ in pairs]
        found = [topic in topics for _, topics in pairs]
        per_topic[topic] = round(float(f1_score(truth, found, zero_division=0)), 4)
    return {"n": len(pairs), "macro_f1": round(sum(per_topic.values()) / len(per_topic), 4), "f1": per_topic}
