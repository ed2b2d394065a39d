"""`migrate-workspace`: a single-clinic install becomes one workspace of a multi-clinic install, data and users."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clinicwatch.cli import app
from collectors.registry import load_install
from core.models import Mention
from storage import open_store, queries, trends
from storage.queries import MentionFilter
from storage.users import add_user, read_users, users_path
from tests.dashboard_fixtures import build_demo

runner = CliRunner()
EXISTING_INSTALL = """\
# Our clinics: keep this comment.
users = "users.yaml"

[[workspace]]
id = "vita"  # the first one
config = "vita/config.toml"
"""


@pytest.fixture(autouse=True)
def no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLINICWATCH_USERS", raising=False)
    monkeypatch.delenv("CLINICWATCH_CONFIG", raising=False)


def migrate(clinic_config: Path, install: Path, workspace: str = "salus"):
    return runner.invoke(app, ["migrate-workspace", str(clinic_config), "-w", workspace, "-c", str(install)])


def old_clinic(folder: Path, database_url: str | None = None) -> Path:
    """A single-clinic install as it was before workspaces: config, database and users beside it."""
    folder.mkdir(parents=True, exist_ok=True)
    config_path, database = build_demo(folder, database_url=database_url)
    add_user(users_path(database), "olga", "Olga", "olga-password-1", "admin")
    add_user(users_path(database), "sam", "Sam (old)", "sam-password-old", "staff")
    return config_path


def test_an_sqlite_clinic_becomes_a_workspace_where_it_lies_with_its_users(tmp_path: Path) -> None:
    clinic = old_clinic(tmp_path / "salus")
    install = tmp_path / "workspaces.toml"
    result = migrate(clinic, install)
    assert result.exit_code == 0, result.output
    loaded = load_install(install)
    served = loaded.workspace("salus").config
    assert served.store_target == tmp_path / "salus" / "data" / "dashboard.db"  # nothing copied, nothing moved
    store = open_store(served.store_target)
    assert store.count_mentions() == 7
    store.close()
    users = read_users(tmp_path / "data" / "users.yaml")["credentials"]["usernames"]
    assert users["olga"]["workspaces"] == {"salus": "admin"} and users["sam"]["workspaces"] == {"salus": "staff"}
    status = runner.invoke(app, ["status", "-c", str(install), "-w", "salus"])
    assert status.exit_code == 0 and "7 mentions stored" in status.output


def test_a_second_clinic_joins_an_existing_install_file_keeping_its_comments(tmp_path: Path) -> None:
    (tmp_path / "vita").mkdir()
    build_demo(tmp_path / "vita")
    install = tmp_path / "workspaces.toml"
    install.write_text(EXISTING_INSTALL, encoding="utf-8")
    users = tmp_path / "users.yaml"
    add_user(users, "sam", "Sam", "sam-password-new", "manager", workspace="vita")
    result = migrate(old_clinic(tmp_path / "salus"), install)
    assert result.exit_code == 0, result.output
    text = install.read_text(encoding="utf-8")
    assert text.startswith("# Our clinics: keep this comment.") and '"vita"  # the first one' in text
    assert list(load_install(install).workspaces) == ["vita", "salus"]
    sam = read_users(users)["credentials"]["usernames"]["sam"]
    assert sam["workspaces"] == {"vita": "manager", "salus": "staff"}  # joins, keeps the install's password
    assert "sam-password-new" not in sam["password"] and sam["name"] == "Sam"
    assert "already there, password kept: sam" in result.output
    again = migrate(tmp_path / "salus" / "config.toml", install)
    assert again.exit_code == 2 and "already has a workspace 'salus'" in again.output
    assert install.read_text(encoding="utf-8") == text


def test_bad_requests_change_nothing(tmp_path: Path) -> None:
    clinic = old_clinic(tmp_path / "salus")
    install = tmp_path / "workspaces.toml"
    assert migrate(clinic, install, "Salus Clinic").exit_code == 2
    assert migrate(clinic, install).exit_code == 0
    other = migrate(install, tmp_path / "other.toml", "x")  # a workspaces file is not a clinic's config
    assert other.exit_code == 2 and "already a workspaces file" in other.output
    shared = migrate(clinic, install, "salus_again")  # the same data folder twice
    assert shared.exit_code == 2 and "share the data folder" in shared.output
    assert list(load_install(install).workspaces) == ["salus"]


def test_a_postgresql_clinic_is_copied_into_its_workspace_schema_with_summaries_and_search(
        tmp_path: Path, pg_url: str) -> None:
    clinic = old_clinic(tmp_path / "salus", database_url=pg_url)
    install = tmp_path / "workspaces.toml"
    before = open_store(pg_url)
    result = migrate(clinic, install)
    assert result.exit_code == 0, result.output
    assert "mentions 7" in result.output and "schema cw_salus" in result.output
    after = open_store(load_install(install).workspace("salus").config.store_target)
    try:
        today = datetime.now(UTC).date()
        week = (today - timedelta(days=10), today)
        assert trends.daily_cube(after, *week) == trends.daily_cube(before, *week)  # rebuilt by the triggers
        assert trends.totals(after, *week) == trends.totals(before, *week)
        found = queries.inbox_page(after, MentionFilter(search="telefonu", statuses=[]), 0, 20)
        assert [row["title"] for row in found] == ["Salus Medica – skandal"]
        after.ensure_source("forum-zdrowie", "feed")
        late = Mention("feed", "forum-zdrowie", "late", "https://forum-zdrowie.example/late", "Salus: nowy wpis")
        after.record_success("forum-zdrowie", [(late, None)], {}, seen=1)
        assert after.mention_id("forum-zdrowie", "late") == 8  # new ids continue after the copied ones
        assert before.count_mentions() == 7  # the public schema is left as it was
    finally:
        after.close()
        before.close()
    install.write_text("users = \"users.yaml\"\n[[workspace]]\nid = \"other\"\nconfig = \"other.toml\"\n",
                       encoding="utf-8")
    (tmp_path / "other.toml").write_text('clinic_name = "Other"\ndatabase = "other/x.db"\n[brand]\nnames = ["Other"]\n',
                                         encoding="utf-8")
    refused = migrate(clinic, install)  # its schema holds mentions now: never mixed with another copy
    assert refused.exit_code == 2 and "already holds 8 mentions" in refused.output
    assert list(load_install(install).workspaces) == ["other"]  # the file is as it was
