"""ClinicWatch dashboard: `streamlit run dashboard.py` (config from CLINICWATCH_CONFIG or config.toml)."""
from __future__ import annotations

import threading
from pathlib import Path

import streamlit as st

from core.config import Config, ConfigError
from core.i18n import LANGUAGE_NAMES, LANGUAGES, t
from core.urls import MENTION_PARAM, PAGE_PARAM
from core.workspaces import Install
from replies import gate
from storage.users import install_users_path, memberships, read_users, set_user_language
from ui import auth
from ui.components import Context, load_app_install, shared_store
from ui.pages import inbox, settings, sources, trends
from ui.workspace_picker import choose_workspace

PAGES = {"inbox": inbox.render, "trends": trends.render, "sources": sources.render, "settings": settings.render}


def _language_picker(user: auth.User, users_file: Path) -> str:
    """Per-user UI language: remembered in the users file (in the session only for the demo user)."""
    if st.session_state.get("ui_lang_owner") != user.username:
        st.session_state["ui_lang"] = user.language if user.language in LANGUAGES else "en"
        st.session_state["ui_lang_owner"] = user.username
    lang: str = st.sidebar.selectbox(
        t("ui_language", st.session_state["ui_lang"]), LANGUAGES, format_func=LANGUAGE_NAMES.__getitem__,
        key="ui_lang",
    ) or "en"
    if not user.demo:
        set_user_language(users_file, user.username, lang)
    return lang


def main() -> None:
    st.set_page_config(page_title="ClinicWatch", page_icon="🩺", layout="wide")
    lang = st.session_state.get("ui_lang", "en")
    try:
        install = load_app_install()
    except ConfigError as exc:
        st.error(t("config_error", lang, error=exc))
        return
    users_file = install_users_path(install)
    languages = {language for ws in install.workspaces.values() for language in ws.config.languages}
    _warm_reply_checker(tuple(sorted(languages)))
    audit = _sign_in_audit(install, users_file)
    user = auth.login(users_file, lang, audit, trusted_proxies=_trusted_proxies(install))
    if user is None:
        return
    user.language = _language_picker(user, users_file)
    lang = user.language
    if user.demo:
        st.sidebar.warning(t("demo_mode", lang))
    else:  # before the workspace: a user refused one can still sign out
        auth.logout_button(t("logout", lang), user, audit)
    workspace = choose_workspace(install, users_file, user, lang)
    if workspace is None:
        return
    config = workspace.config
    store = shared_store(str(config.store_target))
    st.sidebar.caption(t("signed_in_as", lang, name=user.name, role=t(f"role_{user.role}", lang)))
    allowed = [name for name in PAGES if user.can_open(name)]
    linked = st.query_params.get(PAGE_PARAM)
    if "nav" not in st.session_state and linked in allowed:  # a link opens its page once; then the menu leads
        st.session_state["nav"] = linked
    page = st.sidebar.radio(t("navigation", lang), allowed, format_func=lambda p: t(f"page_{p}", lang), key="nav")
    if page != "inbox":
        st.query_params.pop(MENTION_PARAM, None)
    st.query_params[PAGE_PARAM] = page  # every page has its own link
    st.title(t(f"page_{page}", lang))
    ctx = Context(config=config, store=store, user=user, users_file=users_file)
    PAGES[page](ctx)
    if user.role == "admin":  # which files this dashboard reads: after `init`, the demo and a real install differ
        _sources_footer(config, lang)


def _sign_in_audit(install: Install, users_file: Path) -> auth.Audit:
    """Sign-ins join the audit trail of the store(s) the user works in: the one store of a single-clinic install,
    or each workspace the users file gives them a role in (an unknown username's attempts reach only the log,
    clinicwatch.auth, as they belong to no clinic)."""
    def audit(actor: str, action: str, detail: dict) -> None:
        if install.single:
            chosen = [install.workspace(None)]
        else:
            record = read_users(users_file)["credentials"]["usernames"].get(actor) or {}
            chosen = [install.workspaces[ws] for ws in memberships(record) if ws in install.workspaces]
        for workspace in chosen:
            shared_store(str(workspace.config.store_target)).add_event(None, actor, action, detail)
    return audit


def _trusted_proxies(install: Install) -> list:
    """The reverse proxies in front of this dashboard, as any of the install's clinic configs lists them."""
    return [net for ws in install.workspaces.values() for net in ws.config.dashboard.trusted_proxies]


@st.cache_resource(show_spinner=False)
def _warm_reply_checker(languages: tuple[str, ...]) -> threading.Thread:
    """Load the reply checker's dictionaries (lemmas, medical vocabulary, the learned model) in the background
    once per server, while people sign in: cold, the first opened mention waited about six seconds for them."""
    thread = threading.Thread(target=_load_reply_checker, args=(languages,), name="warm-reply-checker", daemon=True)
    thread.start()
    return thread


def _load_reply_checker(languages: tuple[str, ...]) -> None:
    for language in languages:
        gate.check("Dziękujemy, grazie, thank you.", language)


def _sources_footer(config: Config, lang: str) -> None:
    if config.demo is not None:
        st.sidebar.info(t("reads_demo", lang))
    st.sidebar.caption(t("reads_from", lang, config=config.path, database=config.store_label))


main()
