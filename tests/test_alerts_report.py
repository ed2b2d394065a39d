"""The weekly report: counts match what was inserted; the CLI saves it and e-mails it over real SMTP."""
from __future__ import annotations

import io
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import typer
from pypdf import PdfReader
from typer.testing import CliRunner

from alerts.cli import alerts_check, report
from alerts.report import build_weekly_report, percentile, week_bounds
from alerts.report_pdf import PdfUnavailable, find_font, render_pdf
from storage.store import open_store
from tests.conftest import skip_unless_ci
from tests.test_alerts_support import SmtpServer, add_mention, make_config, set_response

UTC = UTC
# 2026-W47 is Monday 16 November to Sunday 22 November; the clinic is in Warsaw (UTC+1 in November).
IN_WEEK = [
    # (id, published UTC, kind, sentiment, topics, response delay in hours or None)
    ("mon-early", datetime(2026, 11, 15, 23, 30, tzinfo=UTC), "complaint", "negative", ["waiting_time"], 1.0),
    ("mon", datetime(2026, 11, 16, 9, 0, tzinfo=UTC), "complaint", "negative", ["waiting_time", "staff_attitude"], 3.0),
    ("tue", datetime(2026, 11, 17, 10, 0, tzinfo=UTC), "question", "neutral", ["appointments"], 10.0),
    ("tue-2", datetime(2026, 11, 17, 15, 0, tzinfo=UTC), "praise", "positive", ["quality_of_care"], None),
    ("thu", datetime(2026, 11, 19, 8, 0, tzinfo=UTC), "complaint", "negative", ["prices_billing"], None),
    ("sun", datetime(2026, 11, 22, 18, 0, tzinfo=UTC), "other", "neutral", ["other"], None),
]
PREVIOUS_WEEK = [datetime(2026, 11, 10, 12, 0, tzinfo=UTC), datetime(2026, 11, 15, 22, 30, tzinfo=UTC)]
NEXT_WEEK = [datetime(2026, 11, 22, 23, 30, tzinfo=UTC)]  # Monday 00:30 in Warsaw: the next week
REPORT_TIME = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def _fill(store) -> None:
    for external_id, published, kind, sentiment, topics, delay in IN_WEEK:
        mention_id = add_mention(store, external_id, f"Wpis {external_id} o <i>klinice</i>", published=published,
                                 kind=kind, sentiment=sentiment, topics=topics, urgency=0.3,
                                 source="forum-a" if kind != "other" else "news")
        if delay is not None:
            set_response(store, mention_id, "replied", published + timedelta(hours=delay))
    for number, published in enumerate(PREVIOUS_WEEK + NEXT_WEEK):
        add_mention(store, f"other-week-{number}", f"Poza tygodniem {number}", published=published, kind="other")


def test_week_bounds_use_the_clinic_time_zone():
    start, end = week_bounds("2026-W47", "Europe/Warsaw")
    assert start.astimezone(UTC) == datetime(2026, 11, 15, 23, 0, tzinfo=UTC)
    assert end - start == timedelta(days=7)
    with pytest.raises(ValueError, match="ISO week like 2026-W47"):
        week_bounds("2026-47", "Europe/Warsaw")
    with pytest.raises(ValueError, match="has no week 54"):
        week_bounds("2026-W54", "Europe/Warsaw")


def test_weekly_report_counts_match_the_inserted_data(tmp_path, store_target):
    config = make_config(tmp_path, store_target=store_target, language="pl", response_sla_hours=4)
    store = open_store(config.store_target)
    _fill(store)
    built = build_weekly_report(store, config, "2026-W47", now=REPORT_TIME)

    assert built.total == len(IN_WEEK) and built.previous_total == len(PREVIOUS_WEEK)
    local_days = Counter((published + timedelta(hours=1)).date() for _, published, *_ in IN_WEEK)
    assert dict(built.by_day) == {day: local_days.get(day, 0) for day, _ in built.by_day}
    assert built.sentiment == dict(Counter(sentiment for _, _, _, sentiment, _, _ in IN_WEEK))
    assert built.kinds == dict(Counter(kind for _, _, kind, *_ in IN_WEEK))
    assert built.topics == dict(Counter(topic for *_, topics, _ in IN_WEEK for topic in topics))
    needing = [row for row in IN_WEEK if row[2] in ("complaint", "question")]
    delays = sorted(row[5] for row in needing if row[5] is not None)
    assert (built.response.needing, built.response.answered) == (len(needing), len(delays))
    assert built.response.median_hours == pytest.approx(3.0) and built.response.p90_hours == pytest.approx(10.0)
    late = sum(d > 4 for d in delays) + sum(1 for row in needing if row[5] is None)
    assert built.response.late == late
    assert [c["title"] or c["text"] for c in built.top_complaints][0].startswith("Wpis")
    assert {c["kind"] for c in built.top_complaints} == {"complaint"} and len(built.top_complaints) == 3

    html = built.html
    assert f"Wzmianki w tym tygodniu: {len(IN_WEEK)} (poprzedni tydzień: {len(PREVIOUS_WEEK)})" in html
    assert "<svg" in html and "mediana 3.0 h, 90. percentyl 10.0 h" in html
    assert "Wpis thu o &lt;i&gt;klinice&lt;/i&gt;" in html and "<i>klinice" not in html
    assert "czas oczekiwania</text>" in html and "negatywny</text>" in html  # labels in the reader's language
    assert "Stan źródeł" in html and ">forum-a<" in html and ">news<" in html


