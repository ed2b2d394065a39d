"""Login with roles through streamlit-authenticator; users live in a YAML file with bcrypt hashes only.

Failed logins are limited (ui.login_guard); a session lasts as long as its browser tab (no remember-me cookie).
"""
from __future__ import annotations

import logging
import math
import os
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit_authenticator.controllers import AuthenticationController

from core.i18n import t
from storage.users import memberships, read_users, role_in
from ui.client_address import Network, client_address
from ui.login_guard import LoginGuard, Verdict, guard_path, normalise

LOG = logging.getLogger("clinicwatch.auth")
# Records a sign-in event (actor, action, detail) in the store's audit trail when the dashboard has one.
Audit = Callable[[str, str, dict[str, Any]], None]

PAGES_BY_ROLE: dict[str, tuple[str, ...]] = {
    "staff": ("inbox",),
    "manager": ("inbox", "trends"),
    "admin": ("inbox", "trends", "sources", "settings"),
}
LOCAL_ADDRESSES = ("127.0.0.1", "localhost", "::1")
LOGOUT_KEY = "cw_logout"
# Signs nothing that leaves the server (there is no remember-me cookie); the library wants some key.
_LIBRARY_KEY = secrets.token_hex(32)


@dataclass(slots=True)
class User:
    username: str
    name: str
    role: str
    language: str = "en"
    demo: bool = False
    workspace: str | None = None  # the workspace open in this session, in a multi-workspace install

    def can_open(self, page: str) -> bool:
        return page in PAGES_BY_ROLE.get(self.role, ())


def current_role(users_file: Path, user: User) -> str | None:
    """The user's role as the users file says now (None once deleted); asked again when a file is generated."""
    if user.demo:
        return user.role if not users_file.exists() else None
    record = read_users(users_file)["credentials"]["usernames"].get(user.username)
    return None if record is None else role_in(record, user.workspace)


def workspaces_of(users_file: Path, user: User) -> dict[str, str]:
    """{workspace id: role} the user may open in a multi-workspace install (as the users file says now)."""
    record = read_users(users_file)["credentials"]["usernames"].get(user.username)
    return {} if record is None else memberships(record)


def is_localhost() -> bool:
    """True when the server only listens on the loopback interface (the no-login demo is safe)."""
    return (st.get_option("server.address") or "").strip() in LOCAL_ADDRESSES


def login(path: Path, lang: str, audit: Audit | None = None,
          trusted_proxies: Sequence[Network] = ()) -> User | None:
    """Show the login form until the user signs in; None means 'stop rendering'.

    The user's role and name come from the users file on every rerun, so a demotion takes effect at the
    next click and a deleted user is signed out. There is no remember-me: every new browser session signs in.
    """
    if not path.exists():
        if is_localhost():
            return User("demo", "Demo", "admin", st.session_state.get("ui_lang", lang), demo=True)
        st.error(t("login_required", lang, path=path))
        return None
    users = read_users(path)["credentials"]["usernames"]
    if st.session_state.get("authentication_status"):
        username = st.session_state.get("username") or ""
        record = users.get(username)
        if record is not None:
            role = (record.get("roles") or ["staff"])[0]
            return User(username, record.get("name") or username, role, record.get("language", lang))
        LOG.warning("signed out %r: no longer in %s", username, path)
        sign_out(audit, username, "signed_out_removed")
        st.warning(t("account_removed", lang))
    _login_form(path, users, lang, audit or _no_audit, trusted_proxies)
    return None


def _no_audit(actor: str, action: str, detail: dict[str, Any]) -> None:
    """Without a store the log (clinicwatch.auth) is the only record."""


def _login_form(path: Path, users: dict[str, Any], lang: str, audit: Audit, trusted_proxies: Sequence[Network]) -> None:
    with st.form("login_form", clear_on_submit=True):
        st.subheader(t("login", lang))
        username = st.text_input(t("username", lang), key="login_username", autocomplete="username")
        password = st.text_input(t("password", lang), type="password", key="login_password")
        submitted = st.form_submit_button(t("login", lang))
    if not submitted:
        return
    if not username.strip():
        st.error(t("login_failed", lang))
        return
    guard, address = LoginGuard(guard_path(path)), _client_address(trusted_proxies)
    verdict = guard.check(username, address)
    actor = normalise(username)
    if not verdict.allowed:
        audit(actor, "login_refused", _lock_detail(address, verdict))
        st.error(t("login_locked", lang, seconds=math.ceil(verdict.wait_seconds)))
        return
    # streamlit-authenticator checks the bcrypt hash and sets username, name, roles and authentication_status.
    controller = AuthenticationController({"usernames": users}, auto_hash=False, secret_key=_LIBRARY_KEY)
    if controller.login(username, password):
        guard.succeeded(username)
        audit(actor, "login", {"address": address})
        st.rerun()  # drop the login form that this run already drew
    verdict = guard.failed(username, address)
    audit(actor, "login_failed", _lock_detail(address, verdict))
    message = t("login_failed", lang)
    if not verdict.allowed:
        message += " " + t("login_locked", lang, seconds=math.ceil(verdict.wait_seconds))
    st.error(message)


def _lock_detail(address: str | None, verdict: Verdict) -> dict[str, Any]:
    return {"address": address, "locked": verdict.subject, "seconds": round(verdict.wait_seconds)}


def _client_address(trusted_proxies: Sequence[Network]) -> str | None:
    """The websocket peer's address, or behind a trusted proxy the client's (ui.client_address); None on
    loopback without one (and in AppTest, whose context is a stand-in)."""
    peer = st.context.ip_address
    forwarded = st.context.headers.get_all("X-Forwarded-For")
    if forwarded and _server_rewrites_loopback_peers():
        LOG.warning("uvicorn may have taken this connection's address from X-Forwarded-For: start the dashboard "
                    "with FORWARDED_ALLOW_IPS= (make dashboard does) and list proxies in [dashboard] trusted_proxies")
    return client_address(peer if isinstance(peer, str) else None, forwarded, trusted_proxies)


def _server_rewrites_loopback_peers() -> bool:
    """Streamlit's server (uvicorn) replaces a peer it trusts (by default loopback) with the X-Forwarded-For
    address, in this same process, unless FORWARDED_ALLOW_IPS is set empty."""
    return os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1").strip() != ""


def sign_out(audit: Audit | None = None, actor: str = "", action: str = "logout") -> None:
    """Forget the whole session (filters, selections, built exports), keeping only the UI language."""
    if audit is not None:
        audit(actor, action, {})
    keep = {key: st.session_state[key] for key in ("ui_lang",) if key in st.session_state}
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    st.session_state.update(keep)


def logout_button(label: str, user: User, audit: Audit | None = None) -> None:
    # A callback runs before the next rerun draws any widget; the key must not be one of the library's
    # session keys ('logout' is), or Streamlit refuses the change of an instantiated widget's state.
    st.sidebar.button(label, key=LOGOUT_KEY, on_click=sign_out, args=(audit, user.username))
