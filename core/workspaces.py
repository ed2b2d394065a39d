"""Workspaces: one install serving many clinics, each with its own config, store, users' roles and model.

An install file (workspaces.toml) lists the workspaces; each names an ordinary single-clinic config, so a clinic
keeps its brand terms, sources, channels, templates, office hours, alert rules, retention and model in the file it
always had. A single-clinic config on its own is an install of one workspace, `default`, and works unchanged.

Workspaces are kept apart by construction rather than by a filter every query must remember: on SQLite each has
its own database file, on PostgreSQL its own schema (`cw_<id>`) in the shared database, chosen by the connection's
search_path. A query cannot reach another workspace's rows because they are not in what it connects to.
"""
from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from core.config import Config, ConfigError, describe_error

DEFAULT_WORKSPACE = "default"
WORKSPACE_ID = r"^[a-z][a-z0-9_]{0,39}$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WorkspaceEntry(_Strict):
    id: str = Field(pattern=WORKSPACE_ID, description="Short name in links and commands, e.g. salus_krakow.")
    title: str = Field(default="", description="Shown in the dashboard's workspace picker (default: clinic_name).")
    config: Path = Field(description="The clinic's own config file, relative to this file's folder.")


class InstallFile(_Strict):
    users: Path = Field(default=Path("data/users.yaml"), description="The users file of the whole install.")
    workspace: list[WorkspaceEntry] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> InstallFile:
        ids = [entry.id for entry in self.workspace]
        doubled = sorted({i for i in ids if ids.count(i) > 1})
        if doubled:
            raise ValueError(f"workspace ids must be unique: {', '.join(doubled)} appears more than once")
        return self


@dataclass(frozen=True, slots=True)
class Workspace:
    id: str
    title: str
    config: Config


@dataclass(frozen=True, slots=True)
class Install:
    """What one dashboard or `run` process serves. `users_file` is None for a single-clinic config, whose users
    file lies beside its database (storage.users.users_path)."""

    path: Path
    workspaces: dict[str, Workspace]
    users_file: Path | None = None

    @property
    def single(self) -> bool:
        return self.users_file is None

    def workspace(self, workspace_id: str | None) -> Workspace:
        """The workspace named, or the only one when none is named; ConfigError names the choices."""
        if workspace_id is None and len(self.workspaces) == 1:
            return next(iter(self.workspaces.values()))
        if workspace_id in self.workspaces:
            return self.workspaces[workspace_id]
        choices = ", ".join(sorted(self.workspaces))
        if workspace_id is None:
            raise ConfigError(f"{self.path} serves several workspaces ({choices}): pass --workspace")
        raise ConfigError(f"{self.path}: no workspace {workspace_id!r} (its workspaces: {choices})")


ConfigLoader = Callable[[Path], Config]


def is_install_file(raw: dict[str, Any]) -> bool:
    """A workspaces file lists [[workspace]] tables; a clinic's config always has a clinic_name."""
    return "workspace" in raw and "clinic_name" not in raw


def load_install(path: str | Path, load_config: ConfigLoader) -> Install:
    """The install at `path`: a workspaces file, or a single-clinic config as the one workspace `default`.

    `load_config` reads one clinic's config (collectors.registry.load_config validates its sources too)."""
    path = Path(path)
    raw = _read_toml(path)
    if not is_install_file(raw):
        config = load_config(path)
        return Install(path, {DEFAULT_WORKSPACE: Workspace(DEFAULT_WORKSPACE, config.clinic_name, config)})
    try:
        parsed = InstallFile.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(f"{path}: " + "; ".join(describe_error(dict(e)) for e in exc.errors())) from None
    folder = path.parent
    workspaces: dict[str, Workspace] = {}
    for entry in parsed.workspace:
        config = load_config(folder / entry.config).in_workspace(entry.id)
        workspaces[entry.id] = Workspace(entry.id, entry.title or config.clinic_name, config)
    _check_apart(path, workspaces)
    return Install(path, workspaces, users_file=folder / parsed.users)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None


def _check_apart(path: Path, workspaces: dict[str, Workspace]) -> None:
    """Two workspaces may not share a database file or a data folder (its models and reports are the clinic's)."""
    seen: dict[Path, str] = {}
    for workspace in workspaces.values():
        folder = workspace.config.database.resolve().parent
        other = seen.setdefault(folder, workspace.id)
        if other != workspace.id:
            raise ConfigError(
                f"{path}: workspaces {other!r} and {workspace.id!r} share the data folder {folder} "
                f"(database, models); set `database` in one clinic's config to a file in its own folder")
