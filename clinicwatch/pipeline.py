"""One collection cycle: collectors (in parallel) → matching → analysis → store."""
from __future__ import annotations

import functools
import logging
import queue
import time
import traceback
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime
from typing import TypeVar

from analysis import Analyzer
from clinicwatch.leasing import DEFAULT_LEASE_SECONDS, SourceLeases
from clinicwatch.save_batch import ReadyToStore, SaveBatch, SourceRun, earliest, next_done
from clinicwatch.schedule import due_sources
from clinicwatch.source_threads import SourceThreads
from clinicwatch.workers import cap_text, fork_workers, joined, match_and_analyse, parse_match_analyse
from collectors.base import DELETED_IDS, Collector, CollectResult, Fetched, SourceError
from collectors.registry import build_collector
from core.config import Config
from core.config import SourceBase as Source
from core.models import Mention
from core.redact import redact
from matching import Matcher
from storage.rows import stored_items
from storage.store import SaveResult, Store

log = logging.getLogger(__name__)


T = TypeVar("T")
ProgressCallback = Callable[[SourceRun], None]
CollectorFactory = Callable[[Source, Config], Collector]

# Documents waiting for each analysis worker: enough that the workers stay busy while this process stores a
# batch (tens of milliseconds), few enough that memory stays bounded.
WORK_QUEUED_PER_WORKER = 4
# Below this many matched items a source is analysed in-process: shipping them to a worker costs more.
MIN_BATCH_FOR_WORKERS = 64
# On PostgreSQL a collector leases this many sources per concurrent collector thread at a time, so several
# collector processes share a cycle's sources instead of the first one taking them all.
LEASED_PER_THREAD = 2
# What a source whose lease was taken over (this process stalled past its expiry) comes to: nothing stored.
LEASE_LOST_NOTE = "lease taken over by another collector before storing; nothing stored, that collector stores it"


