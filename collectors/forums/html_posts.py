"""Posts out of one forum page by CSS selectors (selectolax/lexbor), with a clear error when the layout changed."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin

from selectolax.lexbor import LexborHTMLParser, LexborNode

from collectors.base import SourceError
from collectors.forums.presets import NOISE_SELECTORS, QUOTE_SELECTORS, TITLE_NOISE_SELECTORS
from collectors.html_text import html_to_text
from core.urls import without_session_ids

# Where engines put a post's id: phpBB ?p=123 / #p123, XenForo post-123, vBulletin #post123 / data-node-id.
_ID_IN_URL = (re.compile(r"[?&]p=(\d+)"), re.compile(r"#p(\d+)$"), re.compile(r"posts?[-/]?(\d+)/?(?:[?#].*)?$"))
_ID_ATTRIBUTES = ("data-content", "data-node-id", "data-post-id", "id")


@dataclass(slots=True)
class RawPost:
    """One post as the page shows it, before its date is read."""

    post_id: str  # the engine's id when found, else a stable hash of the post
    permalink: str
    author: str
    text: str
    date_text: str
    machine_date: str | None  # <time datetime>, XenForo data-time: preferred over the shown text
    had_text: bool = True  # the text element showed words on the page (so an empty `text` is a loss)


@dataclass(slots=True)
class ForumPage:
    posts: list[RawPost]
    next_url: str | None
    thread_title: str
    thread_url: str = ""  # the title's link when the page has one (phpBB), else ""


def alternatives(selector: str) -> list[str]:
    """Split "a, b" at top-level commas: alternatives are tried in the order written, not document order."""
    parts, depth, quote, current = [], 0, "", ""
    for char in selector:
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "[(":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
            continue
        current += char
    parts.append(current.strip())
    return [part for part in parts if part]


def first_match(node: LexborNode, selector: str | None) -> LexborNode | None:
    if not selector:
        return None
    for alternative in alternatives(selector):
        found = node.css_first(alternative)
        if found is not None:
            return found
    return None


def extract_page(html: str, *, page_url: str, selectors: dict[str, str], page_number: int) -> ForumPage:
    """All posts on a page; SourceError "parse" naming the selector when the post or text selector finds nothing."""
    tree = LexborHTMLParser(html)
    root = tree.root
    if root is None:
        raise SourceError("parse", f"page {page_number} ({page_url}) is empty")
    nodes = _all_posts(root, selectors["post"])
    if not nodes:
        raise SourceError(
            "parse", f"selector {selectors['post']!r} matched nothing on page {page_number} ({page_url}) (layout changed?)"
        )
    thread_node = first_match(root, selectors.get("thread_title"))
    if thread_node is not None:
        _remove_inside(thread_node, TITLE_NOISE_SELECTORS)  # a thread prefix ("Pytanie") is not the title
    thread_title = _clean(thread_node.text(deep=True)) if thread_node is not None else ""
    posts = [_post(node, selectors, page_url, page_number, thread_title) for node in nodes]
    return ForumPage(
        posts=posts,
        next_url=_next_url(root, selectors.get("next_page"), page_url),
        thread_title=thread_title,
        thread_url=_thread_url(thread_node, page_url),
    )


def _thread_url(node: LexborNode | None, page_url: str) -> str:
    link = None if node is None else (node if node.tag == "a" else node.css_first("a[href]"))
    href = link.attributes.get("href") if link is not None else None
    return without_session_ids(urljoin(page_url, href)) if href else ""


def _all_posts(root: LexborNode, selector: str) -> list[LexborNode]:
    for alternative in alternatives(selector):
        nodes = root.css(alternative)
        if nodes:
            return nodes
    return []


def _post(node: LexborNode, selectors: dict[str, str], page_url: str, page_number: int, thread: str) -> RawPost:
    text_node = first_match(node, selectors["text"])
    if text_node is None:
        raise SourceError(
            "parse",
            f"selector {selectors['text']!r} (post text) matched nothing inside a post on page {page_number} "
            f"({page_url}) (layout changed?)",
        )
    author_node = first_match(node, selectors.get("author"))
    author = _clean(author_node.text(deep=True)) if author_node is not None else ""
    date_text, machine = _date_parts(first_match(node, selectors.get("date")))
    permalink, post_id = _identity(node, selectors.get("permalink"), page_url)
    had_text = bool((text_node.text(deep=True) or "").strip())
    text = _plain_text(text_node, selectors.get("quote") or QUOTE_SELECTORS)  # last: it removes quotes
    if not post_id:
        digest = hashlib.sha1("\x1f".join((urldefrag(page_url)[0], thread, author, date_text, text)).encode())
        post_id = "h" + digest.hexdigest()[:16]
    return RawPost(post_id, permalink, author, text, date_text, machine, had_text)


def _plain_text(node: LexborNode, quotes: str = QUOTE_SELECTORS) -> str:
    _remove_inside(node, quotes)
    _remove_inside(node, NOISE_SELECTORS)
    return html_to_text(node.html or "")


def _remove_inside(node: LexborNode, selector: str) -> None:
    """Remove what `selector` matches strictly inside `node` (lexbor's css() also matches the node itself,
    which for a text selector pointing at a quote-like element would remove the whole post)."""
    for found in node.css(selector):
        if found.mem_id != node.mem_id:
            found.decompose()


def fragment_text(html: str) -> str:
    """Plain text of a post's HTML (Discourse `cooked`), quoted replies and image captions left out."""
    body = LexborHTMLParser(html or "").body
    return _plain_text(body) if body is not None else ""


def _date_parts(node: LexborNode | None) -> tuple[str, str | None]:
    if node is None:
        return "", None
    time_node = node if node.tag == "time" else node.css_first("time")
    machine = None
    if time_node is not None:
        attributes = time_node.attributes
        # XenForo 2.2 puts unix seconds in data-time, 2.3 in data-timestamp (its data-time is "18:03").
        unix = [attributes.get(name) or "" for name in ("data-timestamp", "data-time")]
        machine = next((value for value in unix if value.isdigit()), None) or attributes.get("datetime")
    return _clean(node.text(deep=True)), machine


def _identity(node: LexborNode, selector: str | None, page_url: str) -> tuple[str, str]:
    """The post's permalink and engine id: from the permalink link, else from the post element's own attributes."""
    link = first_match(node, selector)
    if link is not None and link.tag != "a":
        link = link.css_first("a[href]")
    href = link.attributes.get("href") if link is not None else None
    if href:
        permalink = without_session_ids(urljoin(page_url, href))  # phpBB sid=, vBulletin s=: a visitor's
        return permalink, _id_from_url(permalink) or _id_from_attributes(node)
    post_id = _id_from_attributes(node)
    anchor = node.attributes.get("id")
    page = without_session_ids(urldefrag(page_url)[0])
    permalink = f"{page}#{anchor}" if anchor else page
    return permalink, post_id


def _id_from_url(url: str) -> str:
    for pattern in _ID_IN_URL:
        match = pattern.search(url)
        if match:
            return match.group(1)
    return ""


def _id_from_attributes(node: LexborNode) -> str:
    for name in _ID_ATTRIBUTES:
        value = node.attributes.get(name) or ""
        match = re.search(r"(\d+)", value)
        if match:
            return match.group(1)
    return ""


def _next_url(root: LexborNode, selector: str | None, page_url: str) -> str | None:
    link = first_match(root, selector)
    href = link.attributes.get("href") if link is not None else None
    if not href:
        return None
    target = without_session_ids(urljoin(page_url, href))
    return None if urldefrag(target)[0] == without_session_ids(urldefrag(page_url)[0]) else target


def _clean(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()
