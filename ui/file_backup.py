"""Writing a settings file safely: a timestamped backup of the old one first, then an atomic replace."""
from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path


def backup_of(path: Path) -> Path | None:
    """Copy an existing file to <name>.<UTC timestamp>.bak beside it; None when there is nothing to keep."""
    if not path.exists():
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    backup = path.with_name(f"{path.name}.{stamp}.bak")
    shutil.copy2(path, backup)
    return backup


def write_with_backup(path: Path, text: str) -> Path | None:
    """Back up the current file (if any), then replace it atomically so readers never see half a file."""
    backup = backup_of(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
    return backup
