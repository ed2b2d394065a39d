"""Post a staff-approved reply to a Reddit submission or comment (off unless the source allows it), with an audit."""
from __future__ import annotations

import re
from typing import Any

from collectors.base import SourceError
from collectors.reddit_client import RedditSource, build_reddit, find_credentials, request_timeout
from collectors.reddit_errors import reddit_errors
from collectors.reddit_items import absolute
from core.config import Config
from publishing.approval import posting_source
from replies import gate
from storage.store import Store

FULLNAME = re.compile(r"^(t1|t3)_([a-z0-9]+)$")
MAX_REPLY_CHARS = 10_000  # Reddit's limit for a comment


def post_reply(
    config: Config,
    source_name: str,
    thing_fullname: str,
    text: str,
    *,
    store: Store,
    actor: str,
    mention_id: int | None = None,
    language: str = "en",
    mention_text: str = "",
    role: str | None = None,
    override_reason: str | None = None,
) -> str:
    """Reply as the account of REDDIT_REFRESH_TOKEN; returns the reply's permalink and records the audit event.

    The reply goes through the linter gate first (raises replies.gate.GateRefused before any request); an
    admin's override is recorded as a "lint_override" event with its reason and findings.
    """
    source = posting_source(config, source_name, RedditSource, "Reddit")
    match = FULLNAME.match(thing_fullname.strip())
    if not match:
        raise SourceError("config", f"{thing_fullname!r} is not a Reddit post or comment id (t3_… or t1_…)")
    body = text.strip()
    if not body or len(body) > MAX_REPLY_CHARS:
        raise SourceError("config", f"a reply must have 1 to {MAX_REPLY_CHARS:,} characters")
    verdict = gate.require(body, language, mention_text=mention_text, config=config, role=role,
                           override_reason=override_reason)
    credentials = find_credentials(source, with_refresh_token=True)
    if credentials is None or not credentials.refresh_token:
        raise SourceError("auth", "posting needs a Reddit app and a user's refresh token: set REDDIT_CLIENT_ID, "
                                  "REDDIT_CLIENT_SECRET and REDDIT_REFRESH_TOKEN")
    if mention_id is None:
        mention_id = store.mention_id(source_name, thing_fullname)
    detail: dict[str, Any] = {"source": source_name, "parent": thing_fullname, "chars": len(body)}
    if verdict.overridden:
        store.add_event(mention_id, actor, "lint_override", gate.override_detail(verdict) | {"via": "reddit"})
    try:
        permalink = _submit(source, config, credentials, match.group(1), match.group(2), body)
    except SourceError as exc:
        store.add_event(mention_id, actor, "reddit_reply_failed", detail | {"error": exc.message})
        raise
    store.add_event(mention_id, actor, "reddit_reply_posted", detail | {"permalink": permalink})
    return permalink


def _submit(source: RedditSource, config: Config, credentials: Any, kind: str, thing_id: str, body: str) -> str:
    target = f"{'comment' if kind == 't1' else 'post'} {kind}_{thing_id}"
    with build_reddit(source, config, credentials) as reddit:
        parent = reddit.comment(thing_id) if kind == "t1" else reddit.submission(thing_id)
        with reddit_errors(target, timeout=request_timeout(config)):
            reply = parent.reply(body)
    if reply is None:
        raise SourceError("http", f"Reddit accepted the reply to {target} but did not return it: check the account's "
                                  "comments before posting again")
    permalink = vars(reply).get("permalink")
    if permalink:
        return absolute(permalink)
    post_id = str(vars(reply).get("link_id", f"t3_{thing_id}")).removeprefix("t3_")
    return absolute(f"/comments/{post_id}/_/{reply.id}/")
