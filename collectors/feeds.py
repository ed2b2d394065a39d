"""RSS, Atom and JSON Feed sources (blogs, news, Google Alerts, Google News) to plain-text Mentions."""
from __future__ import annotations

import hashlib
import re
from datetime import datetime
from typing import Any, ClassVar, Literal
from urllib.parse import urlsplit

from pydantic import AnyHttpUrl

from collectors.base import CollectResult, Fetched, SourceKind
from collectors.feed_items import FeedItem, ParsedFeed
from collectors.feed_parse import parse_feed
from collectors.google import strip_bold_markers, unwrap_google_url
from collectors.html_text import html_to_text, plain_to_text
from collectors.http import Fetcher, FetchResponse, shared_fetcher
from core.config import Config, SourceBase
from core.models import Mention, utcnow

# phpBB's feeds end each post with "{Statistics}: {Posted by} <author> [— <date>]" in the board's language
# ("Statystyki: Napisane przez marta_k — 15 lis 2025", "Statistiche: Inviato da …"), the author linked to the
# board's member list: a footer, not the post.
_FEED_FOOTER = re.compile(r"^\w+: [^\n:]{1,40}$")
_PHPBB_PROFILE = "memberlist.php?mode=viewprofile"
_FEED_FOOTER_MAX = 160

# Ids remembered between polls; a feed shows far fewer entries than this at a time.
SEEN_IDS_KEPT = 500
# WordPress comment feeds, in the languages the project serves: "Comments on: <post title>".
COMMENT_FEED_PREFIXES = ("Comments on:", "Komentarze do:", "Commenti a:", "Commenti su:")


class FeedSource(SourceBase):
    kind: Literal["feed"]
    url: AnyHttpUrl


class FeedCollector:
    """Polls one feed: conditional GET, parse, and every entry not seen last time becomes a Mention.

    Cursor: etag and last_modified (sent back as If-None-Match / If-Modified-Since), body_sha1 (an identical
    body is not parsed again) and seen_ids (entry ids of the last document and before, newest first).
    """

    kind: ClassVar[str] = "feed"

    def __init__(self, source: FeedSource, config: Config, *, fetcher: Fetcher | None = None) -> None:
        self.source = source
        self.config = config
        self.url = str(source.url)
        self.fetcher = fetcher or shared_fetcher(config.http)

    def collect(self, cursor: dict[str, Any]) -> CollectResult:
        fetched = self.fetch(cursor)
        return fetched if isinstance(fetched, CollectResult) else fetched.parse()

    def fetch(self, cursor: dict[str, Any]) -> CollectResult | Fetched:
        """The network half: a CollectResult when there is nothing new to parse, else the document to parse
        (the pipeline may parse it in a worker process)."""
        cursor = dict(cursor or {})
        response = self.fetcher.get(self.url, etag=cursor.get("etag"), last_modified=cursor.get("last_modified"))
        if response.not_modified:
            return CollectResult(mentions=[], cursor=cursor, seen=0, not_modified=True)
        body_hash = hashlib.sha1(response.body).hexdigest()
        if body_hash == cursor.get("body_sha1"):
            # A server without validators sent the same bytes again: unchanged, like a 304, and not parsed.
            unchanged = {**cursor, **validators(response.headers)}
            return CollectResult(mentions=[], cursor=unchanged, seen=0, not_modified=True)
        return Fetched(mentions_from_document, self.source, response, {**cursor, "body_sha1": body_hash})


def mentions_from_document(source: FeedSource, response: FetchResponse, cursor: dict[str, Any]) -> CollectResult:
    """The CPU half: parse a fetched feed; every entry not seen last time becomes a Mention."""
    url = str(source.url)
    feed = parse_feed(response.body, url=url, content_type=response.headers.get("content-type", ""),
                      final_url=response.url)
    fetched_at = utcnow()
    thread = comment_thread(feed)
    already_seen = set(cursor.get("seen_ids") or [])
    ids: list[str] = []
    mentions: list[Mention] = []
    result = CollectResult(mentions=mentions, cursor={}, seen=len(feed.items) + feed.incomplete)
    result.drop("unparsable", feed.incomplete)
    for item in feed.items:
        external_id = item_id(item)
        if external_id in already_seen:
            result.drop("already_seen" if external_id not in ids else "duplicate")
        else:
            mentions.append(_mention(source, item, external_id, feed, fetched_at, thread))
            already_seen.add(external_id)  # the same id twice in one document is one item
        ids.append(external_id)
    result.cursor = {
        **validators(response.headers),
        "body_sha1": cursor["body_sha1"],
        "seen_ids": remember_ids(ids, cursor.get("seen_ids") or []),
    }
    return result


