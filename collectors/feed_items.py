"""A feed document parsed into format-neutral items (RSS, Atom and JSON Feed all end up like this)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(slots=True)
class FeedItem:
    """One entry as the feed gave it; `title`/`body` may still hold HTML (see the *_is_html flags)."""

    id: str
    link: str
    title: str
    title_is_html: bool
    body: str
    body_is_html: bool
    author: str = ""
    published: datetime | None = None
    language: str = ""
    comment_count: int | None = None


@dataclass(slots=True)
class ParsedFeed:
    title: str
    link: str
    language: str
    items: list[FeedItem] = field(default_factory=list)
    version: str = ""
    incomplete: int = 0  # entries the parser recovered from a cut body but that were not whole (not kept)
