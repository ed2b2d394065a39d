"""Build a praw.Reddit for a RedditSource: credentials from the environment or praw.ini, never from the config file."""
from __future__ import annotations

import configparser
import time
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

import praw
import praw.config
import requests
from pydantic import AnyHttpUrl, Field

from collectors.base import SourceError
from collectors.http import TOTAL_TIME_FACTOR, check_url_allowed
from collectors.reddit_errors import transport_error
from collectors.requests_deadline import DeadlineAdapter, within_deadline
from core.config import Config, SourceBase, secret

# Posting is the only thing that meets Reddit's "try again in N seconds" answers; PRAW sleeps through waits up to
# this long and raises beyond it, so a staff member clicking "post" never waits minutes.
RATELIMIT_SECONDS = 10
TOKEN_PATH = "/api/v1/access_token"  # the OAuth grant: repeating it is harmless
REDDIT_WEB = "https://www.reddit.com"


class RedditSource(SourceBase):
    kind: Literal["reddit"]
    search: list[str] = Field(default=[], description="Queries; empty means the brand names.")
    search_subreddits: list[str] = Field(default=[], description="Restrict search to these; empty = all of Reddit.")
    stream_subreddits: list[str] = []
    limit: int = Field(default=100, ge=1, le=1000)
    user_agent: str = "ClinicWatch/0.1 (brand monitoring)"
    allow_posting: bool = False
    praw_site: str | None = Field(default=None, description="A praw.ini site to read credentials from.")
    oauth_url: AnyHttpUrl | None = Field(default=None, description="Override of https://oauth.reddit.com.")
    reddit_url: AnyHttpUrl | None = Field(default=None, description="Override of https://www.reddit.com.")


@dataclass(frozen=True, slots=True)
class Credentials:
    """What PRAW needs to sign in; repr hides the secrets so they never reach a log."""

    client_id: str
    client_secret: str
    refresh_token: str | None = None

    def __repr__(self) -> str:
        return f"Credentials(client_id={self.client_id[:4]}…, secret hidden)"


def find_credentials(source: RedditSource, *, with_refresh_token: bool = False) -> Credentials | None:
    """REDDIT_CLIENT_ID / REDDIT_CLIENT_SECRET (and REDDIT_REFRESH_TOKEN), else the praw.ini site; None if absent."""
    ini = _praw_ini(source.praw_site)
    client_id = secret("REDDIT_CLIENT_ID") or _ini_value(ini, "client_id")
    client_secret = secret("REDDIT_CLIENT_SECRET") or _ini_value(ini, "client_secret")
    if not (client_id and client_secret):
        return None
    refresh_token = None
    if with_refresh_token:
        refresh_token = secret("REDDIT_REFRESH_TOKEN") or _ini_value(ini, "refresh_token")
    return Credentials(client_id, client_secret, refresh_token)


def build_reddit(source: RedditSource, config: Config, credentials: Credentials) -> praw.Reddit:
    """A praw.Reddit with our timeout and user agent; read-only unless the credentials carry a refresh token."""
    settings: dict[str, Any] = {
        "client_id": credentials.client_id,
        "client_secret": credentials.client_secret,
        "user_agent": source.user_agent,
        "timeout": request_timeout(config),
        "ratelimit_seconds": RATELIMIT_SECONDS,
        "check_for_updates": False,  # never phone PyPI from a collector
        "requestor_kwargs": {"session": BoundedSession(request_timeout(config), config.http.max_bytes,
                                                        config.http.timeout_seconds * TOTAL_TIME_FACTOR)},
    }
    if credentials.refresh_token:
        settings["refresh_token"] = credentials.refresh_token
    for key in ("oauth_url", "reddit_url"):
        override = getattr(source, key)
        if override is not None:
            url = str(override).rstrip("/")
            check_url_allowed(url, allow_private=config.http.allow_private_addresses)
            settings[key] = url
    return praw.Reddit(site_name=source.praw_site, **settings)


# What prawcore.Session retries (its RETRY_EXCEPTIONS), and the longest pause it makes before a retry
# (FiniteRetryStrategy: up to 2 s before the first, up to 4 s before the second).
RETRIED_BY_PRAWCORE = (requests.exceptions.ChunkedEncodingError, requests.exceptions.ConnectionError,
                       requests.exceptions.ReadTimeout)
PRAWCORE_LONGEST_PAUSE = 4.0


