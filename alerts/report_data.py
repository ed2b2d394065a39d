"""The weekly report's figures: what report.py computes and report_html / report_pdf draw."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any


@dataclass(slots=True)
class ResponseTimes:
    needing: int  # mentions that needed a reply (complaints and questions)
    answered: int
    median_hours: float | None
    p90_hours: float | None
    late: int  # answered after the SLA, or still unanswered past it


@dataclass(slots=True)
class Report:
    week: str
    language: str
    start: datetime  # local Monday 00:00
    end: datetime  # the next Monday 00:00
    total: int
    previous_total: int
    by_day: list[tuple[date, int]]
    sentiment: dict[str, int]
    kinds: dict[str, int]
    topics: dict[str, int]
    by_source: dict[str, int]
    response: ResponseTimes
    top_complaints: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    html: str = ""
    text: str = ""

    def save(self, folder_or_file: Path) -> Path:
        """Write the HTML to a file, or to clinicwatch-report-<week>.html inside a folder."""
        target = folder_or_file
        if target.suffix.lower() not in (".html", ".htm"):
            target = target / f"clinicwatch-report-{self.week}.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(self.html, encoding="utf-8")
        return target