class Pipeline:
    """Holds what is costly to build (matcher, analyzer, worker processes) across cycles of the `run` loop.

    Collectors run in threads (their work is mostly waiting on the network); with `analysis_workers`,
    analysis, which is pure CPU, runs in that many forked processes, so parsing and storing in this
    process overlap with it on the other cores.
    """

    def __init__(self, config: Config, store: Store, *, analyzer: Analyzer | None = None,
                 analysis_workers: int = 0, collector_factory: CollectorFactory = build_collector,
                 lease_seconds: float = DEFAULT_LEASE_SECONDS) -> None:
        self.config = config
        self.store = store
        self.matcher = Matcher(config.brand)
        self.analyzer = analyzer or Analyzer(config, model_dir=config.model_dir)
        self.collector_factory = collector_factory
        self.workers = analysis_workers
        self._pool = fork_workers(self.matcher, self.analyzer, analysis_workers) if analysis_workers > 0 else None
        self._pool_broken = False
        self._threads = SourceThreads(config.http.source_seconds)
        for source in config.sources:
            store.ensure_source(source.name, source.kind)
        # PostgreSQL may have several collector processes: each collects only the sources it leased. SQLite has
        # one `run` process, which needs no leases.
        self.leases = (SourceLeases(store, [s.name for s in config.sources], seconds=lease_seconds)
                       if store.dialect.postgres else None)

    def replace_analyzer(self, analyzer: Analyzer) -> None:
        """Use a new analyzer (a retrained model); workers are forked again so they see it too."""
        workers = self.workers
        self._close_pool()
        self.analyzer = analyzer
        self._pool = fork_workers(self.matcher, analyzer, workers) if workers > 0 else None
        self._pool_broken = False

    def close(self) -> None:
        self._close_pool()
        if self.leases is not None:
            self.leases.close()
            self.leases = None

    def _close_pool(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> Pipeline:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def due_sources(self, *, only: Iterable[str] | None = None, force: bool = False,
                    now: datetime | None = None) -> list[Source]:
        """Enabled sources whose interval has passed and whose failure back-off has expired."""
        return due_sources(self.config, self.store, only=only, force=force, now=now)

    def collect_due(self, progress: ProgressCallback | None = None) -> list[SourceRun]:
        """Collect the sources due now (the `run` loop's cycle); on PostgreSQL those no other collector holds."""
        if self.leases is None:
            return self.collect(self.due_sources(), progress)
        return self._collect_leased(self.due_sources, progress)

    def collect(self, sources: list[Source], progress: ProgressCallback | None = None) -> list[SourceRun]:
        """Collect these sources (on PostgreSQL those of them no other collector holds): see _collect."""
        if self.leases is None:
            return self._collect(sources, progress)
        return self._collect_leased(lambda: sources, progress)

    def _collect_leased(self, due: Callable[[], list[Source]], progress: ProgressCallback | None) -> list[SourceRun]:
        """Lease a few due sources nobody holds and collect them, leasing more as threads come free, until none is
        left for this process: several collectors then share one cycle's sources."""
        assert self.leases is not None
        leases = self.leases
        done: set[str] = set()

        def more(limit: int) -> list[Source]:
            taken = leases.take(lambda: [s for s in due() if s.name not in done], limit)
            done.update(s.name for s in taken)
            return taken

        first = more(LEASED_PER_THREAD * self.config.http.concurrency)
        return self._collect(first, progress, more) if first else []

    def _collect(self, sources: list[Source], progress: ProgressCallback | None = None,
                 more: Callable[[int], list[Source]] | None = None) -> list[SourceRun]:
        """Run collectors concurrently; match, analyse and store each result as it arrives (and, given `more`,
        ask it for up to N further sources whenever the window has room for N, until it has none).

        With analysis workers, a source's items are matched and analysed in the workers while this process
        parses the next documents and stores finished sources: the stages overlap instead of taking turns.
        Finished sources are stored in batches, one transaction a second or a thousand mentions.
        """
        runs: list[SourceRun] = []
        if not sources:
            return runs
        if self._pool_broken:  # a worker died last cycle: fork afresh now, while no collector thread runs
            self.replace_analyzer(self.analyzer)

        def finish(run: SourceRun, started: float) -> None:
            run.seconds = time.monotonic() - started
            runs.append(run)
            if progress:
                progress(run)

        threads = self.config.http.concurrency if more else min(self.config.http.concurrency, len(sources))
        window = 2 * threads + WORK_QUEUED_PER_WORKER * self.workers
        pending = list(reversed(sources))
        # Read once: a query per source would wait for the GIL behind the collector threads each time.
        cursors = self.store.cursors()
        ready = SaveBatch()
        collecting: dict[Future, tuple[Source, float]] = {}
        analysing: dict[Future, tuple[Source, float, CollectResult | None]] = {}
        # Futures announce themselves here when done: one queue read per result, where concurrent.futures.wait
        # would hook into and out of every future in flight each time (a fifth of a 304-only poll's time).
        finished: queue.SimpleQueue[Future] = queue.SimpleQueue()

        def analyse(future: Future, entry: tuple) -> None:
            analysing[future] = entry
            future.add_done_callback(finished.put)

        collectors = self._threads
        collectors.limit = threads
        while pending or collecting or analysing or ready.items or more:
            # A bounded window: parsed results never pile up faster than they are analysed and stored.
            room = window - len(collecting) - len(analysing)
            if more is not None and not pending and room >= threads:  # leased a few at a time, not one by one
                pending = list(reversed(more(room)))
                if not pending:
                    more = None  # none left for this process this cycle: do not ask again
                cursors.update(self.store.cursors())  # read after leasing: another collector may have moved them
            while pending and len(collecting) + len(analysing) < window:
                source = pending.pop()
                cursor = cursors.get(source.name, {})
                future = collectors.submit(source.name, functools.partial(self._run_collector, source, cursor),
                                           finished.put)
                collecting[future] = (source, time.monotonic())
            wait = earliest(ready.seconds_left(), collectors.seconds_left())
            done = next_done(finished, wait) if collecting or analysing else []
            if ready.items and (not done or ready.is_due()):
                for run, started in self._store_ready(ready.take()):
                    finish(run, started)
            for future in collectors.overdue():  # hung past http.source_seconds: recorded, not waited for
                source, started = collecting.pop(future)
                finish(self._source_error(source, collectors.timeout_error()), started)
            for future in done:
                if future in collecting:
                    source, started = collecting.pop(future)
                    outcome = self._collected(source, future, analyse, started)
                else:
                    source, started, result = analysing.pop(future)
                    outcome = self._analysed(source, result, future, started)
                if isinstance(outcome, ReadyToStore):
                    ready.add(outcome)
                elif outcome is not None:
                    finish(outcome, started)
        return runs

    def _run_collector(self, source: Source, cursor: dict) -> CollectResult | Fetched:
        collector = self.collector_factory(source, self.config)
        if self._pool is not None and hasattr(collector, "fetch"):
            return collector.fetch(cursor)  # parsed in a worker, with matching and analysis
        return collector.collect(cursor)

    def _collected(self, source: Source, future: Future, analyse: Callable[[Future, tuple], None],
                   started: float) -> SourceRun | ReadyToStore | None:
        """A collector finished: its failure, its items ready to store, or None while workers analyse them."""
        try:
            result: CollectResult | Fetched = future.result()
        except SourceError as exc:
            return self._source_error(source, exc)
        except Exception as exc:  # a bug in one collector must not stop the others
            log.error("collector %s crashed:\n%s", source.name, redact("".join(traceback.format_exception(exc))))
            message = redact(f"internal error: {type(exc).__name__}: {exc}")
            return self._internal_error(source, message)
        if isinstance(result, Fetched):
            analyse(self._parse_in_workers(result), (source, started, None))
            return None
        if self._pool is None or len(result.mentions) < MIN_BATCH_FOR_WORKERS:
            return self._guarded(source, lambda: self._match_and_analyse_here(source, result, started), "analysing")
        for mention in result.mentions:
            cap_text(mention)
        analyse(self._analyse_in_workers(result.mentions), (source, started, result))
        return None

    def _analysed(self, source: Source, result: CollectResult | None, future: Future,
                  started: float) -> SourceRun | ReadyToStore:
        if result is None:  # fetched here; parsed, matched and analysed in a worker
            try:
                parsed, items = future.result()
            except SourceError as exc:  # e.g. the document was not a feed
                return self._source_error(source, exc)
            except Exception as exc:  # a bug in one source's analysis fails that source, recorded with its traceback
                return self._failed(source, exc, "analysing")
            return ReadyToStore(source, started, parsed, items)

        def ready() -> ReadyToStore:
            outcomes = future.result()
            for mention, (matches, _, reason) in zip(result.mentions, outcomes):
                mention.matches = matches
                if reason is not None:
                    result.drop(reason)
            items = [(m, analysis) for m, (_, analysis, _) in zip(result.mentions, outcomes) if analysis is not None]
            return ReadyToStore(source, started, result, stored_items(items))
        return self._guarded(source, ready, "analysing")

    def _guarded(self, source: Source, step: Callable[[], T], stage: str) -> T | SourceRun:
        try:
            return step()
        except Exception as exc:  # analysis or storage failing on one source's items must not end the cycle
            return self._failed(source, exc, stage)

    def _failed(self, source: Source, exc: Exception, stage: str) -> SourceRun:
        log.error("%s %s failed:\n%s", stage, source.name, redact("".join(traceback.format_exception(exc))))
        return self._internal_error(source, redact(f"internal error while {stage}: {type(exc).__name__}: {exc}"))

    def _source_error(self, source: Source, exc: SourceError) -> SourceRun:
        if not self._record_failure(source, exc.kind, exc.message, exc.retry_after):
            return self._lease_lost(source)
        return SourceRun(source.name, source.kind, "error", error_kind=exc.kind, error=exc.message)

    def _internal_error(self, source: Source, message: str) -> SourceRun:
        if not self._record_failure(source, "internal", message, None):
            return self._lease_lost(source)
        return SourceRun(source.name, source.kind, "error", error_kind="internal", error=message)

    def _record_failure(self, source: Source, kind: str, message: str, retry_after: float | None) -> bool:
        """Record a failed attempt; on PostgreSQL only while this process still holds the source's lease."""
        if self.leases is None:
            self.store.record_failure(source.name, kind, message, retry_after=retry_after)
            return True
        with self.leases.giving_back([source.name]) as kept:
            if kept:
                self.store.record_failure(source.name, kind, message, retry_after=retry_after)
        return bool(kept)

    @staticmethod
    def _lease_lost(source: Source) -> SourceRun:
        return SourceRun(source.name, source.kind, "lease_lost", note=LEASE_LOST_NOTE)

    def store_result(self, source: Source, result: CollectResult) -> SourceRun:
        """Match and analyse a collector's items in this process, then store them with its cursor (on PostgreSQL
        leasing the source first unless this process holds it; held by another collector, nothing is stored)."""
        if self.leases is not None and source.name not in self.leases.held and not self.leases.take(
                lambda: [source], 1):
            return self._lease_lost(source)
        ready = self._match_and_analyse_here(source, result, time.monotonic())
        return self._store_ready([ready])[0][0]

    def _match_and_analyse_here(self, source: Source, result: CollectResult, started: float) -> ReadyToStore:
        matched = []
        for mention in result.mentions:
            cap_text(mention)
            reason = self.matcher.verdict(mention)
            if reason is None:
                matched.append(mention)
            else:
                result.drop(reason)
        items = stored_items((m, self.analyzer.analyse(m)) for m in matched)
        return ReadyToStore(source, started, result, items)

    def _store_ready(self, ready: list[ReadyToStore]) -> list[tuple[SourceRun, float]]:
        """Store sources' items with their cursors in one transaction; if that fails, each source on its own,
        so one source's bad data fails only that source."""
        if not ready:
            return []
        try:
            stored, lost = self._record_saves(ready)
        except Exception as exc:  # the batch is retried source by source, so only the bad source fails (recorded)
            if len(ready) > 1:
                return [pair for r in ready for pair in self._store_ready([r])]
            return [(self._failed(ready[0].source, exc, "storing"), ready[0].started)]
        for r, _ in stored:
            self._mark_deleted(r.source.name, r.result.extra.get(DELETED_IDS) or [])
        return [(r.run(s.new, s.duplicates), r.started) for r, s in stored] + [
            (self._lease_lost(r.source), r.started) for r in lost]

    def _record_saves(self, ready: list[ReadyToStore]) -> tuple[list[tuple[ReadyToStore, SaveResult]],
                                                                  list[ReadyToStore]]:
        """Store in one transaction; on PostgreSQL only the sources whose lease this process still holds, giving
        the leases back in that transaction. Returns (stored with their results, lost to another collector)."""
        if self.leases is None:
            return list(zip(ready, self.store.record_saves([r.save for r in ready]))), []
        with self.leases.giving_back([r.source.name for r in ready]) as kept:
            mine = [r for r in ready if r.source.name in kept]
            saved = self.store.record_saves([r.save for r in mine])
        return list(zip(mine, saved)), [r for r in ready if r.source.name not in kept]

    def _mark_deleted(self, source_name: str, external_ids: list[str]) -> None:
        """Mentions whose item the platform no longer lists stay stored, with an event in their history."""
        for external_id in external_ids:
            mention_id = self.store.mention_id(source_name, external_id)
            if mention_id is not None:
                self.store.add_event(mention_id, "collector", "deleted_on_platform", {"source": source_name})

    def _parse_in_workers(self, fetched: Fetched) -> Future:
        """Parse, match and analyse a fetched document in a worker; the future gives (result, stored items)."""
        return self._submit(parse_match_analyse, fetched)

    def _analyse_in_workers(self, mentions: list[Mention]) -> Future:
        """Match and analyse in the worker processes; the future gives (matches, analysis or None) per mention."""
        size = max(MIN_BATCH_FOR_WORKERS // 2, -(-len(mentions) // self.workers))
        return joined([self._submit(match_and_analyse, mentions[i:i + size]) for i in range(0, len(mentions), size)])

    def _submit(self, work: Callable[[T], object], argument: T) -> Future:
        """`work(argument)` in a worker; here, if a worker has died (killed, out of memory): the sources it had
        failed with their cursors unmoved, the rest of this cycle runs here, and the next cycle forks anew."""
        assert self._pool is not None
        if not self._pool_broken:
            try:
                return self._pool.submit(work, argument)
            except BrokenProcessPool:
                self._pool_broken = True
        here: Future = Future()
        try:
            here.set_result(work(argument))
        except Exception as exc:  # handed to the future, which raises it where the result is read
            here.set_exception(exc)
        return here


def collect_once(config: Config, store: Store, *, only: Iterable[str] | None = None, force: bool = True,
                 progress: ProgressCallback | None = None, pipeline: Pipeline | None = None) -> list[SourceRun]:
    """Collect every enabled source once (or only the named ones)."""
    pipeline = pipeline or Pipeline(config, store)
    return pipeline.collect(pipeline.due_sources(only=only, force=force), progress)
