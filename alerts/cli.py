"""Command functions for the CLI (the lead registers them with Typer): `report` and `alerts-check`."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import typer

from alerts.delivery import targets
from alerts.email import DeliveryError, build_email, send_email
from alerts.report import Report, build_weekly_report, report_subject
from alerts.report_pdf import PdfUnavailable, render_pdf
from alerts.service import evaluate_and_send
from core.config import Config, ConfigError, find_config, load_config
from core.workspaces import load_install
from storage import open_store

WorkspaceOption = typer.Option(None, "--workspace", "-w",
                               help="With a workspaces file: the clinic (workspace id) to work on.")


def _load(config_path: Path | None, workspace: str | None = None) -> Config:
    try:
        return load_install(find_config(config_path), load_config).workspace(workspace).config
    except ConfigError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None


def email_report(config: Config, store, week: str, *, pdf: bool = False) -> list[str]:
    """E-mail the report to every alert recipient in their own language; returns the addresses sent to."""
    settings, built = config.alerts, {}
    if not settings.email_to:
        raise DeliveryError("no recipients: set alerts.email_to in the config")
    for address in settings.email_to:
        language = settings.recipient_languages.get(address, settings.language)
        if language not in built:
            built[language] = build_weekly_report(store, config, week, language=language)
        report: Report = built[language]
        email = build_email(settings, address, report_subject(report), report.text, report.html)
        if pdf:
            email.add_attachment(render_pdf(report, config), maintype="application", subtype="pdf",
                                 filename=f"clinicwatch-report-{week}.pdf")
        send_email(settings, email)
    return list(settings.email_to)


def report(
    week: str = typer.Option(..., "--week", help="ISO week, e.g. 2026-W47."),
    out: Path | None = typer.Option(None, "--out", help="Folder or .html file (default: alerts.report_folder)."),
    email: bool = typer.Option(False, "--email", help="Also e-mail the report to alerts.email_to."),
    pdf: bool = typer.Option(False, "--pdf", help="Also make a PDF (saved beside the HTML, attached to e-mails)."),
    config: Path | None = typer.Option(None, "--config", help="Config file (default: CLINICWATCH_CONFIG or config.toml)."),
    workspace: str | None = WorkspaceOption,
) -> None:
    """Build the weekly report; save it as HTML and optionally e-mail it."""
    cfg = _load(config, workspace)
    store = open_store(cfg.store_target)
    try:
        built = build_weekly_report(store, cfg, week)
        path = built.save(out or cfg.alerts.report_folder)
        typer.echo(f"report {week}: {built.total} mentions; saved to {path}")
        if pdf:
            pdf_path = path.with_suffix(".pdf")
            pdf_path.write_bytes(render_pdf(built, cfg))
            typer.echo(f"PDF saved to {pdf_path}")
        if email:
            sent_to = email_report(cfg, store, week, pdf=pdf)
            typer.echo(f"report e-mailed to {', '.join(sent_to)}")
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    except PdfUnavailable as exc:
        typer.echo(f"error: the HTML report was saved but no PDF made: {exc}", err=True)
        raise typer.Exit(1) from None
    except DeliveryError as exc:
        typer.echo(f"error: the report was saved but not e-mailed: {exc}", err=True)
        raise typer.Exit(1) from None
    finally:
        store.close()


def alerts_check(
    config: Path | None = typer.Option(None, "--config", help="Config file (default: CLINICWATCH_CONFIG or config.toml)."),
    now: datetime | None = typer.Option(None, "--now", help="Evaluate as of this UTC time (for testing rules)."),
    workspace: str | None = WorkspaceOption,
) -> None:
    """Evaluate the alert rules once and deliver what is due (what the `run` loop does after each cycle)."""
    cfg = _load(config, workspace)
    if not targets(cfg):
        typer.echo(f"warning: no alert recipients, so nothing can be delivered: set alerts.email_to and/or "
                   f"alerts.webhooks in the [alerts] table of {cfg.path}", err=True)
    store = open_store(cfg.store_target)
    try:
        summary = evaluate_and_send(cfg, store, now=now)
    finally:
        store.close()
    typer.echo(summary.describe())
    for error in summary.errors:
        typer.echo(f"  failed: {error}", err=True)
    if summary.failed:
        raise typer.Exit(1)
