"""The one source of truth for label vocabularies: kinds, sentiments and topics (from DESIGN.md)."""
from __future__ import annotations

KINDS: tuple[str, ...] = ("complaint", "question", "praise", "other")
SENTIMENTS: tuple[str, ...] = ("negative", "neutral", "positive")

# Topic identifiers, in the order DESIGN.md lists them.
TOPICS: tuple[str, ...] = (
    "appointments",  # appointments and availability
    "waiting_time",
    "staff_attitude",
    "reaching_clinic",  # reaching the clinic by phone or mail
    "prices_billing",
    "results_records",
    "patient_account",  # patient account and login
    "services_offered",  # services and tests offered
    "vaccinations",
    "location_hours",  # location and opening hours
    "quality_of_care",
    "other",
)

# waiting_patient: the team answered and asked the patient something (details, a phone number); the ball is theirs.
WORKFLOW_STATUSES: tuple[str, ...] = ("new", "in_review", "replied", "escalated", "waiting_patient", "dismissed")
OPEN_STATUSES: tuple[str, ...] = ("new", "in_review")

# Machine-readable reasons an urgency score gives (analysis.urgency computes them; the UI translates them).
URGENCY_REASONS: tuple[str, ...] = (
    "legal_threat",  # lawyer, lawsuit, complaint to an authority
    "press",  # journalists, TV, newspapers
    "health_risk",  # emergency or harm words
    "strong_negative",  # very negative sentiment
    "high_reach",  # many votes or comments
)

# Fields staff can correct; the labels table stores one row per correction (topics as a JSON list).
LABEL_FIELDS: tuple[str, ...] = ("sentiment", "kind", "topics")
