"""Mastodon: public hashtag timelines and (with a token) status search on the instances the admin lists."""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any, ClassVar, Literal
from urllib.parse import quote

from pydantic import AnyHttpUrl, Field

from collectors.api_client import ApiClient, ApiResponse, shared_api_client, status_error
from collectors.base import CollectResult, SourceError, SourceKind
from collectors.forums.dates import parse_machine_date
from collectors.html_text import html_to_text, plain_to_text
from core.config import Config, SourceBase, secret
from core.models import Mention, utcnow

# Mastodon's maximum page size for timelines and search.
PAGE_LIMIT = 40
# Requests kept in hand: below this many left in the window, the run stops and resumes after the reset.
RATE_LIMIT_FLOOR = 2
_LINK = re.compile(r'<([^>]+)>\s*;\s*rel="?([a-z]+)"?')


class MastodonSource(SourceBase):
    kind: Literal["mastodon"]
    instances: list[AnyHttpUrl] = Field(min_length=1, description="e.g. https://mastodon.social")
    hashtags: list[str] = Field(default=[], description="Without '#'; public timelines, no token needed.")
    search: list[str] = Field(default=[], description="Status search terms; needs a token with read:search.")
    token_env: str = Field(default="MASTODON_TOKEN", pattern=r"^[A-Z][A-Z0-9_]*$",
                           description="The environment variable holding this source's access token.")
    max_pages: int = Field(default=5, ge=1, le=100)
    page_size: int = Field(default=PAGE_LIMIT, ge=1, le=PAGE_LIMIT)
    interval_minutes: float = Field(default=30, gt=0)


