"""The column values the store inserts for a mention and its analysis.

Building them (hashing the folded text, encoding JSON and dates) is pure CPU work, so the pipeline's analysis
workers build them beside the analysis; the storing process then only runs SQL. Plain tuples also cross the
process boundary several times faster than the dataclasses they come from.
"""
from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from core.models import Analysis, Mention

# Column order of MentionRow and AnalysisRow: the INSERT statements below and the row builders share it.
MENTION_COLUMNS = (
    "source_name", "source_kind", "external_id", "url", "author", "title", "text", "published_at",
    "published_estimated", "fetched_at", "declared_language", "score", "comment_count", "thread_title",
    "thread_url", "extra", "matches", "content_hash",
)
ANALYSIS_COLUMNS = (
    "language", "sentiment", "sentiment_score", "kind", "topics", "urgency", "urgency_reasons", "needs_reply",
    "model_version", "evidence", "confidence", "learned_from",
)
# A stored mention's columns as `SELECT m.*` gave them on SQLite (PostgreSQL's table also holds its search vector).
STORED_MENTION = "m.id, " + ", ".join(f"m.{c}" for c in (
    *MENTION_COLUMNS, "status", "assignee", "first_response_at", "status_changed_at"))

MentionRow = tuple[Any, ...]
AnalysisRow = tuple[Any, ...]
StoredItem = tuple[MentionRow, "AnalysisRow | None"]

_EXTRA_ENCODER = json.JSONEncoder(default=str)  # one encoder, not one per call as json.dumps(default=...) makes


def iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="microseconds").removesuffix("+00:00") + "Z"


class _LastIso:
    """iso() remembering its last answer: a feed's items share one fetch time and often one date."""

    __slots__ = ("last",)

    def __init__(self) -> None:
        self.last: tuple[datetime | None, str | None] = (None, None)

    def __call__(self, moment: datetime | None) -> str | None:
        last = self.last  # one attribute, replaced whole, so threads never see a moment with another's text
        # Equal aware datetimes are the same instant, hence the same UTC text (== never pairs naive with aware).
        if moment is not None and moment == last[0]:
            return last[1]
        text = iso(moment)
        self.last = (moment, text)
        return text


_published_iso = _LastIso()
_fetched_iso = _LastIso()


def parse_iso(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def mention_row(mention: Mention) -> MentionRow:
    return (
        mention.source_name, mention.source_kind, mention.external_id, mention.url, mention.author, mention.title,
        mention.text, _published_iso(mention.published_at), int(mention.published_estimated),
        _fetched_iso(mention.fetched_at), mention.language, mention.score, mention.comment_count,
        mention.thread_title, mention.thread_url,
        _EXTRA_ENCODER.encode(mention.extra) if mention.extra else "{}",
        matches_json(mention.matches),
        mention.content_hash,
    )


def analysis_row(analysis: Analysis) -> AnalysisRow:
    return (
        analysis.language, analysis.sentiment, analysis.sentiment_score, analysis.kind,
        _labels_json(tuple(analysis.topics)), analysis.urgency, _labels_json(tuple(analysis.urgency_reasons)),
        int(analysis.needs_reply), analysis.model_version,
        _evidence_json(analysis.evidence), analysis.confidence,
        json.dumps(analysis.learned_from, sort_keys=True) if analysis.learned_from else "{}",
    )


def _evidence_json(evidence: dict[str, list[str]]) -> str:
    """Per decision the words that drove it; ASCII JSON, so even a lone surrogate from a source is stored."""
    return json.dumps(evidence) if evidence else "{}"


@functools.lru_cache(maxsize=1024)
def _labels_json(labels: tuple[str, ...]) -> str:
    """Topic and reason lists come in a few dozen combinations: each is encoded once."""
    return json.dumps(list(labels))


def matches_json(matches: list[Any]) -> str:
    """The JSON list of {term, category, field, start, end} json.dumps writes, without its generic encoder."""
    if not matches:
        return "[]"
    dumps = json.dumps
    return "[" + ", ".join(
        f'{{"term": {dumps(m.term)}, "category": {dumps(m.category)}, "field": {dumps(m.field)}, '
        f'"start": {int(m.start)}, "end": {int(m.end)}}}'
        for m in matches
    ) + "]"


def stored_items(items: Iterable[tuple[Mention, Analysis | None]]) -> list[StoredItem]:
    return [(mention_row(m), analysis_row(a) if a is not None else None) for m, a in items]


@dataclass(slots=True)
class SourceSave:
    """One source's new items and its new cursor: stored together or not at all."""

    name: str
    items: list[StoredItem]
    cursor: dict[str, Any]
    seen: int
    note: str | None = None
    dropped: dict[str, int] = field(default_factory=dict)  # not passed on, by reason (core.drops)


def decode_row(row: dict[str, Any]) -> dict[str, Any]:
    """A stored mention row (with or without its analysis) with its JSON columns decoded: `extra` to a dict,
    `matches`, `topics` and `urgency_reasons` to lists, `evidence` and `learned_from` to dicts (empty when the
    mention has no analysis). `confidence` stays None for an analysis stored before it was recorded."""
    extra = row.get("extra")
    if isinstance(extra, str):
        row["extra"] = json.loads(extra)
    for key in ("matches", "topics", "urgency_reasons"):
        if key in row:
            value = row[key]
            row[key] = json.loads(value) if isinstance(value, str) else (value or [])
    for key in ("evidence", "learned_from"):
        if key in row:
            value = row[key]
            row[key] = json.loads(value) if isinstance(value, str) else (value or {})
    return row
