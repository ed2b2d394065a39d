"""An install of two clinics (workspaces `salus` and `vita`), each with its own config and filled database."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from core.models import Analysis, Mention
from storage.store import open_store
from storage.users import add_user, grant_workspace
from tests.dashboard_fixtures import build_demo

PASSWORD = "correct-horse-9"
# Words that only Vita's store holds: no page, export, search or link of Salus may ever show them.
VITA_SECRET = "Vitaprivate Kowalczyk oncology results"
VITA_TITLE = "Vita only: results question"
INSTALL_TOML = """\
# Two clinics served by one dashboard.
users = "users.yaml"

[[workspace]]
id = "salus"
config = "salus/config.toml"

[[workspace]]
id = "vita"
title = "Vita Clinic"
config = "vita/config.toml"
"""


def build_install(folder: Path, database_url: str | None = None) -> Path:
    """Write workspaces.toml, two clinics' configs and databases (or schemas of `database_url`) and users:
    ada is admin of both, sam is staff of salus only, val is staff of vita only. Returns the install file."""
    now = datetime.now(UTC)
    for clinic in ("salus", "vita"):
        (folder / clinic).mkdir(parents=True)
        config_path, _ = build_demo(folder / clinic, now=now)
        if clinic == "vita":
            text = config_path.read_text(encoding="utf-8").replace('clinic_name = "Salus Medica"',
                                                                  'clinic_name = "Vita Clinic"')
            config_path.write_text(text, encoding="utf-8")
    install = folder / "workspaces.toml"
    install.write_text(INSTALL_TOML, encoding="utf-8")
    vita = open_store(folder / "vita" / "data" / "dashboard.db")
    try:
        add_vita_secret(vita, now)
    finally:
        vita.close()
    users = folder / "users.yaml"
    add_user(users, "ada", "Ada Admin", PASSWORD, "admin", workspace="salus")
    grant_workspace(users, "ada", "vita", "admin")
    add_user(users, "sam", "Sam Staff", PASSWORD, "staff", workspace="salus")
    add_user(users, "val", "Val Staff", PASSWORD, "staff", workspace="vita")
    return install


def add_vita_secret(store, now: datetime) -> int:
    """Vita's own mention, with words no other workspace holds; returns its id."""
    mention = Mention(source_kind="feed", source_name="forum-zdrowie", external_id="vita-secret",
                      url="https://forum-zdrowie.example/vita", text=f"Salus Medica? No: {VITA_SECRET}",
                      title=VITA_TITLE, author="vita-patient", published_at=now - timedelta(hours=2), language="en")
    analysis = Analysis("en", "neutral", 0.0, "question", ["other"], 0.95, [])
    store.record_success("forum-zdrowie", [(mention, analysis)], {}, seen=1, at=now)
    found = store.mention_id("forum-zdrowie", "vita-secret")
    assert found is not None
    return found
