"""The Inbox's "Post this reply to Google / Facebook" button: refuse what the linter flagged, then publish through
publishing/ (which checks again, posts exactly once, records the audit and marks the mention replied)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from collectors.base import SourceError
from collectors.facebook import FacebookSource
from collectors.google_reviews import GoogleReviewsSource
from core.i18n import t, tn
from publishing.facebook_reply import post_facebook_reply
from publishing.google_reply import post_google_reply
from replies import gate
from ui.components import Context
from ui.reddit_reply import POSTING_ROLES

# Source kind -> (the platform's name, its publisher, its config model).
PUBLISHERS: dict[str, tuple[str, Callable[..., str], type]] = {
    "google_reviews": ("Google", post_google_reply, GoogleReviewsSource),
    "facebook": ("Facebook", post_facebook_reply, FacebookSource),
}


def stars(rating: float) -> str:
    """4 -> "★★★★☆ 4/5"; half stars round to the nearest whole one for the symbols."""
    whole = max(0, min(5, round(rating)))
    return "★" * whole + "☆" * (5 - whole) + f" {rating:g}/5"


def render_review_facts(ctx: Context, row: dict[str, Any]) -> None:
    """A review's stars and the owner's existing reply (Google, Docplanner, Facebook), when it has them."""
    if row.get("source_kind") not in ("google_reviews", "docplanner", "facebook"):
        return
    extra = (ctx.store.mention(row["id"]) or {}).get("extra") or {}
    rating = extra.get("rating")
    if isinstance(rating, (int, float)) and not isinstance(rating, bool) and 1 <= rating <= 5:
        st.text(stars(float(rating)))
    reply = (extra.get("owner_reply") or {}).get("comment")
    if reply:
        st.caption(f"{t('owner_reply', ctx.lang)}: {reply}")


def posting_enabled(ctx: Context, row: dict[str, Any]) -> bool:
    """True for a Google review or a Facebook comment whose source allows posting, shown to staff or admins."""
    publisher = PUBLISHERS.get(row.get("source_kind") or "")
    if publisher is None or ctx.user.role not in POSTING_ROLES:
        return False
    try:
        source = ctx.config.source(row["source_name"])
    except KeyError:
        return False
    if not isinstance(source, publisher[2]) or not getattr(source, "allow_posting", False):
        return False
    if row["source_kind"] == "facebook":  # a recommendation cannot be answered through the API, a comment can
        stored = ctx.store.mention(row["id"]) or {}
        return bool((stored.get("extra") or {}).get("comment_id"))
    return True


def render_review_post_button(ctx: Context, row: dict[str, Any], text: str, verdict: gate.Verdict | None) -> None:
    """Show the button; on click post `text` only if the gate allows it (findings are shown above)."""
    if not posting_enabled(ctx, row):
        return
    lang = ctx.lang
    platform, publish, _model = PUBLISHERS[row["source_kind"]]
    if not st.button(t("post_to_platform", lang, platform=platform), key=f"post_review_{row['id']}"):
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
    st.session_state["flash"] = t("posted_to_platform", lang, platform=platform, url=link)
    st.rerun()
