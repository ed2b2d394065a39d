"""`migrate-workspace`: an existing single-clinic install becomes one workspace of a multi-clinic install."""
from __future__ import annotations

import os
import re
from pathlib import Path

import tomlkit
import typer

from clinicwatch.cli_common import console, fail, open_or_exit
from collectors.registry import load_config, load_install
from core.config import Config, ConfigError
from core.workspaces import WORKSPACE_ID, Install, is_install_file
from storage.users import install_users_path, memberships, read_users, role_in, users_path, write_users
from storage.workspace_copy import NotEmpty, copy_public_into

INSTALL_HEADER = (
    "ClinicWatch install serving several clinics: one [[workspace]] per clinic, each naming its own config file.\n"
    "Users (users.yaml) get a role per workspace: `clinicwatch add-user NAME --role staff -w ID -c workspaces.toml`."
)


def migrate_workspace(
    clinic_config: Path = typer.Argument(..., help="The single-clinic config whose database and users move."),
    workspace: str = typer.Option(..., "--workspace", "-w", help="The new workspace's id (a-z, 0-9, _)."),
    title: str = typer.Option("", "--title", help="Its name in the dashboard (default: clinic_name)."),
    config: Path = typer.Option(Path("workspaces.toml"), "--config", "-c",
                                help="The workspaces file to add it to (created when missing)."),
) -> None:
    """Make an existing single-clinic install one workspace of a multi-clinic install (its data and users).

    On SQLite the clinic's database file stays where it is and becomes the workspace's; on PostgreSQL its rows are
    copied from the public schema into the workspace's own schema (the public schema is left as it was)."""
    if not re.match(WORKSPACE_ID, workspace):
        fail(f"--workspace: {workspace!r} is not a workspace id (a lowercase letter, then a-z, 0-9 or _)", 2)
    clinic = _single_clinic(clinic_config)
    before = config.read_text(encoding="utf-8") if config.exists() else None
    install = _add_to_install_file(config, workspace, title, clinic_config)
    try:
        _move_data(clinic, install.workspace(workspace).config)
    except typer.Exit:
        _restore(config, before)  # the workspace is not added without its data
        raise
    _move_users(users_path(clinic.database), install_users_path(install), workspace)
    console.print(f"done: start the dashboard and `run` with CLINICWATCH_CONFIG={config}", highlight=False)


def _single_clinic(path: Path) -> Config:
    try:
        if is_install_file(_toml(path)):
            fail(f"{path} is already a workspaces file; pass a clinic's own config", 2)
        return load_config(path)
    except ConfigError as exc:
        fail(str(exc), 2)
        raise


def _toml(path: Path) -> dict:
    try:
        return tomlkit.parse(path.read_text(encoding="utf-8")).unwrap()
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except tomlkit.exceptions.ParseError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None


def _add_to_install_file(path: Path, workspace: str, title: str, clinic_config: Path) -> Install:
    """Append the workspace (comments and order of an existing file kept); refused, and the file left as it was,
    when the result does not load."""
    before = path.read_text(encoding="utf-8") if path.exists() else None
    document = tomlkit.parse(before) if before is not None else _new_install_document()
    entries = document.setdefault("workspace", tomlkit.aot())
    if any(entry.get("id") == workspace for entry in entries):
        fail(f"{path} already has a workspace {workspace!r}", 2)
    entry = tomlkit.table()
    entry["id"] = workspace
    if title:
        entry["title"] = title
    entry["config"] = os.path.relpath(clinic_config.resolve(), path.resolve().parent)
    entries.append(entry)
    path.write_text(tomlkit.dumps(document), encoding="utf-8")
    try:
        install = load_install(path)
    except ConfigError as exc:
        _restore(path, before)
        fail(f"{exc} (nothing changed)", 2)
        raise
    console.print(f"workspace {workspace} added to {path}", highlight=False)
    return install


def _restore(path: Path, before: str | None) -> None:
    if before is None:
        path.unlink(missing_ok=True)
    else:
        path.write_text(before, encoding="utf-8")


def _new_install_document() -> tomlkit.TOMLDocument:
    document = tomlkit.document()
    for line in INSTALL_HEADER.splitlines():
        document.add(tomlkit.comment(line))
    document["users"] = "data/users.yaml"
    return document


def _move_data(clinic: Config, served: Config) -> None:
    if not clinic.database_url:
        console.print(f"data: the database {clinic.database} stays where it is and now serves workspace "
                      f"{served.workspace}", highlight=False)
        return
    target = open_or_exit(served)
    try:
        report = copy_public_into(target)
    except NotEmpty as exc:
        fail(str(exc), 2)
        raise
    finally:
        target.close()
    console.print(f"data: copied into {served.store_label}: {report.describe()} "
                  f"(the public schema is left as it was: drop its tables once you have checked)", highlight=False)


def _move_users(old_file: Path, users_file: Path, workspace: str) -> None:
    """The clinic's users get their role in the new workspace; a username already in the install keeps its
    password there and only gains the role."""
    if not old_file.exists():
        console.print(f"users: none to move ({old_file} does not exist)", highlight=False)
        return
    old = read_users(old_file)["credentials"]["usernames"]
    data = read_users(users_file)
    users = data["credentials"]["usernames"]
    joined = []
    for username, record in old.items():
        role = role_in(record, None)
        if username in users:
            users[username]["workspaces"] = {**memberships(users[username]), workspace: role}
            joined.append(username)
        else:
            users[username] = {**record, "workspaces": {workspace: role}}
    write_users(users_file, data)
    console.print(f"users: {len(old)} moved into {users_file} with their roles in {workspace}"
                  + (f"; already there, password kept: {', '.join(sorted(joined))}" if joined else ""),
                  highlight=False)
