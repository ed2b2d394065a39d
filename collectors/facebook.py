"""Facebook Page: its recommendations (ratings) and the comments on its recent posts, through the Graph API."""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, ClassVar, Literal

from pydantic import AnyHttpUrl, Field

from collectors.api_client import ApiClient, shared_api_client
from collectors.base import DELETED_IDS, CollectResult, SourceKind
from collectors.facebook_graph import DEFAULT_GRAPH_URL, TOKEN_ENV, graph_pages, page_token
from collectors.forums.dates import parse_machine_date
from collectors.html_text import plain_to_text
from core.config import Config, SourceBase, secret
from core.models import Mention, utcnow

RATING_FIELDS = "created_time,recommendation_type,review_text,rating,reviewer{id,name},open_graph_story{id}"
POST_FIELDS = "id,message,permalink_url,created_time"
COMMENT_FIELDS = "id,message,created_time,from{id,name},permalink_url,parent{id},comment_count"
WEB = "https://www.facebook.com"


class FacebookSource(SourceBase):
    kind: Literal["facebook"]
    page_id: str = Field(pattern=r"^[0-9]+$", description="The Page's numeric id.")
    label: str = Field(min_length=1, description="How staff name the Page; shown as the thread, so include the "
                                                 "clinic's name.")
    ratings: bool = True
    comments: bool = True
    days_back: float = Field(default=14, gt=0, description="Comments are watched on posts this many days old.")
    max_pages: int = Field(default=5, ge=1, le=100)
    full_scan_hours: float = Field(default=24, gt=0, description="How often every comment of the watched posts "
                                                                 "is listed, to notice comments that were deleted.")
    graph_url: AnyHttpUrl = AnyHttpUrl(DEFAULT_GRAPH_URL)
    token_env: str = Field(default=TOKEN_ENV, pattern=r"^[A-Z][A-Z0-9_]*$")
    allow_posting: bool = Field(default=False, description="Let staff reply to comments as the Page.")
    interval_minutes: float = Field(default=30, gt=0)


