"""A loopback Graph API for one Page: ratings, published posts and comments with cursor paging (`paging.next`),
creating a comment reply, and Graph error bodies, as developers.facebook.com documents them."""
from __future__ import annotations

import json
import threading
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from tests.loopback import Request, Response
from tests.platform_fixtures import load_json

PAGE_ID = "104455667788990"
TOKEN = "EAAGpage-token-value"
JSON = {"Content-Type": "application/json; charset=UTF-8"}


class FakeGraph:
    def __init__(self, loopback, page_size: int = 2) -> None:
        self.loopback = loopback
        self.page_size = page_size
        self.ratings: list[dict[str, Any]] = load_json("facebook_ratings.json")["data"]
        self.posts: list[dict[str, Any]] = load_json("facebook_posts.json")["data"]
        self.comments: dict[str, list[dict[str, Any]]] = load_json("facebook_comments.json")
        self.fail_with: Response | None = None
        self.created: list[Request] = []
        self.reply_delay = 0.0
        self._lock = threading.Lock()
        self._next_id = 9100000000000000
        loopback.fallback = self.route

    def route(self, request: Request) -> Response:
        if self.fail_with is not None:
            return self.fail_with
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return self.error(400, 190, "Error validating access token: Session has expired.", "OAuthException")
        parts = urlsplit(request.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        path = parts.path.strip("/").split("/")
        if path == [PAGE_ID, "ratings"]:
            return self.paged(request, self.ratings, query)
        if path == [PAGE_ID, "published_posts"]:
            return self.paged(request, self.posts, query)
        if len(path) == 2 and path[1] == "comments":
            return self.on_comments(request, path[0], query)
        if len(path) == 1:
            item = next((c for items in self.comments.values() for c in items if c["id"] == path[0]), None)
            if item is not None:
                return Response(200, json.dumps({"id": item["id"], "permalink_url": item["permalink_url"]}).encode(),
                                JSON)
        return self.error(400, 100, "Unsupported get request.", "GraphMethodException")

    def on_comments(self, request: Request, parent: str, query: dict[str, str]) -> Response:
        if request.method == "POST":
            form = {k: v[0] for k, v in parse_qs(request.body.decode()).items()}
            with self._lock:
                self.created.append(request)
                self._next_id += 1
                reply_id = f"{parent.split('_')[0]}_{self._next_id}"
                post = next(p for p, items in self.comments.items() if any(c["id"] == parent for c in items))
                self.comments[post].insert(0, {
                    "id": reply_id, "message": form["message"], "created_time": "2025-11-15T12:30:00+0000",
                    "from": {"id": PAGE_ID, "name": "Salus Medica"}, "parent": {"id": parent},
                    "permalink_url": f"https://www.facebook.com/{PAGE_ID}/posts/1?comment_id={reply_id}"})
            return Response(200, json.dumps({"id": reply_id}).encode(), JSON, delay=self.reply_delay)
        if parent in self.comments:  # a post: all its comments, replies included (filter=stream)
            items = self.comments[parent]
        else:  # a comment: its direct replies
            items = [c for post in self.comments.values() for c in post
                     if (c.get("parent") or {}).get("id") == parent]
        return self.paged(request, items, query)

    def paged(self, request: Request, items: list[dict[str, Any]], query: dict[str, str]) -> Response:
        start = int(query.get("after", 0))
        size = min(int(query.get("limit", 25)), self.page_size)
        body: dict[str, Any] = {"data": items[start:start + size],
                                "paging": {"cursors": {"before": str(start), "after": str(start + size)}}}
        if start + size < len(items):
            body["paging"]["next"] = self.loopback.url(urlsplit(request.path).path + "?" + urlencode(
                {**query, "after": str(start + size)}))
        return Response(200, json.dumps(body).encode(), JSON)

    @staticmethod
    def error(status: int, code: int, message: str, kind: str, **headers: str) -> Response:
        body = {"error": {"message": message, "type": kind, "code": code, "fbtrace_id": "AbCdEfGh123"}}
        return Response(status, json.dumps(body).encode(), {**JSON, **headers})
