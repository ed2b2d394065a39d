"""The weekly report as PDF, drawn with fpdf2 (pure Python, no browser); needs a Unicode TrueType font."""
from __future__ import annotations

import os
from pathlib import Path

from alerts.messages import text
from alerts.report_data import Report
from alerts.report_html import SENTIMENT_COLOURS, response_line
from core.config import Config
from core.display import visible_controls
from core.i18n import label as vocabulary_label

FONT_ENV = "CLINICWATCH_PDF_FONT"
# Core PDF fonts are Latin-1 only (no ł, ą, ż); these common system fonts cover Polish and Italian.
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",  # Debian, Ubuntu (fonts-dejavu-core)
    "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf",  # Fedora
    "/usr/share/fonts/TTF/DejaVuSans.ttf",  # Arch
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",  # Alpine
    "/Library/Fonts/Arial Unicode.ttf",  # macOS
    "C:/Windows/Fonts/arial.ttf",
)
BAR_RGB = (21, 101, 192)
LABEL_WIDTH, BAR_SPACE, ROW = 55.0, 110.0, 6.0  # millimetres


class PdfUnavailable(Exception):
    """PDF cannot be made here (no suitable font); the HTML report is still there."""


def find_font() -> tuple[Path, Path | None]:
    """A regular Unicode TTF (and its bold face when beside it), from the env variable or the usual places."""
    candidates = [os.environ[FONT_ENV]] if os.environ.get(FONT_ENV) else list(FONT_CANDIDATES)
    for candidate in map(Path, candidates):
        if candidate.is_file():
            bold = candidate.with_name(candidate.stem + "-Bold" + candidate.suffix)
            return candidate, bold if bold.is_file() else None
    raise PdfUnavailable(
        f"no Unicode TrueType font found for the PDF; set {FONT_ENV} to a .ttf file such as DejaVuSans.ttf"
    )


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def render_pdf(report: Report, config: Config) -> bytes:
    """Title, volume by day, sentiment, kinds, topics, response times, top complaints, sources' health."""
    from fpdf import FPDF  # noqa: PLC0415  # a third-party import only the PDF path pays for

    regular, bold = find_font()
    pdf = FPDF(format="A4")
    pdf.add_font("Body", "", str(regular))
    pdf.add_font("Body", "B", str(bold or regular))
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    language = report.language
    _heading(pdf, text(language, "report.title", clinic=config.clinic_name, week=report.week), 16)
    pdf.set_font("Body", size=9)
    last_day = report.by_day[-1][0].isoformat()
    pdf.cell(0, 6, text(language, "report.period", start=report.start.date().isoformat(), end=last_day),
             new_x="LMARGIN", new_y="NEXT")

    _heading(pdf, text(language, "report.volume"))
    _paragraph(pdf, text(language, "report.total", total=report.total, previous=report.previous_total))
    _bars(pdf, [(day.strftime("%d.%m"), count) for day, count in report.by_day])
    _heading(pdf, text(language, "report.sentiment"))
    _bars(pdf, [(vocabulary_label("sentiment", k, language), v) for k, v in sorted(report.sentiment.items())],
          [_rgb(SENTIMENT_COLOURS.get(k, "#1565c0")) for k, _ in sorted(report.sentiment.items())])
    _heading(pdf, text(language, "report.kinds"))
    _bars(pdf, [(vocabulary_label("kind", k, language), v) for k, v in report.kinds.items()])
    _heading(pdf, text(language, "report.topics"))
    _bars(pdf, [(vocabulary_label("topic", k, language), v) for k, v in report.topics.items()])
    _heading(pdf, text(language, "report.response"))
    _paragraph(pdf, response_line(report, config))

    _heading(pdf, text(language, "report.top_complaints"))
    rows = [
        [(c.get("published_at") or "")[:10], c["source_name"], f"{float(c.get('urgency') or 0):.2f}",
         visible_controls(" ".join(p for p in (c.get("title") or "", c.get("text") or "") if p)[:400])]
        for c in report.top_complaints
    ]
    _table(pdf, None, rows, (20, 28, 14, 128), text(language, "report.none"))

    _heading(pdf, text(language, "report.sources"))
    headers = [text(language, f"report.col.{key}") for key in ("source", "kind", "mentions", "last_success", "failures")]
    rows = [
        [s["name"], s["kind"], str(report.by_source.get(s["name"], 0)),
         (s.get("last_success") or text(language, "report.na"))[:16].replace("T", " "),
         str(s.get("consecutive_failures") or 0)]
        for s in report.sources
    ]
    _table(pdf, headers, rows, (50, 25, 35, 45, 35), text(language, "report.none"))
    return bytes(pdf.output())


def _heading(pdf, value: str, size: int = 12) -> None:
    pdf.set_font("Body", "B", size)
    pdf.ln(3)
    pdf.multi_cell(0, size * 0.5, value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _paragraph(pdf, value: str) -> None:
    pdf.set_font("Body", size=10)
    pdf.multi_cell(0, 5, value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _bars(pdf, items: list[tuple[str, int]], colours: list[tuple[int, int, int]] | None = None) -> None:
    """Horizontal bars drawn as rectangles: label, bar, count."""
    if not items:
        _paragraph(pdf, "-")
        return
    top = max(value for _, value in items) or 1
    pdf.set_font("Body", size=9)
    for index, (name, value) in enumerate(items):
        if pdf.will_page_break(ROW):
            pdf.add_page()
        x, y = pdf.l_margin, pdf.get_y()
        pdf.set_xy(x, y)
        pdf.cell(LABEL_WIDTH - 2, ROW, name[:40], align="R")
        pdf.set_fill_color(*(colours[index] if colours else BAR_RGB))
        length = BAR_SPACE * value / top
        if length:
            pdf.rect(x + LABEL_WIDTH, y + 1, length, ROW - 2, style="F")
        pdf.set_xy(x + LABEL_WIDTH + length + 1, y)
        pdf.cell(15, ROW, str(value))
        pdf.set_xy(x, y + ROW)


def _table(pdf, headers: list[str] | None, rows: list[list[str]], widths: tuple[float, ...], empty: str) -> None:
    if not rows:
        _paragraph(pdf, empty)
        return
    pdf.set_font("Body", size=8)
    pdf.set_fill_color(255, 255, 255)  # the bars' colour would otherwise fill every cell
    with pdf.table(col_widths=widths, text_align="LEFT", first_row_as_headings=headers is not None) as table:
        for row in ([headers] if headers else []) + rows:
            cells = table.row()
            for value in row:
                cells.cell(value)
    pdf.ln(2)
