"""Fixtures shared by the whole suite."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


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
    from tests.loopback import LoopbackServer

    with LoopbackServer() as server:
        yield server


@pytest.fixture(autouse=True, scope="session")
def streamlit_error_details():
    """.streamlit/config.toml hides error details from users; a failing AppTest must still say what failed."""
    import streamlit.config as st_config

    st_config.set_option("client.showErrorDetails", "full")
