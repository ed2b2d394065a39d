"""`make run` checks its port before building anything, and says how to pick another."""
from __future__ import annotations

import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs GNU make, as `make run` does")


def make(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "--no-print-directory", *args, f"PYTHON={sys.executable}"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


def test_a_busy_port_is_refused_with_a_hint_and_a_free_one_passes():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        refused = make("check-port", f"PORT={port}", "ADDRESS=127.0.0.1")
    assert refused.returncode != 0
    assert f"Port {port} on 127.0.0.1 is in use" in refused.stdout and "PORT=" in refused.stdout
    assert make("check-port", f"PORT={port}", "ADDRESS=127.0.0.1").returncode == 0  # freed


def test_make_run_checks_the_port_before_building_the_demo():
    planned = make("-n", "run", "PORT=8599").stdout  # -n: print the commands, run none
    assert "8599" in planned and "clinicwatch demo" in planned
    assert planned.index("SO_REUSEADDR") < planned.index("clinicwatch demo") < planned.index("streamlit run")


def test_generated_reports_are_git_ignored():
    # `report` saves into alerts.report_folder, data/reports/ by default: weekly figures, never committed.
    checked = subprocess.run(["git", "check-ignore", "-q", "data/reports/clinicwatch-report-2026-W47.html"],
                             cwd=ROOT, capture_output=True, text=True, timeout=30)
    if checked.returncode == 128:
        pytest.skip("not a git checkout")
    assert checked.returncode == 0