def _needs_font():
    try:
        find_font()
    except PdfUnavailable as exc:
        skip_unless_ci(f"this machine has no Unicode TrueType font: {exc}")


def test_weekly_report_pdf_holds_the_same_figures_in_polish(tmp_path):
    _needs_font()
    config = make_config(tmp_path, language="pl", response_sla_hours=4)
    store = open_store(config.database)
    _fill(store)
    built = build_weekly_report(store, config, "2026-W47", now=REPORT_TIME)
    document = PdfReader(io.BytesIO(render_pdf(built, config)))
    words = " ".join(page.extract_text() for page in document.pages)
    assert f"Wzmianki w tym tygodniu: {len(IN_WEEK)} (poprzedni tydzień: {len(PREVIOUS_WEEK)})" in words
    assert "czas oczekiwania" in words and "Najważniejsze skargi" in words and "Wpis thu o <i>klinice</i>" in words


def test_pdf_without_a_font_says_how_to_fix_it(monkeypatch, tmp_path):
    monkeypatch.setenv("CLINICWATCH_PDF_FONT", str(tmp_path / "missing.ttf"))
    with pytest.raises(PdfUnavailable, match="set CLINICWATCH_PDF_FONT to a .ttf file"):
        find_font()


def test_percentile_is_nearest_rank():
    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9) == 9
    assert percentile([5.0], 0.9) == 5.0 and percentile([], 0.5) is None


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command("report")(report)
    app.command("alerts-check")(alerts_check)
    return app


def _write_config(tmp_path: Path, smtp_port: int) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f'clinic_name = "Clinica Salute"\ndatabase = "{tmp_path / "cw.db"}"\n[brand]\nnames = ["Clinica Salute"]\n'
        f'[alerts]\nemail_to = ["direzione@clinica.it", "pr@clinic.com"]\nsmtp_host = "127.0.0.1"\n'
        f'smtp_port = {smtp_port}\nsmtp_starttls = false\nlanguage = "it"\nretry_delay_seconds = 0\n'
        f'recipient_languages = {{ "pr@clinic.com" = "en" }}\n',
        encoding="utf-8",
    )
    return path


def test_report_command_saves_html_and_emails_each_recipient_in_their_language(tmp_path):
    _needs_font()
    smtp = SmtpServer()
    smtp.start()
    try:
        config_path = _write_config(tmp_path, smtp.port)
        store = open_store(tmp_path / "cw.db")
        _fill(store)
        store.close()
        out = tmp_path / "reports"
        result = CliRunner().invoke(
            _app(), ["report", "--week", "2026-W47", "--out", str(out), "--email", "--pdf", "--config", str(config_path)]
        )
        assert result.exit_code == 0, result.output
        saved = (out / "clinicwatch-report-2026-W47.html").read_text(encoding="utf-8")
        assert f"Menzioni questa settimana: {len(IN_WEEK)}" in saved
        subjects = sorted(message["Subject"] for message in smtp.inbox.messages)
        assert subjects == ["[ClinicWatch] Rapporto settimanale 2026-W47", "[ClinicWatch] Weekly report 2026-W47"]
        english = next(m for m in smtp.inbox.messages if m["To"] == "pr@clinic.com")
        assert f"Mentions this week: {len(IN_WEEK)}" in english.get_body(("html",)).get_content()
        assert f"Mentions this week: {len(IN_WEEK)}" in english.get_body(("plain",)).get_content()
        (attachment,) = english.iter_attachments()
        assert attachment.get_filename() == "clinicwatch-report-2026-W47.pdf"
        attached = PdfReader(io.BytesIO(attachment.get_content())).pages[0].extract_text()
        assert f"Mentions this week: {len(IN_WEEK)}" in attached
        saved_pdf = PdfReader(out / "clinicwatch-report-2026-W47.pdf").pages[0].extract_text()
        assert f"Menzioni questa settimana: {len(IN_WEEK)}" in saved_pdf

        bad = CliRunner().invoke(_app(), ["report", "--week", "47", "--config", str(config_path)])
        assert bad.exit_code == 2 and "ISO week like 2026-W47" in bad.output
    finally:
        smtp.stop()


def test_alerts_check_command_reports_failures_with_exit_code(tmp_path):
    config_path = _write_config(tmp_path, smtp_port=SmtpServer().port)  # nobody listens there
    config = make_config(tmp_path)
    store = open_store(config.database)
    add_mention(store, "u1", "Pozew przeciwko klinice", published=datetime.now(UTC) - timedelta(hours=1),
                urgency=0.9, reasons=["legal_threat"])
    store.close()
    result = CliRunner().invoke(_app(), ["alerts-check", "--config", str(config_path)])
    assert result.exit_code == 1
    assert "alerts: 1 raised, 2 new, 0 delivered in 0 message(s), 2 failed" in result.output
