"""When each source is due: its interval, its failure back-off, a "Run now" request from the Sources page."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from core.config import Config
from core.config import SourceBase as Source
from core.models import utcnow
from storage.rows import parse_iso
from storage.store import Store

# The `run` loop looks for "Run now" requests from the Sources page at least this often.
RUN_REQUEST_POLL_SECONDS = 5.0


def due_sources(config: Config, store: Store, *, only: Iterable[str] | None = None, force: bool = False,
                now: datetime | None = None) -> list[Source]:
    """Enabled sources whose interval has passed and whose failure back-off has expired."""
    now = now or utcnow()
    wanted = set(only) if only else None
    if wanted:
        unknown = wanted - {s.name for s in config.sources}
        if unknown:
            raise KeyError(f"no source named {', '.join(sorted(unknown))} in the config")
    states = {row["name"]: row for row in store.sources()}
    due = []
    for source in config.sources:
        state = states.get(source.name, {})
        if wanted is not None:
            if source.name in wanted:
                due.append(source)
            continue
        if state.get("run_requested_at"):  # "Run now" from the Sources page, even for a paused source
            due.append(source)
            continue
        if not source.enabled or not state.get("enabled", 1):
            continue
        if force or _is_due(source, state, now):
            due.append(source)
    return due


def seconds_until_next_due(config: Config, store: Store, now: datetime | None = None) -> float:
    """How long the `run` loop may sleep before some enabled source is due again (or a "Run now" waits)."""
    now = now or utcnow()
    states = {row["name"]: row for row in store.sources()}
    if any(state.get("run_requested_at") for state in states.values()):
        return 0.0
    waits = [RUN_REQUEST_POLL_SECONDS]
    for source in config.sources:
        state = states.get(source.name, {})
        if not source.enabled or not state.get("enabled", 1):
            continue
        last = parse_iso(state.get("last_attempt"))
        due = last + timedelta(minutes=source.interval_minutes) if last else now
        backoff_until = parse_iso(state.get("next_attempt_after"))
        if backoff_until and backoff_until > due:
            due = backoff_until
        waits.append((due - now).total_seconds())
    return max(0.0, min(waits))


def _is_due(source: Source, state: dict, now: datetime) -> bool:
    backoff_until = parse_iso(state.get("next_attempt_after"))
    if backoff_until and backoff_until > now:
        return False
    last = parse_iso(state.get("last_attempt"))
    return last is None or last + timedelta(minutes=source.interval_minutes) <= now
