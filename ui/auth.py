"""Login with roles through streamlit-authenticator; users live in a YAML file with bcrypt hashes only."""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROLES: tuple[str, ...] = ("staff", "manager", "admin")
PAGES_BY_ROLE: dict[str, tuple[str, ...]] = {
    "staff": ("inbox",),
    "manager": ("inbox", "trends"),
    "admin": ("inbox", "trends", "sources", "settings"),
}
LOCAL_ADDRESSES = ("127.0.0.1", "localhost", "::1")
COOKIE_NAME = "clinicwatch_auth"


@dataclass(slots=True)
class User:
    username: str
    name: str
    role: str
    language: str = "en"
    demo: bool = False

    def can_open(self, page: str) -> bool:
        return page in PAGES_BY_ROLE.get(self.role, ())


def users_path(database: Path | str) -> Path:
    """CLINICWATCH_USERS, or users.yaml beside the database (the data folder)."""
    env = os.environ.get("CLINICWATCH_USERS")
    return Path(env) if env else Path(database).parent / "users.yaml"


def read_users(path: Path | str) -> dict[str, Any]:
    path = Path(path)
    if not path.exists():
        return {"credentials": {"usernames": {}}, "cookie": {"name": COOKIE_NAME, "key": "", "expiry_days": 7}}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    data.setdefault("credentials", {}).setdefault("usernames", {})
    data["credentials"]["usernames"] = data["credentials"]["usernames"] or {}
    data.setdefault("cookie", {"name": COOKIE_NAME, "key": "", "expiry_days": 7})
    return data


def write_users(path: Path | str, data: dict[str, Any]) -> None:
    """Write atomically and readable by the owner only (the file holds the cookie signing key)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=True), encoding="utf-8")
    os.chmod(temporary, 0o600)
    temporary.replace(path)


def add_user(path: Path | str, username: str, name: str, password: str, role: str, language: str = "en") -> None:
    """Create or replace a user; the password is stored only as a bcrypt hash."""
    from streamlit_authenticator.utilities.hasher import Hasher

    username = username.strip().lower()
    if not username or not username.replace("_", "").replace(".", "").replace("-", "").isalnum():
        raise ValueError("username: use letters, digits, '.', '_' or '-'")
    if role not in ROLES:
        raise ValueError(f"role: must be one of {', '.join(ROLES)} (got {role!r})")
    if len(password) < 8:
        raise ValueError("password: at least 8 characters")
    data = read_users(path)
    if not data["cookie"].get("key"):
        data["cookie"]["key"] = secrets.token_hex(32)
    data["credentials"]["usernames"][username] = {
        "name": name.strip() or username,
        "email": "",
        "password": Hasher.hash(password),
        "roles": [role],
        "language": language,
    }
    write_users(path, data)


def list_users(path: Path | str) -> list[dict[str, str]]:
    """Users without their hashes, for the Settings page and the assignee picker."""
    users = read_users(path)["credentials"]["usernames"]
    return [
        {"username": u, "name": d.get("name", u), "role": (d.get("roles") or ["staff"])[0], "language": d.get("language", "en")}
        for u, d in sorted(users.items())
    ]


def set_user_language(path: Path | str, username: str, language: str) -> None:
    data = read_users(path)
    user = data["credentials"]["usernames"].get(username)
    if user is not None and user.get("language") != language:
        user["language"] = language
        write_users(path, data)


def is_localhost() -> bool:
    """True when the server only listens on the loopback interface (the no-login demo is safe)."""
    import streamlit as st

    return (st.get_option("server.address") or "").strip() in LOCAL_ADDRESSES


def login(path: Path, lang: str) -> User | None:
    """Show the login form until the user signs in; None means 'stop rendering'."""
    import streamlit as st

    from core.i18n import t

    if not path.exists():
        if is_localhost():
            return User("demo", "Demo", "admin", st.session_state.get("ui_lang", lang), demo=True)
        st.error(t("login_required", lang, path=path))
        return None
    import streamlit_authenticator as stauth

    data = read_users(path)
    cookie = data["cookie"]
    authenticator = stauth.Authenticate(
        data["credentials"], cookie.get("name", COOKIE_NAME), cookie["key"], float(cookie.get("expiry_days", 7)),
        auto_hash=False,
    )
    fields = {
        "Form name": t("login", lang), "Username": t("username", lang),
        "Password": t("password", lang), "Login": t("login", lang),
    }
    signed_in_before = bool(st.session_state.get("authentication_status"))
    authenticator.login(location="main", fields=fields)
    if st.session_state.get("authentication_status") is False:
        st.error(t("login_failed", lang))
    if not st.session_state.get("authentication_status"):
        return None
    if not signed_in_before:
        st.rerun()  # drop the login form that this run already drew
    username = st.session_state["username"]
    record = data["credentials"]["usernames"].get(username, {})
    role = (st.session_state.get("roles") or record.get("roles") or ["staff"])[0]
    st.session_state["_authenticator"] = authenticator
    return User(username, st.session_state.get("name") or username, role, record.get("language", lang))


def logout_button(label: str) -> None:
    import streamlit as st

    authenticator = st.session_state.get("_authenticator")
    if authenticator is not None:
        authenticator.logout(label, location="sidebar", key="logout")
