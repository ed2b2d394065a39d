"""What every command shares: the consoles, the --config and --workspace options, loading and opening."""
from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.console import Console

from clinicwatch.demo import bundled_folder
from collectors.registry import load_install
from core.config import Config, ConfigError, find_config
from core.workspaces import Install
from storage import Store, open_store

console = Console(stderr=True)
# Piped output (cron logs, tests) gets wide tables rather than truncated names.
stdout = Console(width=None if sys.stdout.isatty() else 320)
ConfigOption = typer.Option(None, "--config", "-c", help="Config TOML, a clinic's or a workspaces file "
                                                        "(default: $CLINICWATCH_CONFIG, config.toml).")
WorkspaceOption = typer.Option(None, "--workspace", "-w",
                               help="With a workspaces file: the clinic (workspace id) to work on.")
WorkspacesOption = typer.Option([], "--workspace", "-w",
                                help="With a workspaces file: only this clinic (repeatable; default: all of them).")


def fail(message: str, code: int = 1) -> None:
    """Print a one-line reason and exit non-zero."""
    console.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def load_install_or_exit(config_path: Path | None) -> Install:
    try:
        install = load_install(find_config(config_path))
        for workspace in install.workspaces.values():
            bundled_folder(workspace.config)  # a demo config's folder of bundled sources must exist
        return install
    except ConfigError as exc:
        fail(str(exc), 2)
        raise  # unreachable, for type checkers


def load_or_exit(config_path: Path | None, workspace: str | None = None) -> Config:
    """One clinic's config: the file's own, or the named workspace's (the only one when there is one)."""
    try:
        return load_install_or_exit(config_path).workspace(workspace).config
    except ConfigError as exc:
        fail(str(exc), 2)
        raise


def load_each_or_exit(config_path: Path | None, workspaces: list[str]) -> list[Config]:
    """The clinics to collect for: the named workspaces, or all of the install's."""
    install = load_install_or_exit(config_path)
    try:
        chosen = [install.workspace(ws) for ws in workspaces] if workspaces else list(install.workspaces.values())
    except ConfigError as exc:
        fail(str(exc), 2)
    return [workspace.config for workspace in chosen]


def open_or_exit(config: Config) -> Store:
    try:
        return open_store(config.store_target, map_file=True)
    except Exception as exc:  # sqlite3.DatabaseError, permission errors …
        fail(f"cannot open database {config.store_label}: {exc}")
        raise
