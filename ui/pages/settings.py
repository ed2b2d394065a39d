"""Settings (admin): brand terms, exclusions, channels, templates and users, validated before writing."""
from __future__ import annotations

import copy
import shutil
import tomllib
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import streamlit as st
import tomli_w

from clinicwatch.config import ConfigError, parse_config
from ui.auth import ROLES, add_user, list_users
from ui.components import Context
from ui.i18n import t

TERM_FIELDS = ("names", "aliases", "doctors", "locations", "exclusions")
TERM_LABELS = {name: name for name in TERM_FIELDS} | {"names": "brand_names"}  # catalogue keys


def render(ctx: Context) -> None:
    path = ctx.config.path
    if path is None or not Path(path).exists():
        st.error(t("no_config_file", ctx.lang))
        return
    raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    message = st.session_state.pop("settings_message", None)
    if message:
        st.success(message)
    _config_form(ctx, Path(path), raw)
    _templates(ctx)
    _users(ctx)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _config_form(ctx: Context, path: Path, raw: dict[str, Any]) -> None:
    lang = ctx.lang
    brand = raw.get("brand", {})
    with st.form("settings_form"):
        edited = {
            name: st.text_area(t(TERM_LABELS[name], lang), "\n".join(brand.get(name, [])), key=f"set_{name}")
            for name in TERM_FIELDS
        }
        channels_text = st.text_area(t("channels", lang), tomli_w.dumps(raw.get("channels", {})), height=260, key="set_channels")
        submitted = st.form_submit_button(t("save_settings", lang))
    if submitted:
        try:
            backup = save_settings(path, raw, edited, channels_text)
        except ConfigError as exc:
            st.error(t("settings_invalid", lang, error=exc))
            return
        st.session_state["settings_message"] = t("settings_saved", lang, backup=backup.name)
        st.rerun()


def save_settings(path: Path, raw: dict[str, Any], terms: dict[str, str], channels_text: str) -> Path:
    """Validate the edited config as a whole; only a valid one is written, after a timestamped backup."""
    updated = copy.deepcopy(raw)
    updated.setdefault("brand", {})
    for name, text in terms.items():
        updated["brand"][name] = _lines(text)
    try:
        updated["channels"] = tomllib.loads(channels_text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: channels: not valid TOML: {exc}") from None
    parse_config(updated, path)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    backup = path.with_name(f"{path.name}.{stamp}.bak")
    shutil.copy2(path, backup)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(tomli_w.dumps(updated), encoding="utf-8")
    temporary.replace(path)
    return backup


def _templates(ctx: Context) -> None:
    """Read-only: the reply templates ship with the replies package."""
    folder = Path(__file__).resolve().parents[2] / "replies" / "templates"
    files = sorted(p for p in folder.glob("**/*") if p.is_file()) if folder.is_dir() else []
    if not files:
        return
    with st.expander(t("templates", ctx.lang)):
        choice = st.selectbox(t("templates", ctx.lang), [str(p.relative_to(folder)) for p in files], key="tpl_file")
        st.code((folder / choice).read_text(encoding="utf-8", errors="replace"), language=None, wrap_lines=True)


def _users(ctx: Context) -> None:
    lang = ctx.lang
    st.subheader(t("users", lang))
    users = list_users(ctx.users_file)
    if users:
        st.dataframe(users, hide_index=True)
    with st.form("add_user_form", clear_on_submit=True):
        username = st.text_input(t("username", lang), key="nu_username")
        name = st.text_input(t("full_name", lang), key="nu_name")
        password = st.text_input(t("password", lang), type="password", key="nu_password")
        role = st.selectbox(t("role", lang), ROLES, format_func=lambda r: t(f"role_{r}", lang), key="nu_role")
        if st.form_submit_button(t("add_user", lang)):
            try:
                add_user(ctx.users_file, username, name, password, role, language=lang)
            except ValueError as exc:
                st.error(t("action_failed", lang, error=exc))
            else:
                st.success(t("user_added", lang, username=username.strip().lower()))
