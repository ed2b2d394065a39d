"""Discourse forums through their public JSON API: full-text search and the latest posts of chosen categories."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import Any, ClassVar, Literal
from urllib.parse import quote, urlencode, urlsplit

from pydantic import AnyHttpUrl, Field

from collectors.base import CollectResult, SourceError, SourceKind
from collectors.forums.dates import parse_machine_date
from collectors.forums.html_posts import fragment_text
from collectors.html_text import html_to_text
from collectors.http import Fetcher, shared_fetcher
from core.config import Config, SourceBase
from core.models import Mention

# /t/<id>/posts.json accepts this many post ids per request (Discourse's own chunk size).
POSTS_PER_REQUEST = 20
JSON_HEADERS = {"Accept": "application/json"}


class DiscourseSource(SourceBase):
    kind: Literal["discourse"]
    base_url: AnyHttpUrl
    search: list[str] = []
    categories: list[str] = []
    max_pages: int = Field(default=5, ge=1, le=100)
    timezone: str = "UTC"


class DiscourseCollector:
    """Cursor: {"search": {term: {"last_id", "last_created_at"}}, "categories": {category: {...}}}; post ids only grow."""

    kind: ClassVar[str] = "discourse"

    def __init__(self, source: DiscourseSource, config: Config, *, fetcher: Fetcher | None = None) -> None:
        self.source = source
        self.config = config
        self.base = str(source.base_url).rstrip("/")
        self.fetcher = fetcher or shared_fetcher(config.http)
        self.already_seen: Counter[str] = Counter()  # posts offered that an earlier run collected

    def collect(self, cursor: dict[str, Any]) -> CollectResult:
        cursor = cursor or {}
        self.already_seen = Counter()
        found: dict[int, Mention] = {}
        seen = 0
        result = CollectResult(mentions=[], cursor={}, seen=0)
        search_state: dict[str, Any] = {}
        for term in self._terms():
            posts, search_state[term] = self._search(term, (cursor.get("search") or {}).get(term) or {})
            seen += len(posts)
            for mention in posts:
                if int(mention.external_id) in found:
                    result.drop("duplicate")  # found by two search terms
                else:
                    found[int(mention.external_id)] = mention
        category_state: dict[str, Any] = {}
        for category in self.source.categories:
            posts, category_state[category] = self._category(category, (cursor.get("categories") or {}).get(category) or {})
            seen += len(posts)
            for mention in posts:  # a category post carries the whole text, a search hit only an excerpt
                if int(mention.external_id) in found:
                    result.drop("duplicate")
                found[int(mention.external_id)] = mention
        result.mentions = [found[post_id] for post_id in sorted(found)]
        result.cursor = {"search": search_state, "categories": category_state}
        result.seen = seen + sum(self.already_seen.values())
        result.drop("already_seen", self.already_seen["posts"])
        return result

    def _terms(self) -> list[str]:
        if self.source.search or self.source.categories:
            return list(self.source.search)
        return list(self.config.brand.names)  # nothing chosen: search for the clinic's names

    # --- search -----------------------------------------------------------------------------------

    def _search(self, term: str, state: dict[str, Any]) -> tuple[list[Mention], dict[str, Any]]:
        """Newest first, page by page, until a post already collected shows up or the pages run out."""
        last_id = int(state.get("last_id") or 0)
        mentions: list[Mention] = []
        for page in range(1, self.source.max_pages + 1):
            query = quote(f"{search_phrase(term)} order:latest", safe=":")
            data = self._get_json(f"/search.json?q={query}&page={page}")
            posts = _list(data, "posts")
            topics = {topic.get("id"): topic for topic in _list(data, "topics")}
            fresh = [post for post in posts if int(post.get("id") or 0) > last_id]
            self.already_seen["posts"] += len(posts) - len(fresh)
            mentions += [self._search_mention(post, topics.get(post.get("topic_id")) or {}, term) for post in fresh]
            more = (data.get("grouped_search_result") or {}).get("more_full_page_results")
            if not posts or len(fresh) < len(posts) or not more:
                break
        return mentions, _advance(state, mentions)

    def _search_mention(self, post: dict[str, Any], topic: dict[str, Any], term: str) -> Mention:
        # The search API gives an excerpt (blurb) of the post, not the whole of it.
        text = html_to_text(post.get("blurb") or "")
        return self._mention(post, topic, text, {"query": term, "excerpt": True})

    # --- categories -------------------------------------------------------------------------------

    def _category(self, category: str, state: dict[str, Any]) -> tuple[list[Mention], dict[str, Any]]:
        """Topics bumped since the last run, then their posts newer than the newest post collected."""
        last_id = int(state.get("last_id") or 0)
        since = parse_machine_date(state.get("last_created_at") or "")
        mentions: list[Mention] = []
        for topic in self._recent_topics(category, since):
            for post in self._topic_posts(topic, last_id):
                mentions.append(self._mention(post, topic, fragment_text(post.get("cooked") or ""), {"category": category}))
        return mentions, _advance(state, mentions)

    def _recent_topics(self, category: str, since: datetime | None) -> Iterable[dict[str, Any]]:
        path: str | None = f"/c/{category.strip('/')}.json"
        for _page in range(self.source.max_pages):
            if path is None:
                return
            topic_list = self._get_json(path).get("topic_list") or {}
            topics = [topic for topic in topic_list.get("topics") or [] if isinstance(topic, dict)]
            if not topics and _page == 0 and topic_list == {}:
                raise SourceError("parse", f"{self.base}{path} has no topic_list (is {category!r} a category?)")
            recent = [topic for topic in topics if since is None or _is_after(_bumped(topic), since, unknown=True)]
            yield from recent
            unpinned = [topic for topic in topics if not topic.get("pinned")]
            if since is not None and any(not _is_after(_bumped(topic), since, unknown=True) for topic in unpinned):
                return  # lists are ordered by last activity: the rest is older still
            path = _json_path(topic_list.get("more_topics_url"))

    def _topic_posts(self, topic: dict[str, Any], last_id: int) -> list[dict[str, Any]]:
        data = self._get_json(f"/t/{int(topic['id'])}.json")
        stream = data.get("post_stream") or {}
        posts = [post for post in stream.get("posts") or [] if isinstance(post, dict)]
        loaded = {post.get("id") for post in posts}
        missing = [pid for pid in stream.get("stream") or [] if pid not in loaded and int(pid) > last_id]
        for start in range(0, len(missing), POSTS_PER_REQUEST):
            chunk = missing[start:start + POSTS_PER_REQUEST]
            query = urlencode([("post_ids[]", pid) for pid in chunk])
            more = self._get_json(f"/t/{int(topic['id'])}/posts.json?{query}")
            posts += [post for post in (more.get("post_stream") or {}).get("posts") or [] if isinstance(post, dict)]
        topic = {**topic, "title": data.get("title") or topic.get("title"), "slug": data.get("slug") or topic.get("slug")}
        fresh = [{**post, "_topic": topic} for post in posts if int(post.get("id") or 0) > last_id]
        self.already_seen["posts"] += len(posts) - len(fresh)
        return fresh

    # --- shared -----------------------------------------------------------------------------------

    def _mention(self, post: dict[str, Any], topic: dict[str, Any], text: str, extra: dict[str, Any]) -> Mention:
        topic = post.get("_topic") or topic
        topic_id = post.get("topic_id") or topic.get("id")
        slug = post.get("topic_slug") or topic.get("slug") or "topic"
        thread_url = f"{self.base}/t/{slug}/{topic_id}"
        number = post.get("post_number") or 1
        likes = post_likes(post)
        return Mention(
            source_kind=self.kind,
            source_name=self.source.name,
            external_id=str(int(post["id"])),
            url=f"{thread_url}/{number}",
            text=text,
            author=str(post.get("username") or ""),
            published_at=parse_machine_date(str(post.get("created_at") or ""), self.source.timezone),
            language=self.source.language,
            score=likes,
            thread_title=html_to_text(topic.get("title") or post.get("topic_title_headline") or ""),
            thread_url=thread_url,
            extra={**extra, "topic_id": topic_id, "post_number": number},
        )

    def _get_json(self, path: str) -> dict[str, Any]:
        response = self.fetcher.get(self.base + path, headers=JSON_HEADERS)
        data = response.json()
        if not isinstance(data, dict):
            raise SourceError("parse", f"{response.url} did not answer a Discourse JSON object (is base_url a Discourse forum?)")
        return data


# Discourse's post action type for a like (PostActionType.types[:like]).
LIKE_ACTION_ID = 2


def post_likes(post: dict[str, Any]) -> int | None:
    """like_count where the answer has it (search, some versions), else the like entry of actions_summary
    (topic and post-stream answers); None when neither says."""
    likes = post.get("like_count")
    if isinstance(likes, int) and not isinstance(likes, bool):
        return likes
    for action in post.get("actions_summary") or []:
        if isinstance(action, dict) and action.get("id") == LIKE_ACTION_ID:
            count = action.get("count")
            return count if isinstance(count, int) and not isinstance(count, bool) else 0
    return None


def search_phrase(term: str) -> str:
    """A term of several words is searched as a phrase, as the clinic's name is meant."""
    term = term.strip()
    return f'"{term}"' if " " in term and '"' not in term and ":" not in term else term


