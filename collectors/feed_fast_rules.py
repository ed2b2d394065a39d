"""feedparser 6's rules for the elements and values collectors/feed_fast.py accepts, as tables and pure functions.

Where feedparser has a helper (URL joining, date parsing, cp1252 mapping), it is called or mirrored exactly:
tests/test_feed_fast*.py compare the results with feedparser's own on every fixture feed and on generated input.
"""
from __future__ import annotations

import functools
import re
from typing import Any
from urllib.parse import urljoin

from feedparser.api import StrictFeedParser
from feedparser.datetimes import _parse_date
from feedparser.html import _cp1252
from feedparser.urls import _urifixer, make_safe_absolute_uri

ATOM_NS = "http://www.w3.org/2005/Atom"
XML_NS = "http://www.w3.org/XML/1998/namespace"
NAMESPACE_PREFIXES = {uri.lower(): prefix for uri, prefix in StrictFeedParser.namespaces.items()}
# Namespaces that make feedparser call the document RSS 1.0 / 0.90 whatever its root says.
VERSION_NAMESPACES = {"http://purl.org/rss/1.0/", "http://my.netscape.com/rdf/simple/0.9/"}
# Element names (prefix_local) feedparser has a handler for; every other element is stored under its own name.
HANDLED = {
    name.split("_", 2)[2] for name in dir(StrictFeedParser) if name.startswith(("_start_", "_end_"))
}
# Prefixes of handler names: an element of an unknown namespace declared with one of these would get a handler.
HANDLER_PREFIXES = {name.split("_", 1)[0] for name in HANDLED if "_" in name}
STANDARD_PREFIXES = set(NAMESPACE_PREFIXES.values())
# Attributes feedparser reads; a namespaced attribute with one of these local names would collide with them.
READ_ATTRIBUTES = {"rel", "type", "href", "url", "uri", "ispermalink", "mode", "src", "lastmod", "base", "lang",
                    "version", "term", "scheme", "label", "domain", "text", "about"}
# Handled elements whose effects never reach the fields parse_fast returns (tags, enclosures, media, ...).
NEUTRAL = {
    "category", "keywords", "dc_subject", "media_category", "media_keywords", "itunes_category",
    "itunes_keywords", "enclosure", "media_content", "media_thumbnail", "media_credit", "media_rating",
    "media_license", "media_restriction", "media_player", "media_group", "itunes_image", "itunes_link",
    "itunes_explicit", "itunes_block", "generator", "cloud", "expirationdate", "dcterms_valid",
    "newlocation",
}
# Elements holding text whose children feedparser never dispatches (their subtree is inert markup).
CONTENT_LIKE = {"subtitle", "tagline", "itunes_subtitle", "rights", "copyright", "dc_rights", "info",
                 "feedburner_browserfriendly"}
DATES = {
    "published": "published_parsed", "issued": "published_parsed", "pubdate": "published_parsed",
    "dcterms_issued": "published_parsed", "updated": "updated_parsed", "modified": "updated_parsed",
    "lastbuilddate": "updated_parsed", "dc_date": "updated_parsed", "dcterms_modified": "updated_parsed",
    "created": "created_parsed", "dcterms_created": "created_parsed",
}
AUTHORS = {"author", "dc_author", "dc_creator", "itunes_author", "managingeditor"}
# Children of <author>/<contributor> feedparser files under the person (its key for each).
PERSON_PARTS = {"name": "name", "email": "email", "uri": "href", "url": "href", "homepage": "href",
                "itunes_name": "name", "itunes_email": "email"}
FEED_PEOPLE = AUTHORS | {"contributor", "dc_contributor", "webmaster", "dc_publisher"}
TITLES = {"title", "dc_title", "media_title"}
# Elements whose own xml:base changes links or ids feedparser resolves (on <feed>/<rss>/<channel> it is followed).
BASE_SENSITIVE = {"rss", "channel", "feed", "item", "entry", "link", "guid", "id", "image", "textinput"}
ENTRY_BODIES = {"description", "dc_description", "media_description", "summary", "itunes_summary", "content",
                 "content_encoded", "fullitem"}
FEED_BODIES = ENTRY_BODIES - {"media_description"}
TEXT_TYPES = {"text/plain", "text/html"}
HTML_TYPES = {"application/xhtml+xml", "text/html"}
# feedparser undoes "&b;" in links, a mangling of "&b=" that an old loose parser made.
_LINK_ENTITY = re.compile("&([A-Za-z0-9_]+);")
# A relative reference of one plain path segment (not "." or ".."): urljoin appends it to the base's directory.
_PATH_SEGMENT = re.compile(r"[A-Za-z0-9_~%-][A-Za-z0-9._~%-]*\Z")
# URIs that feedparser's _urljoin (with an http(s) base) returns unchanged: absolute http(s) URLs whose parts
# survive urlparse/urlunparse as they are, and tag:/urn: ids (another scheme than the base's: returned as given).
_UNCHANGED_BY_JOIN = re.compile(
    r"(?:https?://[^/?#\[\] ]+(?:/[^?#; ]*)?(?:\?[^# ]+)?(?:#.+)?|(?:tag|urn):(?!.*//)[^ ]*)\Z"
)
_AUTHOR_EMAIL = re.compile(
    r"""(([a-zA-Z0-9\_\-\.\+]+)@((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.)|(([a-zA-Z0-9\-]+\.)+))"""
    r"""([a-zA-Z]{2,4}|[0-9]{1,3})(\]?))(\?subject=\S+)?"""
)

