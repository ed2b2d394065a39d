"""The weekly report: figures for one ISO week (clinic time zone), rendered to HTML by report_html."""
from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta
from statistics import median
from zoneinfo import ZoneInfo

from alerts.messages import text
from alerts.report_data import Report, ResponseTimes
from alerts.report_html import render_html, render_text
from core.config import Config
from core.models import utcnow
from storage.alerts_repo import AlertsRepo
from storage.rows import parse_iso
from storage.store import Store

WEEK_PATTERN = re.compile(r"^(\d{4})-W(\d{2})$")
TOP_COMPLAINTS = 10


def week_bounds(week: str, timezone: str) -> tuple[datetime, datetime]:
    """'2026-W47' -> (Monday 00:00, next Monday 00:00) in the clinic's time zone."""
    found = WEEK_PATTERN.match(week.strip())
    if not found:
        raise ValueError(f"week {week!r}: expected an ISO week like 2026-W47")
    try:
        monday = date.fromisocalendar(int(found[1]), int(found[2]), 1)
    except ValueError:
        raise ValueError(f"week {week!r}: year {found[1]} has no week {int(found[2])}") from None
    zone = ZoneInfo(timezone)
    start = datetime.combine(monday, time(0), tzinfo=zone)
    return start, datetime.combine(monday + timedelta(days=7), time(0), tzinfo=zone)


def current_week(moment: datetime | None = None) -> str:
    year, number, _ = (moment or utcnow()).isocalendar()
    return f"{year}-W{number:02d}"


def percentile(values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile (no interpolation: it is a value someone actually waited)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def _moment(text: str) -> datetime:
    moment = parse_iso(text)
    if moment is None:
        raise ValueError(f"not a stored timestamp: {text!r}")
    return moment


def response_times(repo: AlertsRepo, start: datetime, end: datetime, sla_hours: float, now: datetime) -> ResponseTimes:
    pairs = repo.response_pairs(start, end)
    delays, late = [], 0
    for published_text, responded_text in pairs:
        published = _moment(published_text)
        if responded_text:
            delay = (_moment(responded_text) - published).total_seconds() / 3600
            delays.append(max(delay, 0.0))
            late += delay > sla_hours
        else:
            late += (now - published).total_seconds() / 3600 > sla_hours
    return ResponseTimes(
        needing=len(pairs),
        answered=len(delays),
        median_hours=median(delays) if delays else None,
        p90_hours=percentile(delays, 0.9),
        late=late,
    )


def _by_day(repo: AlertsRepo, start: datetime) -> list[tuple[date, int]]:
    # Day boundaries are local midnights (23- or 25-hour days at DST changes stay right).
    days = []
    for offset in range(7):
        day = start.date() + timedelta(days=offset)
        day_start = datetime.combine(day, time(0), tzinfo=start.tzinfo)
        day_end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=start.tzinfo)
        days.append((day, repo.count_between(day_start, day_end)))
    return days


def build_weekly_report(store: Store, config: Config, week: str, *, language: str | None = None,
                        now: datetime | None = None) -> Report:
    """Gather the week's figures and render the report (HTML and a plain-text summary)."""
    language = language or config.alerts.language
    start, end = week_bounds(week, config.office_hours.timezone)
    repo = AlertsRepo(store)
    report = Report(
        week=week,
        language=language,
        start=start,
        end=end,
        total=repo.count_between(start, end),
        previous_total=repo.count_between(start - timedelta(days=7), start),
        by_day=_by_day(repo, start),
        sentiment=repo.counts_by("sentiment", start, end),
        kinds=repo.counts_by("kind", start, end),
        topics=repo.topic_counts(start, end),
        by_source=repo.counts_by_source(start, end),
        response=response_times(repo, start, end, config.alerts.response_sla_hours, now or utcnow()),
        top_complaints=repo.top_complaints(start, end, TOP_COMPLAINTS),
        sources=repo.sources_health(),
    )
    report.html = render_html(report, config)
    report.text = render_text(report, config)
    return report


def report_subject(report: Report) -> str:
    return text(report.language, "report.subject", week=report.week)