class MastodonCollector:
    """Cursor: {"<instance> tag:<name>" | "<instance> search:<term>": newest status id seen}; ids only grow."""

    kind: ClassVar[str] = "mastodon"

    def __init__(self, source: MastodonSource, config: Config, *, client: ApiClient | None = None,
                 now: Callable[[], datetime] = utcnow) -> None:
        self.source = source
        self.config = config
        self.client = client or shared_api_client(config.http)
        self.now = now
        # Set when an instance's X-RateLimit-Remaining falls below the floor: its other streams wait a run.
        self._limited: str | None = None
        self._truncated: list[str] = []

    def collect(self, cursor: dict[str, Any]) -> CollectResult:
        if not self.source.hashtags and not self.source.search:
            raise SourceError("config", f"source {self.source.name!r}: list hashtags or search terms")
        token = secret(self.source.token_env)
        if self.source.search and not token and not self.source.hashtags:
            raise SourceError("auth", f"status search needs an access token with the read:search scope in "
                                      f"{self.source.token_env} (Preferences > Development > New application)")
        state = dict(cursor or {})
        self._truncated = []
        found: dict[str, Mention] = {}
        seen = 0
        notes: list[str] = []
        if self.source.search and not token:
            notes.append(f"status search skipped: set {self.source.token_env} (read:search) to search")
        for instance in (str(url).rstrip("/") for url in self.source.instances):
            self._limited = None
            for key, stream, value in self._streams(instance, token):
                if stream == "tag":
                    statuses, newest = self._timeline(instance, value, state.get(key), token)
                else:
                    statuses, newest = self._search(instance, value, state.get(key), token or "")
                seen += len(statuses)
                if newest:
                    state[key] = newest
                for status in statuses:
                    mention = self._mention(status, instance)
                    if mention is not None:
                        found.setdefault(mention.external_id, mention)
                if self._limited is not None:
                    notes.append(f"{instance}: rate limit nearly used up (resets {self._limited or 'later'}); "
                                 "its other hashtags and searches wait for the next run")
                    break
        if self._truncated:
            notes.append(f"more than {self.source.max_pages} page(s) of new statuses for "
                         f"{', '.join(self._truncated)}; older ones were skipped (raise max_pages)")
        return CollectResult(mentions=list(found.values()), cursor=state, seen=seen, note="; ".join(notes) or None)

    def _streams(self, instance: str, token: str | None) -> list[tuple[str, str, str]]:
        """(cursor key, "tag" or "search", hashtag or term) for each stream read on `instance`."""
        streams = [(f"{instance} tag:{name.lower()}", "tag", name)
                   for name in (tag.strip().lstrip("#") for tag in self.source.hashtags)]
        if token:
            streams += [(f"{instance} search:{term}", "search", term) for term in self.source.search]
        return streams

    def _timeline(self, instance: str, tag: str, since: str | None, token: str | None,
                  ) -> tuple[list[dict[str, Any]], str | None]:
        """The hashtag's statuses newer than `since`, following rel="next" (older) links until they are reached."""
        url: str | None = f"{instance}/api/v1/timelines/tag/{quote(tag, safe='')}"
        params: dict[str, Any] | None = {"limit": self.source.page_size, **({"since_id": since} if since else {})}
        statuses: list[dict[str, Any]] = []
        for _page in range(self.source.max_pages):
            if url is None or self._limited is not None:
                break
            response = self._get(url, params, token)
            page = _status_list(response)
            newer = [status for status in page if _is_newer(status, since)]
            statuses.extend(newer)
            # Mastodon's next link (max_id) does not carry since_id on: paging stops where known statuses begin.
            more = since and len(newer) == len(page) == self.source.page_size
            url = links(response.headers.get("link", "")).get("next") if more else None
            params = None  # the Link URL carries its own query
        if url is not None and self._limited is not None:
            return statuses, since  # cut short by the rate limit: the next run reads this stretch again
        if url is not None:
            self._truncated.append(f"#{tag}")  # more than max_pages of new statuses: the oldest are skipped
        return statuses, _newest(statuses, since)

    def _search(self, instance: str, term: str, since: str | None, token: str,
                ) -> tuple[list[dict[str, Any]], str | None]:
        statuses: list[dict[str, Any]] = []
        for page_number in range(self.source.max_pages):
            if page_number and self._limited is not None:
                break
            params = {"q": term, "type": "statuses", "resolve": "false", "limit": self.source.page_size,
                      "offset": page_number * self.source.page_size, **({"min_id": since} if since else {})}
            data = self._get(f"{instance}/api/v2/search", params, token).json()
            page = data.get("statuses") if isinstance(data, dict) else None
            if not isinstance(page, list):
                raise SourceError("parse", f"{instance}/api/v2/search answered without a statuses list")
            statuses.extend(status for status in page if isinstance(status, dict))
            if len(page) < self.source.page_size or not since:
                break
        return statuses, _newest(statuses, since)

    def _get(self, url: str, params: dict[str, Any] | None, token: str | None) -> ApiResponse:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = self.client.get(url, headers=headers, params=params)
        if response.status == 429 and response.retry_after is None:
            wait = self._until_reset(response)
            raise SourceError("rate_limited", f"Mastodon answered 429 for {url}; the source will be retried after the "
                              "rate-limit window resets (raise its interval_minutes if this repeats)", retry_after=wait)
        if response.status != 200:
            raise status_error(
                response, "Mastodon",
                auth_hint=f"the token in {self.source.token_env} was revoked or belongs to another instance",
                forbidden_hint="the instance refuses this client (it may require sign-in for public timelines); "
                               f"set {self.source.token_env} or remove the instance",
            )
        remaining = response.headers.get("x-ratelimit-remaining", "")
        if remaining.isdigit() and int(remaining) < RATE_LIMIT_FLOOR:
            self._limited = response.headers.get("x-ratelimit-reset", "")
        return response

    def _until_reset(self, response: ApiResponse) -> float | None:
        reset = parse_machine_date(response.headers.get("x-ratelimit-reset", ""))
        return max(0.0, (reset - self.now()).total_seconds()) if reset else None

    def _mention(self, status: dict[str, Any], instance: str) -> Mention | None:
        if status.get("reblog"):
            return None  # a boost repeats a status that is (or will be) read itself
        account = status.get("account") or {}
        uri = str(status.get("uri") or status.get("url") or "")
        if not uri:
            return None
        return Mention(
            source_kind=self.kind,
            source_name=self.source.name,
            external_id=uri,  # the same status read on two instances has one uri
            url=str(status.get("url") or uri),
            title=plain_to_text(str(status.get("spoiler_text") or "")),
            text=html_to_text(str(status.get("content") or "")),
            author=str(account.get("acct") or account.get("username") or ""),
            published_at=parse_machine_date(str(status.get("created_at") or "")),
            language=status.get("language") or self.source.language,
            score=_int(status.get("favourites_count")),
            comment_count=_int(status.get("replies_count")),
            extra={"platform": "mastodon", "instance": instance, "status_id": str(status.get("id") or ""),
                   "in_reply_to_id": status.get("in_reply_to_id"), "reblogs": _int(status.get("reblogs_count"))},
        )


def links(header: str) -> dict[str, str]:
    """RFC 8288 Link header to {rel: url}."""
    return {rel: url for url, rel in _LINK.findall(header or "")}


def _status_list(response: ApiResponse) -> list[dict[str, Any]]:
    data = response.json()
    if not isinstance(data, list):
        raise SourceError("parse", f"{response.url} answered JSON that is not a list of statuses")
    return [status for status in data if isinstance(status, dict)]


def _is_newer(status: dict[str, Any], since: str | None) -> bool:
    status_id = str(status.get("id", ""))
    if not since or not since.isdigit() or not status_id.isdigit():
        return True
    return int(status_id) > int(since)


def _newest(statuses: list[dict[str, Any]], since: str | None) -> str | None:
    ids = [int(s["id"]) for s in statuses if str(s.get("id", "")).isdigit()]
    if since and since.isdigit():
        ids.append(int(since))
    return str(max(ids)) if ids else since


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) else None


def _missing(source: MastodonSource) -> list[str]:
    """The token only matters for status search; hashtag timelines are public."""
    return [source.token_env] if source.search and not secret(source.token_env) else []


SOURCE_KIND = SourceKind("mastodon", MastodonSource, MastodonCollector,
                         "Mastodon hashtag timelines and status search (token in MASTODON_TOKEN).",
                         missing_credentials=_missing)
