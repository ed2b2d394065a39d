"""Fixtures shared by the whole suite."""
from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import psycopg
import pytest
import streamlit.config as st_config

from storage.store import Store, open_store
from tests.dashboard_fixtures import build_demo
from tests.loopback import LoopbackServer
from tests.pg_cluster import Cluster, ClusterUnavailable

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def skip_unless_ci(reason: str) -> NoReturn:
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


def _demo(folder: Path, monkeypatch: pytest.MonkeyPatch, database_url: str | None = None) -> Iterator[dict]:
    config_path, database = build_demo(folder, database_url=database_url)
    monkeypatch.setenv("CLINICWATCH_CONFIG", str(config_path))
    monkeypatch.setenv("CLINICWATCH_USERS", str(folder / "users.yaml"))
    store = open_store(database_url or database)
    yield {"config": config_path, "database": database, "store": store, "users": folder / "users.yaml"}
    store.close()


@pytest.fixture
def demo(tmp_path, monkeypatch, local_server):
    """The dashboard's config and a filled SQLite database (tests/dashboard_fixtures.py)."""
    yield from _demo(tmp_path, monkeypatch)


@pytest.fixture
def demo_each_engine(tmp_path, monkeypatch, local_server, store_target):
    """`demo` on each engine in turn: on PostgreSQL the config names the database by its database_url."""
    yield from _demo(tmp_path, monkeypatch, store_target if isinstance(store_target, str) else None)


# --- the store over both engines ------------------------------------------------------------------------

ENGINES = ("sqlite", "postgresql")
PG_TEMPLATE = "clinicwatch_template"
_databases = itertools.count(1)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """A throwaway PostgreSQL server for the session (tests/pg_cluster.py), with a migrated template database."""
    try:
        cluster = Cluster().start()
    except ClusterUnavailable as exc:
        skip_unless_ci(f"PostgreSQL cannot start here: {exc}")
    try:
        with psycopg.connect(cluster.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {PG_TEMPLATE}")
        open_store(cluster.url(PG_TEMPLATE)).close()  # migrations once; each test's database copies the result
        yield cluster
    finally:
        cluster.stop()


@contextmanager
def fresh_pg_database(cluster: Cluster) -> Iterator[str]:
    """A fresh, migrated PostgreSQL database (a copy of the template: milliseconds), dropped afterwards."""
    name = f"test_{os.getpid()}_{next(_databases)}"
    with psycopg.connect(cluster.url(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name} TEMPLATE {PG_TEMPLATE}")
    try:
        yield cluster.url(name)
    finally:
        with psycopg.connect(cluster.url(), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture
def pg_url(pg_cluster: Cluster) -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for one test."""
    with fresh_pg_database(pg_cluster) as url:
        yield url


@pytest.fixture(params=ENGINES)
def store_target(request: pytest.FixtureRequest, tmp_path: Path) -> str | Path:
    """Where a test's store lives: an SQLite file, or a fresh PostgreSQL database's URL."""
    if request.param == "postgresql":
        return request.getfixturevalue("pg_url")
    return tmp_path / "data" / "clinicwatch.db"


@pytest.fixture
def store(store_target: str | Path) -> Iterator[Store]:
    """An empty, migrated store on each engine in turn; modules override it to register their sources."""
    opened = open_store(store_target)
    yield opened
    opened.close()


@pytest.fixture(autouse=True, scope="session")
def streamlit_error_details():
    """.streamlit/config.toml hides error details from users; a failing AppTest must still say what failed."""
    st_config.set_option("client.showErrorDetails", "full")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests that read ../shared carry the `shared` marker, so the fast lane can leave them out."""
    for item in items:
        if "shared_dir" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.shared)
