"""Fixtures shared by the whole suite."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
import streamlit.config as st_config

from storage.store import Store, open_store
from tests.dashboard_fixtures import build_demo
from tests.loopback import LoopbackServer

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def skip_unless_ci(reason: str) -> None:
    """Skip for a developer missing a system package; in CI (`make test` installs it) that is a failure."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (make test installs it; CI must not skip this test)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared beside the project: real fixtures and eval data, never committed here."""
    if not SHARED.is_dir():
        pytest.skip(f"../shared is absent ({SHARED}); these tests read real fixtures from it")
    return SHARED


@pytest.fixture
def loopback():
    with LoopbackServer() as server:
        yield server


@pytest.fixture
def reddit_app_credentials(monkeypatch):
    """A Reddit script app's credentials in the environment (read-only use: no user's refresh token)."""
    monkeypatch.setenv("REDDIT_CLIENT_ID", "test-client-id")
    monkeypatch.setenv("REDDIT_CLIENT_SECRET", "test-client-secret")
    monkeypatch.delenv("REDDIT_REFRESH_TOKEN", raising=False)


@pytest.fixture
def reddit_user_credentials(reddit_app_credentials, monkeypatch):
    """An app plus a user's refresh token, as posting replies needs."""
    monkeypatch.setenv("REDDIT_REFRESH_TOKEN", "test-refresh-token")


@pytest.fixture
def reddit_store(tmp_path):
    """A store on a real SQLite file with the `reddit-test` source registered."""
    opened = Store(tmp_path / "clinicwatch.db")
    opened.ensure_source("reddit-test", "reddit")
    yield opened
    opened.close()


@pytest.fixture
def local_server():
    """The no-login demo needs the server bound to localhost."""
    before = st_config.get_option("server.address")
    st_config.set_option("server.address", "127.0.0.1")
    yield
    st_config.set_option("server.address", before)


@pytest.fixture
def demo(tmp_path, monkeypatch, local_server):
    config_path, database = build_demo(tmp_path)
    monkeypatch.setenv("CLINICWATCH_CONFIG", str(config_path))
    monkeypatch.setenv("CLINICWATCH_USERS", str(tmp_path / "users.yaml"))
    store = open_store(database)
    yield {"config": config_path, "database": database, "store": store, "users": tmp_path / "users.yaml"}
    store.close()


@pytest.fixture(autouse=True, scope="session")
def streamlit_error_details():
    """.streamlit/config.toml hides error details from users; a failing AppTest must still say what failed."""
    st_config.set_option("client.showErrorDetails", "full")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests that read ../shared carry the `shared` marker, so the fast lane can leave them out."""
    for item in items:
        if "shared_dir" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.shared)
