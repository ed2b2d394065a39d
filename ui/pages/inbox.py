"""Inbox (staff): the queue of open mentions, one mention in detail, reply and workflow actions."""
from __future__ import annotations

import math
from typing import Any

import streamlit as st

from core.i18n import t, tn
from core.numbers import number
from core.urls import MENTION_PARAM
from storage import queries
from storage.users import list_users
from ui import export
from ui.auth import current_role
from ui.components import Context, badges_html, escape_all, mention_filters, time_ago
from ui.downloads import session_download
from ui.pages import inbox_bulk, inbox_detail, inbox_layout, inbox_views

PAGE_SIZE = 20


def render(ctx: Context) -> None:
    # Assignees are the users who can sign in (and the demo user), not a scan of the mentions.
    assignees = sorted({u["username"] for u in list_users(ctx.users_file, ctx.user.workspace)} | {ctx.user.username})
    flt = mention_filters(ctx, queries.source_names(ctx.store), assignees)
    _work_area(ctx, flt, assignees)


# Turning a page, choosing a view or acting on a mention reruns only this fragment: the sidebar and its filters
# (which nothing here changes) are not drawn again; the view counts are inside, so they follow.
@st.fragment(key=inbox_layout.WORK_AREA)
def _work_area(ctx: Context, flt: queries.MentionFilter, assignees: list[str]) -> None:
    """The views with their counts, the queue and the open mention."""
    if current_role(ctx.users_file, ctx.user) != ctx.user.role:
        # A fragment's own run skips the sign-in check of a full run: a user demoted or removed since the page
        # was drawn gets the whole page again, which decides what they may see.
        st.rerun(scope="app")
    lang = ctx.lang
    flt, view = inbox_views.pick(ctx, flt)
    signature = repr(flt)
    if st.session_state.get("inbox_filter") != signature:  # new filters start again from the first page
        st.session_state["inbox_filter"] = signature
        st.session_state["inbox_page"] = 0
    total = queries.inbox_count(ctx.store, flt, search_cap=queries.COUNT_CAP)
    over = total > queries.COUNT_CAP  # counted only so far: "more than"
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(st.session_state.get("inbox_page", 0), pages - 1)
    rows = queries.inbox_page(ctx.store, flt, page, PAGE_SIZE)
    left, right = st.columns([2, 3], gap="medium")
    with left:
        if over:
            st.caption(t("queue_count_over", lang, count=number(queries.COUNT_CAP, lang)))
        else:
            st.caption(tn("queue_count", lang, total))
        _queue(rows, lang, _empty_text(flt, view, lang))
        _pagination(page, pages, lang, over)
        inbox_bulk.render(ctx, rows, assignees)
        _export(ctx, flt)
    with right:
        _detail_pane(ctx, rows, assignees)


# Opening a card reruns only this fragment (the Open callback names it): the queue, the counts and the page are
# neither read nor sent again (at 1M mentions they cost most of an opening); the opened mention is read afresh.
# An action on the mention reruns the work area, whose queue and counts it changes.
@st.fragment(key=inbox_layout.DETAIL_PANE)
def _detail_pane(ctx: Context, rows: list[dict[str, Any]], assignees: list[str]) -> None:
    """The outcome of the last action and the open mention, beside the queue `rows` drawn with it."""
    if current_role(ctx.users_file, ctx.user) != ctx.user.role:
        st.rerun(scope="app")  # as in the work area: this fragment can also run on its own
    # Always drawn, empty or not: were the message there one run and gone the next, everything below it would
    # move one place and the browser would build the detail anew. Here, so that opening the next card clears it.
    notice = st.empty()
    flash = st.session_state.pop("flash", None)
    if flash:
        notice.success(flash)
    selected = _selected(ctx, rows)
    if selected is not None:
        st.query_params[MENTION_PARAM] = str(selected["id"])  # the address bar is this mention's link
        inbox_layout.apply(selected["id"], ctx.lang)
        inbox_detail.render(ctx, selected, assignees)


