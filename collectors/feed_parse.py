"""Bytes of a fetched feed to a ParsedFeed: XML through feedparser (after a safety pre-scan), JSON Feed by hand."""
from __future__ import annotations

import calendar
import functools
import io
import re
import time
from datetime import UTC, datetime
from typing import Any

import feedparser

from collectors.base import SourceError
from collectors.feed_fast import parse_fast
from collectors.feed_items import FeedItem, ParsedFeed
from collectors.feed_json import looks_like_json, parse_json_feed

MAX_ENTITY_DECLARATIONS = 64
MAX_ENTITY_VALUE = 1024
_ENTITY_DECL = re.compile(rb"<!ENTITY\s+(%\s*)?[^\s>]+\s+(SYSTEM|PUBLIC|\"[^\"]*\"|'[^']*')", re.IGNORECASE)
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_ENTITY_START = re.compile(rb"<!ENTITY", re.IGNORECASE)
_DOCUMENT_END = re.compile(rb"</[\w:.-]*(rss|feed|rdf|channel)\s*>\s*(<!--.*?-->\s*)*\x00*$", re.IGNORECASE | re.DOTALL)
# The close of an RSS <item> or Atom <entry> (with any namespace prefix): an entry is complete once closed.
_ENTRY_END = re.compile(rb"</([\w.-]+:)?(item|entry)\s*>", re.IGNORECASE)
_HTML_START = re.compile(
    rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.IGNORECASE | re.DOTALL
)


def parse_feed(
    body: bytes, *, url: str, content_type: str = "", final_url: str | None = None, fast: bool = True
) -> ParsedFeed:
    """Parse a feed document; SourceError parse for XML bombs, HTML pages, and bodies with nothing recoverable.

    Well-formed RSS 2.0 / Atom 1.0 go through feed_fast (same result, several times quicker) unless `fast` is
    False; everything else, and anything feed_fast is unsure of, through feedparser.
    """
    if not body.strip():
        raise SourceError("parse", f"{url} answered an empty body, not a feed")
    if looks_like_json(body):
        return parse_json_feed(body, url)
    check_xml_safety(body, url)
    headers = {"content-type": content_type or "application/xml", "content-location": final_url or url}
    quick = parse_fast(body, headers) if fast and not looks_truncated(body) else None
    if quick is not None:
        return _from_feedparser(quick, quick["entries"])
    try:
        # Sanitising and resolving links inside HTML are feedparser's slowest steps, and redundant here:
        # html_text keeps no tag or attribute at all.
        result = feedparser.parse(
            io.BytesIO(body), response_headers=headers, sanitize_html=False, resolve_relative_uris=False
        )
    except Exception as exc:  # feedparser's own bugs on hostile input must not end the run
        raise SourceError("parse", f"could not parse {url} as a feed ({type(exc).__name__}: {exc})") from None
    entries = result.get("entries") or []
    incomplete = 0
    if entries and result.get("bozo") and looks_truncated(body):
        # Cut in transit, or junk after the root (a PHP warning, a stray <script>): only an entry whose
        # closing tag arrived is whole, so keep as many entries as there are closes, never fewer.
        incomplete = max(0, len(entries) - complete_entries(body))
        del entries[len(entries) - incomplete:]
    if not entries and (result.get("bozo") or not result.get("version")):
        raise SourceError("parse", _why_not_a_feed(body, url, content_type, result))
    parsed = _from_feedparser(result, entries)
    parsed.incomplete = incomplete
    return parsed


def looks_truncated(body: bytes) -> bool:
    """A feed document ends with the close of its root element; anything else was cut off in transit."""
    return not _DOCUMENT_END.search(body[-512:])


def complete_entries(body: bytes) -> int:
    """How many <item>/<entry> elements the document closes (feedparser recovers them in document order)."""
    return len(_ENTRY_END.findall(_prolog_bytes(body)))


