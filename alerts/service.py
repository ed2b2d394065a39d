"""One alerts pass after a collection cycle: evaluate the rules, record new alerts, deliver what is due."""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from alerts.delivery import deliver_due, record, targets
from alerts.rules import evaluate_rules
from core.config import Config
from core.models import as_utc, utcnow
from storage.alerts_repo import AlertsRepo
from storage.store import Store

log = logging.getLogger(__name__)


@dataclass(slots=True)
class AlertRunSummary:
    raised: int = 0  # alerts the rules raised this run (including ones already recorded)
    recorded: int = 0  # new alert rows (one per alert and channel)
    sent: int = 0  # rows delivered this run
    messages: int = 0  # e-mails and webhook posts made
    failed: int = 0  # rows whose delivery failed this run (retried in a later run)
    held: int = 0  # rows held by quiet hours
    errors: list[str] = field(default_factory=list)

    def describe(self) -> str:
        return (
            f"alerts: {self.raised} raised, {self.recorded} new, {self.sent} delivered in {self.messages} "
            f"message(s), {self.failed} failed, {self.held} held for quiet hours"
        )


def evaluate_and_send(
    config: Config, store: Store, *, now: datetime | None = None, sleep: Callable[[float], None] = time.sleep
) -> AlertRunSummary:
    """Evaluate every rule and deliver due alerts; safe to call after every cycle (sends each alert once)."""
    now = as_utc(now) if now else utcnow()
    repo = AlertsRepo(store)
    candidates = evaluate_rules(repo, config.alerts, now)
    recorded = record(repo, candidates, targets(config), now)
    stats = deliver_due(repo, config, now, sleep=sleep)
    for error in stats.errors:
        log.warning("alert delivery failed: %s", error)
    return AlertRunSummary(
        len(candidates), recorded, stats.sent, stats.messages, stats.failed, stats.held, stats.errors
    )
