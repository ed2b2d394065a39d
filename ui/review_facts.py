"""A review's own facts beside it in the Inbox: its stars and the owner's reply already written on the platform."""
from __future__ import annotations

from typing import Any

import streamlit as st

from core.i18n import t
from ui.components import Context

REVIEW_KINDS = ("google_reviews", "docplanner", "facebook")


def stars(rating: float) -> str:
    """4 -> "★★★★☆ 4/5"; half stars round to the nearest whole one for the symbols."""
    whole = max(0, min(5, round(rating)))
    return "★" * whole + "☆" * (5 - whole) + f" {rating:g}/5"


def render_review_facts(ctx: Context, row: dict[str, Any]) -> None:
    """A review's stars and the owner's existing reply (Google, Docplanner, Facebook), when it has them."""
    if row.get("source_kind") not in REVIEW_KINDS:
        return
    extra = (ctx.store.mention(row["id"]) or {}).get("extra") or {}
    rating = extra.get("rating")
    if isinstance(rating, (int, float)) and not isinstance(rating, bool) and 1 <= rating <= 5:
        st.text(stars(float(rating)))
    reply = (extra.get("owner_reply") or {}).get("comment")
    if reply:
        st.caption(f"{t('owner_reply', ctx.lang)}: {reply}")
