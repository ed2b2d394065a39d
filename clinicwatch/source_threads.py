"""Collectors in daemon threads, each with a deadline: a hung source is given up on, never waited for.

A thread blocked in a read cannot be stopped from outside, so a source past `http.source_seconds` is abandoned:
the cycle records it as timed out and goes on, its thread is a daemon (it never keeps `collect --once` alive),
and the source is not started again while that thread still runs.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from collectors.base import SourceError


@dataclass(slots=True)
class _Running:
    name: str
    thread: threading.Thread
    deadline: float


class SourceThreads:
    """Starts one daemon thread per source run and tells which runs are past their deadline."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._running: dict[Future, _Running] = {}
        # Abandoned threads by source name, kept across cycles until they end.
        self._abandoned: dict[str, threading.Thread] = {}

    def start(self, name: str, work: Callable[[], Any], done: Callable[[Future], None]) -> Future:
        """`work()` in a new daemon thread; `done(future)` is called when it ends (or at once, when refused)."""
        future: Future = Future()
        future.add_done_callback(done)
        hung = self._abandoned.get(name)
        if hung is not None and hung.is_alive():
            future.set_exception(SourceError(
                "timeout", f"its run of an earlier cycle is still hanging (past http.source_seconds = "
                           f"{self.seconds:g} s); it is not started again until that one ends"))
            return future
        self._abandoned.pop(name, None)

        def run() -> None:
            try:
                result = work()
            except Exception as exc:  # handed to the future: the pipeline reads it and records the source's failure
                future.set_exception(exc)
            else:
                future.set_result(result)

        thread = threading.Thread(target=run, name=f"collector-{name}", daemon=True)
        self._running[future] = _Running(name, thread, time.monotonic() + self.seconds)
        thread.start()
        return future

    @property
    def count(self) -> int:
        return len(self._running)

    def finished(self, future: Future) -> None:
        """Forget a run that ended (an abandoned one's late end included)."""
        self._running.pop(future, None)

    def seconds_left(self) -> float | None:
        """Until the earliest deadline of the running sources (None: none runs)."""
        if not self._running:
            return None
        return max(0.0, min(r.deadline for r in self._running.values()) - time.monotonic())

    def overdue(self) -> list[Future]:
        """Runs past their deadline, now abandoned: their threads run on as daemons, their results are dropped."""
        now = time.monotonic()
        late = [future for future, run in self._running.items() if run.deadline <= now and not future.done()]
        for future in late:
            run = self._running.pop(future)
            self._abandoned[run.name] = run.thread
        return late

    def timeout_error(self) -> SourceError:
        return SourceError("timeout", f"the source did not finish within {self.seconds:g} s (http.source_seconds): "
                                      "the cycle went on without it; it will be retried")
