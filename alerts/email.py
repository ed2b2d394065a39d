"""E-mail delivery: plain-text and HTML parts over SMTP (STARTTLS when configured, credentials from env)."""
from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from html import escape

from alerts.messages import Message, text
from core.config import AlertsConfig, secret

SMTP_USERNAME_ENV = "SMTP_USERNAME"
SMTP_PASSWORD_ENV = "SMTP_PASSWORD"


class DeliveryError(Exception):
    """A channel could not take the message now; the outbox retries later."""


def message_text(messages: list[Message], intro: str | None, footer: str) -> str:
    """The plain-text body for one alert or a digest of several."""
    blocks = [intro] if intro else []
    for message in messages:
        lines = [message.subject if intro else message.intro]
        lines += [f"{label}: {value}" for label, value in message.facts]
        if message.excerpt:
            lines += ["", message.excerpt]
        if message.links:
            lines += [""] + [f"{label}: {url}" for label, url in message.links]
        blocks.append("\n".join(lines))
    blocks.append("-- \n" + footer)
    return "\n\n".join(blocks) + "\n"


def message_html(messages: list[Message], intro: str | None, footer: str) -> str:
    """The HTML body; every value is escaped, since mention text is plain text from strangers."""
    parts = [f"<p>{escape(intro)}</p>"] if intro else []
    for message in messages:
        colour = "#b00020" if message.critical else "#333"
        heading = message.subject if intro else message.intro
        parts.append(f'<h3 style="color:{colour}">{escape(heading)}</h3>')
        if message.facts:
            rows = "".join(
                f"<tr><th align='left'>{escape(label)}</th><td>{escape(value)}</td></tr>" for label, value in message.facts
            )
            parts.append(f"<table cellpadding='3'>{rows}</table>")
        if message.excerpt:
            parts.append(
                "<blockquote style='white-space:pre-wrap;border-left:3px solid #ccc;padding-left:8px'>"
                f"{escape(message.excerpt)}</blockquote>"
            )
        for label, url in message.links:
            parts.append(f"<p><a href=\"{escape(url, quote=True)}\">{escape(label)}</a></p>")
    parts.append(f"<hr><p style='color:#777;font-size:small'>{escape(footer)}</p>")
    return "<!DOCTYPE html><html><body style='font-family:sans-serif'>" + "".join(parts) + "</body></html>"


def build_email(
    settings: AlertsConfig, recipient: str, subject: str, plain: str, html: str
) -> EmailMessage:
    email = EmailMessage()
    email["Subject"] = subject
    email["From"] = settings.email_from
    email["To"] = recipient
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = make_msgid(domain=settings.email_from.rpartition("@")[2] or "clinicwatch")
    email.set_content(plain)
    email.add_alternative(html, subtype="html")
    return email


def alert_email(
    settings: AlertsConfig, recipient: str, language: str, clinic: str, messages: list[Message], subject: str
) -> EmailMessage:
    """One alert (a single message) or a digest (several, under `subject`) as a two-part e-mail."""
    intro = text(language, "intro.digest") if len(messages) > 1 else None
    footer = text(language, "footer", clinic=clinic)
    return build_email(
        settings, recipient, subject, message_text(messages, intro, footer), message_html(messages, intro, footer)
    )


def send_email(settings: AlertsConfig, email: EmailMessage) -> None:
    """Send over SMTP; any connection, TLS, auth or refusal problem becomes a DeliveryError."""
    username, password = secret(SMTP_USERNAME_ENV), secret(SMTP_PASSWORD_ENV)
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.timeout_seconds) as smtp:
            if settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if username and password:
                smtp.login(username, password)
            smtp.send_message(email)
    except (OSError, smtplib.SMTPException) as exc:
        # The message never carries the password: smtplib errors hold server replies only.
        raise DeliveryError(
            f"SMTP {settings.smtp_host}:{settings.smtp_port}: {type(exc).__name__}: {exc}"
        ) from None
