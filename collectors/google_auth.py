"""OAuth 2.0 for Google APIs from a refresh token in the environment; tokens never reach the config or a log."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from collectors.api_client import ApiClient, ApiResponse
from collectors.base import SourceError
from core.config import secret

ENV_NAMES = ("GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET", "GOOGLE_REFRESH_TOKEN")
DEFAULT_TOKEN_URL = "https://oauth2.googleapis.com/token"
SCOPE = "https://www.googleapis.com/auth/business.manage"
# An access token is renewed this long before Google says it expires, so a request never carries a stale one.
EXPIRY_MARGIN_SECONDS = 60


@dataclass(frozen=True, slots=True)
class GoogleCredentials:
    client_id: str
    client_secret: str
    refresh_token: str

    def __repr__(self) -> str:
        return f"GoogleCredentials(client_id={self.client_id[:6]}…, secrets hidden)"


def missing_google_credentials() -> list[str]:
    """The environment variables still to set (empty when all are there)."""
    return [name for name in ENV_NAMES if not secret(name)]


def google_credentials() -> GoogleCredentials:
    """From the environment; SourceError "auth" naming what is missing."""
    missing = missing_google_credentials()
    if missing:
        raise SourceError(
            "auth",
            f"set {', '.join(missing)} in the environment (an OAuth client of a Google Cloud project with the "
            f"Business Profile API enabled, and a refresh token for the scope {SCOPE}; see the README)",
        )
    client_id, client_secret, refresh_token = (secret(name) or "" for name in ENV_NAMES)
    return GoogleCredentials(client_id, client_secret, refresh_token)


class GoogleToken:
    """An access token, refreshed when it is about to expire or when the API answered 401."""

    def __init__(self, client: ApiClient, token_url: str, credentials: GoogleCredentials, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.client = client
        self.token_url = token_url
        self.credentials = credentials
        self.clock = clock
        self._token: str | None = None
        self._expires = 0.0
        self._lock = threading.Lock()

    def value(self) -> str:
        with self._lock:
            if self._token is None or self.clock() >= self._expires:
                self._refresh()
            assert self._token is not None
            return self._token

    def invalidate(self) -> None:
        with self._lock:
            self._token = None

    def _refresh(self) -> None:
        response = self.client.request("POST", self.token_url, form={
            "grant_type": "refresh_token",
            "client_id": self.credentials.client_id,
            "client_secret": self.credentials.client_secret,
            "refresh_token": self.credentials.refresh_token,
        })
        if response.status != 200:
            raise _token_error(response, self.token_url)
        data = response.json()
        token = data.get("access_token") if isinstance(data, dict) else None
        if not isinstance(token, str) or not token:
            raise SourceError("auth", f"the token endpoint {self.token_url} answered without an access_token")
        lifetime = data.get("expires_in") if isinstance(data.get("expires_in"), (int, float)) else 3600
        self._token = token
        self._expires = self.clock() + max(0.0, float(lifetime) - EXPIRY_MARGIN_SECONDS)


_tokens: dict[tuple[str, GoogleCredentials], GoogleToken] = {}
_tokens_lock = threading.Lock()


def shared_token(client: ApiClient, token_url: str, credentials: GoogleCredentials) -> GoogleToken:
    """One access token per token endpoint and credentials in this process: collectors are built per run, and an
    access token lives an hour."""
    with _tokens_lock:
        token = _tokens.get((token_url, credentials))
        if token is None:
            token = _tokens[(token_url, credentials)] = GoogleToken(client, token_url, credentials)
        return token


def _token_error(response: ApiResponse, token_url: str) -> SourceError:
    # The error body ("invalid_grant", "invalid_client") names the problem but never echoes the secrets.
    detail = response.error_detail()
    said = f" ({detail})" if detail else ""
    if response.status in (400, 401):
        return SourceError(
            "auth",
            f"Google refused to refresh the access token{said}: the refresh token was revoked or expired, or "
            "GOOGLE_CLIENT_ID / GOOGLE_CLIENT_SECRET do not belong to it; create a new refresh token for the "
            f"scope {SCOPE} and set GOOGLE_REFRESH_TOKEN",
        )
    if response.status == 429:
        return SourceError("rate_limited", f"the token endpoint {token_url} answered 429{said}; retried later",
                           retry_after=response.retry_after)
    return SourceError("http", f"the token endpoint {token_url} answered {response.status}{said}; retried later",
                       retry_after=response.retry_after)


def authorised_get(client: ApiClient, token: GoogleToken, url: str, params: dict[str, str] | None = None,
                   ) -> ApiResponse:
    """GET with the bearer token; on 401 the token is refreshed once and the request repeated."""
    response = client.get(url, headers={"Authorization": f"Bearer {token.value()}"}, params=params)
    if response.status == 401:
        token.invalidate()
        response = client.get(url, headers={"Authorization": f"Bearer {token.value()}"}, params=params)
    return response
