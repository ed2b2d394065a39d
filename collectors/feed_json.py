"""JSON Feed 1.0 and 1.1 (https://jsonfeed.org), which feedparser does not read."""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from collectors.base import SourceError
from collectors.feed_items import FeedItem, ParsedFeed

VERSION_PREFIX = "https://jsonfeed.org/version/"


def looks_like_json(body: bytes) -> bool:
    """By the first byte, not the Content-Type: servers label feeds wrongly far more often than they send bad bytes."""
    return body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"


def parse_json_feed(body: bytes, url: str) -> ParsedFeed:
    """Items of a JSON Feed; SourceError parse for JSON that is not one."""
    try:
        document = json.loads(body.decode("utf-8-sig", errors="replace"))
    except ValueError as exc:
        raise SourceError("parse", f"{url} is not valid JSON ({exc}); is it really a JSON Feed?") from None
    version = document.get("version") if isinstance(document, dict) else None
    if not isinstance(version, str) or not version.startswith(VERSION_PREFIX):
        raise SourceError("parse", f"{url} is JSON but not a JSON Feed (no version {VERSION_PREFIX}1 or 1.1)")
    raw_items = document.get("items")
    if not isinstance(raw_items, list):
        raise SourceError("parse", f"{url} is a JSON Feed without an items list")
    feed_author = _author_name(document)
    language = _text(document.get("language"))
    items = [_item(raw, feed_author) for raw in raw_items if isinstance(raw, dict)]
    return ParsedFeed(
        title=_text(document.get("title")),
        link=_text(document.get("home_page_url")),
        language=language,
        items=items,
        version="json" + version[len(VERSION_PREFIX):],
    )


def _item(raw: dict[str, Any], feed_author: str) -> FeedItem:
    html = _text(raw.get("content_html"))
    plain = _text(raw.get("content_text"))
    summary = _text(raw.get("summary"))
    if html:
        body, body_is_html = html, True
    elif plain:
        body, body_is_html = plain, False
    else:
        body, body_is_html = summary, False
    return FeedItem(
        id=_text(raw.get("id")),
        link=_text(raw.get("url")) or _text(raw.get("external_url")),
        title=_text(raw.get("title")),
        title_is_html=False,
        body=body,
        body_is_html=body_is_html,
        author=_author_name(raw) or feed_author,
        published=parse_rfc3339(raw.get("date_published")) or parse_rfc3339(raw.get("date_modified")),
        language=_text(raw.get("language")),
    )


def _author_name(holder: dict[str, Any]) -> str:
    authors = holder.get("authors")  # 1.1
    if isinstance(authors, list) and authors and isinstance(authors[0], dict):
        return _text(authors[0].get("name"))
    author = holder.get("author")  # 1.0
    return _text(author.get("name")) if isinstance(author, dict) else ""


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)  # ids are sometimes numbers despite the spec
    return ""


def parse_rfc3339(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        return None
