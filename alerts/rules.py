"""The alert rules: which mentions or trends need someone now. Pure decisions over rows the repo reads."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from alerts.spikes import Spike, negative_share_spike, volume_spike
from core.config import AlertsConfig
from storage.alerts_repo import AlertsRepo

# Reasons that go out even in quiet hours: someone may be hurt, or a lawyer is involved.
CRITICAL_REASONS = frozenset({"health_risk", "legal_threat"})
URGENT_FETCH_LOOKBACK = timedelta(days=2)  # only newly collected mentions raise an urgent alert
URGENT_PUBLISHED_LOOKBACK = timedelta(days=7)  # a source's first backfill must not alert on old posts
SLA_LOOKBACK = timedelta(days=14)  # an old backlog is a report item, not a stream of alerts
EXCERPT_CHARS = 600


@dataclass(slots=True)
class Candidate:
    """An alert a rule raised; `key` identifies it across runs so each channel gets it once."""

    rule: str  # urgent | sla | spike_volume | spike_negative
    key: str
    critical: bool
    data: dict[str, Any] = field(default_factory=dict)


def mention_data(row: dict[str, Any]) -> dict[str, Any]:
    """The mention fields an alert shows (plain text, shortened; no author, which the alert does not need)."""
    text = (row.get("text") or "").strip()
    if len(text) > EXCERPT_CHARS:
        text = text[: EXCERPT_CHARS - 1].rstrip() + "…"
    keys = ("id", "source_name", "url", "title", "published_at", "fetched_at", "kind", "sentiment", "language")
    data = {key: row.get(key) for key in keys}
    data.update(
        text=text,
        urgency=round(float(row.get("urgency") or 0), 2),
        urgency_reasons=list(row.get("urgency_reasons") or []),
        topics=list(row.get("topics") or []),
    )
    return data


def is_critical(row: dict[str, Any]) -> bool:
    return bool(CRITICAL_REASONS.intersection(row.get("urgency_reasons") or []))


def urgent_mentions(repo: AlertsRepo, settings: AlertsConfig, now: datetime) -> list[Candidate]:
    rows = repo.urgent_mentions(settings.urgency_threshold, now - URGENT_FETCH_LOOKBACK, now - URGENT_PUBLISHED_LOOKBACK)
    return [Candidate("urgent", f"urgent:{row['id']}", is_critical(row), mention_data(row)) for row in rows]


def unanswered_complaints(repo: AlertsRepo, settings: AlertsConfig, now: datetime) -> list[Candidate]:
    deadline = now - timedelta(hours=settings.response_sla_hours)
    rows = repo.unanswered_complaints(seen_before=deadline, seen_after=now - SLA_LOOKBACK)
    candidates = []
    for row in rows:
        data = mention_data(row) | {"sla_hours": settings.response_sla_hours}
        candidates.append(Candidate("sla", f"sla:{row['id']}", is_critical(row), data))
    return candidates


def spikes(repo: AlertsRepo, settings: AlertsConfig, now: datetime) -> list[Candidate]:
    """Volume and negative-share spikes of the window ending now against the windows before it."""
    counts = repo.window_counts(now, settings.spike_window_hours, settings.spike_baseline_windows + 1)
    (total, negative), history = counts[0], counts[1:]
    found: list[Spike] = []
    min_count, threshold = settings.spike_min_count, settings.spike_threshold
    if spike := volume_spike(total, [t for t, _ in history], min_count=min_count, threshold=threshold):
        found.append(spike)
    if spike := negative_share_spike(total, negative, history, min_count=min_count, threshold=threshold):
        found.append(spike)
    # One alert per metric per window period, however many runs see the same spike.
    period = int(now.timestamp() // (settings.spike_window_hours * 3600))
    return [
        Candidate(
            "spike_volume" if spike.metric == "volume" else "spike_negative",
            f"spike:{spike.metric}:{period}",
            False,
            {
                "metric": spike.metric,
                "value": round(spike.value, 4),
                "baseline": round(spike.baseline, 4),
                "score": round(spike.score, 2),
                "count": spike.count,
                "negative": negative,
                "window_hours": settings.spike_window_hours,
                "window_end": now.isoformat(),
            },
        )
        for spike in found
    ]


RULES = (urgent_mentions, unanswered_complaints, spikes)


def evaluate_rules(repo: AlertsRepo, settings: AlertsConfig, now: datetime) -> list[Candidate]:
    """Every alert the rules raise now; already-recorded ones are filtered later by their keys."""
    return [candidate for rule in RULES for candidate in rule(repo, settings, now)]
