"""Settings (admin): brand terms, exclusions, channels, templates and users, validated before writing."""
from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import streamlit as st
import tomli_w
import tomlkit

from collectors.registry import parse_config
from core.config import Channels, ConfigError
from core.i18n import t
from storage.users import ROLES, add_user, list_users, memberships, read_users, remove_user, set_password
from ui.components import Context
from ui.file_backup import write_with_backup
from ui.pages import settings_templates

TERM_FIELDS = ("names", "aliases", "doctors", "locations", "exclusions")
TERM_LABELS = {name: name for name in TERM_FIELDS} | {"names": "brand_names"}  # catalogue keys
CHANNEL_FIELDS = tuple(Channels.model_fields)  # one source of truth: the config model


def render(ctx: Context) -> None:
    if ctx.user.role != "admin":  # the page names server files and users: admins only, whatever links here
        st.error(t("not_allowed", ctx.lang))
        return
    path = ctx.config.path
    if path is None or not Path(path).exists():
        st.error(t("no_config_file", ctx.lang))
        return
    raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    message = st.session_state.pop("settings_message", None)
    if message:
        st.success(message)
    _config_form(ctx, Path(path), raw)
    settings_templates.render(ctx)
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
        channels = _channel_inputs(ctx, raw.get("channels", {}))
        submitted = st.form_submit_button(t("save_settings", lang))
    with st.expander(t("channels_toml", lang)):  # the same settings as they stand in the file, for experts
        st.code(tomli_w.dumps({"channels": raw.get("channels", {})}), language="toml")
    if submitted:
        try:
            backup = save_settings(path, edited, channels)
        except ConfigError as exc:  # the key path says what is wrong; the server's file path is not shown
            st.error(t("settings_invalid", lang, error=str(exc).removeprefix(f"{path}: ")))
            return
        st.session_state["settings_message"] = t("settings_saved", lang, backup=backup.name if backup else "—")
        st.rerun()


def _channel_inputs(ctx: Context, current: dict[str, dict[str, Any]]) -> dict[str, dict[str, str]]:
    """One text box per official channel and language; an empty box leaves that channel out."""
    lang = ctx.lang
    st.markdown(f"**{t('channels', lang)}**")
    languages = list(dict.fromkeys([*ctx.config.languages, *current]))
    edited: dict[str, dict[str, str]] = {}
    for language, tab in zip(languages, st.tabs([language.upper() for language in languages]), strict=True):
        with tab:
            values = current.get(language, {})
            edited[language] = {
                name: st.text_input(t(f"channel_{name}", lang), str(values.get(name) or ""),
                                    key=f"set_ch_{language}_{name}")
                for name in CHANNEL_FIELDS
            }
    return edited


def save_settings(path: Path, terms: dict[str, str], channels: dict[str, dict[str, str]]) -> Path | None:
    """Validate the edited config as a whole; only a valid one is written, after a timestamped backup.

    The file is edited in place (tomlkit), so its comments, key order and untouched values stay as they were;
    `channels` maps language -> channel -> value, and an empty value removes that channel.
    """
    document = tomlkit.parse(path.read_text(encoding="utf-8"))
    brand = document.setdefault("brand", tomlkit.table())
    for name, text in terms.items():
        lines = _lines(text)
        if lines != brand.get(name, []):  # an unchanged list keeps its layout and comments
            brand[name] = lines
    _apply_channels(document, channels)
    parse_config(document.unwrap(), path)
    return write_with_backup(path, tomlkit.dumps(document))


def _apply_channels(document: tomlkit.TOMLDocument, channels: dict[str, dict[str, str]]) -> None:
    """Change only the channel values that differ, so the file's comments and order stay."""
    for language, values in channels.items():
        wanted = {name: value.strip() for name, value in values.items() if value.strip()}
        table = document.get("channels", {}).get(language)
        if table is None:
            if not wanted:
                continue
            table = document.setdefault("channels", tomlkit.table(is_super_table=True)).setdefault(
                language, tomlkit.table())
        for name in [name for name in table if name not in wanted]:
            del table[name]
        for name, value in wanted.items():
            if table.get(name) != value:
                table[name] = value


def _users(ctx: Context) -> None:
    lang = ctx.lang
    st.subheader(t("users", lang))
    users = list_users(ctx.users_file, ctx.user.workspace)
    if users:
        st.dataframe(users, hide_index=True)
    message = st.session_state.pop("users_message", None)
    if message:
        st.success(message)
    # Not cleared on submit: after an error the admin corrects the form rather than typing it all again.
    with st.form("add_user_form"):
        username = st.text_input(t("username", lang), key="nu_username")
        name = st.text_input(t("full_name", lang), key="nu_name")
        password = st.text_input(t("password", lang), type="password", key="nu_password")
        role = st.selectbox(t("role", lang), ROLES, format_func=lambda r: t(f"role_{r}", lang), key="nu_role")
        submitted = st.form_submit_button(t("add_user", lang))
    if submitted:
        try:
            add_user(ctx.users_file, username, name, password, role, language=lang, workspace=ctx.user.workspace)
        except ValueError as exc:
            st.error(t("action_failed", lang, error=exc))
            return
        st.session_state["users_message"] = t("user_added", lang, username=username.strip().lower())
        for key in ("nu_username", "nu_name", "nu_password"):  # added: an empty form for the next one
            st.session_state.pop(key, None)
        st.rerun()
    if users:
        _manage_user(ctx, [user["username"] for user in users])


def _only_here(ctx: Context, username: str) -> None:
    """An admin of one workspace may not take over an account that also opens other workspaces."""
    record = read_users(ctx.users_file)["credentials"]["usernames"].get(username, {})
    if ctx.user.workspace is not None and set(memberships(record)) - {ctx.user.workspace}:
        raise ValueError(f"{username!r} also works in other workspaces: an admin of all of them resets the "
                         "password with `add-user --replace`")


def _manage_user(ctx: Context, usernames: list[str]) -> None:
    """Set a new password for a user, or remove one (not oneself, not the last admin)."""
    lang = ctx.lang
    with st.form("manage_user_form"):
        username = st.selectbox(t("manage_user", lang), usernames, key="mu_user")
        password = st.text_input(t("new_password", lang), type="password", key="mu_password")
        left, right = st.columns(2)
        reset = left.form_submit_button(t("reset_password", lang))
        remove = right.form_submit_button(t("remove_user", lang))
    if not (reset or remove) or username is None:
        return
    try:
        if remove and username == ctx.user.username:
            raise ValueError("you cannot remove yourself")
        if remove:
            remove_user(ctx.users_file, username, ctx.user.workspace)
        else:
            _only_here(ctx, username)
            set_password(ctx.users_file, username, password)
    except ValueError as exc:
        st.error(t("action_failed", lang, error=exc))
        return
    st.session_state["users_message"] = t("user_removed" if remove else "password_reset_done", lang, username=username)
    st.session_state.pop("mu_password", None)
    st.rerun()
