"""`add-user`: dashboard users, in a single-clinic install or with a role per workspace."""
from __future__ import annotations

import sys
from pathlib import Path

import typer

from clinicwatch.cli_common import ConfigOption, WorkspaceOption, console, fail, load_install_or_exit
from core.config import ConfigError
from storage.users import UserExists, check_user, grant_workspace, has_user, install_users_path, memberships, read_users
from storage.users import add_user as store_user


def add_user(
    username: str,
    role: str = typer.Option(..., "--role", help="staff, manager or admin."),
    name: str = typer.Option("", "--name", help="Display name (default: the username)."),
    language: str = typer.Option("en", "--language", help="UI language: pl, it or en."),
    replace: bool = typer.Option(False, "--replace", help="Replace an existing user of that name (role, password)."),
    config: Path | None = ConfigOption,
    workspace: str | None = WorkspaceOption,
) -> None:
    """Add a dashboard user (or replace one with --replace); the password is asked for and stored only as a hash.

    From a terminal the password is asked twice, hidden; piped, the first line of stdin is the password.
    With a workspaces file the user gets the role in --workspace only; an existing user is added to it.
    """
    install = load_install_or_exit(config)
    try:
        chosen = install.workspace(workspace)
    except ConfigError as exc:
        fail(str(exc), 2)
    path = install_users_path(install)
    in_workspace = None if install.single else chosen.id
    try:  # everything but the password is checked before asking for it
        username = check_user(username, role, language)
    except ValueError as exc:
        fail(str(exc), 2)
    first = not path.exists()  # with no users file the local dashboard runs without login (ui.auth)
    existed = has_user(path, username)
    if existed and not replace and in_workspace is not None:
        _join_workspace(path, username, in_workspace, role)
        return
    if existed and not replace:
        fail(f"user {username!r} already exists in {path}; pass --replace to replace them", 2)
    password = _read_password()
    try:
        store_user(path, username, name or username, password, role, language, replace=replace,
                   workspace=in_workspace)
    except ValueError as exc:
        fail(str(exc), 2 if isinstance(exc, UserExists) else 1)
    where = f" in workspace {in_workspace}" if in_workspace else ""
    console.print(f"user {username!r} ({role}){where} {'replaced' if existed else 'added'} in {path}", highlight=False)
    if first and install.single:
        console.print("[yellow]note:[/yellow] this is the first user, so the dashboard now asks everyone to sign "
                      "in (including the local demo, which ran without login until now)", highlight=False)


def _join_workspace(path: Path, username: str, workspace: str, role: str) -> None:
    """An existing user of a workspaces install gets a role in one more workspace; their password stays."""
    record = read_users(path)["credentials"]["usernames"][username]
    if workspace in memberships(record):
        fail(f"user {username!r} already works in workspace {workspace} ({memberships(record)[workspace]}); "
             "pass --replace to change their role and password", 2)
    grant_workspace(path, username, workspace, role)
    console.print(f"user {username!r} now has the role {role} in workspace {workspace} (password unchanged)",
                  highlight=False)


def _read_password() -> str:
    """Hidden and confirmed from a terminal; the first line of stdin when piped (getpass would warn)."""
    if sys.stdin.isatty():
        return str(typer.prompt("password", hide_input=True, confirmation_prompt=True))
    return sys.stdin.readline().rstrip("\r\n")
