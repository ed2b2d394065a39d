"""Post a staff-approved reply to a Reddit submission or comment, exactly once (off unless the source allows it):
lint gate, look among the account's newest comments for the same reply first, then post, audit, mark replied."""
from __future__ import annotations

import re

import praw

from collectors.base import SourceError
from collectors.reddit_client import RedditSource, build_reddit, find_credentials, request_timeout
from collectors.reddit_errors import reddit_errors
from collectors.reddit_items import absolute
from core.config import Config
from publishing.approval import approve, may_have_arrived, publish_once
from storage.store import Store

FULLNAME = re.compile(r"^(t1|t3)_([a-z0-9]+)$")
MAX_REPLY_CHARS = 10_000  # Reddit's limit for a comment
# How far back the look-first check reads the account's own comments: a retry comes minutes after the first try.
OWN_COMMENTS_CHECKED = 100


def post_reddit_reply(config: Config, mention_id: int, text: str, *, store: Store, actor: str,
                      role: str | None = None, override_reason: str | None = None) -> str:
    """Reply as the account of REDDIT_REFRESH_TOKEN to the post or comment behind `mention_id`; returns the link.

    Exactly once: the account's newest comments are read first, and when one already answers this parent with
    this text (a double click, or a retry after a timeout whose post did arrive) nothing is sent again.
    """
    approved = approve(config, store, mention_id, text, model=RedditSource, platform="Reddit",
                       max_chars=MAX_REPLY_CHARS, actor=actor, role=role, override_reason=override_reason)
    source: RedditSource = approved.source
    fullname = str(approved.mention.get("external_id") or "").strip()
    match = FULLNAME.match(fullname)
    if not match:
        raise SourceError("config", f"mention {mention_id} is not a Reddit post or comment ({fullname!r} is not "
                                    "t3_… or t1_…)")
    credentials = find_credentials(source, with_refresh_token=True)
    if credentials is None or not credentials.refresh_token:
        raise SourceError("auth", "posting needs a Reddit app and a user's refresh token: set REDDIT_CLIENT_ID, "
                                  "REDDIT_CLIENT_SECRET and REDDIT_REFRESH_TOKEN")

    def post() -> tuple[str, bool]:
        with build_reddit(source, config, credentials) as reddit:
            existing = _already_posted(reddit, config, fullname, approved.body)
            if existing:
                return existing, False
            return _submit(reddit, config, match.group(1), match.group(2), approved.body), True

    return publish_once(store, approved, actor=actor, platform="Reddit", target=fullname, post=post,
                        detail={"source": source.name, "parent": fullname, "chars": len(approved.body)})


def _already_posted(reddit: praw.Reddit, config: Config, parent: str, body: str) -> str:
    """The link of the account's comment answering `parent` with `body`, or "" when there is none."""
    with reddit_errors("the account's own comments (checked before posting)", timeout=request_timeout(config)):
        account = reddit.user.me()
        if account is None:
            raise SourceError("auth", "Reddit did not say which account REDDIT_REFRESH_TOKEN belongs to: the token "
                                      "needs the identity and history scopes besides submit")
        for comment in account.comments.new(limit=OWN_COMMENTS_CHECKED):
            fields = vars(comment)
            if fields.get("parent_id") == parent and str(fields.get("body") or "").strip() == body:
                return _permalink(comment, parent)
    return ""


def _submit(reddit: praw.Reddit, config: Config, kind: str, thing_id: str, body: str) -> str:
    target = f"{'comment' if kind == 't1' else 'post'} {kind}_{thing_id}"
    parent = reddit.comment(thing_id) if kind == "t1" else reddit.submission(thing_id)
    try:
        with reddit_errors(target, timeout=request_timeout(config)):
            reply = parent.reply(body)
    except SourceError as exc:
        raise may_have_arrived(exc, "reads the account's comments first") from None
    if reply is None:
        raise SourceError("http", f"Reddit accepted the reply to {target} but did not return it: check the account's "
                                  "comments before posting again")
    return _permalink(reply, f"{kind}_{thing_id}")


def _permalink(comment: praw.models.Comment | praw.models.Message, parent: str) -> str:
    fields = vars(comment)
    if fields.get("permalink"):
        return absolute(fields["permalink"])
    post_id = str(fields.get("link_id") or (parent if parent.startswith("t3_") else "")).removeprefix("t3_")
    return absolute(f"/comments/{post_id}/_/{comment.id}/")
