"""The Inbox's bulk actions: dismiss several mentions of the page with one reason, or assign them at once."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from core.display import visible_controls
from core.i18n import t
from storage import workflow
from ui.components import Context

PICK_KEY = "bulk_pick"


def render(ctx: Context, rows: list[dict[str, Any]], assignees: list[str]) -> None:
    """Pick mentions of this page, then dismiss them with one reason or give them to one person."""
    if not rows:
        return
    lang = ctx.lang
    titles = {row["id"]: _title(row) for row in rows}
    with st.expander(t("bulk_actions", lang)):
        if st.button(t("bulk_all", lang), key="bulk_all"):
            st.session_state[PICK_KEY] = list(titles)
        kept = [i for i in st.session_state.get(PICK_KEY, []) if i in titles]  # a page change drops the others
        st.session_state[PICK_KEY] = kept
        chosen: list[int] = st.multiselect(t("bulk_pick", lang), list(titles), format_func=titles.__getitem__,
                                           key=PICK_KEY, placeholder=t("f_choose", lang))
        reason = st.text_input(t("dismiss_reason", lang), key="bulk_reason")
        if st.button(t("bulk_dismiss", lang), key="bulk_dismiss"):
            _apply(ctx, chosen, lambda mention_id: workflow.dismiss(ctx.store, mention_id, ctx.user.username, reason))
        who = st.selectbox(t("assign_to", lang), ["", *assignees], key="bulk_assignee",
                           format_func=lambda v: v or t("f_unassigned", lang))
        if st.button(t("bulk_assign", lang), key="bulk_assign"):
            _apply(ctx, chosen, lambda mention_id: workflow.assign(ctx.store, mention_id, who or None,
                                                                   ctx.user.username))


def _title(row: dict[str, Any]) -> str:
    words = (row.get("title") or row.get("text") or "").strip().replace("\n", " ")
    return f"{visible_controls(words[:70])} · {row['source_name']}"


def _apply(ctx: Context, chosen: list[int], action: Callable[[int], None]) -> None:
    """Run `action` on each chosen mention; every one that cannot change is counted and its reason shown."""
    lang = ctx.lang
    if not chosen:
        st.error(t("bulk_none", lang))
        return
    errors: list[str] = []
    for mention_id in chosen:
        try:
            action(mention_id)
        except workflow.WorkflowError as exc:
            errors.append(str(exc))
    changed = len(chosen) - len(errors)
    if errors:
        st.error(t("bulk_failed", lang, count=len(errors), error="; ".join(sorted(set(errors)))))
        if not changed:
            return
    st.session_state.pop(PICK_KEY, None)
    st.session_state["flash"] = t("bulk_done", lang, count=changed)
    st.rerun()