def _selected(ctx: Context, rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The mention opened by the user or by a link (even when the filters hide it), else the top of the queue;
    read afresh, since `rows` may have been read before a colleague changed it."""
    if "selected_id" not in st.session_state:
        linked = _linked_mention(ctx)
        if linked is not None:
            st.session_state["selected_id"] = linked["id"]
            return linked
    wanted: int | None = st.session_state.get("selected_id")
    shown = [row["id"] for row in rows]
    if wanted is not None and (wanted in shown or st.session_state.get("selected_from_link") == wanted):
        fresh = queries.inbox_rows(ctx.store, [wanted])
        if fresh:
            return fresh[0]
    top = queries.inbox_rows(ctx.store, shown[:1])
    return top[0] if top else None


def _linked_mention(ctx: Context) -> dict[str, Any] | None:
    """The mention named by ?mention=<id> in the page's address, when it exists; a wrong link says so."""
    value = st.query_params.get(MENTION_PARAM)
    if value is None:
        return None
    found = queries.inbox_rows(ctx.store, [int(value)]) if value.isdigit() else []
    if not found:
        st.warning(t("mention_link_unknown", ctx.lang, id=value[:20]))
        return None
    st.session_state["selected_from_link"] = found[0]["id"]
    return found[0]


def _empty_text(flt: queries.MentionFilter, view: str, lang: str) -> str:
    """Why the list is empty: nothing matched the search, an empty view, or nothing left to do."""
    if flt.search.strip():
        return t("search_no_hits", lang, search=flt.search.strip())
    return t("view_empty", lang) if view else t("empty_queue", lang)


def _queue(rows: list[dict[str, Any]], lang: str, empty: str) -> None:
    if not rows:
        st.info(empty)
    for row in rows:
        # One drawn element and one button per card: every element costs the browser time on each rerun.
        with st.container(border=True, key=f"row_{row['id']}"):
            st.html(card_html(row, lang))
            st.button(t("open", lang), key=f"open_{row['id']}", on_click=_open, args=(row["id"],))


def card_html(row: dict[str, Any], lang: str) -> str:
    """A card's badges, source, age, assignee and the first words, all escaped (text from a source is never markup)."""
    meta = f"{row['source_name']} · {time_ago(row['published_at'], lang)}"
    if row.get("assignee"):
        meta += " " + t("assigned_short", lang, name=row["assignee"])
    preview = (row.get("title") or row.get("text") or "").strip().replace("\n", " ")
    preview = preview[:160] + ("…" if len(preview) > 160 else "")  # escape_all shows invisible characters
    return (badges_html(row, lang) + f'<span style="color:#666;font-size:0.85em">{escape_all(meta)}</span>'
            f'<div class="cw-preview" style="overflow-wrap:anywhere">{escape_all(preview)}</div>')


def _open(mention_id: int) -> None:
    """The card becomes the open mention (a callback: one run of the detail pane draws it, not a run and a rerun)."""
    st.session_state["selected_id"] = mention_id
    st.session_state["scroll_to_detail"] = True
    st.session_state.pop("selected_from_link", None)
    st.rerun(scope=inbox_layout.DETAIL_PANE)  # the queue stays as drawn: only the detail pane runs


def _pagination(page: int, pages: int, lang: str, over: bool = False) -> None:
    prev_col, label_col, next_col = st.columns([1, 2, 1])
    prev_col.button(t("prev", lang), disabled=page == 0, key="page_prev", on_click=_turn, args=(page - 1,))
    if over:
        label_col.caption(t("page_of_over", lang, page=page + 1, pages=number(max(1, queries.COUNT_CAP // PAGE_SIZE), lang)))
    else:
        label_col.caption(t("page_of", lang, page=page + 1, pages=pages))
    next_col.button(t("next", lang), disabled=page >= pages - 1, key="page_next", on_click=_turn, args=(page + 1,))


def _turn(page: int) -> None:
    st.session_state["inbox_page"] = page


def _export(ctx: Context, flt: queries.MentionFilter) -> None:
    """Files are built only when a button is clicked (an export can hold up to 100,000 rows), for this session."""
    lang, user, users_file = ctx.lang, ctx.user, ctx.users_file
    with st.expander(t("export", lang)):
        real_names = user.role == "admin" and st.checkbox(t("export_real_authors", lang), key="export_real")

        def rows() -> list[dict[str, Any]]:
            salt = export.export_salt(ctx.config.database)
            return export.export_rows(ctx.store, flt, pseudonymise=not real_names, salt=salt)

        def allowed() -> bool:  # real names only while the user is still an admin
            role = current_role(users_file, user)
            return role is not None and (not real_names or role == "admin")

        session_download(
            t("export_csv", lang), lambda: export.to_csv(rows()), "mentions.csv", "text/csv",
            key="export_csv", allowed=allowed,
        )
        session_download(
            t("export_xlsx", lang), lambda: export.to_xlsx(rows()), "mentions.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="export_xlsx", allowed=allowed,
        )