def check_xml_safety(body: bytes, url: str) -> None:
    """Refuse entity-expansion bombs and external entities before any XML parser sees the document."""
    text = _prolog_bytes(body)
    doctype = _DOCTYPE.search(text)
    if not doctype:
        return  # entities can only be declared in a DOCTYPE
    # From the DOCTYPE on: stopping at "]>" would let a value containing "]>" hide the declarations after it.
    text = text[doctype.start():]
    declarations = _ENTITY_START.findall(text)
    if not declarations:
        return
    refuse = SourceError("parse", f"{url} declares XML entities in a way used by entity-expansion attacks; refused")
    if len(declarations) > MAX_ENTITY_DECLARATIONS:
        raise refuse
    for match in _ENTITY_DECL.finditer(text):
        parameter, value = match.group(1), match.group(2)
        if parameter or value.upper() in (b"SYSTEM", b"PUBLIC"):
            raise refuse
        if b"&" in value or len(value) > MAX_ENTITY_VALUE:
            raise refuse
    if len(_ENTITY_DECL.findall(text)) != len(declarations):
        raise refuse  # a declaration this scan cannot read is not given the benefit of the doubt


def _prolog_bytes(body: bytes) -> bytes:
    """The document as bytes a regex can scan; UTF-16/32 documents are re-encoded first."""
    head = body[:4]
    if b"\x00" in head or head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        for encoding in ("utf-32", "utf-16", "utf-16-le", "utf-16-be"):
            try:
                return body.decode(encoding).encode("utf-8")
            except UnicodeDecodeError:
                continue
    return body


def _why_not_a_feed(body: bytes, url: str, content_type: str, result: Any) -> str:
    declared_html = "html" in content_type.lower() and "xhtml+xml" not in content_type.lower()
    if declared_html or _HTML_START.match(body[:4096]):
        return f"{url} is an HTML page, not a feed (look for its RSS link)"
    problem = result.get("bozo_exception")
    detail = f" ({problem})" if problem else ""
    if result.get("version") or looks_truncated(body):
        return f"{url} ended before any complete entry: the feed is truncated or broken{detail}"
    return f"{url} is not an RSS, Atom or JSON feed{detail}"


def _from_feedparser(result: Any, entries: list[Any]) -> ParsedFeed:
    feed = result.get("feed") or {}
    language = feed.get("language") or (result.get("headers") or {}).get("content-language") or ""
    items = [_item(entry) for entry in entries]
    return ParsedFeed(
        title=_plain(feed.get("title")),
        link=_plain(feed.get("link")),
        language=str(language),
        items=items,
        version=str(result.get("version") or ""),
    )


def _item(entry: Any) -> FeedItem:
    title_detail = entry.get("title_detail") or {}
    body, body_is_html, body_language = _best_body(entry)
    return FeedItem(
        id=_plain(entry.get("id")),
        link=_plain(entry.get("link")),
        title=_plain(entry.get("title")),
        title_is_html=_is_html(title_detail.get("type")),
        body=body,
        body_is_html=body_is_html,
        author=_author(entry),
        published=_published(entry),
        language=body_language or _plain(title_detail.get("language")),
        comment_count=_int(entry.get("slash_comments")),
    )


def _best_body(entry: Any) -> tuple[str, bool, str]:
    """The fullest text the entry offers: the longest content value, else the summary."""
    candidates = [c for c in entry.get("content") or [] if isinstance(c, dict) and c.get("value")]
    if candidates:
        best = max(candidates, key=lambda c: len(c.get("value") or ""))
        return str(best["value"]), _is_html(best.get("type")), _plain(best.get("language"))
    detail = entry.get("summary_detail") or {}
    return _plain(entry.get("summary")), _is_html(detail.get("type")), _plain(detail.get("language"))


def _is_html(content_type: Any) -> bool:
    # Untyped content is treated as HTML: harmless for plain text, and never lets markup through.
    return not (isinstance(content_type, str) and content_type.lower() == "text/plain")


def _author(entry: Any) -> str:
    detail = entry.get("author_detail") or {}
    return _plain(detail.get("name")) or _plain(entry.get("author"))


def _published(entry: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if isinstance(value, time.struct_time):
            published = _utc_datetime(value)
            if published is not None:
                return published
    return None


@functools.lru_cache(maxsize=1024)
def _utc_datetime(value: time.struct_time) -> datetime | None:
    try:  # feedparser gives UTC struct_time
        return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    except (OverflowError, ValueError, OSError):
        return None


def _plain(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _int(value: Any) -> int | None:
    if value is None:
        return None
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None
