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

from core.workspaces import Install

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


def install_users_path(install: Install) -> Path:
    """CLINICWATCH_USERS, or the workspaces file's `users`, or users.yaml beside a single clinic's database."""
    env = os.environ.get("CLINICWATCH_USERS")
    if env:
        return Path(env)
    if install.users_file is not None:
        return install.users_file
    return users_path(install.workspace(None).config.database)


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


def role_in(record: dict[str, Any], workspace: str | None) -> str | None:
    """A user's role: in a single-clinic install their one role; in a workspace the role they have there, or
    None when they do not belong to it."""
    if workspace is None:
        return (record.get("roles") or ["staff"])[0]
    role = (record.get("workspaces") or {}).get(workspace)
    return role if role in ROLES else None


def memberships(record: dict[str, Any]) -> dict[str, str]:
    """{workspace id: role} for a user of a multi-workspace install."""
    return {ws: role for ws, role in (record.get("workspaces") or {}).items() if role in ROLES}


def has_user(path: Path | str, username: str) -> bool:
    return username.strip().lower() in read_users(path)["credentials"]["usernames"]


def add_user(path: Path | str, username: str, name: str, password: str, role: str, language: str = "en", *,
             replace: bool = False, workspace: str | None = None) -> None:
    """Create a user (or replace one, only with replace=True); the password is stored only as a bcrypt hash.

    With `workspace`, the user gets `role` in that workspace of a multi-workspace install, and nowhere else."""
    username = check_user(username, role, language)
    if len(password) < 8:
        raise ValueError("password: at least 8 characters")
    data = read_users(path)
    if username in data["credentials"]["usernames"] and not replace:
        raise UserExists(f"user {username!r} already exists")
    data.pop("cookie", None)  # the signing key of the remember-me cookie of old versions: no longer used
    record: dict[str, Any] = {
        "name": name.strip() or username,
        "email": "",
        "password": hash_password(password),
        "roles": [role],
        "language": language,
    }
    if workspace is not None:  # replacing keeps the user's roles in other workspaces
        previous = data["credentials"]["usernames"].get(username, {})
        record["workspaces"] = {**memberships(previous), workspace: role}
    data["credentials"]["usernames"][username] = record
    write_users(path, data)


def grant_workspace(path: Path | str, username: str, workspace: str, role: str) -> bool:
    """Give an existing user `role` in `workspace` (their password stays); True when they had no role there."""
    check_user(username, role)
    data = read_users(path)
    record = data["credentials"]["usernames"].get(username.strip().lower())
    if record is None:
        raise ValueError(f"no user {username!r}")
    granted = record.setdefault("workspaces", {})
    new = workspace not in granted
    granted[workspace] = role
    write_users(path, data)
    return new


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


def remove_user(path: Path | str, username: str, workspace: str | None = None) -> None:
    """Remove a user (from `workspace` only, in a multi-workspace install: the account goes with its last
    workspace); the last admin stays, or nobody could manage users any more."""
    data = read_users(path)
    users = data["credentials"]["usernames"]
    if username not in users or role_in(users[username], workspace) is None:
        raise ValueError(f"no user {username!r}")
    admins = [name for name, record in users.items() if role_in(record, workspace) == "admin"]
    if admins == [username]:
        raise ValueError(f"{username!r} is the last admin; add another admin first")
    if workspace is not None:
        del users[username]["workspaces"][workspace]
    if workspace is None or not users[username]["workspaces"]:
        del users[username]
    write_users(path, data)


def list_users(path: Path | str, workspace: str | None = None) -> list[dict[str, str]]:
    """Users without their hashes (only the workspace's, with their role there), for the Settings page and the
    assignee picker."""
    users = read_users(path)["credentials"]["usernames"]
    listed = []
    for username, record in sorted(users.items()):
        role = role_in(record, workspace)
        if role is not None:
            listed.append({"username": username, "name": record.get("name", username), "role": role,
                           "language": record.get("language", "en")})
    return listed


def set_user_language(path: Path | str, username: str, language: str) -> None:
    data = read_users(path)
    user = data["credentials"]["usernames"].get(username)
    if user is not None and user.get("language") != language:
        user["language"] = language
        write_users(path, data)


def hash_password(password: str) -> str:
    """A bcrypt hash, as streamlit-authenticator's Hasher writes and checks it."""
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt()).decode("utf-8")
