"""The Inbox's view picker: My queue, Unassigned, Escalated, Waiting on the patient, Done today, with counts."""
from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from core.i18n import t
from storage import views
from storage.queries import MentionFilter
from ui.components import Context

FILTERS = ""  # the choice that leaves the sidebar's status and assignee filters in charge
VIEW_KEY = "inbox_view"


def pick(ctx: Context, flt: MentionFilter) -> tuple[MentionFilter, str]:
    """Render the views with their counts above the queue; the filter the chosen view makes of `flt`, and the view."""
    lang = ctx.lang
    today = views.start_of_day(datetime.now(UTC), ctx.config.office_hours.timezone)
    counts = views.view_counts(ctx.store, ctx.user.username, today)

    def name(view: str) -> str:
        if view == FILTERS:
            return t("view_filters", lang)
        return t("view_with_count", lang, name=t(f"view_{view}", lang), count=counts[view])

    view = st.radio(t("view", lang), [FILTERS, *views.VIEWS], format_func=name, horizontal=True, key=VIEW_KEY)
    note = st.empty()  # drawn either way, so that what follows keeps its place when the view changes
    if not view:
        return flt, FILTERS
    note.caption(t("view_sets_status", lang))
    return views.view_filter(view, ctx.user.username, today, flt), view

