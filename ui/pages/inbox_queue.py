"""The Inbox queue's data for one run of its fragment: read from the store, or — on a run that only opens another
card — what the run before read for the same filter and page. At 1M mentions the counts and the page cost up to
~100 ms a run, and opening a card changes none of them; the opened mention itself is always read afresh."""
from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import streamlit as st

from storage import queries
from ui.components import Context

T = TypeVar("T")
OPENED_KEY = "inbox_opened"  # set by a card's Open callback: the next run only changes which mention is open
CACHE_KEY = "inbox_queue_cache"  # {part: (key, value)} as the last run read them


def mark_opened() -> None:
    """Called from the Open callback: the run it starts may reuse the queue the last run read."""
    st.session_state[OPENED_KEY] = True


def take_opened() -> bool:
    """Whether this run was started by opening a card (read once, at the start of the run)."""
    return bool(st.session_state.pop(OPENED_KEY, False))


def reuse_or_read(part: str, key: Hashable, read: Callable[[], T], opened: bool) -> T:
    """`read()`, kept for the next run; on an opening run, what the last run read for the same `key` instead.
    Every other run (an action, a page, a view, a filter, a full rerun) reads the store again."""
    cache: dict[str, tuple[Hashable, Any]] = st.session_state.setdefault(CACHE_KEY, {})
    kept = cache.get(part)
    if opened and kept is not None and kept[0] == key:
        return kept[1]
    value = read()
    cache[part] = (key, value)
    return value


def refresh_opened(ctx: Context, rows: list[dict[str, Any]], mention_id: Any) -> list[dict[str, Any]]:
    """`rows` with the opened mention read again (its status or assignee may have changed since the page was read);
    a mention that is gone leaves the page."""
    if not any(row["id"] == mention_id for row in rows):
        return rows
    fresh = {row["id"]: row for row in queries.inbox_rows(ctx.store, [mention_id])}
    return [fresh.get(row["id"], row) for row in rows if row["id"] != mention_id or mention_id in fresh]
