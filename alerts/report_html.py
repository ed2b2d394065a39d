"""HTML for the weekly report, with charts as hand-made inline SVG (no browser, no network, e-mail safe)."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from html import escape

from alerts.messages import text
from alerts.report_data import Report
from core.config import Config
from core.display import visible_controls, visible_href
from core.i18n import label as vocabulary_label
from core.urls import mention_link

SENTIMENT_COLOURS = {"negative": "#c62828", "neutral": "#9e9e9e", "positive": "#2e7d32"}
BAR_COLOUR = "#1565c0"
STYLE = (
    "body{font-family:Arial,Helvetica,sans-serif;color:#222;max-width:860px;margin:24px auto;padding:0 12px}"
    "h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd;padding-bottom:4px}"
    "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ddd;padding:4px 8px;text-align:left}"
    ".quote{white-space:pre-wrap}.muted{color:#777;font-size:12px}"
)


def bar_chart(items: Iterable[tuple[str, int]], colours: dict[str, str] | None = None, width: int = 560) -> str:
    """Horizontal bars with labels and values; an empty chart says nothing rather than drawing axes."""
    items = list(items)
    if not items:
        return ""
    top = max(value for _, value in items) or 1
    label_width, row, bar_space = 170, 24, width - 170 - 50
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{row * len(items) + 4}" role="img">']
    for index, (label, value) in enumerate(items):
        y = index * row + 2
        length = round(bar_space * value / top)
        colour = (colours or {}).get(label, BAR_COLOUR)
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 15}" font-size="12" text-anchor="end">{escape(str(label))}</text>'
            f'<rect x="{label_width}" y="{y + 3}" width="{length}" height="{row - 8}" fill="{colour}"/>'
            f'<text x="{label_width + length + 4}" y="{y + 15}" font-size="12">{value}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def column_chart(items: list[tuple[str, int]], width: int = 560, height: int = 160) -> str:
    """Vertical columns (one per day) with the count above each."""
    if not items:
        return ""
    top = max(value for _, value in items) or 1
    slot = width / len(items)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 36}" role="img">']
    for index, (label, value) in enumerate(items):
        column = round((height - 20) * value / top)
        x = index * slot + slot * 0.15
        parts.append(
            f'<rect x="{x:.1f}" y="{height - column}" width="{slot * 0.7:.1f}" height="{column}" fill="{BAR_COLOUR}"/>'
            f'<text x="{x + slot * 0.35:.1f}" y="{height - column - 4}" font-size="12" text-anchor="middle">{value}</text>'
            f'<text x="{x + slot * 0.35:.1f}" y="{height + 16}" font-size="12" text-anchor="middle">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _named(prefix: str, counts: Iterable[tuple[str, int]], language: str) -> list[tuple[str, int]]:
    """Vocabulary values (negative, waiting_time …) in the reader's language."""
    return [(vocabulary_label(prefix, value, language), count) for value, count in counts]


def _hours(value: float | None, language: str) -> str:
    return text(language, "report.na") if value is None else f"{value:.1f} h"


def response_line(report: Report, config: Config) -> str:
    r, language = report.response, report.language
    return text(
        language,
        "report.response_line",
        answered=r.answered,
        needing=r.needing,
        median=_hours(r.median_hours, language),
        p90=_hours(r.p90_hours, language),
        sla=f"{config.alerts.response_sla_hours:g}",
        late=r.late,
    )


def _table(headers: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _complaints(report: Report, dashboard_url: str | None = None, workspace: str | None = None) -> str:
    if not report.top_complaints:
        return f"<p>{escape(text(report.language, 'report.none'))}</p>"
    rows = []
    for item in report.top_complaints:
        words = " ".join(part for part in (item.get("title") or "", item.get("text") or "") if part)
        words = visible_controls(words if len(words) <= 400 else words[:399]) + ("…" if len(words) > 400 else "")
        link = f' <a href="{escape(visible_href(item["url"]), quote=True)}">↗</a>' if item.get("url") else ""
        if dashboard_url:
            inbox = mention_link(dashboard_url, int(item["id"]), workspace)
            link += f' <a href="{escape(inbox, quote=True)}">{escape(text(report.language, "label.open_dashboard"))}</a>'
        rows.append(
            f"<tr><td>{escape((item.get('published_at') or '')[:10])}</td><td>{escape(item['source_name'])}</td>"
            f"<td>{float(item.get('urgency') or 0):.2f}</td><td class='quote'>{escape(words)}{link}</td></tr>"
        )
    return "<table>" + "".join(rows) + "</table>"


def _sources(report: Report) -> str:
    language = report.language
    columns = ("source", "kind", "mentions", "last_success", "error", "failures")
    headers = [text(language, f"report.col.{key}") for key in columns]
    rows = [
        [
            source["name"],
            source["kind"],
            str(report.by_source.get(source["name"], 0)),
            (source.get("last_success") or text(language, "report.na"))[:16].replace("T", " "),
            source.get("last_error_kind") or "",
            str(source.get("consecutive_failures") or 0),
        ]
        for source in report.sources
    ]
    return _table(headers, rows) if rows else f"<p>{escape(text(language, 'report.none'))}</p>"


def render_html(report: Report, config: Config) -> str:
    language = report.language
    title = text(language, "report.title", clinic=config.clinic_name, week=report.week)
    last_day = (report.end - timedelta(days=1)).date()
    period = text(language, "report.period", start=report.start.date().isoformat(), end=last_day.isoformat())
    section = lambda key: f"<h2>{escape(text(language, key))}</h2>"  # noqa: E731
    days = [(day.strftime("%d.%m"), count) for day, count in report.by_day]
    parts = [
        f"<!DOCTYPE html><html lang='{language}'><head><meta charset='utf-8'><title>{escape(title)}</title>",
        f"<style>{STYLE}</style></head><body><h1>{escape(title)}</h1><p class='muted'>{escape(period)}</p>",
        section("report.volume"),
        f"<p>{escape(text(language, 'report.total', total=report.total, previous=report.previous_total))}</p>",
        column_chart(days),
        section("report.sentiment"),
        bar_chart(_named("sentiment", sorted(report.sentiment.items()), language),
                  {vocabulary_label("sentiment", k, language): c for k, c in SENTIMENT_COLOURS.items()}),
        section("report.kinds"),
        bar_chart(_named("kind", report.kinds.items(), language)),
        section("report.topics"),
        bar_chart(_named("topic", report.topics.items(), language)) or f"<p>{escape(text(language, 'report.none'))}</p>",
        section("report.response"),
        f"<p>{escape(response_line(report, config))}</p>",
        section("report.top_complaints"),
        _complaints(report, str(config.alerts.dashboard_url) if config.alerts.dashboard_url else None, config.workspace),
        section("report.sources"),
        _sources(report),
        f"<p class='muted'>{escape(text(language, 'footer', clinic=config.clinic_name))}</p></body></html>",
    ]
    return "".join(parts)


def render_text(report: Report, config: Config) -> str:
    """A short plain-text version for the e-mail's text part."""
    language = report.language
    lines = [
        text(language, "report.title", clinic=config.clinic_name, week=report.week),
        text(language, "report.total", total=report.total, previous=report.previous_total),
        f"{text(language, 'report.sentiment')}: "
        + ", ".join(f"{k} {v}" for k, v in _named("sentiment", sorted(report.sentiment.items()), language)),
        f"{text(language, 'report.topics')}: "
        + ", ".join(f"{k} {v}" for k, v in _named("topic", report.topics.items(), language)),
        response_line(report, config),
        "",
        text(language, "footer", clinic=config.clinic_name),
    ]
    return "\n".join(lines) + "\n"
