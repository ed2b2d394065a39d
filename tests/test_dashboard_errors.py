"""Users never see a traceback: Streamlit's error details are off in the config the dashboard runs with."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # subprocesses, AppTest runs or kill tests: not in `make test-fast`

ROOT = Path(__file__).resolve().parent.parent


def test_streamlit_reads_error_details_off_from_the_project_config():
    shown = subprocess.run(
        [sys.executable, "-m", "streamlit", "config", "show"], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )
    assert shown.returncode == 0, shown.stderr
    assert 'showErrorDetails = "none"' in shown.stdout.splitlines()


def test_make_dashboard_passes_error_details_off_too():
    dry = subprocess.run(["make", "-n", "dashboard"], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert "--client.showErrorDetails none" in dry.stdout
