"""Shared pieces of the pages: the app context, safe text rendering, badges, filters."""
from __future__ import annotations

import html
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import streamlit as st

from collectors.registry import load_install
from core.config import Config, find_config
from core.display import visible_controls
from core.i18n import label, t, tn
from core.labels import KINDS, SENTIMENTS, TOPICS, WORKFLOW_STATUSES
from core.models import NEEDS_LOOK_BELOW
from core.workspaces import Install
from storage.queries import UNASSIGNED, MentionFilter
from storage.rows import parse_iso
from storage.store import Store, open_store
from ui.auth import User

KIND_COLOURS = {"complaint": "#c62828", "question": "#1565c0", "praise": "#2e7d32", "other": "#616161"}
SENTIMENT_COLOURS = {"negative": "#c62828", "neutral": "#757575", "positive": "#2e7d32"}
# Okabe & Ito's categorical palette: distinguishable with every common colour-vision deficiency.
CATEGORY_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]


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


# path -> (the stamps of the files it was read from, the install): every rerun asks, and a workspaces file of many
# clinics would otherwise parse and validate every clinic's config at each click.
_INSTALLS: dict[Path, tuple[tuple[tuple[int, int, int], ...], Install]] = {}
_INSTALLS_LOCK = threading.Lock()


def load_app_install() -> Install:
    """The install this dashboard serves: CLINICWATCH_CONFIG or config.toml, a clinic's config or a workspaces
    file (core.workspaces); read again only when one of its files changed (Settings saves a clinic's config)."""
    path = find_config()
    with _INSTALLS_LOCK:
        cached = _INSTALLS.get(path)
        if cached is not None and cached[0] == _stamps(_files_of(path, cached[1])):
            return cached[1]
    install = load_install(path)
    with _INSTALLS_LOCK:
        _INSTALLS[path] = (_stamps(_files_of(path, install)), install)
    return install


def _files_of(path: Path, install: Install) -> list[Path]:
    return [path, *(Path(ws.config.path) for ws in install.workspaces.values() if ws.config.path is not None)]


def _stamps(files: list[Path]) -> tuple[tuple[int, int, int], ...]:
    """Modification time, size and inode of each file (a file replaced by an atomic save has a new inode)."""
    stamps = []
    for file in files:
        try:
            info = file.stat()
        except FileNotFoundError:
            return ()  # a file gone: read again, and say what is missing
        stamps.append((info.st_mtime_ns, info.st_size, info.st_ino))
    return tuple(stamps)


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


# A brand term keeps the browser's plain <mark>; deciding words (ui.explain) get their own colour, and a piece
# that is both is drawn as deciding.
WHY_STYLE = "background:#ffcc80;border-bottom:2px solid #e65100"
_TERM, _WHY = 1, 2
# A long unbroken word (a URL, a 1 MB post of one token) wraps inside the box instead of widening the page.
_TEXT_STYLE = "white-space: pre-wrap; overflow-wrap: anywhere; line-height: 1.5; max-height: 40em; overflow-y: auto"


def marked_html(text: str, term_spans: Sequence[tuple[int, int]], why_spans: Sequence[tuple[int, int]] = ()) -> str:
    """Source text as escaped HTML: `term_spans` in <mark>, `why_spans` in the WHY_STYLE mark."""
    layer = [0] * len(text)
    for spans, bit in ((term_spans, _TERM), (why_spans, _WHY)):
        for start, end in spans:
            for index in range(max(start, 0), min(end, len(text))):
                layer[index] |= bit
    pieces, start = [], 0
    for index in range(1, len(text) + 1):
        if index < len(text) and layer[index] == layer[start]:
            continue
        piece = escape_all(text[start:index])
        if layer[start] & _WHY:
            piece = f'<mark class="cw-why" style="{WHY_STYLE}">{piece}</mark>'
        elif layer[start] & _TERM:
            piece = f"<mark>{piece}</mark>"
        pieces.append(piece)
        start = index
    return f'<div class="cw-text" style="{_TEXT_STYLE}">' + "".join(pieces) + "</div>"


def match_spans(matches: list[dict[str, Any]], field: str) -> list[tuple[int, int]]:
    return [(int(m["start"]), int(m["end"])) for m in matches if m.get("field") == field and "start" in m]


SHOWN_CHARS = 20_000  # a post longer than this is cut on screen (the original is one click away)


def show_text(text: str, lang: str, term_spans: Sequence[tuple[int, int]], why_spans: Sequence[tuple[int, int]] = ()) -> None:
    """Render text from a source: escaped by us, never interpreted as HTML or Markdown; a huge post is cut."""
    st.html(marked_html(text[:SHOWN_CHARS], term_spans, why_spans))
    if len(text) > SHOWN_CHARS:
        st.caption(t("text_cut", lang, shown=SHOWN_CHARS, total=len(text)))  # no grouping: "20,000" reads 20 in pl and it


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
    confidence = row.get("confidence")
    if confidence is not None and confidence < NEEDS_LOOK_BELOW:
        parts.append(badge(t("needs_look", lang), "#6a1b9a"))
    return "".join(parts)


def clinic_time(moment: str | None, timezone: str) -> str:
    """A stored UTC time as the clinic reads it: "2026-11-17 11:05 CET" in the configured time zone."""
    parsed = parse_iso(moment)
    if parsed is None:
        return "—"
    if parsed.tzinfo is None:  # stored times are UTC
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M %Z")


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
    flt.needs_look = side.checkbox(t("f_needs_look", lang, threshold=f"{NEEDS_LOOK_BELOW:.2f}"), key="f_needs_look")
    return flt


def default_range(days: int = 90) -> tuple[date, date]:
    today = datetime.now(UTC).date()
    return today - timedelta(days=days - 1), today
