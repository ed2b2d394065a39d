"""The Facebook Graph API as a Page sees it: the Page access token from the environment, paging by `paging.next`,
and Graph error codes turned into source errors that say what to do."""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from collectors.api_client import ApiClient, ApiResponse
from collectors.base import SourceError
from core.config import secret

TOKEN_ENV = "FACEBOOK_PAGE_TOKEN"
DEFAULT_GRAPH_URL = "https://graph.facebook.com/v21.0"
PERMISSIONS = "pages_read_engagement, pages_read_user_content (and pages_manage_engagement to reply)"
# Graph error codes (developers.facebook.com/docs/graph-api/guides/error-handling).
RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, 80001})
PERMISSION_CODES = frozenset({10, *range(200, 300)})
TOKEN_CODES = frozenset({102, 190})
TEMPORARY_CODES = frozenset({1, 2, 368})


def page_token(token_env: str = TOKEN_ENV) -> str:
    token = secret(token_env)
    if not token:
        raise SourceError("auth", f"set {token_env} in the environment: a Page access token with {PERMISSIONS} "
                                  "(Meta for Developers > your app > Graph API Explorer, then extend it to a "
                                  "long-lived Page token; see the README)")
    return token


def graph_get(client: ApiClient, url: str, token: str, params: dict[str, str] | None = None) -> dict[str, Any]:
    """One Graph GET; the token goes in the Authorization header, never in a URL that could be logged."""
    response = client.get(url, headers={"Authorization": f"Bearer {token}"}, params=params)
    if response.status != 200:
        raise graph_error(response)
    data = response.json()
    if not isinstance(data, dict):
        raise SourceError("parse", f"{url} answered JSON that is not an object")
    return data


def graph_pages(client: ApiClient, url: str, token: str, params: dict[str, str], max_pages: int) -> GraphListing:
    """Each page's `data` list, following `paging.next` (which carries its own query) up to max_pages."""
    return GraphListing(client, url, token, params, max_pages)


class GraphListing:
    """Iterates a Graph edge page by page; `complete` tells afterwards whether the listing ended (no next page)
    rather than being stopped by max_pages or by the caller, which is what telling a deletion apart needs."""

    def __init__(self, client: ApiClient, url: str, token: str, params: dict[str, str], max_pages: int) -> None:
        self.client, self.url, self.token, self.params, self.max_pages = client, url, token, params, max_pages
        self.complete = False

    def __iter__(self) -> Iterator[list[dict[str, Any]]]:
        self.complete = False
        url: str = self.url
        query: dict[str, str] | None = self.params
        for _page in range(self.max_pages):
            data = graph_get(self.client, url, self.token, query)
            next_url = (data.get("paging") or {}).get("next")
            self.complete = not next_url  # set before the page is handed out: a caller may stop after it
            yield [item for item in data.get("data") or [] if isinstance(item, dict)]
            if not next_url:
                return
            url, query = str(next_url), None


def graph_error(response: ApiResponse) -> SourceError:
    """The Graph error body as a SourceError with what to do."""
    try:
        error = json.loads(response.body.decode("utf-8", errors="replace")).get("error") or {}
    except (ValueError, AttributeError):
        error = {}
    code = error.get("code") if isinstance(error.get("code"), int) else None
    said = str(error.get("message") or f"HTTP {response.status}")[:300]
    where = f"Facebook answered {response.status} ({said}, code {code})"
    if code in TOKEN_CODES or response.status == 401:
        return SourceError("auth", f"{where}: the Page token expired or was revoked; create a new long-lived Page "
                                   f"token and set {TOKEN_ENV}")
    if code in RATE_LIMIT_CODES or response.status == 429:
        wait = usage_wait(response) or response.retry_after
        return SourceError("rate_limited", f"{where}: over the Graph API rate limit; the source waits and retries "
                                           "(raise its interval_minutes if this repeats)", retry_after=wait)
    if code in PERMISSION_CODES or response.status == 403:
        return SourceError("forbidden", f"{where}: the token lacks a permission; it needs {PERMISSIONS} and must be "
                                        "a Page token of a Page you manage")
    if code == 100 or response.status == 404:
        return SourceError("not_found", f"{where}: check page_id (the Page's numeric id)")
    if code in TEMPORARY_CODES or response.status >= 500:
        return SourceError("http", f"{where}: a temporary Facebook problem; retried later")
    return SourceError("http", where)


def usage_wait(response: ApiResponse) -> float | None:
    """Seconds until access returns, from X-Business-Use-Case-Usage's estimated_time_to_regain_access (minutes)."""
    try:
        usage = json.loads(response.headers.get("x-business-use-case-usage") or "{}")
    except ValueError:
        return None
    minutes = [entry.get("estimated_time_to_regain_access") for entries in usage.values() if isinstance(entries, list)
               for entry in entries if isinstance(entry, dict)]
    known = [m for m in minutes if isinstance(m, (int, float)) and m > 0]
    return max(known) * 60.0 if known else None