class FacebookCollector:
    """Cursor: {"ratings_newest": ISO time, "posts": {post id: newest comment time seen},
    "comment_ids": {post id: ids of the comments listed so far}, "comments_full": ISO time of the last full
    listing} (posts in the window).

    Comments come newest first, so a run stops at the first comment seen before, except on a full listing (every
    full_scan_hours), which reads every page to notice comments that are gone: deleted by their author or the
    Page, or hidden. Those are reported once (DELETED_IDS) and the pipeline marks their stored mentions.
    """

    kind: ClassVar[str] = "facebook"

    def __init__(self, source: FacebookSource, config: Config, *, client: ApiClient | None = None,
                 now: Callable[[], datetime] = utcnow) -> None:
        self.source = source
        self.config = config
        self.client = client or shared_api_client(config.http)
        self.now = now
        self.graph = str(source.graph_url).rstrip("/")

    def collect(self, cursor: dict[str, Any]) -> CollectResult:
        token = page_token(self.source.token_env)
        cursor = dict(cursor or {})
        mentions: list[Mention] = []
        seen = 0
        notes: list[str] = []
        extra: dict[str, Any] = {}
        if self.source.ratings:
            found, cursor["ratings_newest"], listed = self._ratings(token, cursor.get("ratings_newest"))
            mentions += found
            seen += listed
        if self.source.comments:
            last_full = _moment(cursor.get("comments_full"))
            full = last_full is None or self.now() - last_full >= timedelta(hours=self.source.full_scan_hours)
            comments = self._comments(token, dict(cursor.get("posts") or {}),
                                      dict(cursor.get("comment_ids") or {}), full)
            mentions += comments.mentions
            seen += comments.listed
            cursor["posts"], cursor["comment_ids"] = comments.newest, comments.ids
            if full:
                cursor["comments_full"] = self.now().isoformat()
            if comments.own:
                notes.append(f"{comments.own} comment(s) by the Page itself left out")
            if comments.gone:
                extra[DELETED_IDS] = comments.gone
                notes.append(f"{len(comments.gone)} comment(s) no longer on Facebook (deleted or hidden): "
                             + ", ".join(comments.gone[:5]))
            if comments.cut:
                notes.append(f"the full listing of {len(comments.cut)} post(s) stopped after "
                             f"{self.source.max_pages} page(s), so their deleted comments cannot be told; "
                             "raise max_pages")
        return CollectResult(mentions=mentions, cursor=cursor, seen=seen, note="; ".join(notes) or None,
                             extra=extra)

    def _ratings(self, token: str, newest: str | None) -> tuple[list[Mention], str | None, int]:
        since = _moment(newest)
        mentions: list[Mention] = []
        listed = 0
        pages = graph_pages(self.client, f"{self.graph}/{self.source.page_id}/ratings", token,
                            {"fields": RATING_FIELDS, "limit": "25"}, self.source.max_pages)
        for page in pages:
            fresh = [r for r in page if since is None or (_moment(r.get("created_time")) or self.now()) > since]
            listed += len(page)
            mentions += [self._rating(rating) for rating in fresh]
            if len(fresh) < len(page):
                break  # newest first: the rest was read before
        stamps = [m.published_at for m in mentions if m.published_at] + ([since] if since else [])
        return mentions, (max(stamps).isoformat() if stamps else newest), listed

    def _rating(self, rating: dict[str, Any]) -> Mention:
        reviewer = rating.get("reviewer") or {}
        story = str((rating.get("open_graph_story") or {}).get("id") or "")
        text = plain_to_text(str(rating.get("review_text") or ""))
        key = story or hashlib.sha1(f"{rating.get('created_time')}\x1f{reviewer.get('id')}\x1f{text}".encode())\
            .hexdigest()[:20]
        extra: dict[str, Any] = {"platform": "facebook", "recommendation": rating.get("recommendation_type")}
        if isinstance(rating.get("rating"), int) and 1 <= rating["rating"] <= 5:
            extra["rating"] = rating["rating"]
        return Mention(
            source_kind=self.kind, source_name=self.source.name, external_id=f"rating:{key}",
            url=f"{WEB}/{story}" if story else f"{WEB}/{self.source.page_id}/reviews",
            text=text, author=str(reviewer.get("name") or "anonymous"),
            published_at=_moment(rating.get("created_time")), language=self.source.language,
            thread_title=self.source.label, thread_url=f"{WEB}/{self.source.page_id}/reviews", extra=extra,
        )

    def _comments(self, token: str, known: dict[str, str], known_ids: dict[str, list[str]], full: bool,
                  ) -> _Comments:
        window_start = self.now() - timedelta(days=self.source.days_back)
        posts = [post for page in graph_pages(
            self.client, f"{self.graph}/{self.source.page_id}/published_posts", token,
            {"fields": POST_FIELDS, "since": str(int(window_start.timestamp())), "limit": "25"}, self.source.max_pages)
            for post in page if post.get("id")]
        found = _Comments()
        for post in posts:
            post_id = str(post["id"])
            since = _moment(known.get(post_id))
            newest = known.get(post_id)
            listed_ids: set[str] = set()
            listing = graph_pages(self.client, f"{self.graph}/{post_id}/comments", token,
                                  {"fields": COMMENT_FIELDS, "filter": "stream", "order": "reverse_chronological",
                                   "limit": "100"}, self.source.max_pages)
            for page in listing:
                fresh = [c for c in page if since is None or (_moment(c.get("created_time")) or self.now()) > since]
                found.listed += len(page)
                listed_ids.update(str(c["id"]) for c in page if c.get("id") and not self._own(c))
                for comment in fresh:
                    if self._own(comment):
                        found.own += 1  # the Page's own replies are ours, not mentions
                        continue
                    found.mentions.append(self._comment(comment, post))
                stamps = [s for s in (comment.get("created_time") for comment in fresh) if isinstance(s, str)]
                if stamps and (newest is None or _later(max(stamps, key=_sort_key), newest)):
                    newest = max(stamps, key=_sort_key)
                if len(fresh) < len(page) and not full:
                    break
            if newest:
                found.newest[post_id] = newest
            before = set(known_ids.get(post_id) or [])
            if full and listing.complete:
                # Listed before, absent from a complete listing now: gone from Facebook. Reported once; the
                # stored mention stays, so nothing disappears without a trace.
                found.gone += sorted(before - listed_ids)
                found.ids[post_id] = sorted(listed_ids)
            else:
                if full:
                    found.cut.append(post_id)
                found.ids[post_id] = sorted(before | listed_ids)
        return found

    def _own(self, comment: dict[str, Any]) -> bool:
        return str((comment.get("from") or {}).get("id") or "") == self.source.page_id

    def _comment(self, comment: dict[str, Any], post: dict[str, Any]) -> Mention:
        author = comment.get("from") or {}  # absent unless the commenter's privacy allows it
        first_line = plain_to_text(str(post.get("message") or "")).split("\n", 1)[0][:120]
        parent = (comment.get("parent") or {}).get("id")
        return Mention(
            source_kind=self.kind, source_name=self.source.name, external_id=str(comment["id"]),
            url=str(comment.get("permalink_url") or post.get("permalink_url") or f"{WEB}/{comment['id']}"),
            text=plain_to_text(str(comment.get("message") or "")), author=str(author.get("name") or "anonymous"),
            published_at=_moment(comment.get("created_time")), language=self.source.language,
            comment_count=comment.get("comment_count") if isinstance(comment.get("comment_count"), int) else None,
            thread_title=f"{self.source.label}: {first_line}" if first_line else self.source.label,
            thread_url=str(post.get("permalink_url") or ""),
            extra={"platform": "facebook", "comment_id": str(comment["id"]), "post_id": str(post["id"]),
                   "reply_to": parent},
        )


@dataclass(slots=True)
class _Comments:
    """What one run found on the watched posts' comments (see FacebookCollector)."""

    mentions: list[Mention] = field(default_factory=list)
    newest: dict[str, str] = field(default_factory=dict)  # post id -> newest comment time
    ids: dict[str, list[str]] = field(default_factory=dict)  # post id -> comment ids listed so far
    gone: list[str] = field(default_factory=list)  # comment ids a complete listing no longer has
    cut: list[str] = field(default_factory=list)  # posts whose full listing max_pages stopped
    listed: int = 0
    own: int = 0


def _moment(value: Any) -> datetime | None:
    return parse_machine_date(value) if isinstance(value, str) else None


def _sort_key(stamp: str) -> datetime:
    return _moment(stamp) or datetime.min.replace(tzinfo=utcnow().tzinfo)


def _later(a: str, b: str) -> bool:
    return _sort_key(a) > _sort_key(b)


def _missing(source: FacebookSource) -> list[str]:
    return [] if secret(source.token_env) else [source.token_env]


SOURCE_KIND = SourceKind("facebook", FacebookSource, FacebookCollector,
                         "A Facebook Page's recommendations and comments (FACEBOOK_PAGE_TOKEN).",
                         missing_credentials=_missing)
