"""Finished sources waiting to be stored together, and what one source's cycle came to (SourceRun)."""
from __future__ import annotations

import queue
import time
from concurrent.futures import Future
from dataclasses import dataclass, field

from collectors.base import CollectResult
from core.config import SourceBase as Source
from storage.rows import SourceSave, StoredItem


@dataclass(slots=True)
class SourceRun:
    """What happened to one source in one cycle (shown in the CLI summary)."""

    name: str
    kind: str
    status: str  # ok | not_modified | error
    seen: int = 0
    matched: int = 0
    new: int = 0
    error_kind: str | None = None
    error: str | None = None
    seconds: float = 0.0
    note: str | None = None
    dropped: dict[str, int] = field(default_factory=dict)  # by reason (core.drops): seen = new + these


# Finished sources are stored together, in one transaction, once this many mentions or this many seconds have
# piled up (or nothing else is running): a commit and a search-index segment cost as much as ~20 mentions.
# Nothing is lost by waiting: a source's cursor advances only with its stored items.
SAVE_BATCH_MENTIONS = 1000
SAVE_DELAY_SECONDS = 1.0


@dataclass(slots=True)
class ReadyToStore:
    """A source's matched, analysed items (as rows) waiting to be stored with its cursor."""

    source: Source
    started: float
    result: CollectResult
    items: list[StoredItem]
    finished: float = field(default_factory=time.monotonic)

    @property
    def save(self) -> SourceSave:
        return SourceSave(self.source.name, self.items, self.result.cursor, self.result.seen, self.result.note,
                          dict(self.result.dropped))

    def run(self, new: int, duplicates: int) -> SourceRun:
        status = "not_modified" if self.result.not_modified else "ok"
        dropped = dict(self.result.dropped)
        if duplicates:
            dropped["duplicate"] = dropped.get("duplicate", 0) + duplicates
        return SourceRun(self.source.name, self.source.kind, status, seen=self.result.seen, matched=len(self.items),
                         new=new, note=self.result.note, dropped=dropped)


class SaveBatch:
    """Finished sources waiting to be stored together (up to SAVE_DELAY_SECONDS or SAVE_BATCH_MENTIONS)."""

    def __init__(self) -> None:
        self.items: list[ReadyToStore] = []
        self.mentions = 0

    def add(self, ready: ReadyToStore) -> None:
        self.items.append(ready)
        self.mentions += len(ready.items)

    def seconds_left(self) -> float | None:
        """How long the oldest may still wait (None: nothing waits)."""
        if not self.items:
            return None
        return max(0.0, self.items[0].finished + SAVE_DELAY_SECONDS - time.monotonic())

    def is_due(self) -> bool:
        return self.mentions >= SAVE_BATCH_MENTIONS or self.seconds_left() == 0.0

    def take(self) -> list[ReadyToStore]:
        items, self.items, self.mentions = self.items, [], 0
        return items


def next_done(finished: queue.SimpleQueue, timeout: float | None) -> list[Future]:
    """The futures done so far, waiting up to `timeout` seconds (None: until one is) for the first."""
    try:
        done = [finished.get(timeout=timeout)]
    except queue.Empty:
        return []
    while not finished.empty():
        done.append(finished.get_nowait())
    return done


def earliest(*waits: float | None) -> float | None:
    """The shortest of the waits given (None: no wait is bounded)."""
    bounded = [wait for wait in waits if wait is not None]
    return min(bounded) if bounded else None
