"""Bluesky: posts matching the brand through app.bsky.feed.searchPosts, signed in with an app password."""
from __future__ import annotations

import threading
from datetime import datetime
from typing import Any, ClassVar, Literal

from pydantic import AnyHttpUrl, Field

from collectors.api_client import ApiClient, ApiResponse, shared_api_client, status_error
from collectors.base import CollectResult, SourceError, SourceKind
from collectors.forums.dates import parse_machine_date
from core.config import Config, SourceBase, secret
from core.models import Mention

ENV_NAMES = ("BLUESKY_HANDLE", "BLUESKY_APP_PASSWORD")
PAGE_LIMIT = 100  # searchPosts' maximum
SEEN_URIS_KEPT = 2000
THREAD_BATCH = 25  # getPosts takes at most 25 uris
THREAD_TITLE_CHARS = 200
WEB = "https://bsky.app"
# Access JWTs by (service, handle, app password): collectors are built per run, sessions outlive them.
_sessions: dict[tuple[str, str, str], str] = {}
_sessions_lock = threading.Lock()


class BlueskySource(SourceBase):
    kind: Literal["bluesky"]
    search: list[str] = Field(default=[], description="Queries; empty means the brand names.")
    service_url: AnyHttpUrl = Field(default=AnyHttpUrl("https://bsky.social"),
                                    description="The PDS that signs in and answers searchPosts.")
    max_pages: int = Field(default=3, ge=1, le=50)
    page_size: int = Field(default=PAGE_LIMIT, ge=1, le=PAGE_LIMIT)
    interval_minutes: float = Field(default=30, gt=0)


