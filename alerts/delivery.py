"""The outbox: record each alert once per channel, then deliver what is due with retries and backoff.

Exactly-once per channel rests on the alerts table: the dedup key (alert key + channel) is UNIQUE, a row is
claimed (a short lease in its payload) before sending so two runs cannot both send it, and delivered_at is
set right after the channel accepts it. A failed row is retried a few times at once, then in later runs
with a growing delay, up to `max_attempts` tries in all.
"""
from __future__ import annotations

import hashlib
import math
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import time as clock
from typing import Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from alerts.email import DeliveryError, alert_email, send_email
from alerts.messages import Message, digest_subject, render
from alerts.rules import Candidate
from alerts.webhook import post_webhook, webhook_body
from core.config import Config
from storage.alerts_repo import AlertsRepo

LEASE = timedelta(minutes=10)  # longer than any send with its quick retries
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=6)


@dataclass(frozen=True, slots=True)
class Target:
    """One place alerts go: an e-mail recipient or a webhook, with the language it reads."""

    id: str  # stored in alerts.channel; for webhooks a hash, since the URL itself is a secret
    kind: Literal["email", "webhook"]
    address: str
    language: str


@dataclass(slots=True)
class DeliveryStats:
    sent: int = 0  # alert rows delivered
    messages: int = 0  # e-mails or webhook posts made (a digest carries several rows)
    failed: int = 0
    held: int = 0
    errors: list[str] = field(default_factory=list)


def targets(config: Config) -> list[Target]:
    settings = config.alerts
    found = [
        Target(f"email:{address.lower()}", "email", address, settings.recipient_languages.get(address, settings.language))
        for address in settings.email_to
    ]
    for url in map(str, settings.webhooks):
        digest = hashlib.sha256(url.encode()).hexdigest()[:12]
        found.append(Target(f"webhook:{urlsplit(url).hostname}#{digest}", "webhook", url, settings.language))
    return found


def record(repo: AlertsRepo, candidates: list[Candidate], channels: list[Target], now: datetime) -> int:
    """Add each candidate for each channel unless already recorded; returns how many rows are new."""
    new = 0
    with repo.store.transaction():
        for candidate in candidates:
            payload = {"rule": candidate.rule, "key": candidate.key, "critical": candidate.critical, "data": candidate.data}
            for target in channels:
                new += repo.add_alert(candidate.rule, f"{candidate.key}|{target.id}", target.id, payload, now)
    return new


def in_quiet_hours(config: Config, now: datetime) -> bool:
    """Whether `now` falls in the configured quiet hours, read in the clinic's time zone."""
    if not config.alerts.quiet_hours:
        return False
    start, end = (clock.fromisoformat(part) for part in config.alerts.quiet_hours.split("-"))
    local = now.astimezone(ZoneInfo(config.office_hours.timezone)).time()
    return start <= local < end if start <= end else (local >= start or local < end)


def backoff(attempts: int, per_run: int) -> timedelta:
    """Delay before the next run may retry, doubling with each run that failed."""
    failed_runs = max(1, math.ceil(attempts / per_run))
    return min(BACKOFF_BASE * 2 ** (failed_runs - 1), BACKOFF_MAX)


def deliver_due(
    repo: AlertsRepo, config: Config, now: datetime, *, sleep: Callable[[float], None] = time.sleep
) -> DeliveryStats:
    """Send every due alert: critical ones always, others outside quiet hours, batched in digest mode."""
    stats = DeliveryStats()
    by_id = {target.id: target for target in targets(config)}
    quiet = in_quiet_hours(config, now)
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in repo.due_alerts(now, config.alerts.max_attempts):
        if row["channel"] not in by_id:
            continue  # the channel was removed from the config; nothing to send it to
        if quiet and not row["payload"].get("critical"):
            stats.held += 1
            continue
        grouped[row["channel"]].append(row)
    for channel, rows in grouped.items():
        for batch in _batches(rows, config.alerts.digest):
            claimed = [row for row in batch if repo.claim(row["id"], now, now + LEASE)]
            if claimed and not _send_batch(repo, config, by_id[channel], claimed, now, stats, sleep):
                # The channel is down: its other alerts wait for the next run instead of each
                # spending its own timeouts and retries now, which would stall the collection loop.
                break
    return stats


def _batches(rows: list[dict[str, Any]], digest: bool) -> list[list[dict[str, Any]]]:
    """Critical alerts go alone; in digest mode the rest of a channel's alerts share one message."""
    if not digest:
        return [[row] for row in rows]
    critical = [[row] for row in rows if row["payload"].get("critical")]
    rest = [row for row in rows if not row["payload"].get("critical")]
    return critical + ([rest] if rest else [])


def _send_batch(
    repo: AlertsRepo,
    config: Config,
    target: Target,
    rows: list[dict[str, Any]],
    now: datetime,
    stats: DeliveryStats,
    sleep: Callable[[float], None],
) -> bool:
    """Deliver one message for these rows, with quick retries; False when the channel refused it."""
    dashboard = str(config.alerts.dashboard_url) if config.alerts.dashboard_url else None
    messages = [render(row["payload"], target.language, dashboard, config.workspace) for row in rows]
    subject = messages[0].subject if len(messages) == 1 else digest_subject(target.language, len(messages))
    send = _sender(config, target, messages, subject)
    ids = [row["id"] for row in rows]
    tries = 1 + config.alerts.quick_retries
    error = ""
    for attempt in range(tries):
        try:
            send()
        except DeliveryError as exc:
            error = str(exc)
            if attempt + 1 < tries:
                sleep(config.alerts.retry_delay_seconds * 2**attempt)
            continue
        if attempt:
            repo.mark_failed(ids, error, attempt, now)  # count the quick retries that failed first
        repo.mark_delivered(ids, now)
        stats.sent += len(ids)
        stats.messages += 1
        return True
    attempts_so_far = max(row["attempts"] for row in rows) + tries
    repo.mark_failed(ids, error, tries, now + backoff(attempts_so_far, tries))
    stats.failed += len(ids)
    stats.errors.append(f"{target.id}: {error}")
    return False


def _sender(config: Config, target: Target, messages: list[Message], subject: str) -> Callable[[], None]:
    """A no-argument function that makes one delivery attempt to the target."""
    clinic = config.clinic_name
    if target.kind == "email":
        email = alert_email(config.alerts, target.address, target.language, clinic, messages, subject)
        return lambda: send_email(config.alerts, email)
    body = webhook_body(config.alerts, target.address, target.language, clinic, messages, subject)
    return lambda: post_webhook(config.alerts, target.address, body)
