"""The dashboard's users file (users.yaml): who may sign in, with which role and UI language.

Both the CLI (`add-user`) and the dashboard use this module; it holds no Streamlit code. Passwords are stored
only as bcrypt hashes, in the format streamlit-authenticator reads.
"""
from __future__ import annotations

import copy
import os
import threading
from pathlib import Path
from typing import Any

import bcrypt
import yaml

ROLES: tuple[str, ...] = ("staff", "manager", "admin")
UI_LANGUAGES: tuple[str, ...] = ("pl", "it", "en")


class UserExists(ValueError):
    """Adding a username that is already in the file, without asking to replace it."""
_CACHE: dict[Path, tuple[tuple[int, int, int], dict[str, Any]]] = {}
_CACHE_LOCK = threading.Lock()


def users_path(database: Path | str) -> Path:
    """CLINICWATCH_USERS, or users.yaml beside the database (the data folder)."""
    env = os.environ.get("CLINICWATCH_USERS")
    return Path(env) if env else Path(database).parent / "users.yaml"


def _no_users() -> dict[str, Any]:
    return {"credentials": {"usernames": {}}}


def _parse_users(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    data.setdefault("credentials", {}).setdefault("usernames", {})
    data["credentials"]["usernames"] = data["credentials"]["usernames"] or {}
    return data


def read_users(path: Path | str) -> dict[str, Any]:
    """The users file, parsed again only when it changed (every rerun asks, so roles are never stale)."""
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        return _no_users()
    stamp = (info.st_mtime_ns, info.st_size, info.st_ino)  # write_users replaces the file: a new inode
    with _CACHE_LOCK:
        cached = _CACHE.get(path)
        if cached is None or cached[0] != stamp:
            cached = _CACHE[path] = (stamp, _parse_users(path))
        return copy.deepcopy(cached[1])  # callers edit and write back their copy


def write_users(path: Path | str, data: dict[str, Any]) -> None:
    """Write atomically and readable by the owner only (the file holds the password hashes)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=True), encoding="utf-8")
    os.chmod(temporary, 0o600)
    temporary.replace(path)


def check_user(username: str, role: str, language: str = "en") -> str:
    """Validate everything but the password (so a CLI can refuse before asking for it); the stored username."""
    username = username.strip().lower()
    if not username or not username.replace("_", "").replace(".", "").replace("-", "").isalnum():
        raise ValueError("username: use letters, digits, '.', '_' or '-'")
    if role not in ROLES:
        raise ValueError(f"role: must be one of {', '.join(ROLES)} (got {role!r})")
    if language not in UI_LANGUAGES:
        raise ValueError(f"language: must be one of {', '.join(UI_LANGUAGES)} (got {language!r})")
    return username


def has_user(path: Path | str, username: str) -> bool:
    return username.strip().lower() in read_users(path)["credentials"]["usernames"]


def add_user(path: Path | str, username: str, name: str, password: str, role: str, language: str = "en", *,
             replace: bool = False) -> None:
    """Create a user (or replace one, only with replace=True); the password is stored only as a bcrypt hash."""
    username = check_user(username, role, language)
    if len(password) < 8:
        raise ValueError("password: at least 8 characters")
    data = read_users(path)
    if username in data["credentials"]["usernames"] and not replace:
        raise UserExists(f"user {username!r} already exists")
    data.pop("cookie", None)  # the signing key of the remember-me cookie of old versions: no longer used
    data["credentials"]["usernames"][username] = {
        "name": name.strip() or username,
        "email": "",
        "password": hash_password(password),
        "roles": [role],
        "language": language,
    }
    write_users(path, data)


def set_password(path: Path | str, username: str, password: str) -> None:
    """Replace a user's password (a new bcrypt hash); the role and language stay."""
    if len(password) < 8:
        raise ValueError("password: at least 8 characters")
    data = read_users(path)
    user = data["credentials"]["usernames"].get(username)
    if user is None:
        raise ValueError(f"no user {username!r}")
    user["password"] = hash_password(password)
    write_users(path, data)


def remove_user(path: Path | str, username: str) -> None:
    """Remove a user; the last admin stays, or nobody could manage users any more."""
    data = read_users(path)
    users = data["credentials"]["usernames"]
    if username not in users:
        raise ValueError(f"no user {username!r}")
    admins = [name for name, record in users.items() if "admin" in (record.get("roles") or [])]
    if admins == [username]:
        raise ValueError(f"{username!r} is the last admin; add another admin first")
    del users[username]
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


def hash_password(password: str) -> str:
    """A bcrypt hash, as streamlit-authenticator's Hasher writes and checks it."""
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt()).decode("utf-8")
