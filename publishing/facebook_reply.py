"""Reply to a Facebook comment as the Page, exactly once: lint gate, look for the Page's same reply first, then
POST, then the audit and the mention marked replied."""
from __future__ import annotations

from collectors.api_client import ApiClient, shared_api_client
from collectors.base import SourceError
from collectors.facebook import FacebookSource
from collectors.facebook_graph import graph_error, graph_get, graph_pages, page_token
from core.config import Config
from publishing.approval import approve, may_have_arrived, publish_once
from storage.store import Store

MAX_REPLY_CHARS = 8000


def post_facebook_reply(config: Config, mention_id: int, text: str, *, store: Store, actor: str,
                        role: str | None = None, override_reason: str | None = None,
                        client: ApiClient | None = None) -> str:
    """Reply to the comment behind `mention_id` as the Page; returns the reply's link.

    Exactly once: the comment's replies are read first, and when the Page already answered it with this text (a
    double click, or a retry after a timeout whose POST did arrive) nothing is sent again.
    """
    approved = approve(config, store, mention_id, text, model=FacebookSource, platform="Facebook",
                       max_chars=MAX_REPLY_CHARS, actor=actor, role=role, override_reason=override_reason)
    source = approved.source
    comment_id = str((approved.mention.get("extra") or {}).get("comment_id") or "")
    if not comment_id:
        raise SourceError("config", f"mention {mention_id} is not a Facebook comment (ratings cannot be answered "
                                    "through the API)")
    client = client or shared_api_client(config.http)
    token = page_token(source.token_env)
    graph = str(source.graph_url).rstrip("/")

    def post() -> tuple[str, bool]:
        return _post_once(client, graph, token, source.page_id, comment_id, approved.body)

    return publish_once(store, approved, actor=actor, platform="Facebook", target=comment_id, post=post,
                        detail={"source": source.name, "comment": comment_id, "chars": len(approved.body)})


def _post_once(client: ApiClient, graph: str, token: str, page_id: str, comment_id: str, body: str,
               ) -> tuple[str, bool]:
    """(the reply's link, True when it was posted now)."""
    replies = graph_pages(client, f"{graph}/{comment_id}/comments", token,
                          {"fields": "id,message,from{id},permalink_url", "filter": "stream", "limit": "100"}, 10)
    for page in replies:
        for reply in page:
            if str((reply.get("from") or {}).get("id") or "") == page_id and str(reply.get("message") or "").strip() \
                    == body:
                return str(reply.get("permalink_url") or ""), False
    try:
        response = client.request("POST", f"{graph}/{comment_id}/comments",
                                  headers={"Authorization": f"Bearer {token}"}, form={"message": body})
    except SourceError as exc:
        raise may_have_arrived(exc, "looks for it first") from None
    if response.status != 200:
        raise graph_error(response)
    created = response.json()
    reply_id = str(created.get("id") or "") if isinstance(created, dict) else ""
    if not reply_id:
        raise SourceError("http", "Facebook accepted the reply but did not return its id: check the comment before "
                                  "posting again")
    link = graph_get(client, f"{graph}/{reply_id}", token, {"fields": "permalink_url"}).get("permalink_url")
    return str(link or f"https://www.facebook.com/{reply_id}"), True
