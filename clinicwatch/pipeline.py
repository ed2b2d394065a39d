"""One collection cycle: collectors (in parallel) → matching → analysis → store, one source at a time."""
from __future__ import annotations

import logging
import time
import traceback
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, Iterable

from analysis import Analyzer
from clinicwatch.config import Config, Source
from clinicwatch.models import utcnow
from collectors.base import CollectResult, SourceError
from collectors.registry import build_collector
from matching import Matcher
from storage.store import Store, parse_iso

log = logging.getLogger(__name__)

# A post longer than this is cut before matching and analysis: no reply needs more, and a 10 MB "post"
# must not stall the cycle or bloat the database.
MAX_TEXT_CHARS = 20_000


@dataclass(slots=True)
class SourceRun:
    """What happened to one source in one cycle (shown in the CLI summary)."""

    name: str
    kind: str
    status: str  # ok | not_modified | error | skipped
    seen: int = 0
    matched: int = 0
    new: int = 0
    error_kind: str | None = None
    error: str | None = None
    seconds: float = 0.0
    note: str | None = None


ProgressCallback = Callable[[SourceRun], None]


class Pipeline:
    """Holds what is costly to build (matcher, analyzer) across cycles of the `run` loop."""

    def __init__(self, config: Config, store: Store, *, analyzer: Analyzer | None = None) -> None:
        self.config = config
        self.store = store
        self.matcher = Matcher(config.brand)
        self.analyzer = analyzer or Analyzer(config)
        for source in config.sources:
            store.ensure_source(source.name, source.kind)

    def due_sources(self, *, only: Iterable[str] | None = None, force: bool = False,
                    now: datetime | None = None) -> list[Source]:
        """Enabled sources whose interval has passed and whose failure back-off has expired."""
        now = now or utcnow()
        wanted = set(only) if only else None
        if wanted:
            unknown = wanted - {s.name for s in self.config.sources}
            if unknown:
                raise KeyError(f"no source named {', '.join(sorted(unknown))} in the config")
        states = {row["name"]: row for row in self.store.sources()}
        due = []
        for source in self.config.sources:
            state = states.get(source.name, {})
            if wanted is not None:
                if source.name in wanted:
                    due.append(source)
                continue
            if not source.enabled or not state.get("enabled", 1):
                continue
            if force or _is_due(source, state, now):
                due.append(source)
        return due

    def collect(self, sources: list[Source], progress: ProgressCallback | None = None) -> list[SourceRun]:
        """Run collectors concurrently; match, analyse and store each result as it arrives."""
        runs: list[SourceRun] = []
        if not sources:
            return runs
        workers = min(self.config.http.concurrency, len(sources))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="collector") as pool:
            futures: dict[Future, tuple[Source, float]] = {}
            for source in sources:
                cursor = self.store.cursor(source.name)
                futures[pool.submit(_run_collector, source, self.config, cursor)] = (source, time.monotonic())
            for future in as_completed(futures):
                source, started = futures[future]
                run = self._store_outcome(source, future)
                run.seconds = time.monotonic() - started
                runs.append(run)
                if progress:
                    progress(run)
        return runs

    def _store_outcome(self, source: Source, future: Future) -> SourceRun:
        try:
            result: CollectResult = future.result()
        except SourceError as exc:
            self.store.record_failure(source.name, exc.kind, exc.message, retry_after=exc.retry_after)
            return SourceRun(source.name, source.kind, "error", error_kind=exc.kind, error=exc.message)
        except Exception as exc:  # a bug in one collector must not stop the others
            log.error("collector %s crashed:\n%s", source.name, "".join(traceback.format_exception(exc)))
            message = f"internal error: {type(exc).__name__}: {exc}"
            self.store.record_failure(source.name, "internal", message)
            return SourceRun(source.name, source.kind, "error", error_kind="internal", error=message)
        return self.store_result(source, result)

    def store_result(self, source: Source, result: CollectResult) -> SourceRun:
        """Match and analyse a collector's items, then store them with its cursor in one transaction."""
        items = []
        for mention in result.mentions:
            _cap_text(mention)
            if self.matcher.match(mention):
                items.append((mention, self.analyzer.analyse(mention)))
        saved = self.store.record_success(source.name, items, result.cursor, seen=result.seen, note=result.note)
        status = "not_modified" if result.not_modified else "ok"
        return SourceRun(source.name, source.kind, status, seen=result.seen, matched=len(items), new=saved.new,
                         note=result.note)


def collect_once(config: Config, store: Store, *, only: Iterable[str] | None = None, force: bool = True,
                 progress: ProgressCallback | None = None, pipeline: Pipeline | None = None) -> list[SourceRun]:
    """Collect every enabled source once (or only the named ones)."""
    pipeline = pipeline or Pipeline(config, store)
    return pipeline.collect(pipeline.due_sources(only=only, force=force), progress)


def _cap_text(mention) -> None:
    if len(mention.text) > MAX_TEXT_CHARS:
        mention.extra["truncated_from_chars"] = len(mention.text)
        mention.text = mention.text[:MAX_TEXT_CHARS]
    if len(mention.title) > 1000:
        mention.title = mention.title[:1000]


def _run_collector(source: Source, config: Config, cursor: dict) -> CollectResult:
    return build_collector(source, config).collect(cursor)


def seconds_until_next_due(config: Config, store: Store, now: datetime | None = None) -> float:
    """How long the `run` loop may sleep before some enabled source is due again."""
    now = now or utcnow()
    states = {row["name"]: row for row in store.sources()}
    waits = []
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
    return max(0.0, min(waits)) if waits else 60.0


def _is_due(source: Source, state: dict, now: datetime) -> bool:
    backoff_until = parse_iso(state.get("next_attempt_after"))
    if backoff_until and backoff_until > now:
        return False
    last = parse_iso(state.get("last_attempt"))
    return last is None or last + timedelta(minutes=source.interval_minutes) <= now
