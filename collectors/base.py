"""What every collector shares: its result, its error, and the interface the pipeline calls."""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass, field
from typing import Any, ClassVar, Protocol

from core.config import Config, SourceBase
from core.drops import DROP_REASONS
from core.models import Mention
from core.redact import redact

# Kinds of source error, shown on the Sources page.
ERROR_KINDS = (
    "network",  # connection refused, DNS, TLS
    "timeout",
    "http",  # an unexpected HTTP status
    "rate_limited",  # 429 / 503 with or without Retry-After
    "too_large",
    "parse",  # not a feed, broken JSON, selector matched nothing
    "auth",  # credentials rejected
    "forbidden",  # 403, robots.txt disallow, private subreddit
    "not_found",
    "blocked_address",  # SSRF guard refused the URL
    "config",
)


class SourceError(Exception):
    """A source failed in a way a user can act on; the message says what to do."""

    def __init__(self, kind: str, message: str, *, retry_after: float | None = None) -> None:
        message = redact(message)  # messages quote URLs; whatever shows or stores them sees no credential
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.retry_after = retry_after

    def __str__(self) -> str:
        return f"{self.kind}: {self.message}"

    def __reduce__(self) -> tuple[Any, tuple[str, str, float | None]]:
        # Raised in a worker process, it must arrive whole in the pipeline's process.
        return (_source_error, (self.kind, self.message, self.retry_after))


def _source_error(kind: str, message: str, retry_after: float | None) -> SourceError:
    return SourceError(kind, message, retry_after=retry_after)


# CollectResult.extra key: external ids the platform no longer lists (deleted there); the pipeline records an event
# on each stored mention, which is kept.
DELETED_IDS = "deleted_ids"


@dataclass(slots=True)
class CollectResult:
    """What one run of a collector found: candidate mentions (not yet matched) and the cursor to save."""

    mentions: list[Mention]
    cursor: dict[str, Any]
    seen: int = 0
    note: str | None = None  # shown on the Sources page, e.g. "no credentials: using public search RSS"
    not_modified: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    # Items offered by the source but not passed on, by reason (core.drops.DROP_REASONS): `seen` equals
    # len(mentions) plus these, so nothing leaves a collector uncounted.
    dropped: Counter[str] = field(default_factory=Counter)

    def drop(self, reason: str, count: int = 1) -> None:
        """Count `count` items not passed on, for `reason` (one of core.drops.DROP_REASONS)."""
        if reason not in DROP_REASONS:
            raise ValueError(f"unknown drop reason {reason!r}")
        if count:
            self.dropped[reason] += count


@dataclass(slots=True)
class Fetched:
    """A fetched document whose parsing is left for later, possibly in another process; `parser` is a
    module-level function (so it pickles by name), called as parser(source, response, cursor)."""

    parser: Callable[[Any, Any, dict[str, Any]], CollectResult]
    source: Any
    response: Any
    cursor: dict[str, Any]

    def parse(self) -> CollectResult:
        return self.parser(self.source, self.response, self.cursor)


class Collector(Protocol):
    """A collector is built from its source's config and called with the cursor it returned last time."""

    kind: ClassVar[str]

    def collect(self, cursor: dict[str, Any]) -> CollectResult:
        """Fetch what is new since `cursor`; raise SourceError on failure (never anything else on purpose).

        A collector whose parsing is CPU work may also offer fetch(cursor) -> CollectResult | Fetched, so the
        pipeline can fetch in a thread and parse in a worker process.
        """
        ...


@dataclass(frozen=True, slots=True)
class SourceKind:
    """A kind of source: the `kind` value in config, its config model and the collector built from it."""

    name: str
    config_model: type[SourceBase]
    collector: Callable[[Any, Config], Collector]
    description: str = ""
    _: KW_ONLY  # the optional hooks are named where a kind declares them
    handle_format: str | None = None  # how people are addressed there, e.g. "u/{name}"; None: no handles
    # The environment variables a configured source still lacks (shown by `status` before any run fails).
    missing_credentials: Callable[[Any], list[str]] | None = None