def _mention(source: FeedSource, item: FeedItem, external_id: str, feed: ParsedFeed, fetched_at: datetime,
             thread: tuple[str, str]) -> Mention:
    title = to_text(strip_bold_markers(item.title), item.title_is_html)
    author = html_to_text(item.author)
    text = without_feed_footer(to_text(item.body, item.body_is_html), author, item.body if item.body_is_html else "")
    thread_title, thread_url = thread
    return Mention(
        source_kind=FeedCollector.kind,
        source_name=source.name,
        external_id=external_id,
        url=safe_link(article_link(item.link)) or safe_link(feed.link) or str(source.url),
        title=title,
        text=text,
        author=author,
        published_at=item.published,
        fetched_at=fetched_at,
        language=primary_language(item.language or feed.language) or source.language,
        comment_count=item.comment_count,
        thread_title=thread_title,
        thread_url=thread_url,
    )


def without_feed_footer(text: str, author: str, html: str) -> str:
    """The post's text without phpBB's trailing statistics line naming its author (else unchanged).

    Only in a phpBB post (`html` links the author's member-list profile), and only a last line shaped
    "<word>: <a few words> <author>", optionally followed by the date.
    """
    head, _, last = text.rstrip().rpartition("\n")
    if not author or _PHPBB_PROFILE not in html or len(last) > _FEED_FOOTER_MAX or author not in last:
        return text
    before_author, after_author = last.split(author, 1)
    if not _FEED_FOOTER.match(before_author.rstrip()) or after_author.strip()[:1] not in ("", "—", "»", "-", "–"):
        return text
    return head.rstrip()


def validators(headers: dict[str, str]) -> dict[str, str | None]:
    """What the next poll sends back for a conditional GET."""
    return {"etag": headers.get("etag"), "last_modified": headers.get("last-modified")}


def article_link(link: str) -> str:
    """The entry's link, unwrapped when it is a Google redirect."""
    # unwrap_google_url changes only links on a google.* host; parsing every other link to learn that is slow.
    # (urlsplit drops tabs and line breaks anywhere, so a link holding one goes the long way.)
    if "google." in link.lower() or "\t" in link or "\n" in link or "\r" in link:
        return unwrap_google_url(link)
    return link


def to_text(value: str, is_html: bool) -> str:
    return html_to_text(value) if is_html else plain_to_text(value)


def item_id(item: FeedItem) -> str:
    """The entry's id, else its link, else a hash of what it says."""
    if item.id.strip():
        return item.id.strip()
    if item.link.strip():
        return item.link.strip()
    digest = hashlib.sha1(f"{item.title}\n{item.body}".encode("utf-8", "replace")).hexdigest()
    return f"sha1:{digest}"


def remember_ids(current: list[str], previous: list[str]) -> list[str]:
    """Ids in the document first, then older ones, without repeats; older ones only up to SEEN_IDS_KEPT."""
    kept = list(dict.fromkeys([*current, *previous]))
    return kept[: max(SEEN_IDS_KEPT, len(current))]


def safe_link(url: str) -> str:
    """Only http(s) links are kept: a javascript: or data: link must never reach the dashboard."""
    url = (url or "").strip()
    if url.startswith(("http://", "https://")) and url.isascii() and "[" not in url:
        return url  # the scheme urlsplit finds; "[" and non-ASCII hosts go to urlsplit, which may refuse them
    return url if urlsplit(url).scheme.lower() in ("http", "https") else ""


def primary_language(tag: str) -> str | None:
    """'pl-PL' -> 'pl'; None when the feed declared nothing usable."""
    primary = (tag or "").strip().replace("_", "-").split("-")[0].lower()
    return primary if primary.isalpha() and 2 <= len(primary) <= 3 else None


def comment_thread(feed: ParsedFeed) -> tuple[str, str]:
    """A comments feed's post title and link, so each comment is shown in its thread."""
    title = html_to_text(feed.title)
    for prefix in COMMENT_FEED_PREFIXES:
        if title.startswith(prefix):
            return title[len(prefix):].strip(), safe_link(feed.link)
    return "", ""


SOURCE_KIND = SourceKind("feed", FeedSource, FeedCollector)
