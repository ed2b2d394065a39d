"""Export of the filtered mentions to CSV and XLSX, with authors pseudonymised by a stable salted hash."""
from __future__ import annotations

import csv
import hashlib
import io
import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from core.models import needs_human_look
from storage.queries import MentionFilter, iter_filtered
from storage.store import Store

COLUMNS = (
    "id", "published_at", "source_name", "url", "author", "title", "text", "language", "sentiment", "kind",
    "topics", "urgency", "confidence", "needs_human_look", "status", "assignee", "first_response_at",
)
# Spreadsheet programs run cells starting with these as formulas; a leading quote keeps them text.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def salt_path(database: Path | str) -> Path:
    return Path(str(database) + "-export-salt")  # matches the data/*.db-* ignore rule


def export_salt(database: Path | str) -> str:
    """A random salt kept beside the database, so pseudonyms stay stable between exports."""
    path = salt_path(database)
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    salt = secrets.token_hex(16)
    path.write_text(salt, encoding="utf-8")
    return salt


def pseudonym(author: str, salt: str) -> str:
    if not author:
        return ""
    return "author-" + hashlib.sha256((salt + "\x00" + author).encode("utf-8")).hexdigest()[:12]


def export_rows(
    store: Store, flt: MentionFilter, *, pseudonymise: bool = True, salt: str = "", limit: int = 100_000
) -> list[dict[str, Any]]:
    rows = []
    for row in iter_filtered(store, flt, limit=limit):
        record = {column: row.get(column) for column in COLUMNS}
        record["topics"] = ", ".join(row.get("topics") or [])
        record["needs_human_look"] = needs_human_look(row.get("confidence"))
        if pseudonymise:
            record["author"] = pseudonym(row.get("author") or "", salt)
        rows.append(record)
    return rows


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def to_csv(rows: Iterable[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return buffer.getvalue().encode("utf-8-sig")  # the BOM lets Excel read Polish and Italian letters


def to_xlsx(rows: Iterable[dict[str, Any]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("mentions")
    sheet.append(list(COLUMNS))
    for row in rows:
        cells = [_cell(row.get(column)) for column in COLUMNS]
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", c) if isinstance(c, str) else c for c in cells])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