class BlueskyCollector:
    """Cursor per query: {"since": newest createdAt seen, "seen": recent post uris}. The session is kept between
    runs (createSession is rate-limited) and re-created once when the service says the token expired."""

    kind: ClassVar[str] = "bluesky"

    def __init__(self, source: BlueskySource, config: Config, *, client: ApiClient | None = None) -> None:
        self.source = source
        self.config = config
        self.client = client or shared_api_client(config.http)
        self.service = str(source.service_url).rstrip("/")

    def collect(self, cursor: dict[str, Any]) -> CollectResult:
        queries = self.source.search or [f'"{n}"' if " " in n.strip() else n.strip() for n in self.config.brand.names]
        state = dict(cursor or {})
        found: dict[str, Mention] = {}
        seen = 0
        for query in queries:
            posts, state[query] = self._search(query, state.get(query) or {})
            seen += len(posts)
            for post in posts:
                mention = self._mention(post)
                found.setdefault(mention.external_id, mention)
        self._add_thread_context(list(found.values()))
        # Posts beyond max_pages are older than the ones read and are not fetched later: say so.
        truncated = [query for query in queries if state[query].get("truncated")]
        note = (f"more than {self.source.max_pages} page(s) of new posts for {', '.join(truncated)}; older ones "
                "were skipped (raise max_pages or shorten interval_minutes)") if truncated else None
        return CollectResult(mentions=list(found.values()), cursor=state, seen=seen, note=note)

    def _search(self, query: str, state: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        known = set(state.get("seen") or [])
        since = state.get("since")
        posts: list[dict[str, Any]] = []
        page_cursor: str | None = None
        complete = False
        for _page in range(self.source.max_pages):
            params = {"q": query, "sort": "latest", "limit": str(self.source.page_size)}
            if since:
                params["since"] = since
            if page_cursor:
                params["cursor"] = page_cursor
            data = self._get("app.bsky.feed.searchPosts", params)
            page = [post for post in data.get("posts") or [] if isinstance(post, dict) and post.get("uri")]
            fresh = [post for post in page if post["uri"] not in known]
            posts.extend(fresh)
            page_cursor = data.get("cursor") or None
            first_run = not since and not known  # the newest page only: older posts are history, not news
            if first_run or not page_cursor or len(fresh) < len(page) or not page:
                complete = True  # the end, or posts seen before: everything newer is in
                break
        stamps = [str(p.get("record", {}).get("createdAt") or "") for p in posts] + ([since] if since else [])
        moments = [(moment, stamp) for stamp in stamps if (moment := parse_machine_date(stamp)) is not None]
        newest = max(moments, default=None, key=lambda pair: pair[0])
        uris = [post["uri"] for post in posts] + list(state.get("seen") or [])
        return posts, {"since": newest[1] if newest else since, "seen": list(dict.fromkeys(uris))[:SEEN_URIS_KEPT],
                       "truncated": not complete}

    def _add_thread_context(self, mentions: list[Mention]) -> None:
        """A reply's thread title is its thread's first post (as a forum reply's is its topic), read in batches."""
        texts = {m.external_id: m.text for m in mentions}
        roots = sorted({m.extra["reply_root"] for m in mentions if m.extra.get("reply_root")} - set(texts))
        for start in range(0, len(roots), THREAD_BATCH):
            data = self._get("app.bsky.feed.getPosts", {"uris": roots[start:start + THREAD_BATCH]})
            for post in data.get("posts") or []:
                if isinstance(post, dict) and post.get("uri"):
                    texts[str(post["uri"])] = str((post.get("record") or {}).get("text") or "")
        for mention in mentions:
            root_text = texts.get(mention.extra.get("reply_root") or "")
            if root_text:
                mention.thread_title = root_text.split("\n", 1)[0][:THREAD_TITLE_CHARS]

    def _get(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        url = f"{self.service}/xrpc/{method}"
        response = self.client.get(url, headers={"Authorization": f"Bearer {self._session()}"}, params=params)
        if response.status in (400, 401) and _expired(response):
            with _sessions_lock:
                _sessions.pop(self._session_key(), None)
            response = self.client.get(url, headers={"Authorization": f"Bearer {self._session()}"}, params=params)
        if response.status != 200:
            raise status_error(response, "Bluesky",
                               auth_hint="sign in again: check BLUESKY_HANDLE and BLUESKY_APP_PASSWORD",
                               forbidden_hint="the account may be taken down or the app password revoked")
        data = response.json()
        if not isinstance(data, dict):
            raise SourceError("parse", f"{url} answered JSON that is not an object")
        return data

    def _session_key(self) -> tuple[str, str, str]:
        return (self.service, secret("BLUESKY_HANDLE") or "", secret("BLUESKY_APP_PASSWORD") or "")

    def _session(self) -> str:
        """The access JWT of this process's session with the service (createSession allows ~300 sign-ins a day)."""
        key = self._session_key()
        with _sessions_lock:
            jwt = _sessions.get(key)
        if jwt is None:
            jwt = self._create_session()
            with _sessions_lock:
                _sessions[key] = jwt
        return jwt

    def _create_session(self) -> str:
        missing = [name for name in ENV_NAMES if not secret(name)]
        if missing:
            raise SourceError("auth", f"set {', '.join(missing)} in the environment: Bluesky's search needs a "
                                      "signed-in account (Settings > Privacy and security > App passwords)")
        url = f"{self.service}/xrpc/com.atproto.server.createSession"
        response = self.client.request("POST", url, json_body={
            "identifier": secret("BLUESKY_HANDLE"), "password": secret("BLUESKY_APP_PASSWORD")})
        if response.status == 401:
            raise SourceError("auth", f"Bluesky refused to sign in ({response.error_detail() or 'invalid'}): check "
                                      "BLUESKY_HANDLE and that BLUESKY_APP_PASSWORD is a current app password")
        if response.status != 200:
            raise status_error(response, "Bluesky sign-in", auth_hint="check the handle and app password",
                               forbidden_hint="the account may be suspended")
        data = response.json()
        token = data.get("accessJwt") if isinstance(data, dict) else None
        if not isinstance(token, str) or not token:
            raise SourceError("auth", f"{url} answered without an accessJwt")
        return token

    def _mention(self, post: dict[str, Any]) -> Mention:
        record = post.get("record") or {}
        author = post.get("author") or {}
        handle = str(author.get("handle") or author.get("did") or "")
        reply = record.get("reply") or {}
        root_uri = str((reply.get("root") or {}).get("uri") or "")
        langs = record.get("langs") or []
        return Mention(
            source_kind=self.kind,
            source_name=self.source.name,
            external_id=str(post["uri"]),
            url=web_link(str(post["uri"]), handle),
            text=str(record.get("text") or ""),
            author=handle,
            published_at=_moment(record.get("createdAt")) or _moment(post.get("indexedAt")),
            language=(str(langs[0]).split("-")[0].lower() if langs else None) or self.source.language,
            score=post.get("likeCount") if isinstance(post.get("likeCount"), int) else None,
            comment_count=post.get("replyCount") if isinstance(post.get("replyCount"), int) else None,
            thread_url=web_link(root_uri, "") if root_uri else "",
            extra={"platform": "bluesky", "cid": post.get("cid"), "reply_root": root_uri or None,
                   "reply_parent": (reply.get("parent") or {}).get("uri")},
        )


def web_link(uri: str, handle: str) -> str:
    """at://did:plc:x/app.bsky.feed.post/rkey -> https://bsky.app/profile/<handle or did>/post/rkey."""
    parts = uri.removeprefix("at://").split("/")
    if len(parts) != 3 or parts[1] != "app.bsky.feed.post":
        return WEB
    return f"{WEB}/profile/{handle or parts[0]}/post/{parts[2]}"


def _expired(response: ApiResponse) -> bool:
    return response.status == 401 or "ExpiredToken" in response.body.decode("utf-8", errors="replace")


def _moment(value: Any) -> datetime | None:
    return parse_machine_date(value) if isinstance(value, str) else None


SOURCE_KIND = SourceKind("bluesky", BlueskySource, BlueskyCollector,
                         "Bluesky posts through searchPosts (BLUESKY_HANDLE / BLUESKY_APP_PASSWORD).",
                         missing_credentials=lambda _source: [name for name in ENV_NAMES if not secret(name)])
