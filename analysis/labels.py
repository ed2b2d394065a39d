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

WORKFLOW_STATUSES: tuple[str, ...] = ("new", "in_review", "replied", "escalated", "dismissed")
OPEN_STATUSES: tuple[str, ...] = ("new", "in_review")