def _list(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise SourceError("parse", f"Discourse answered {key!r} as {type(value).__name__}, a list was expected")
    return [item for item in value if isinstance(item, dict) and item.get("id") is not None]


def _is_after(moment: datetime | None, since: datetime, *, unknown: bool) -> bool:
    """Whether `moment` is after `since`; `unknown` when the topic carries no date."""
    return unknown if moment is None else moment > since


def _bumped(topic: dict[str, Any]) -> datetime | None:
    return parse_machine_date(str(topic.get("bumped_at") or topic.get("last_posted_at") or ""))


def _json_path(more_topics_url: str | None) -> str | None:
    """Discourse gives the next page as an HTML path ("/c/zdrowie/4?page=1"); the API wants its .json twin."""
    if not more_topics_url:
        return None
    parts = urlsplit(more_topics_url)
    path = parts.path if parts.path.endswith(".json") else parts.path + ".json"
    return path + (f"?{parts.query}" if parts.query else "")


def _advance(state: dict[str, Any], mentions: list[Mention]) -> dict[str, Any]:
    """The newest post id and date collected so far (unchanged when nothing new came)."""
    if not mentions:
        return dict(state)
    newest = max(mentions, key=lambda mention: int(mention.external_id))
    last_id = max(int(state.get("last_id") or 0), int(newest.external_id))
    dates = [m.published_at for m in mentions if m.published_at and not m.published_estimated]
    previous = parse_machine_date(state.get("last_created_at") or "")
    latest = max([*dates, *([previous] if previous else [])], default=None)
    return {"last_id": last_id, "last_created_at": latest.isoformat() if latest else None}


SOURCE_KIND = SourceKind("discourse", DiscourseSource, DiscourseCollector, handle_format="@{name}")
