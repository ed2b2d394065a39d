"""Post a staff-approved owner reply to a Google review, exactly once: lint gate, read the review's reply first,
then PUT, then the audit and the mention marked replied."""
from __future__ import annotations

from typing import Any

from collectors.api_client import ApiClient, shared_api_client, status_error
from collectors.base import SourceError
from collectors.google_auth import SCOPE, authorised_get, google_credentials, shared_token
from collectors.google_reviews import GoogleReviewsSource
from core.config import Config
from publishing.approval import approve, may_have_arrived, publish_once
from storage.store import Store

MAX_REPLY_CHARS = 4000  # Google refuses owner replies over 4,096 bytes; this keeps room for multi-byte letters


def post_google_reply(config: Config, mention_id: int, text: str, *, store: Store, actor: str,
                      role: str | None = None, override_reason: str | None = None,
                      client: ApiClient | None = None) -> str:
    """Reply as the clinic to the review behind `mention_id`; returns the review's link.

    Exactly once: the review is read first, and when it already carries this reply (a double click, or a retry
    after a timeout whose PUT did arrive) nothing is sent again. A different owner reply already there is left
    alone (it was written on Google): staff edit it there.
    """
    approved = approve(config, store, mention_id, text, model=GoogleReviewsSource, platform="Google",
                       max_chars=MAX_REPLY_CHARS, actor=actor, role=role, override_reason=override_reason)
    source, extra = approved.source, approved.mention.get("extra") or {}
    review_name = str(extra.get("review_name") or "")
    if not review_name.startswith("accounts/"):
        raise SourceError("config", f"mention {mention_id} is not a Google review (no review name)")
    client = client or shared_api_client(config.http)
    link = approved.mention.get("url") or ""

    def post() -> tuple[str, bool]:
        return link, _post_once(source, client, review_name, approved.body)

    return publish_once(store, approved, actor=actor, platform="Google", target=review_name, post=post,
                        detail={"source": source.name, "review": review_name, "chars": len(approved.body)})


def _post_once(source: GoogleReviewsSource, client: ApiClient, review_name: str, body: str) -> bool:
    """PUT the reply unless the review already has it; True when it was sent now."""
    api = str(source.api_url).rstrip("/")
    token = shared_token(client, str(source.token_url), google_credentials())
    response = authorised_get(client, token, f"{api}/v4/{review_name}")
    if response.status != 200:
        raise _error(response)
    review = response.json()
    existing = str(((review or {}).get("reviewReply") or {}).get("comment") or "").strip()
    if existing == body:
        return False
    if existing:
        raise SourceError("config", "this review already has a different owner reply (written on Google); edit it "
                                    "in Google Business Profile, or delete it there before posting from ClinicWatch")
    url = f"{api}/v4/{review_name}/reply"
    try:
        response = client.request("PUT", url, headers={"Authorization": f"Bearer {token.value()}"},
                                  json_body={"comment": body})
    except SourceError as exc:
        raise may_have_arrived(exc, "reads the review first") from None
    if response.status == 401:
        token.invalidate()
        response = client.request("PUT", url, headers={"Authorization": f"Bearer {token.value()}"},
                                  json_body={"comment": body})
    if response.status != 200:
        raise _error(response)
    return True


def _error(response: Any) -> SourceError:
    return status_error(response, "the Business Profile API",
                        auth_hint=f"re-authorise with the scope {SCOPE}",
                        forbidden_hint="the account behind GOOGLE_REFRESH_TOKEN may not reply for this location")