# The code points feedparser maps from cp1252 (C1 controls, rare in real text).
_C1_CONTROLS = re.compile("[" + "".join(map(chr, sorted(_cp1252))) + "]")


class NotSure(Exception):
    """The document uses something only feedparser's full path interprets exactly."""


def base_uri(content_location: str) -> str:
    """The base feedparser resolves links against (Content-Location), if every element sees the same one."""
    return next_base(content_location, content_location)


def next_base(current: str, declared: str) -> str:
    """feedparser's base for an element declaring `declared` (or nothing: `current`) inside `current`."""
    if not current:
        if declared:
            raise NotSure("xml:base without a document address")
        return current
    base = make_safe_absolute_uri(current, declared) or current
    # feedparser re-derives the base at every element; it must be a fixed point for one value to stand for all.
    if base and (make_safe_absolute_uri(base, base) or base) != base:
        raise NotSure("base URI not stable")
    return base


@functools.lru_cache(maxsize=4096)
def parse_date(value: str) -> Any:
    """feedparser's own date parsing; pure, and feeds repeat dates, so memoised."""
    return _parse_date(value)


def join_uri(base: str, uri: str) -> str:
    """feedparser's _urljoin(base, uri), skipping the work for URIs it would give back unchanged."""
    if uri.isascii() and uri.isprintable() and base.startswith(("http://", "https://")):
        if _UNCHANGED_BY_JOIN.match(uri):
            return uri
        if _PATH_SEGMENT.match(uri):
            directory = _base_directory(base)
            if directory:
                return directory + uri
    if "://" in uri:
        uri = _urifixer.sub(_fix_uri, uri)
    try:
        return urljoin(base, uri)
    except ValueError:
        return ""


@functools.lru_cache(maxsize=256)
def _base_directory(base: str) -> str:
    """What urljoin puts before a one-segment relative reference ("m1" -> <directory>m1), or "" if unsure."""
    probe = urljoin(base, "x")
    return probe[:-1] if probe.endswith("/x") else ""


def _fix_uri(match: re.Match[str]) -> str:
    return match.group(1) + match.group(3)  # feedparser's _urifixer template r"\1\3", without re's template cost


def link_text(output: str, in_entry: bool) -> str:
    """The last touches feedparser gives a <link>'s text (not an href attribute)."""
    if "&" not in output:
        return output
    if in_entry:
        output = output.replace("&amp;", "&")
    return _LINK_ENTITY.sub(_link_entity, output)


def _link_entity(match: re.Match[str]) -> str:
    return "&" + match.group(1)


def finish_text(raw: str) -> str:
    """feedparser's last steps for a text value: mis-decoded UTF-8 repaired, cp1252 code points mapped."""
    if raw.isascii():
        return raw
    try:
        raw = raw.encode("iso-8859-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        pass
    # translate() with a dict looks up every character; the C1 range it maps is rare, so look for it first.
    return raw.translate(_cp1252) if _C1_CONTROLS.search(raw) else raw


_SHORT_CONTENT_TYPES = {"text": "text/plain", "plain": "text/plain", "html": "text/html",
                        "xhtml": "application/xhtml+xml"}


def map_content_type(content_type: str) -> str:
    """feedparser's map_content_type: Atom's short names to MIME types."""
    content_type = content_type.lower()
    return _SHORT_CONTENT_TYPES.get(content_type, content_type)


def save_author(context: dict[str, Any], key: str, value: str) -> None:
    """feedparser's _save_author for an entry's author (name, email or href)."""
    context.setdefault("author_detail", {})[key] = value
    sync_author_detail(context)
    context.setdefault("authors", [{}])[-1][key] = value


def sync_author_detail(context: dict[str, Any]) -> None:
    """feedparser's _sync_author_detail for the entry's author, line for line."""
    detail = context.get("authors", [{}])[-1]
    if detail:
        name, email = detail.get("name"), detail.get("email")
        if name and email:
            context["author"] = f"{name} ({email})"
        elif name:
            context["author"] = name
        elif email:
            context["author"] = email
        return
    author, email = context.get("author"), None
    if not author:
        return
    match = _AUTHOR_EMAIL.search(author)
    if match:
        email = match.group(0)
        author = author.replace(email, "").replace("()", "").replace("<>", "").replace("&lt;&gt;", "").strip()
        if author and author[0] == "(":
            author = author[1:]
        if author and author[-1] == ")":
            author = author[:-1]
        author = author.strip()
    if author or email:
        context.setdefault("author_detail", detail)
    if author:
        detail["name"] = author
    if email:
        detail["email"] = email
