"""Collectors in daemon threads, at most `limit` at once, each with a deadline: a hung source is given up on,
never waited for.

A thread blocked in a read cannot be stopped from outside, so a source past `http.source_seconds` is abandoned:
the cycle records it as timed out and goes on, its slot goes to the next source, its thread is a daemon (it
never keeps `collect --once` alive), and the source is not started again while that thread still runs.
"""
from __future__ import annotations

import collections
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from collectors.base import SourceError


@dataclass(slots=True)
class _Run:
    name: str
    work: Callable[[], Any]
    future: Future
    thread: threading.Thread | None = None
    deadline: float = 0.0


class SourceThreads:
    """Runs sources' collectors in daemon threads and tells which runs are past their deadline."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.limit = 1
        self._lock = threading.Lock()
        self._waiting: collections.deque[_Run] = collections.deque()
        self._running: dict[Future, _Run] = {}
        # Abandoned threads by source name, kept across cycles until they end.
        self._abandoned: dict[str, threading.Thread] = {}

    def submit(self, name: str, work: Callable[[], Any], done: Callable[[Future], None]) -> Future:
        """`work()` in a daemon thread as soon as a slot is free; `done(future)` is called when it has ended."""
        future: Future = Future()
        future.add_done_callback(done)
        with self._lock:
            hung = self._abandoned.get(name)
            if hung is not None and hung.is_alive():
                future.set_exception(SourceError(
                    "timeout", f"its run of an earlier cycle is still hanging (past http.source_seconds = "
                               f"{self.seconds:g} s); it is not started again until that one ends"))
                return future
            self._abandoned.pop(name, None)
            self._waiting.append(_Run(name, work, future))
            self._start_waiting()
        return future

    def _start_waiting(self) -> None:
        """Start waiting runs while slots are free (the lock is held)."""
        while self._waiting and len(self._running) < self.limit:
            run = self._waiting.popleft()
            run.thread = threading.Thread(target=self._execute, args=(run,), name=f"collector-{run.name}", daemon=True)
            run.deadline = time.monotonic() + self.seconds
            self._running[run.future] = run
            run.thread.start()

    def _execute(self, run: _Run) -> None:
        try:
            result = run.work()
        except Exception as exc:  # handed to the future: the pipeline reads it and records the source's failure
            outcome: tuple[Any, BaseException | None] = (None, exc)
        else:
            outcome = (result, None)
        with self._lock:
            mine = self._running.pop(run.future, None) is not None  # not when abandoned meanwhile
            self._start_waiting()
        if not mine:
            return  # abandoned: the cycle has recorded the timeout already and moved on
        if outcome[1] is not None:
            run.future.set_exception(outcome[1])
        else:
            run.future.set_result(outcome[0])

    def seconds_left(self) -> float | None:
        """Until the earliest deadline of the running sources (None: none runs)."""
        with self._lock:
            if not self._running:
                return None
            return max(0.0, min(r.deadline for r in self._running.values()) - time.monotonic())

    def overdue(self) -> list[Future]:
        """Runs past their deadline, now abandoned: their threads run on as daemons, their results are dropped."""
        now = time.monotonic()
        with self._lock:
            late = [run for run in self._running.values() if run.deadline <= now]
            for run in late:
                del self._running[run.future]
                assert run.thread is not None
                self._abandoned[run.name] = run.thread
            self._start_waiting()
        return [run.future for run in late]

    def timeout_error(self) -> SourceError:
        return SourceError("timeout", f"the source did not finish within {self.seconds:g} s (http.source_seconds): "
                                      "the cycle went on without it; it will be retried")
