"""The deployment files (deploy/) start commands that exist, with the flags `make run` uses."""
from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from clinicwatch.cli import app

ROOT = Path(__file__).resolve().parent.parent
UNITS = sorted((ROOT / "deploy" / "systemd").glob("*.service"))


def exec_start(unit: Path) -> list[str]:
    text = unit.read_text(encoding="utf-8").replace("\\\n", " ")
    found = re.search(r"^ExecStart=(.+)$", text, re.M)
    assert found, f"{unit.name} has no ExecStart"
    return shlex.split(found.group(1))


def test_there_is_a_unit_for_the_collector_and_one_for_the_dashboard():
    assert {u.name for u in UNITS} == {"clinicwatch-run.service", "clinicwatch-dashboard.service"}


@pytest.mark.parametrize("unit", UNITS, ids=lambda u: u.name)
def test_each_unit_runs_a_real_command(unit):
    argv = exec_start(unit)
    module = argv[argv.index("-m") + 1]
    if module == "clinicwatch":
        commands = {c.name or c.callback.__name__.replace("_", "-") for c in app.registered_commands}
        assert argv[argv.index("-m") + 2] in commands
    else:
        assert module == "streamlit" and argv[argv.index("run") + 1] == "dashboard.py"
        assert (ROOT / "dashboard.py").exists()
    assert "CLINICWATCH_CONFIG=" in unit.read_text(encoding="utf-8")


def test_the_dashboard_unit_keeps_the_makefiles_safety_flags():
    unit = (ROOT / "deploy" / "systemd" / "clinicwatch-dashboard.service").read_text(encoding="utf-8")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "Environment=FORWARDED_ALLOW_IPS=\n" in unit and "FORWARDED_ALLOW_IPS= $(PY)" in makefile
    for flag in ("--client.showErrorDetails none", "--browser.gatherUsageStats false", "--server.headless true"):
        assert flag in makefile and flag in unit


def test_the_proxy_example_pins_sessions_and_passes_the_websocket():
    conf = (ROOT / "deploy" / "nginx" / "clinicwatch.conf").read_text(encoding="utf-8")
    assert "ip_hash;" in conf and "proxy_set_header Upgrade $http_upgrade;" in conf
