"""Workspaces: one install serving several clinics; loading, users' roles per workspace, the CLI and links."""
from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from clinicwatch.cli import app
from collectors.registry import load_install
from core.config import ConfigError
from core.urls import mention_link, page_link
from core.workspaces import DEFAULT_WORKSPACE
from storage.users import (
    add_user,
    grant_workspace,
    list_users,
    read_users,
    remove_user,
)
from tests.dashboard_fixtures import build_demo
from tests.workspace_fixtures import PASSWORD, build_install
from ui.components import load_app_install

runner = CliRunner()


@pytest.fixture
def install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("CLINICWATCH_USERS", raising=False)
    monkeypatch.delenv("CLINICWATCH_CONFIG", raising=False)
    return build_install(tmp_path)


def test_an_install_file_serves_each_clinic_from_its_own_config_and_store(install: Path) -> None:
    loaded = load_install(install)
    assert list(loaded.workspaces) == ["salus", "vita"]
    salus, vita = loaded.workspace("salus"), loaded.workspace("vita")
    assert (salus.title, vita.title) == ("Salus Medica", "Vita Clinic")  # title, or the clinic's name
    assert salus.config.workspace == "salus" and vita.config.clinic_name == "Vita Clinic"
    assert salus.config.store_target != vita.config.store_target
    assert salus.config.model_dir != vita.config.model_dir  # each clinic learns its own model
    assert loaded.users_file == install.parent / "users.yaml"


def test_a_clinic_config_alone_is_one_workspace_and_unchanged(tmp_path: Path) -> None:
    config_path, database = build_demo(tmp_path)
    loaded = load_install(config_path)
    assert loaded.single and list(loaded.workspaces) == [DEFAULT_WORKSPACE]
    config = loaded.workspace(None).config
    assert config.workspace is None and config.store_target == database


def test_naming_a_workspace_that_is_not_there_lists_the_choices(install: Path) -> None:
    loaded = load_install(install)
    with pytest.raises(ConfigError, match=r"several workspaces \(salus, vita\): pass --workspace"):
        loaded.workspace(None)
    with pytest.raises(ConfigError, match=r"no workspace 'nope' \(its workspaces: salus, vita\)"):
        loaded.workspace("nope")


@pytest.mark.parametrize(("change", "message"), [
    (lambda text: text.replace('id = "vita"', 'id = "salus"'), "must be unique: salus"),
    (lambda text: text.replace('id = "vita"', 'id = "Vita Clinic"'), r"workspace\[1\].id"),
    (lambda text: text.replace('config = "vita/config.toml"', 'config = "salus/config.toml"'), "share the data folder"),
    (lambda text: text + "\n[extra]\nx = 1\n", "extra: unknown key"),
    (lambda text: text.replace('config = "vita/config.toml"', 'config = "gone/config.toml"'), "file not found"),
])
def test_a_bad_install_file_is_refused_with_the_key_path(install: Path, change, message: str) -> None:
    install.write_text(change(install.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_install(install)


def test_a_clinic_config_may_not_name_its_own_workspace(tmp_path: Path) -> None:
    config_path, _ = build_demo(tmp_path)
    config_path.write_text('workspace = "salus"\n' + config_path.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(ConfigError, match="workspace: unknown key"):
        load_install(config_path)


def test_users_have_a_role_per_workspace_and_see_only_their_workspace_colleagues(install: Path) -> None:
    users = install.parent / "users.yaml"
    assert [u["username"] for u in list_users(users, "salus")] == ["ada", "sam"]
    assert [(u["username"], u["role"]) for u in list_users(users, "vita")] == [("ada", "admin"), ("val", "staff")]
    grant_workspace(users, "sam", "vita", "manager")
    assert {u["username"]: u["role"] for u in list_users(users, "vita")}["sam"] == "manager"
    remove_user(users, "sam", "vita")  # leaves vita, keeps the account for salus
    assert "sam" in read_users(users)["credentials"]["usernames"]
    assert [u["username"] for u in list_users(users, "vita")] == ["ada", "val"]
    remove_user(users, "val", "vita")  # their last workspace: the account goes
    assert "val" not in read_users(users)["credentials"]["usernames"]
    with pytest.raises(ValueError, match="last admin"):
        remove_user(users, "ada", "vita")
    with pytest.raises(ValueError, match="no user 'sam'"):  # not in vita any more: nothing to remove there
        remove_user(users, "sam", "vita")


def test_replacing_a_user_in_one_workspace_keeps_their_roles_elsewhere(install: Path) -> None:
    users = install.parent / "users.yaml"
    add_user(users, "ada", "Ada", "another-pass-1", "manager", workspace="vita", replace=True)
    assert read_users(users)["credentials"]["usernames"]["ada"]["workspaces"] == {"salus": "admin", "vita": "manager"}


def test_links_name_the_workspace_when_there_is_one() -> None:
    assert mention_link("https://cw.example/", 42, "vita") == "https://cw.example/?ws=vita&page=inbox&mention=42"
    assert mention_link("https://cw.example", 42) == "https://cw.example/?page=inbox&mention=42"
    assert page_link("https://cw.example", "trends", "salus") == "https://cw.example/?ws=salus&page=trends"


def cli(*args: str, password: str | None = None):
    return runner.invoke(app, list(args), input=None if password is None else password + "\n")


def test_commands_on_an_install_name_the_workspace(install: Path) -> None:
    result = cli("status", "-c", str(install))
    assert result.exit_code == 2 and "pass --workspace" in result.output
    result = cli("status", "-c", str(install), "-w", "vita")
    assert result.exit_code == 0, result.output
    assert "8 mentions stored in" in result.output and "vita" in result.output
    result = cli("status", "-c", str(install), "-w", "nope")
    assert result.exit_code == 2 and "no workspace 'nope'" in result.output


def test_add_user_gives_a_role_in_one_workspace_and_an_existing_user_joins_without_a_new_password(
        install: Path) -> None:
    users = install.parent / "users.yaml"
    result = cli("add-user", "bea", "--role", "manager", "-c", str(install), "-w", "vita", password="bea-password-1")
    assert result.exit_code == 0, result.output
    assert read_users(users)["credentials"]["usernames"]["bea"]["workspaces"] == {"vita": "manager"}
    before = read_users(users)["credentials"]["usernames"]["sam"]["password"]
    result = cli("add-user", "sam", "--role", "staff", "-c", str(install), "-w", "vita")  # no password asked
    assert result.exit_code == 0, result.output
    assert "now has the role staff in workspace vita (password unchanged)" in result.output
    sam = read_users(users)["credentials"]["usernames"]["sam"]
    assert sam["workspaces"] == {"salus": "staff", "vita": "staff"} and sam["password"] == before
    result = cli("add-user", "sam", "--role", "admin", "-c", str(install), "-w", "vita")
    assert result.exit_code == 2 and "already works in workspace vita" in result.output
    result = cli("add-user", "zed", "--role", "staff", "-c", str(install), password=PASSWORD)
    assert result.exit_code == 2 and "pass --workspace" in result.output


def test_the_dashboard_reads_the_install_again_only_when_one_of_its_files_changed(
        install: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLINICWATCH_CONFIG", str(install))
    first = load_app_install()
    assert load_app_install() is first  # a rerun with nothing changed parses nothing
    vita = install.parent / "vita" / "config.toml"
    vita.write_text(vita.read_text(encoding="utf-8").replace('"Vita Clinic"', '"Vita Clinica"'), encoding="utf-8")
    again = load_app_install()
    assert again is not first and again.workspace("vita").config.clinic_name == "Vita Clinica"