class BoundedSession(requests.Session):
    """Caps each request's time and size. prawcore passes its own 16 s default on every call and PRAW 8 does not
    hand on its `timeout` setting, so this is where config.http.timeout_seconds and max_bytes take effect.

    requests bounds each socket read only; the DeadlineAdapter's sockets are shut when the whole request
    (connect, headers, body, redirects) outlasts `deadline` seconds, as the Fetcher's requests end.
    """

    def __init__(self, timeout: float, max_bytes: int, deadline: float) -> None:
        super().__init__()
        self.timeout_cap = timeout
        self.max_bytes = max_bytes
        self.deadline = deadline
        # prawcore retries a request (same method and URL, after a pause) on these failures; the retries share
        # the first attempt's deadline, as the Fetcher's do, instead of each having a fresh one.
        self._retrying: tuple[tuple[str, str], float] | None = None
        self.trust_env = False  # as the Fetcher: no proxy from the environment, whose pools the adapter lacks
        adapter = DeadlineAdapter()
        self.mount("http://", adapter)
        self.mount("https://", adapter)
        self._unconfirmed_posts: dict[tuple[str, str], str] = {}

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        if method.upper() == "POST" and not url.rstrip("/").endswith(TOKEN_PATH):
            return self._post_once(url, *args, **kwargs)
        return self._bounded(method, url, *args, **kwargs)

    def _post_once(self, url: str, *args: Any, **kwargs: Any) -> requests.Response:
        """prawcore repeats a request after a timeout, a broken connection or a 5xx; a POST that writes (a reply)
        may have been carried out all the same, so it is never sent twice: the publisher looks before a new try."""
        key = (url, repr(kwargs.get("data")))
        if key in self._unconfirmed_posts:
            kind = self._unconfirmed_posts[key]
            raise SourceError(kind, "Reddit did not confirm the request (it was not sent a second time)")
        try:
            response = self._bounded("POST", url, *args, **kwargs)
        except requests.Timeout:
            self._unconfirmed_posts[key] = "timeout"
            raise
        except requests.ConnectionError:
            self._unconfirmed_posts[key] = "network"
            raise
        if response.status_code >= 500:
            self._unconfirmed_posts[key] = "http"
        return response

    def _bounded(self, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:
        asked = kwargs.get("timeout")
        kwargs["timeout"] = min(asked, self.timeout_cap) if isinstance(asked, (int, float)) else self.timeout_cap
        kwargs["stream"] = True
        key = (method.upper(), url)
        retrying, self._retrying = self._retrying, None
        ends_at = retrying[1] if retrying and retrying[0] == key else time.monotonic() + self.deadline
        left = ends_at - time.monotonic()
        if left <= 0:
            raise self._too_slow(url)
        with within_deadline(left) as watch:
            try:
                response = super().request(method, url, *args, **kwargs)
                body = self._body(response)
            except requests.RequestException as exc:
                if watch.expired:
                    raise self._too_slow(url) from None
                if isinstance(exc, RETRIED_BY_PRAWCORE):
                    if ends_at - time.monotonic() < PRAWCORE_LONGEST_PAUSE:
                        # prawcore would pause, then retry, past the deadline: end here, as it would at last
                        raise transport_error(exc, kwargs["timeout"]) from None
                    self._retrying = (key, ends_at)
                raise
            if watch.expired:  # the shut socket may also look like a body that simply ended
                raise self._too_slow(url)
        response._content = body  # noqa: SLF001  # what requests itself does when it reads a streamed body
        return response

    def _body(self, response: requests.Response) -> bytes:
        body = bytearray()
        for chunk in response.iter_content(64 * 1024):
            body += chunk
            if len(body) > self.max_bytes:
                response.close()
                raise SourceError("too_large", f"an answer from Reddit was larger than {self.max_bytes:,} bytes "
                                               "(raise http.max_bytes)")
        return bytes(body)

    def _too_slow(self, url: str) -> SourceError:
        where = urlsplit(url)
        return SourceError("timeout", f"{where.scheme}://{where.netloc} did not complete its answer within "
                                      f"{self.deadline:g} s ({TOTAL_TIME_FACTOR} x http.timeout_seconds; "
                                      "the server is too slow; retries included): will retry")


def request_timeout(config: Config) -> int:
    """PRAW takes whole seconds."""
    return max(1, round(config.http.timeout_seconds))


def web_url(source: RedditSource) -> str:
    """Where Reddit's public pages and feeds live for this source (www.reddit.com unless overridden)."""
    return str(source.reddit_url).rstrip("/") if source.reddit_url else REDDIT_WEB


def _praw_ini(site: str | None) -> praw.config.Config | None:
    """The praw.ini section PRAW would use (also honours praw_* environment variables)."""
    try:
        return praw.config.Config(site or "DEFAULT")
    except configparser.NoSectionError:
        if site:
            raise SourceError("config", f"praw.ini has no [{site}] section: fix praw_site or add the section") from None
        return None


def _ini_value(ini: praw.config.Config | None, key: str) -> str | None:
    if ini is None:
        return None
    value = getattr(ini, key, None)
    return value if isinstance(value, str) and value.strip() else None


def configured_subreddit(configured: str) -> str:
    """Accept "warszawa", "r/warszawa" and "/r/warszawa/"."""
    name = configured.strip().strip("/")
    return name[2:] if name.lower().startswith("r/") else name


def search_queries(source: RedditSource, config: Config) -> list[str]:
    """The configured queries, else the brand names (quoted when they hold a space, so Reddit matches the phrase)."""
    if source.search:
        return list(source.search)
    return [f'"{name}"' if " " in name.strip() else name.strip() for name in config.brand.names]
