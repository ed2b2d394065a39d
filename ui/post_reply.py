"""The Inbox's "Post this reply to Reddit / Google / Facebook" button: refuse what the linter flagged, then publish
through publishing/ (which checks again, posts exactly once, records the audit and marks the mention replied)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import streamlit as st

from collectors.base import SourceError
from collectors.facebook import FacebookSource
from collectors.google_reviews import GoogleReviewsSource
from collectors.reddit_client import RedditSource
from core.config import SourceBase
from core.i18n import t, tn
from publishing.facebook_reply import post_facebook_reply
from publishing.google_reply import post_google_reply
from publishing.reddit import post_reddit_reply
from replies import gate
from storage import workflow
from ui.components import Context

POSTING_ROLES: tuple[str, ...] = ("staff", "admin")  # managers read the Inbox; they do not answer patients


class Publisher(NamedTuple):
    platform: str
    publish: Callable[..., str]
    model: type[SourceBase]


PUBLISHERS: dict[str, Publisher] = {
    "reddit": Publisher("Reddit", post_reddit_reply, RedditSource),
    "google_reviews": Publisher("Google", post_google_reply, GoogleReviewsSource),
    "facebook": Publisher("Facebook", post_facebook_reply, FacebookSource),
}


def posting_enabled(ctx: Context, row: dict[str, Any]) -> bool:
    """True when the mention's source can publish, its config allows posting and the user may answer patients."""
    publisher = PUBLISHERS.get(row.get("source_kind") or "")
    if publisher is None or ctx.user.role not in POSTING_ROLES:
        return False
    try:
        source = ctx.config.source(row["source_name"])
    except KeyError:
        return False
    if not isinstance(source, publisher.model) or not getattr(source, "allow_posting", False):
        return False
    if row["source_kind"] == "facebook":  # a recommendation cannot be answered through the API, a comment can
        stored = ctx.store.mention(row["id"]) or {}
        return bool((stored.get("extra") or {}).get("comment_id"))
    return True


def render_post_button(ctx: Context, row: dict[str, Any], text: str, verdict: gate.Verdict | None) -> None:
    """Show the button; on click post `text` only if the gate allows it (findings are shown above)."""
    if not posting_enabled(ctx, row):
        return
    lang = ctx.lang
    platform, publish, _model = PUBLISHERS[row["source_kind"]]
    if not st.button(t("post_to_platform", lang, platform=platform), key=f"post_reply_{row['id']}"):
        return
    if not text.strip() or verdict is None:
        st.error(t("post_empty", lang))
        return
    if not verdict.allowed:
        st.error(tn("post_refused_lint", lang, len(verdict.findings)))
        return
    try:
        link = publish(ctx.config, row["id"], text, store=ctx.store, actor=ctx.user.username, role=ctx.user.role,
                       override_reason=verdict.override_reason or None)
    except gate.GateRefused as exc:  # the text changed between the check above and the post
        st.error(tn("post_refused_lint", lang, len(exc.verdict.findings)))
        return
    except SourceError as exc:
        st.error(t("post_failed_platform", lang, platform=platform, error=exc.message))
        return
    except workflow.WorkflowError as exc:
        st.error(t("posted_not_marked", lang, platform=platform, error=exc))
        return
    st.session_state["flash"] = t("posted_to_platform", lang, platform=platform, url=link)
    st.rerun()
