"""Sources (admin): the health of every configured source, enable or disable, and "Run now".

"Run now" does not collect inside the page: it leaves a request on the source's row that the collector
process (`python -m clinicwatch run`) picks up within seconds, and the page reports the outcome in words.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import streamlit as st

from collectors.registry import missing_credentials
from core.config import SourceBase
from core.display import visible_controls
from core.i18n import t
from core.models import utcnow
from core.redact import redact
from storage.rows import parse_iso
from ui.components import Context

# A collector that has not looked in for this long is taken as not running.
COLLECTOR_SILENT_AFTER = timedelta(seconds=60)


def render(ctx: Context) -> None:
    stored = {row["name"]: row for row in ctx.store.sources()}
    drops = ctx.store.source_drops()
    for source in ctx.config.sources:
        _source(ctx, source, stored.get(source.name), drops.get(source.name, {}))


def _source(ctx: Context, source: SourceBase, health: dict[str, Any] | None,
            drops: dict[str, tuple[int, int]]) -> None:
    lang = ctx.lang
    with st.container(border=True, key=f"source_{source.name}"):
        head, toggle_col, run_col = st.columns([3, 1, 1])
        head.text(f"{source.name} ({source.kind})")
        enabled = bool(health["enabled"]) if health else source.enabled
        chosen = toggle_col.toggle(t("enabled", lang), value=enabled, key=f"enabled_{source.name}")
        if chosen != enabled:
            ctx.store.set_source_enabled(source.name, source.kind, chosen)
            ctx.store.add_event(None, ctx.user.username, "source_enabled", {"source": source.name, "enabled": chosen})
        if run_col.button(t("run_now", lang), key=f"run_{source.name}"):
            ctx.store.request_run(source.name, source.kind, ctx.user.username)
            ctx.store.add_event(None, ctx.user.username, "source_run_requested", {"source": source.name})
            health = ctx.store.source(source.name)
        lacking = missing_credentials(source)
        if lacking:
            st.warning(t("missing_credentials", lang, names=", ".join(lacking)))
        _health(ctx, health, drops)


def _health(ctx: Context, health: dict[str, Any] | None, drops: dict[str, tuple[int, int]]) -> None:
    lang = ctx.lang
    if health and health.get("run_requested_at"):
        st.info(t("run_queued", lang, when=_when(health["run_requested_at"])))
        last_beat = ctx.store.last_beat(ctx.store.COLLECTOR)
        if last_beat is None or utcnow() - last_beat > COLLECTOR_SILENT_AFTER:
            st.warning(t("collector_idle", lang, when=_when(last_beat) or t("never", lang)))
    if health is None or not health.get("last_attempt"):
        st.caption(t("not_in_store", lang))
        return
    if health.get("last_success"):
        st.text(t("last_run_ok", lang, when=_when(health["last_success"]), seen=health["items_seen"],
                  new=health["items_new"]))
    lines = [
        f"{t('last_success', lang)}: {_when(health['last_success']) or t('never', lang)}",
        f"{t('failures', lang)}: {health['consecutive_failures']}",
        f"{t('items', lang)}: {health['items_new']} / {health['items_total']}",
    ]
    if drops:  # "nothing lost" checkable: what the source offered and was not stored, and why
        lines.append(f"{t('dropped', lang)}: " + ", ".join(
            f"{reason} {last} / {total}" for reason, (last, total) in sorted(drops.items()) if total))
    if health.get("note"):
        lines.append(f"{t('source_note', lang)}: {visible_controls(redact(health['note']))}")
    st.text("\n".join(lines))
    if health.get("last_error"):
        # Error text can quote a remote server: plain text only, hidden characters shown.
        error = visible_controls(redact(f"[{health['last_error_kind']}] {health['last_error']}"))
        st.code(f"{t('last_error', lang)}: {error}", language=None, wrap_lines=True)


def _when(value: str | datetime | None) -> str:
    moment = parse_iso(value) if isinstance(value, str) else value
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment else ""
