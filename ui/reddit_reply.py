"""The Inbox's "Post this reply to Reddit" button: the linter gate, post through publishing.reddit, mark replied."""
from __future__ import annotations

from typing import Any

import streamlit as st

from collectors.base import SourceError
from collectors.reddit_client import RedditSource
from core.i18n import t, tn
from publishing.reddit import post_reply
from replies import gate
from storage import workflow
from ui.components import Context

POSTING_ROLES: tuple[str, ...] = ("staff", "admin")  # managers read the Inbox; they do not answer patients


def posting_enabled(ctx: Context, row: dict[str, Any]) -> bool:
    """True when this mention came from a Reddit source whose config allows posting and the user may act."""
    if row.get("source_kind") != "reddit" or ctx.user.role not in POSTING_ROLES:
        return False
    try:
        source = ctx.config.source(row["source_name"])
    except KeyError:
        return False
    return isinstance(source, RedditSource) and source.allow_posting


def render_post_button(ctx: Context, row: dict[str, Any], text: str, verdict: gate.Verdict | None) -> None:
    """Show the button; on click post `text` only if the gate allows it (findings are shown above)."""
    if not posting_enabled(ctx, row):
        return
    lang = ctx.lang
    if not st.button(t("post_to_reddit", lang), key=f"post_reddit_{row['id']}"):
        return
    if not text.strip() or verdict is None:
        st.error(t("post_empty", lang))
        return
    if not verdict.allowed:
        st.error(tn("post_refused_lint", lang, len(verdict.findings)))
        return
    _post(ctx, row, text, verdict)


def _post(ctx: Context, row: dict[str, Any], text: str, verdict: gate.Verdict) -> None:
    lang, actor = ctx.lang, ctx.user.username
    stored = ctx.store.mention(row["id"]) or {}  # the Inbox row leaves out external_id (the t1_/t3_ fullname)
    try:
        permalink = post_reply(ctx.config, row["source_name"], stored.get("external_id") or "", text,
                               store=ctx.store, actor=actor, mention_id=row["id"], language=row.get("language") or "en",
                               mention_text=f"{row.get('title') or ''}\n{row.get('text') or ''}", role=ctx.user.role,
                               override_reason=verdict.override_reason or None)
    except gate.GateRefused as exc:  # the text changed between the check above and the post
        st.error(tn("post_refused_lint", lang, len(exc.verdict.findings)))
        return
    except SourceError as exc:
        st.error(t("post_failed", lang, error=exc.message))
        return
    try:
        workflow.mark_replied(ctx.store, row["id"], actor, posted_url=permalink, text=text.strip(),
                              language=row.get("language"))
    except workflow.WorkflowError as exc:  # the reply is public already: say so, with its link
        st.error(t("posted_not_marked", lang, url=permalink, error=exc))
        return
    st.session_state["flash"] = t("posted_to_reddit", lang, url=permalink)
    st.rerun()
