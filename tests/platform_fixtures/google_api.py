"""A loopback Google: the OAuth token endpoint and the Business Profile API's v4 reviews, shaped as Google documents
them (accounts.locations.reviews list/get/updateReply)."""
from __future__ import annotations

import json
import threading
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.loopback import Request, Response
from tests.platform_fixtures import load_json

REVIEWS_PATH = "/v4/accounts/1122334455/locations/987654321/reviews"
SECRETS = {"GOOGLE_CLIENT_ID": "cid-123.apps.googleusercontent.com", "GOOGLE_CLIENT_SECRET": "s3cr3t-value",
           "GOOGLE_REFRESH_TOKEN": "1//refresh-token-value"}


class FakeGoogle:
    """Pages the reviews by pageSize/pageToken as the v4 API does; tokens "tok-1", "tok-2", ... in turn."""

    def __init__(self, loopback) -> None:
        self.reviews: list[dict[str, Any]] = (load_json("google_reviews_p1.json")["reviews"]
                                              + load_json("google_reviews_p2.json")["reviews"])
        self.issued = 0
        self.valid: set[str] = set()
        self.rejected: set[str] = set()
        self.fail_with: Response | None = None
        self.reply_delay = 0.0  # seconds the reply PUT takes to answer (after the reply is recorded)
        self.puts: list[Request] = []
        self._lock = threading.Lock()
        loopback.routes["/token"] = self.token
        loopback.routes[REVIEWS_PATH] = self.list_reviews
        loopback.fallback = self.one_review

    def _authorised(self, request: Request) -> bool:
        return request.headers.get("authorization", "").removeprefix("Bearer ") in self.valid

    def one_review(self, request: Request) -> Response:
        """GET .../reviews/{id} (reviews.get) and PUT .../reviews/{id}/reply (reviews.updateReply)."""
        path = urlsplit(request.path).path
        if not path.startswith(REVIEWS_PATH + "/"):
            return Response(404, b'{"error": {"code": 404, "message": "Not found"}}')
        if not self._authorised(request):
            return Response(401, b'{"error": {"code": 401, "message": "Request had invalid credentials."}}')
        review_id, _, reply = path.removeprefix(REVIEWS_PATH + "/").partition("/")
        review = next((r for r in self.reviews if r["reviewId"] == review_id), None)
        if review is None:
            return Response(404, b'{"error": {"code": 404, "message": "Requested entity was not found."}}')
        if request.method == "GET" and not reply:
            return Response(200, json.dumps(review).encode(), {"Content-Type": "application/json"})
        if request.method == "PUT" and reply == "reply":
            with self._lock:
                self.puts.append(request)
                comment = json.loads(request.body)["comment"]
                review["reviewReply"] = {"comment": comment, "updateTime": "2025-11-15T12:30:00Z"}
            return Response(200, json.dumps(review["reviewReply"]).encode(), {"Content-Type": "application/json"},
                            delay=self.reply_delay)
        return Response(405, b'{"error": {"code": 405, "message": "Method not allowed"}}')

    def token(self, request: Request) -> Response:
        form = parse_qs(request.body.decode())
        if form.get("refresh_token") != [SECRETS["GOOGLE_REFRESH_TOKEN"]]:
            return Response(400, b'{"error": "invalid_grant", "error_description": "Bad Request"}')
        self.issued += 1
        token = f"tok-{self.issued}"
        self.valid = {token} - self.rejected
        return Response(200, json.dumps({"access_token": token, "expires_in": 3599, "token_type": "Bearer",
                                         "scope": "https://www.googleapis.com/auth/business.manage"}).encode(),
                        {"Content-Type": "application/json"})

    def list_reviews(self, request: Request) -> Response:
        if self.fail_with is not None:
            return self.fail_with
        if not self._authorised(request):
            refusal = {"error": {"code": 401, "message": "Request had invalid authentication credentials.",
                                 "status": "UNAUTHENTICATED"}}
            return Response(401, json.dumps(refusal).encode(), {"Content-Type": "application/json"})
        query = {k: v[0] for k, v in parse_qs(urlsplit(request.path).query).items()}
        size, start = int(query.get("pageSize", 50)), int(query.get("pageToken", "0"))
        ordered = sorted(self.reviews, key=lambda r: r["updateTime"], reverse=True)
        body: dict[str, Any] = {"reviews": ordered[start:start + size], "totalReviewCount": len(ordered)}
        if start + size < len(ordered):
            body["nextPageToken"] = str(start + size)
        return Response(200, json.dumps(body).encode(), {"Content-Type": "application/json"})
