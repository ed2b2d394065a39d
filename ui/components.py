"""Shared pieces of the pages: the app context, safe text rendering, badges, filters."""
from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import streamlit as st

from collectors.registry import load_config
from core.config import Config, find_config
from core.display import visible_controls
from core.i18n import label, t, tn
from core.labels import KINDS, SENTIMENTS, TOPICS, WORKFLOW_STATUSES
from storage.queries import UNASSIGNED, MentionFilter
from storage.rows import parse_iso
from storage.store import Store, open_store
from ui.auth import User

KIND_COLOURS = {"complaint": "#c62828", "question": "#1565c0", "praise": "#2e7d32", "other": "#616161"}
SENTIMENT_COLOURS = {"negative": "#c62828", "neutral": "#757575", "positive": "#2e7d32"}


@dataclass(slots=True)
class Context:
    """What every page needs: the validated config, the open store, the user and their language."""

    config: Config
    store: Store
    user: User
    users_file: Path

    @property
    def lang(self) -> str:
        return self.user.language


def load_app_config() -> Config:
    return load_config(find_config())


@st.cache_resource(show_spinner=False)
def shared_store(path: str) -> Store:
    """One connection per database file for the whole server (the Store is thread-safe for reads)."""
    return open_store(path)


# --- safe rendering -------------------------------------------------------------------------------

def escape_all(text: str) -> str:
    """Escape every character that is not a letter, digit or space as an HTML entity.

    Escaping punctuation too (not only <>&"') means no Markdown or link syntax can survive either; invisible
    and direction-changing characters are shown as ⟦U+XXXX⟧ markers first.
    """
    out = []
    for ch in visible_controls(text):
        if ch == "\n":
            out.append("<br>")
        elif ch.isalnum() or ch == " ":
            out.append(html.escape(ch))
        else:
            out.append(f"&#{ord(ch)};")
    return "".join(out)


def highlighted_html(text: str, spans: list[tuple[int, int]]) -> str:
    """Source text as escaped HTML, with the given character spans wrapped in <mark>."""
    pieces, cursor = [], 0
    for start, end in sorted(spans):
        start, end = max(start, cursor), min(end, len(text))
        if start >= end:
            continue
        pieces.append(escape_all(text[cursor:start]))
        pieces.append("<mark>" + escape_all(text[start:end]) + "</mark>")
        cursor = end
    pieces.append(escape_all(text[cursor:]))
    return '<div class="cw-text" style="white-space: pre-wrap; line-height: 1.5">' + "".join(pieces) + "</div>"


def match_spans(matches: list[dict[str, Any]], field: str) -> list[tuple[int, int]]:
    return [(int(m["start"]), int(m["end"])) for m in matches if m.get("field") == field and "start" in m]


def show_source_text(text: str, matches: list[dict[str, Any]], field: str = "text") -> None:
    """Render text from a source: escaped by us, never interpreted as HTML or Markdown."""
    st.html(highlighted_html(text, match_spans(matches, field)))


def badge(text: str, colour: str) -> str:
    return (
        f'<span style="background:{colour};color:white;border-radius:0.6em;padding:0.1em 0.55em;'
        f'margin-right:0.3em;font-size:0.8em">{escape_all(text)}</span>'
    )


def badges_html(row: dict[str, Any], lang: str) -> str:
    parts = []
    if row.get("kind"):
        parts.append(badge(label("kind", row["kind"], lang), KIND_COLOURS.get(row["kind"], "#616161")))
    if row.get("sentiment"):
        parts.append(badge(label("sentiment", row["sentiment"], lang), SENTIMENT_COLOURS.get(row["sentiment"], "#757575")))
    urgency = row.get("urgency") or 0
    parts.append(badge(t("urgency", lang, value=f"{urgency:.2f}"), "#e65100" if urgency >= 0.7 else "#8d6e63"))
    parts.append(badge(label("status", row.get("status"), lang), "#455a64"))
    return "".join(parts)


def time_ago(published_at: str | None, lang: str, now: datetime | None = None) -> str:
    moment = parse_iso(published_at)
    if moment is None:
        return ""
    minutes = max(0, int(((now or datetime.now(UTC)) - moment).total_seconds() // 60))
    if minutes < 120:
        return tn("ago_minutes", lang, minutes)
    if minutes < 48 * 60:
        return tn("ago_hours", lang, minutes // 60)
    return tn("ago_days", lang, minutes // 1440)


# --- filters --------------------------------------------------------------------------------------

def mention_filters(ctx: Context, sources: list[str], assignees: list[str]) -> MentionFilter:
    """The Inbox filter widgets (in the sidebar); every option list comes from core.labels."""
    lang = ctx.lang
    side = st.sidebar
    side.subheader(t("filters", lang))
    any_value = t("f_choose", lang)
    languages = list(ctx.config.languages)
    flt = MentionFilter(
        sources=side.multiselect(t("f_source", lang), sources, key="f_source", placeholder=any_value),
        languages=side.multiselect(t("f_language", lang), languages, key="f_language", placeholder=any_value),
        kinds=side.multiselect(
            t("f_kind", lang), KINDS, format_func=lambda v: label("kind", v, lang), key="f_kind", placeholder=any_value
        ),
        topics=side.multiselect(
            t("f_topic", lang), TOPICS, format_func=lambda v: label("topic", v, lang), key="f_topic", placeholder=any_value
        ),
        sentiments=side.multiselect(
            t("f_sentiment", lang), SENTIMENTS, format_func=lambda v: label("sentiment", v, lang), key="f_sentiment",
            placeholder=any_value,
        ),
        statuses=side.multiselect(
            t("f_status", lang), WORKFLOW_STATUSES, default=["new", "in_review"],
            format_func=lambda v: label("status", v, lang), key="f_status", placeholder=any_value,
        ),
    )
    choices = ["", UNASSIGNED, *assignees]
    names = {"": t("f_anyone", lang), UNASSIGNED: t("f_unassigned", lang)}
    flt.assignee = side.selectbox(t("f_assignee", lang), choices, format_func=lambda v: names.get(v, v), key="f_assignee") or None
    # An empty range: no dates picked (Streamlit accepts it; its type hints do not say so).
    dates = side.date_input(t("f_dates", lang), value=(), key="f_dates")  # type: ignore[arg-type]
    if isinstance(dates, (tuple, list)) and len(dates) == 2:
        flt.date_from, flt.date_to = dates
    elif isinstance(dates, date):
        flt.date_from = dates
    flt.search = side.text_input(t("f_search", lang), key="f_search")
    return flt


def default_range(days: int = 90) -> tuple[date, date]:
    today = datetime.now(UTC).date()
    return today - timedelta(days=days - 1), today
