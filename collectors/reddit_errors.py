"""Turn PRAW/prawcore exceptions into SourceErrors whose message tells the user what to do."""
from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

import praw.exceptions
import prawcore
import requests

from collectors.base import SourceError
from collectors.http import parse_retry_after

CREDENTIALS_HINT = "check REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET"
# Reddit's 429 often comes without Retry-After; its rate window is 10 minutes, a minute is a fair first wait.
DEFAULT_RETRY_AFTER = 60.0


@contextmanager
def reddit_errors(target: str, *, setting: str | None = None, timeout: float = 16) -> Iterator[None]:
    """Re-raise PRAW failures while talking to `target` ("r/kakapo", "Reddit search") as SourceError."""
    try:
        yield
    except (prawcore.PrawcoreException, praw.exceptions.PRAWException) as exc:
        raise translate(exc, target=target, setting=setting, timeout=timeout) from None
    except KeyError as exc:
        if exc.args == (401,):  # prawcore reads a 401 by its WWW-Authenticate header; a proxy may have dropped it
            raise SourceError("auth", f"Reddit rejected the credentials: {CREDENTIALS_HINT}") from None
        raise
    except ValueError as exc:  # PRAW met an answer that is not a Reddit listing (a captive portal, a broken proxy)
        raise SourceError("parse", f"Reddit's answer for {target} could not be read ({exc}): will retry") from None


def translate(exc: Exception, *, target: str, setting: str | None = None, timeout: float = 16) -> SourceError:
    """The SourceError for one PRAW/prawcore exception met while reading `target`."""
    if isinstance(exc, prawcore.OAuthException):
        return SourceError("auth", f"Reddit rejected the credentials ({exc.error}): {CREDENTIALS_HINT}")
    if isinstance(exc, prawcore.RequestException):
        return transport_error(exc.original_exception, timeout)
    if isinstance(exc, prawcore.Redirect) and exc.path.rstrip("/").endswith("subreddits/search"):
        return SourceError("not_found", f"{target} does not exist" + _remove_hint(setting))
    if isinstance(exc, prawcore.ResponseException):
        return _response_error(exc, target=target, setting=setting)
    if isinstance(exc, praw.exceptions.RedditAPIException):
        return _api_error(exc, target)
    if isinstance(exc, praw.exceptions.MissingRequiredAttributeException):
        return SourceError("config", f"Reddit settings are incomplete ({exc}): {CREDENTIALS_HINT}")
    return SourceError("http", f"Reddit client error while reading {target}: {exc}")


def transport_error(original: Exception, timeout: float) -> SourceError:
    """The SourceError for a failed request to Reddit (no answer, or not within `timeout` seconds)."""
    if isinstance(original, SourceError):  # raised by our own session (size cap) inside prawcore
        return original
    if isinstance(original, requests.Timeout):
        return SourceError("timeout", f"Reddit did not answer within {timeout:g} s: will retry")
    if isinstance(original, requests.ConnectionError):
        return SourceError("network", "could not connect to Reddit: check the network connection; will retry")
    return SourceError("network", f"request to Reddit failed ({type(original).__name__}): will retry")


def _remove_hint(setting: str | None) -> str:
    return f": remove it from {setting}" if setting else ""


def _response_error(exc: prawcore.ResponseException, *, target: str, setting: str | None) -> SourceError:
    status = exc.response.status_code
    if status == 401 or isinstance(exc, prawcore.InvalidToken):
        return SourceError("auth", f"Reddit rejected the credentials: {CREDENTIALS_HINT}")
    if isinstance(exc, prawcore.InsufficientScope):
        return SourceError("auth", "the Reddit app's token lacks the permission (scope) this needs: "
                                   "use a script app or a refresh token with read/submit scope")
    if status == 403:
        return _forbidden(target, setting, _reason(exc.response))
    if status == 404:
        return SourceError("not_found", f"{target} was not found or is banned (404)" + _remove_hint(setting))
    if status == 429:
        retry_after = parse_retry_after(exc.response.headers.get("retry-after")) or DEFAULT_RETRY_AFTER
        return SourceError("rate_limited", f"Reddit is rate-limiting requests (429): will retry in {retry_after:g} s",
                           retry_after=retry_after)
    if status >= 500:
        return SourceError("http", f"Reddit is having trouble ({status}): will retry")
    if isinstance(exc, prawcore.BadJSON):
        return SourceError("parse", f"Reddit answered {target} with something that is not JSON: will retry")
    return SourceError("http", f"Reddit answered {status} for {target}")


def _forbidden(target: str, setting: str | None, reason: str | None) -> SourceError:
    if reason == "quarantined":
        return SourceError("forbidden", f"{target} is quarantined (403)" + _remove_hint(setting))
    if target.startswith("r/") and setting:
        return SourceError("forbidden", f"{target} is private (403): remove it from {setting} or get access")
    return SourceError("forbidden", f"Reddit refused access to {target} (403): check the app's permissions")


def _reason(response: requests.Response) -> str | None:
    """Reddit explains 403/404 in a JSON body such as {"reason": "private"}."""
    try:
        body = json.loads(response.text or "{}")
    except ValueError:
        return None
    return body.get("reason") if isinstance(body, dict) else None


def _api_error(exc: praw.exceptions.RedditAPIException, target: str) -> SourceError:
    """Errors Reddit reports inside a 200 answer (posting: RATELIMIT, THREAD_LOCKED, DELETED_COMMENT...)."""
    first = exc.items[0] if exc.items else None
    code = first.error_type if first else "UNKNOWN"
    detail = first.message if first else str(exc)
    if code == "RATELIMIT":
        return SourceError("rate_limited", f"Reddit asks to wait before posting again: {detail}")
    if code in ("THREAD_LOCKED", "DELETED_COMMENT", "DELETED_LINK", "TOO_OLD"):
        return SourceError("forbidden", f"Reddit does not accept replies to {target} ({code}): {detail}")
    return SourceError("http", f"Reddit refused the request for {target} ({code}): {detail}")
