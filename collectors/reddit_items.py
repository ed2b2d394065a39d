"""Normalise PRAW submissions and comments to Mentions, reading only the listing data (no lazy fetches)."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from praw.models import Comment, Submission

from collectors.reddit_client import REDDIT_WEB
from core.models import Mention

DELETED_AUTHOR = "[deleted]"


def data(thing: Any, name: str, default: Any = None) -> Any:
    """An attribute from the listing data; plain getattr would make PRAW fetch the object when it is missing."""
    return vars(thing).get(name, default)


def created_utc(thing: Any) -> float:
    return float(data(thing, "created_utc", 0.0) or 0.0)


def fullname(thing: Any) -> str:
    return thing.fullname  # built from the kind and the id, both already in the listing data


def to_mention(thing: Any, source_name: str, language: str | None = None) -> Mention | None:
    """One Mention for a submission (title + self text) or a comment (body, with its post's title as context);
    None for anything else a listing may hold (a subreddit, a user), which the caller counts as dropped."""
    if isinstance(thing, Comment):
        return _comment_mention(thing, source_name, language)
    if isinstance(thing, Submission):
        return _submission_mention(thing, source_name, language)
    return None


def _submission_mention(submission: Submission, source_name: str, language: str | None) -> Mention:
    return Mention(
        source_kind="reddit",
        source_name=source_name,
        external_id=fullname(submission),
        url=absolute(data(submission, "permalink", "")),
        title=data(submission, "title", "") or "",
        text=data(submission, "selftext", "") or "",
        author=author_name(submission),
        published_at=_published(submission),
        language=language,
        score=_int_or_none(data(submission, "score")),
        comment_count=_int_or_none(data(submission, "num_comments")),
        extra={"subreddit": subreddit_name(submission), "type": "submission"},
    )


def _comment_mention(comment: Comment, source_name: str, language: str | None) -> Mention:
    thread_url = post_url(comment)
    return Mention(
        source_kind="reddit",
        source_name=source_name,
        external_id=fullname(comment),
        url=comment_url(comment, thread_url),
        title="",
        text=data(comment, "body", "") or "",
        author=author_name(comment),
        published_at=_published(comment),
        language=language,
        score=_int_or_none(data(comment, "score")),
        # listing data names the post's title link_title, so the context costs no extra request per comment
        thread_title=data(comment, "link_title", "") or "",
        thread_url=thread_url,
        extra={"subreddit": subreddit_name(comment), "type": "comment"},
    )


def post_url(comment: Comment) -> str:
    """The comment's post: link_permalink when the listing has it, else built from the post id (any slug works)."""
    link_permalink = data(comment, "link_permalink")
    if link_permalink:
        return absolute(link_permalink)
    post_id = str(data(comment, "link_id", "")).removeprefix("t3_")
    subreddit = subreddit_name(comment)
    prefix = f"/r/{subreddit}" if subreddit else ""
    return absolute(f"{prefix}/comments/{post_id}/") if post_id else ""


def comment_url(comment: Comment, thread_url: str) -> str:
    """Newer listings carry the comment's permalink; older ones only give the post, to which the id is appended."""
    permalink = data(comment, "permalink")
    if permalink:
        return absolute(permalink)
    base = thread_url.rstrip("/")
    has_slug = "/comments/" in base and "/" in base.split("/comments/", 1)[1]
    # the path is /r/<sub>/comments/<post>/<slug>/<comment>/, and Reddit takes "_" for a missing slug
    return f"{base}/{comment.id}/" if has_slug else f"{base}/_/{comment.id}/"


def absolute(permalink: str) -> str:
    """Reddit gives permalinks as paths ("/r/x/comments/…") or, in older data, as full URLs."""
    if not permalink or permalink.startswith(("http://", "https://")):
        return permalink
    return REDDIT_WEB + "/" + permalink.lstrip("/")


def author_name(thing: Any) -> str:
    author = data(thing, "author")  # PRAW turns "[deleted]" into None and names into Redditor objects
    if author is None:
        return DELETED_AUTHOR
    return getattr(author, "name", None) or str(author)


def subreddit_name(thing: Any) -> str:
    subreddit = data(thing, "subreddit")
    return str(getattr(subreddit, "display_name", subreddit) or "")


def _published(thing: Any) -> datetime | None:
    stamp = created_utc(thing)
    return datetime.fromtimestamp(stamp, tz=UTC) if stamp else None


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
