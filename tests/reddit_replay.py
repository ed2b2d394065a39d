"""A loopback server that replays recorded Reddit traffic (PRAW's betamax cassettes) to the real PRAW client.

Requests are matched on method, path (trailing slash ignored) and the query parameters that choose the data
(q, restrict_sr, before, after); several recordings of the same request are served in recorded order, the
last one repeating. Tests may queue failures (`fail_next`) in front of the recordings.
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from collectors.registry import parse_config
from tests.loopback import LoopbackServer, Request, Response

MATCHED_PARAMS = ("q", "restrict_sr", "before", "after")
TOKEN_PATH = "/api/v1/access_token"
KEPT_HEADERS = ("content-type", "retry-after", "www-authenticate", "location")


@dataclass
class Recorded:
    method: str
    key: tuple
    status: int
    headers: dict[str, str]
    body: str
    uri: str

    def json(self) -> Any:
        return json.loads(self.body)


def load_cassette(path: Path) -> list[Recorded]:
    raw = json.loads(path.read_text(encoding="utf-8"))
    recorded = []
    for interaction in raw["interactions"]:
        request, response = interaction["request"], interaction["response"]
        headers = {k.lower(): v[0] for k, v in response["headers"].items() if k.lower() in KEPT_HEADERS}
        recorded.append(
            Recorded(
                method=request["method"].upper(),
                key=request_key(request["method"], request["uri"]),
                status=response["status"]["code"],
                headers=headers,
                body=response["body"].get("string", ""),
                uri=request["uri"],
            )
        )
    return recorded


def request_key(method: str, url: str) -> tuple:
    parts = urlsplit(url)
    params = dict(parse_qsl(parts.query, keep_blank_values=True))
    chosen = tuple((name, params[name]) for name in MATCHED_PARAMS if name in params)
    return (method.upper(), parts.path.rstrip("/") or "/", chosen)


def listing_children(recorded: Recorded) -> list[dict[str, Any]]:
    """The things of a recorded Listing answer, as Reddit sent them (the test's expected values)."""
    return [child["data"] | {"kind": child["kind"]} for child in recorded.json()["data"]["children"]]


class RedditReplay:
    """Use as a context manager; `base_url` goes into RedditSource.oauth_url and reddit_url."""

    def __init__(self, *cassettes: Path) -> None:
        self.recordings: dict[tuple, list[Recorded]] = defaultdict(list)
        self.in_order: list[Recorded] = []
        for cassette in cassettes:
            for recorded in load_cassette(cassette):
                self.recordings[recorded.key].append(recorded)
                self.in_order.append(recorded)
        self.served: dict[tuple, int] = defaultdict(int)
        self.unmatched: list[str] = []
        self.failures: list[tuple[str, Response]] = []
        self.server = LoopbackServer()
        self.server.fallback = self._answer

    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def requests(self) -> list[Request]:
        return self.server.requests

    def api_requests(self) -> list[Request]:
        return [r for r in self.requests if urlsplit(r.path).path != TOKEN_PATH]

    def recorded(self, method: str, uri_part: str) -> list[Recorded]:
        """Recordings whose original URI contains `uri_part`, in recorded order."""
        return [r for r in self.in_order if r.method == method and uri_part in r.uri]

    def add_empty_listing(self, path: str) -> None:
        """Answer GET `path` with an empty Listing (a subreddit with nothing new that no cassette recorded)."""
        body = json.dumps({"kind": "Listing", "data": {"children": [], "after": None, "before": None}})
        key = request_key("GET", path)
        self.recordings[key].append(Recorded("GET", key, 200, {"content-type": "application/json"}, body, path))

    def fail_next(self, path_contains: str, status: int, body: Any = None, headers: dict[str, str] | None = None,
                  times: int = 1, delay: float = 0.0) -> None:
        """Answer the next `times` requests whose path contains `path_contains` with this status instead."""
        payload = json.dumps(body if body is not None else {"message": "error", "error": status}).encode()
        response = Response(status, payload, {"Content-Type": "application/json; charset=UTF-8", **(headers or {})},
                            delay=delay)
        self.failures.extend([(path_contains, response)] * times)

    def _answer(self, request: Request) -> Response:
        response = self._choose(request)
        if request.headers.get("connection", "").lower() == "close":
            # http.server closes such a connection without saying so; Reddit says so, and the client's pool relies on it
            response.headers = {**response.headers, "Connection": "close"}
        return response

    def _choose(self, request: Request) -> Response:
        for index, (fragment, response) in enumerate(self.failures):
            if fragment in request.path:
                del self.failures[index]
                return response
        key = request_key(request.method, request.path)
        group = self.recordings.get(key)
        if not group:
            self.unmatched.append(f"{request.method} {request.path}")
            body = json.dumps({"message": "Not Found", "error": 404, "replay": "no recording"}).encode()
            return Response(404, body, {"Content-Type": "application/json"})
        recorded = group[min(self.served[key], len(group) - 1)]
        self.served[key] += 1
        return Response(recorded.status, recorded.body.encode("utf-8"), dict(recorded.headers))

    def __enter__(self) -> RedditReplay:
        self.server.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.__exit__(*exc)


def reddit_config(base_url: str, *, timeout: float = 5, **source: Any):
    """A validated Config with one Reddit source "reddit-test" pointed at the replay server."""
    reddit = {"kind": "reddit", "name": "reddit-test", "oauth_url": base_url, "reddit_url": base_url, **source}
    return parse_config({
        "clinic_name": "Test Clinic",
        "brand": {"names": ["Kakapo Clinic"]},
        "http": {"allow_private_addresses": True, "timeout_seconds": timeout, "retries": 0},
        "sources": [reddit],
    })
