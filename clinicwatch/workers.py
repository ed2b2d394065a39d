"""The analysis worker processes: forked with the matcher and analyzer already built, they parse fetched
documents, match and analyse the items, and build the rows the storing process inserts."""
from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import sys
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor

from analysis import Analyzer
from collectors.base import CollectResult, Fetched
from core.models import Analysis, Mention, TermMatch
from matching import Matcher
from storage.rows import StoredItem, stored_items

# A post longer than this is cut before matching and analysis: no reply needs more, and a 10 MB "post"
# must not stall the cycle or bloat the database.
MAX_TEXT_CHARS = 20_000
MAX_TITLE_CHARS = 1000
# A worker makes tens of thousands of short-lived objects per document, almost none in cycles: a
# young-generation pass every 10,000 allocations instead of 700 saves ~4 % of its time.
WORKER_GC_THRESHOLD = 10_000

# The matcher and analyzer the forked workers inherit (set just before forking: nothing rebuilt or pickled).
_state: tuple[Matcher, Analyzer] | None = None


def fork_workers(matcher: Matcher, analyzer: Analyzer, count: int) -> ProcessPoolExecutor:
    """Fork the analysis workers now, before any collector thread exists (forking with threads is unsafe).

    A ProcessPoolExecutor rather than multiprocessing.Pool: the Pool's worker-handler thread wakes whenever a
    result is waiting to be read and spins, holding the GIL, until its result thread has read it (~45,000 turns
    for 500 documents, a sixth of the storing process's time); the executor's one thread just reads results.
    A worker that dies also fails its task (BrokenProcessPool) instead of leaving it waiting for ever.
    """
    global _state
    analyzer.warm_up()  # load the lemma dictionaries once, here, so every worker inherits them
    _state = (matcher, analyzer)
    # What exists now (dictionaries, lexicons, the model) lives as long as the process: the garbage collector
    # need not scan it again, and not touching it keeps the forked workers' copies of those pages shared.
    gc.collect()
    gc.freeze()
    pool = ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("fork"), initializer=_start_worker,
                               initargs=(os.getpid(),))
    # With "fork" the executor starts every worker at its first task: give it one now, before threads exist.
    pool.submit(gc.get_threshold).result()
    return pool


def _start_worker(parent: int) -> None:
    gc.set_threshold(WORKER_GC_THRESHOLD, *gc.get_threshold()[1:])
    _end_with_parent(parent)


def _end_with_parent(parent: int) -> None:
    """Exit when the storing process dies (SIGKILL, out of memory): forked workers hold the task pipe's write
    end too, so they would otherwise wait on it for ever. (Linux sends the signal when the thread that forked
    ends: the pipeline forks from the thread that runs it.)"""
    if sys.platform.startswith("linux"):
        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    else:
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="parent-watch").start()
    if os.getppid() != parent:  # it died before the request above took effect
        os._exit(1)


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def parse_match_analyse(fetched: Fetched) -> tuple[CollectResult, list[StoredItem]]:
    """In a worker: the fetched document's new items that mention the brand, as rows to store."""
    matcher, analyzer = _inherited()
    result = fetched.parse()
    items = []
    for mention in result.mentions:
        cap_text(mention)
        reason = matcher.verdict(mention)
        if reason is None:
            items.append((mention, analyzer.analyse(mention)))
        else:
            result.drop(reason)
    # Only the rows to store travel back to the storing process, built here where the CPU is free.
    result.mentions = []
    return result, stored_items(items)


Verdict = tuple[list[TermMatch], "Analysis | None", "str | None"]


def match_and_analyse(mentions: list[Mention]) -> list[Verdict]:
    """In a worker: per mention, the matches found, its analysis when it is a mention, else why it is not."""
    matcher, analyzer = _inherited()
    # Only what the parent lacks travels back: the matches found, the analysis of matched mentions, the reason.
    verdicts: list[Verdict] = []
    for mention in mentions:
        reason = matcher.verdict(mention)
        verdicts.append((mention.matches, analyzer.analyse(mention) if reason is None else None, reason))
    return verdicts


def cap_text(mention: Mention) -> None:
    if len(mention.text) > MAX_TEXT_CHARS:
        mention.extra["truncated_from_chars"] = len(mention.text)
        mention.text = mention.text[:MAX_TEXT_CHARS]
    if len(mention.title) > MAX_TITLE_CHARS:
        mention.title = mention.title[:MAX_TITLE_CHARS]


def _inherited() -> tuple[Matcher, Analyzer]:
    assert _state is not None, "analysis worker started without a matcher and an analyzer"
    return _state


def joined(parts: list[Future]) -> Future:
    """One future for the concatenated results of `parts` (in order), or the first failure among them."""
    outcome: Future = Future()
    left = [len(parts)]
    lock = threading.Lock()  # callbacks run in the executor's thread, or here for a part already done

    def part_done(_: Future) -> None:
        with lock:
            left[0] -= 1
            last = left[0] == 0
        if last:
            failed = next((p.exception() for p in parts if p.exception() is not None), None)
            if failed is not None:
                outcome.set_exception(failed)
            else:
                outcome.set_result([pair for part in parts for pair in part.result()])

    for part in parts:
        part.add_done_callback(part_done)
    return outcome
