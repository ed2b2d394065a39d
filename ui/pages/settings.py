"""Settings (admin): brand terms, exclusions, channels, templates and users, validated before writing."""
from __future__ import annotations

import shutil
import tomllib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import streamlit as st
import tomli_w
import tomlkit

from collectors.registry import parse_config
from core.config import Channels, Config, ConfigError
from core.i18n import t
from replies.templates_loader import TemplateError, check_language_text, template_files, templates_dir_for
from storage.users import ROLES, add_user, list_users, remove_user, set_password
from ui.components import Context

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


def backup_of(path: Path) -> Path | None:
    """Copy an existing file to <name>.<UTC timestamp>.bak beside it; None when there is nothing to keep."""
    if not path.exists():
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    backup = path.with_name(f"{path.name}.{stamp}.bak")
    shutil.copy2(path, backup)
    return backup


def write_with_backup(path: Path, text: str) -> Path | None:
    """Back up the current file (if any), then replace it atomically so readers never see half a file."""
    backup = backup_of(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
    return backup


# --- reply templates: the clinic's override of one language, validated before it is written ---------

def save_template(config: Config, language: str, text: str) -> Path | None:
    """Validate with the clinic's config and write the override; raises TemplateError and writes nothing."""
    folder = _override_folder(config)
    check_language_text(language, text, config)
    return write_with_backup(folder / f"{language}.toml", text)


def reset_template(config: Config, language: str) -> Path | None:
    """Remove the clinic's override (kept as a backup) so the shipped file is used again."""
    override = _override_folder(config) / f"{language}.toml"
    backup = backup_of(override)
    override.unlink(missing_ok=True)
    return backup


def _override_folder(config: Config) -> Path:
    folder = templates_dir_for(config)
    if folder is None:
        raise TemplateError("the configuration has no file, so there is no folder for the clinic's templates")
    return folder


def _templates(ctx: Context) -> None:
    lang = ctx.lang
    if ctx.user.role != "admin":
        return
    st.subheader(t("templates", lang))
    files = template_files(ctx.config)
    language = st.selectbox(t("template_language", lang), sorted(files), key="tpl_lang")
    current = files[language]
    overridden = current.parent == templates_dir_for(ctx.config)
    st.caption(t("template_is_override" if overridden else "template_is_default", lang))
    text_key = f"tpl_text_{language}"
    text = st.text_area(t("template_text", lang), current.read_text(encoding="utf-8"), height=420, key=text_key)
    message = st.session_state.pop("tpl_message", None)
    if message:
        st.success(message)
    validate, save, reset = st.columns(3)
    if validate.button(t("template_validate", lang), key="tpl_validate"):
        _show_check(ctx, language, text)
    if save.button(t("template_save", lang), key="tpl_save"):
        _save(ctx, language, text, text_key)
    if reset.button(t("template_reset", lang), key="tpl_reset", disabled=not overridden):
        backup = reset_template(ctx.config, language)
        _done(t("template_reset_done", lang, language=language, backup=backup.name if backup else "—"), text_key)


def _show_check(ctx: Context, language: str, text: str) -> None:
    try:
        check_language_text(language, text, ctx.config)
    except TemplateError as exc:
        st.error(t("template_invalid", ctx.lang, error=exc))
    else:
        st.success(t("template_valid", ctx.lang))


def _save(ctx: Context, language: str, text: str, text_key: str) -> None:
    try:
        backup = save_template(ctx.config, language, text)
    except TemplateError as exc:
        st.error(t("template_not_saved", ctx.lang, error=exc))
        return
    _done(t("template_saved", ctx.lang, language=language, backup=backup.name if backup else "—"), text_key)


def _done(message: str, text_key: str) -> None:
    """Show the message after a rerun that reloads the text area from the file now in use."""
    st.session_state["tpl_message"] = message
    st.session_state.pop(text_key, None)
    st.rerun()


def _users(ctx: Context) -> None:
    lang = ctx.lang
    st.subheader(t("users", lang))
    users = list_users(ctx.users_file)
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
            add_user(ctx.users_file, username, name, password, role, language=lang)
        except ValueError as exc:
            st.error(t("action_failed", lang, error=exc))
            return
        st.session_state["users_message"] = t("user_added", lang, username=username.strip().lower())
        for key in ("nu_username", "nu_name", "nu_password"):  # added: an empty form for the next one
            st.session_state.pop(key, None)
        st.rerun()
    if users:
        _manage_user(ctx, [user["username"] for user in users])


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
            remove_user(ctx.users_file, username)
        else:
            set_password(ctx.users_file, username, password)
    except ValueError as exc:
        st.error(t("action_failed", lang, error=exc))
        return
    st.session_state["users_message"] = t("user_removed" if remove else "password_reset_done", lang, username=username)
    st.session_state.pop("mu_password", None)
    st.rerun()
