"""Settings → reply templates: the clinic's own copy of one language, edited as a form (one box per text; a list
of variants one per line) or as TOML for experts, validated with the clinic's config before it is written."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st
import tomlkit
from tomlkit.items import Table

from core.config import Config
from core.i18n import t
from replies.templates_loader import TemplateError, check_language_text, template_files, templates_dir_for
from ui.components import Context
from ui.file_backup import backup_of, write_with_backup


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


def render(ctx: Context) -> None:
    lang = ctx.lang
    if ctx.user.role != "admin":
        return
    st.subheader(t("templates", lang))
    files = template_files(ctx.config)
    language = st.selectbox(t("template_language", lang), sorted(files), key="tpl_lang")
    current = files[language]
    overridden = current.parent == templates_dir_for(ctx.config)
    st.caption(t("template_is_override" if overridden else "template_is_default", lang))
    message = st.session_state.pop("tpl_message", None)
    if message:
        st.success(message)
    text = current.read_text(encoding="utf-8")
    _form(ctx, language, text)
    with st.expander(t("template_text", lang)):
        _expert(ctx, language, text, overridden)


def _fields(document: tomlkit.TOMLDocument) -> list[tuple[str, str, Any]]:
    """(table, key, value) of every text and list of texts under the file's tables."""
    found = []
    for table_name, table in document.items():
        if isinstance(table, Table):
            found += [(table_name, key, value) for key, value in table.items() if isinstance(value, (str, list))]
    return found


def _form(ctx: Context, language: str, text: str) -> None:
    """One box per text (a list of variants: one per line); saving writes the file with only those changed."""
    lang = ctx.lang
    document = tomlkit.parse(text)
    edited: dict[tuple[str, str], str] = {}
    with st.form(f"tpl_form_{language}"):
        section = None
        for table_name, key, value in _fields(document):
            if table_name != section:
                st.markdown(f"**{table_name}**")
                section = table_name
            widget_key = f"tpl_f_{language}_{table_name}_{key}"
            if isinstance(value, list):
                shown = "\n".join(str(item) for item in value)
                edited[(table_name, key)] = st.text_area(key, shown, key=widget_key, help=t("template_one_per_line", lang))
            else:
                edited[(table_name, key)] = st.text_input(key, str(value), key=widget_key)
        submitted = st.form_submit_button(t("template_save", lang))
    if not submitted:
        return
    for (table_name, key), new in edited.items():
        old = document[table_name][key]
        wanted: Any = [line.strip() for line in new.splitlines() if line.strip()] if isinstance(old, list) else new
        if wanted != (list(old) if isinstance(old, list) else str(old)):  # unchanged values keep their layout
            document[table_name][key] = wanted
    _save(ctx, language, tomlkit.dumps(document), f"tpl_text_{language}")


def _expert(ctx: Context, language: str, text: str, overridden: bool) -> None:
    lang = ctx.lang
    text_key = f"tpl_text_{language}"
    edited = st.text_area(t("template_text", lang), text, height=420, key=text_key)
    validate, save, reset = st.columns(3)
    if validate.button(t("template_validate", lang), key="tpl_validate"):
        _show_check(ctx, language, edited)
    if save.button(t("template_save", lang), key="tpl_save"):
        _save(ctx, language, edited, text_key)
    if reset.button(t("template_reset", lang), key="tpl_reset", disabled=not overridden):
        backup = reset_template(ctx.config, language)
        _done(t("template_reset_done", lang, language=language, backup=backup.name if backup else "—"), language)


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
    _done(t("template_saved", ctx.lang, language=language, backup=backup.name if backup else "—"), language)


def _done(message: str, language: str) -> None:
    """Show the message after a rerun that reloads the form and the TOML from the file now in use."""
    st.session_state["tpl_message"] = message
    for key in [k for k in st.session_state if str(k).startswith((f"tpl_f_{language}_", f"tpl_text_{language}"))]:
        del st.session_state[key]
    st.rerun()
