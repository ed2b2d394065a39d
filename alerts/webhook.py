"""Webhook delivery: Slack-compatible or Teams-compatible (MessageCard) JSON, posted with httpx."""
from __future__ import annotations

from typing import Any, Literal
from urllib.parse import urlsplit

import httpx

from alerts.email import DeliveryError
from alerts.messages import Message, text
from core.config import AlertsConfig

WebhookFormat = Literal["slack", "teams"]
TEAMS_HOST_MARKERS = ("office.com", "webhook.office", "logic.azure.com", "powerautomate")


def webhook_format(settings: AlertsConfig, url: str) -> WebhookFormat:
    """The configured format for this URL, else Teams for Microsoft hosts and Slack for the rest."""
    if url in settings.webhook_formats:
        return settings.webhook_formats[url]
    host = (urlsplit(url).hostname or "").lower()
    return "teams" if any(marker in host for marker in TEAMS_HOST_MARKERS) else "slack"


def slack_escape(value: str) -> str:
    """Slack reads &, < and > as markup; escaping them keeps mention text plain."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _plain(message: Message) -> str:
    lines = [message.intro] + [f"{label}: {value}" for label, value in message.facts]
    if message.excerpt:
        lines += ["", message.excerpt]
    lines += [f"{label}: {url}" for label, url in message.links]
    return "\n".join(lines)


def slack_payload(subject: str, messages: list[Message], footer: str) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": subject[:150]}}
    ]
    for message in messages:
        heading = message.subject if len(messages) > 1 else message.intro
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": f"*{slack_escape(heading)}*"}})
        if message.facts:
            fields = [
                {"type": "mrkdwn", "text": f"*{slack_escape(label)}*\n{slack_escape(value)}"}
                for label, value in message.facts[:10]
            ]
            blocks.append({"type": "section", "fields": fields})
        if message.excerpt:
            # plain_text blocks are never parsed as markup, so the mention's words stay as written.
            blocks.append({"type": "section", "text": {"type": "plain_text", "text": message.excerpt[:2900]}})
        for label, url in message.links:
            target = slack_escape(url).replace("|", "%7C")  # a stranger's URL must not break the markup
            link = f"<{target}|{slack_escape(label)}>"
            blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": link}})
    blocks.append({"type": "context", "elements": [{"type": "plain_text", "text": footer}]})
    body = "\n\n".join(_plain(m) if len(messages) == 1 else m.subject for m in messages)
    return {"text": slack_escape(f"{subject}\n{body}"), "blocks": blocks[:50]}


def teams_escape(value: str) -> str:
    """MessageCard text is Markdown-ish HTML; escape so mention text cannot inject markup."""
    escaped = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for char in "\\*_[]`#":
        escaped = escaped.replace(char, "\\" + char)
    return escaped.replace("\n", "<br>")


def teams_payload(subject: str, messages: list[Message], footer: str) -> dict[str, Any]:
    sections = []
    for message in messages:
        section: dict[str, Any] = {
            "activityTitle": teams_escape(message.subject if len(messages) > 1 else message.intro),
            "facts": [{"name": teams_escape(label), "value": teams_escape(value)} for label, value in message.facts],
        }
        if message.excerpt:
            section["text"] = teams_escape(message.excerpt)
        sections.append(section)
    card: dict[str, Any] = {
        "@type": "MessageCard",
        "@context": "https://schema.org/extensions",
        "summary": subject,
        "themeColor": "B00020" if any(m.critical for m in messages) else "0078D7",
        "title": teams_escape(subject),
        "text": teams_escape(footer),
        "sections": sections,
    }
    actions = [
        {"@type": "OpenUri", "name": label, "targets": [{"os": "default", "uri": url}]}
        for m in messages
        for label, url in m.links
    ]
    if actions:
        card["potentialAction"] = actions[:4]
    return card


def webhook_body(
    settings: AlertsConfig, url: str, language: str, clinic: str, messages: list[Message], subject: str
) -> dict[str, Any]:
    footer = text(language, "footer", clinic=clinic)
    if webhook_format(settings, url) == "teams":
        return teams_payload(subject, messages, footer)
    return slack_payload(subject, messages, footer)


def post_webhook(settings: AlertsConfig, url: str, body: dict[str, Any]) -> None:
    """POST the JSON; a network error or a non-2xx answer becomes a DeliveryError."""
    try:
        response = httpx.post(url, json=body, timeout=settings.timeout_seconds, follow_redirects=False)
    except httpx.HTTPError as exc:
        raise DeliveryError(f"webhook {_safe(url)}: {type(exc).__name__}: {exc}") from None
    if not response.is_success:
        raise DeliveryError(f"webhook {_safe(url)}: HTTP {response.status_code}: {response.text[:200]}")


def _safe(url: str) -> str:
    """Webhook URLs embed their secret in the path; logs and the database get the host only."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/…"
