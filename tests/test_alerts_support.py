"""Support for the alerts tests (no tests here): a real SMTP server on 127.0.0.1, configs, data through Store."""
from __future__ import annotations

import email
import socket
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

from aiosmtpd.controller import Controller

from collectors.registry import parse_config
from core.config import Config
from core.models import Analysis, Mention
from storage.rows import iso
from storage.store import Store


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """aiosmtpd handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content, policy=default_policy))
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted"


class SmtpServer:
    """A real SMTP server on a fixed free port that can be stopped and started again (an outage)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.inbox = Inbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def make_config(tmp_path: Any, *, store_target: Any = None, **alerts: Any) -> Config:
    """A config of the alerts tests; `store_target` (the conftest fixture) a PostgreSQL URL puts the store there."""
    raw = {
        "clinic_name": "Klinika Zdrowie",
        "database": str(tmp_path / "cw.db"),
        "brand": {"names": ["Klinika Zdrowie"]},
        "alerts": {"smtp_host": "127.0.0.1", "smtp_starttls": False, "retry_delay_seconds": 0, **alerts},
    }
    if isinstance(store_target, str):
        raw["database_url"] = store_target
    return parse_config(raw)


def add_mention(
    store: Store,
    external_id: str,
    text: str,
    *,
    published: datetime,
    fetched: datetime | None = None,
    source: str = "forum-a",
    kind: str = "complaint",
    sentiment: str = "negative",
    urgency: float = 0.2,
    reasons: list[str] | None = None,
    topics: list[str] | None = None,
    language: str = "pl",
) -> int:
    """Insert one analysed mention through Store.record_success and return its id."""
    store.ensure_source(source, "feed")
    mention = Mention(
        source_kind="feed",
        source_name=source,
        external_id=external_id,
        url=f"https://forum.example/{external_id}",
        text=text,
        published_at=published,
        fetched_at=fetched or published,
    )
    analysis = Analysis(language, sentiment, -0.5 if sentiment == "negative" else 0.3, kind,
                        topics or ["other"], urgency, reasons or [])
    result = store.record_success(source, [(mention, analysis)], {}, seen=1, at=fetched or published)
    assert result.new_ids, f"mention {external_id} was not stored (duplicate text?)"
    return result.new_ids[0]


def set_response(store: Store, mention_id: int, status: str, first_response_at: datetime | None) -> None:
    store._conn.execute(
        "UPDATE mentions SET status = ?, first_response_at = ? WHERE id = ?",
        (status, iso(first_response_at), mention_id),
    )


def fixed_now() -> datetime:
    """A Tuesday noon in UTC (13:00 in Warsaw), well outside typical quiet hours."""
    return datetime(2026, 11, 17, 12, 0, tzinfo=UTC)


def hours(value: float) -> timedelta:
    return timedelta(hours=value)
