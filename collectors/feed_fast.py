"""Fast path for well-formed RSS 2.0 and Atom 1.0: ElementTree instead of feedparser, with feedparser's results.

parse_fast() returns what feedparser.parse() would (the subset of keys feed_parse reads: feed title/link/language,
and per entry id, link, title(_detail), summary(_detail), content, author(_detail), *_parsed dates,
slash_comments), or None when the document uses anything this module does not reproduce exactly; the caller
then runs feedparser itself. The rules (feed_fast_rules) and the walk (feed_fast_walker) mirror feedparser 6's
StrictFeedParser (mixin.py, namespaces/_base.py) for the elements they accept; its own helpers (encoding
detection, URL joining, date parsing, HTML sniffing, cp1252 mapping) are called directly so the two paths cannot
drift apart silently, and tests/test_feed_fast.py compares both paths on every fixture feed.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any, cast

from feedparser.encodings import convert_to_utf8

from collectors.feed_fast_rules import NotSure, base_uri
from collectors.feed_fast_walker import Walker

_FIRST_ELEMENT = re.compile(rb"<\w")
_DECLARATION = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


def parse_fast(body: bytes, headers: dict[str, str]) -> dict[str, Any] | None:
    """feedparser-shaped result for a well-formed RSS 2.0 / Atom 1.0 document, else None (use feedparser)."""
    result: dict[str, Any] = {}
    data = convert_to_utf8(headers, body, result)
    if not result.get("encoding"):
        return None  # feedparser's loose (regex) parser takes over from here
    start = _FIRST_ELEMENT.search(data)
    if start is None or _DECLARATION.search(data, 0, start.start()):
        return None  # feedparser rewrites DOCTYPEs and entity declarations before parsing
    try:
        root, declared = _parse_xml(data)
        base = base_uri(headers.get("content-location", ""))
        walker = Walker(declared, base)
        feed, entries, version = walker.document(root)
    except (ET.ParseError, NotSure):
        return None
    except RecursionError:  # absurd nesting: feedparser's path (SAX, no recursion) decides
        return None
    if not entries:
        return None  # an empty or odd document: feedparser decides whether it is an error
    return {"feed": feed, "entries": entries, "version": version, "headers": headers, "bozo": False}


def _parse_xml(data: bytes) -> tuple[ET.Element, list[tuple[str, str]]]:
    parser: ET.XMLPullParser = ET.XMLPullParser(events=("start-ns", "start"))
    parser.feed(data)
    parser.close()
    root: ET.Element | None = None
    declared: list[tuple[str, str]] = []
    events = cast("list[tuple[str, Any]]", list(parser.read_events()))  # start-ns and start events only
    for event, value in events:
        if event == "start-ns":
            declared.append(cast(tuple[str, str], value))  # start-ns events carry (prefix, uri)
        elif root is None:
            root = cast(ET.Element, value)
    if root is None:
        raise NotSure("no root element")
    return root, declared
