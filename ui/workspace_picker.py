"""Which clinic (workspace) a dashboard session works in, in an install that serves several.

A user sees only the workspaces the users file gives them a role in. A link to any other workspace (another
clinic's mention, say) shows the same message whether that workspace exists or not, and opens nothing of it.
"""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from core.i18n import t
from core.urls import MENTION_PARAM, WORKSPACE_PARAM
from core.workspaces import Install, Workspace
from ui.auth import LOGOUT_KEY, User, workspaces_of

PICKER_KEY = "workspace"
_OPEN_KEY = "cw_workspace_open"
# Session keys that outlive a change of workspace: the sign-in (streamlit-authenticator's keys), the widgets drawn
# before the choice (language, log out: with its state deleted mid-run, the next run signed the user out) and the
# menu. Everything else (filters, the open mention, built exports) belongs to the workspace left.
_SESSION_KEYS_KEPT = frozenset({"authentication_status", "username", "name", "email", "roles", "logout",
                                "password_hint", "ui_lang", "ui_lang_owner", LOGOUT_KEY, "nav", PICKER_KEY,
                                _OPEN_KEY})


def choose_workspace(install: Install, users_file: Path, user: User, lang: str) -> Workspace | None:
    """The workspace this run renders, with `user`'s role there set on `user`; None: render nothing more."""
    if install.single:
        return install.workspace(None)
    allowed = {ws: role for ws, role in workspaces_of(users_file, user).items() if ws in install.workspaces}
    if not allowed:
        st.error(t("no_workspaces", lang))
        return None
    linked = st.query_params.get(WORKSPACE_PARAM)
    if PICKER_KEY not in st.session_state and linked in allowed:  # a link opens its workspace once
        st.session_state[PICKER_KEY] = linked
    chosen: str = st.sidebar.selectbox(
        t("workspace", lang), sorted(allowed), format_func=lambda ws: install.workspaces[ws].title, key=PICKER_KEY,
    ) or sorted(allowed)[0]
    if linked is not None and linked not in allowed:
        st.query_params.pop(WORKSPACE_PARAM, None)
        st.query_params.pop(MENTION_PARAM, None)
        st.error(t("workspace_unavailable", lang))
        return None
    if st.session_state.get(_OPEN_KEY) not in (None, chosen):
        _forget_the_workspace_left()
    st.session_state[_OPEN_KEY] = chosen
    st.query_params[WORKSPACE_PARAM] = chosen
    user.workspace, user.role = chosen, allowed[chosen]
    return install.workspaces[chosen]


def _forget_the_workspace_left() -> None:
    for key in list(st.session_state.keys()):
        if key not in _SESSION_KEYS_KEPT:
            del st.session_state[key]
    st.query_params.pop(MENTION_PARAM, None)  # ids are per workspace: the same number is another mention here
