"""The Inbox's named views (My queue, Unassigned, Escalated, Waiting on the patient, Done today) and their counts.

A view fixes the status and assignee part of the Inbox filter; the rest (source, language, search…) still applies.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time
from zoneinfo import ZoneInfo

from core.labels import OPEN_STATUSES
from storage.queries import UNASSIGNED, MentionFilter, inbox_count
from storage.rows import iso
from storage.store import Store

VIEWS: tuple[str, ...] = ("mine", "unassigned", "escalated", "waiting_patient", "done_today")
DONE_STATUSES: tuple[str, ...] = ("replied", "dismissed")


def start_of_day(now: datetime, timezone: str) -> datetime:
    """Midnight of `now`'s day in the clinic's timezone (what "today" means to its staff)."""
    local = now.astimezone(ZoneInfo(timezone))
    return datetime.combine(local.date(), time(0), tzinfo=local.tzinfo)


def view_filter(view: str, username: str, today: datetime, base: MentionFilter | None = None) -> MentionFilter:
    """`base` (default: no narrowing) with the status and assignee of `view`; `today` is the day's start."""
    flt = replace(base) if base is not None else MentionFilter()
    flt.assignee, flt.changed_since = None, None
    if view == "mine":
        flt.statuses, flt.assignee = list(OPEN_STATUSES), username
    elif view == "unassigned":
        flt.statuses, flt.assignee = list(OPEN_STATUSES), UNASSIGNED
    elif view in ("escalated", "waiting_patient"):
        flt.statuses = [view]
    elif view == "done_today":
        flt.statuses, flt.changed_since = list(DONE_STATUSES), iso(today)
    else:
        raise ValueError(f"unknown view {view!r}; expected one of {', '.join(VIEWS)}")
    return flt


def view_counts(store: Store, username: str, today: datetime) -> dict[str, int]:
    """How many mentions each view holds (the views alone, not narrowed by the sidebar's filters)."""
    return {view: inbox_count(store, view_filter(view, username, today)) for view in VIEWS}
