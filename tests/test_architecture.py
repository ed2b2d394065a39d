"""The layers' import contract (import-linter, as `make lint` runs it) holds, and it fails on an upward import."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("core", "collectors", "matching", "analysis", "replies", "storage", "alerts", "publishing", "ui",
            "clinicwatch")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter is a test tool: make install-dev")


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    """import-linter over the packages in `tree`, with the project's own contract."""
    return subprocess.run([str(LINT_IMPORTS), "--config", str(tree / "pyproject.toml"), "--no-cache"], cwd=tree,
                          env={"PYTHONPATH": str(tree), "PATH": str(LINT_IMPORTS.parent)},
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def tree_copy(tmp_path: Path) -> Path:
    """The packages and pyproject.toml, copied so a test can break them."""
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__", "*.txt",
                                                                                          "*.toml", "*.jsonl"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_layers_are_kept(tree_copy: Path) -> None:
    result = lint_imports(tree_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(("module", "upward"), [
    ("core/probe.py", "import storage.store"),  # the ground floor reaching up to a stage
    ("analysis/probe.py", "from storage.store import Store"),  # training reading the store again
    ("storage/probe.py", "from ui import components"),  # storage reaching the dashboard
    ("storage/probe.py", "from collectors import registry"),  # two stages of one floor joined
    ("matching/probe.py", "import analysis.lexicon"),  # likewise on the floor below
])
def test_an_upward_import_breaks_the_contract(tree_copy: Path, module: str, upward: str) -> None:
    (tree_copy / module).write_text(f'"""A probe."""\n{upward}\n', encoding="utf-8")
    result = lint_imports(tree_copy)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout and module.replace("/", ".").removesuffix(".py") in result.stdout
