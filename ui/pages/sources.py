"""Sources (admin): the health of every configured source, run now, enable or disable."""
from __future__ import annotations

from typing import Any

import streamlit as st

from ui.components import Context
from core.i18n import t
from core.redact import redact


def render(ctx: Context) -> None:
    show_last_run()
    stored = {row["name"]: row for row in ctx.store.sources()}
    drops = ctx.store.source_drops()
    for source in ctx.config.sources:
        _source(ctx, source, stored.get(source.name), drops.get(source.name, {}))


def _source(ctx: Context, source: Any, health: dict[str, Any] | None, drops: dict[str, tuple[int, int]]) -> None:
    lang = ctx.lang
    with st.container(border=True, key=f"source_{source.name}"):
        head, toggle_col, run_col = st.columns([3, 1, 1])
        head.text(f"{source.name} ({source.kind})")
        enabled = bool(health["enabled"]) if health else source.enabled
        chosen = toggle_col.toggle(t("enabled", lang), value=enabled, key=f"enabled_{source.name}")
        if chosen != enabled:
            if health is None:
                ctx.store.ensure_source(source.name, source.kind, chosen)
            else:
                ctx.store.set_source_enabled(source.name, chosen)
            ctx.store.add_event(None, ctx.user.username, "source_enabled", {"source": source.name, "enabled": chosen})
        if run_col.button(t("run_now", lang), key=f"run_{source.name}"):
            _run_now(ctx, source.name)
        if health is None:
            st.caption(t("not_in_store", lang))
            return
        lines = [
            f"{t('last_success', lang)}: {_when(health['last_success']) or t('never', lang)}",
            f"{t('failures', lang)}: {health['consecutive_failures']}",
            f"{t('items', lang)}: {health['items_new']} / {health['items_total']}",
        ]
        if drops:  # "nothing lost" checkable: what the source offered and was not stored, and why
            lines.append(f"{t('dropped', lang)}: " + ", ".join(
                f"{reason} {last} / {total}" for reason, (last, total) in sorted(drops.items()) if total))
        if health.get("note"):
            lines.append(f"{t('source_note', lang)}: {redact(health['note'])}")
        st.text("\n".join(lines))
        if health.get("last_error"):
            # Error text can quote a remote server: plain text only.
            st.code(redact(f"{t('last_error', lang)}: [{health['last_error_kind']}] {health['last_error']}"),
                    language=None, wrap_lines=True)


def _when(value: str | None) -> str:
    return f"{value[:16].replace('T', ' ')} UTC" if value else ""


def _run_now(ctx: Context, name: str) -> None:
    lang = ctx.lang
    try:
        from clinicwatch.pipeline import collect_once
    except ImportError as exc:
        st.error(t("run_unavailable", lang, error=exc))
        return
    with st.spinner(t("run_now", lang)):
        try:
            result = collect_once(ctx.config, ctx.store, only=[name])
        except Exception as exc:  # noqa: BLE001 - shown to the admin; one source's failure is data, not a crash
            st.session_state["run_result"] = t("run_unavailable", lang, error=exc)
        else:
            st.session_state["run_result"] = t("run_result", lang, result=result)
    st.rerun()


def show_last_run() -> None:
    message = st.session_state.pop("run_result", None)
    if message:
        st.text(message)
