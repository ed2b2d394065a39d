"""Suggested public replies: pick the kind × topic templates, route channels, fill them in, lint them."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core.config import Channels, Config
from core.labels import TOPICS
from core.models import Analysis, Mention
from replies.lint import Finding, lint
from replies.render import channel_values, closed_sentence, compose, handle_for
from replies.routing import Route, available, channels_for, route
from replies.templates_loader import (
    CHANNEL_FIELDS,
    PRESS_CASE,
    SILENT_KINDS,
    TOPIC_KINDS,
    Templates,
    placeholders,
    templates_for,
)


@dataclass(frozen=True)
class Suggestion:
    """One ready-to-post reply; `findings` is what the linter says about it (empty when safe)."""

    template_id: str  # e.g. "pl.complaint.waiting_time[1]"
    language: str
    text: str
    channels: list[str] = field(default_factory=list)  # Channels field names the reply points to
    findings: list[Finding] = field(default_factory=list)
    escalate: bool = False  # a press enquiry: the reply only points to the press office; the team escalates


def suggest(
    mention: Mention | dict,
    analysis: Analysis | dict,
    config: Config,
    *,
    now: datetime | None = None,
    variant: int | None = None,
    templates: Templates | None = None,
    handle_format: str | None = None,
) -> list[Suggestion]:
    """All variants for the mention's case, the default first; [] for mentions that need no reply.

    `handle_format` is how the mention's platform writes a handle ("u/{name}" on Reddit, from the source kind);
    without it the reply greets neutrally.
    """
    kind = str(_get(analysis, "kind", None) or "other")  # not analysed yet: nothing to suggest
    if kind in SILENT_KINDS:
        return []
    templates = templates or templates_for(config)  # the clinic's overrides when present
    pack = templates.pack(_get(analysis, "language", None) or _get(mention, "language", None))
    topic = primary_topic(_list(_get(analysis, "topics", [])))
    channels = channels_for(config, pack.language)
    reply_route: Route | None = None
    reasons = _list(_get(analysis, "urgency_reasons", []))
    if kind in TOPIC_KINDS or "press" in reasons:
        reply_route = route(kind, topic, reasons, channels)
    if reply_route is not None and reply_route.escalate:  # never a patient template for a journalist
        kind, topic = PRESS_CASE, "default"
    case, bodies = _usable_variants(pack.variants(kind, topic), pack.variants(kind, "default"), channels)
    values = channel_values(config, channels)
    handle = handle_for(str(_get(mention, "author", "") or ""), handle_format)
    closed = closed_sentence(pack, config, now) if reply_route else ""
    mention_text = f"{_get(mention, 'title', '') or ''}\n{_get(mention, 'text', '') or ''}"
    suggestions = []
    for index, body in _order(bodies, mention, variant):
        text = compose(pack, body, values=values, route=reply_route, handle=handle, closed=closed)
        suggestions.append(
            Suggestion(
                template_id=f"{pack.language}.{kind}.{case}[{index}]",
                language=pack.language,
                text=text,
                channels=list(reply_route.channels) if reply_route else [],
                findings=lint(text, pack.language, mention_text=mention_text, config=config),
                escalate=bool(reply_route and reply_route.escalate),
            )
        )
    return suggestions


# When a mention touches several topics the reply answers the most specific one: most posts mention a visit
# ("appointments") or the care in passing, while a wrong bill or a failed login is the point of the post.
SPECIFIC_FIRST = ("results_records", "patient_account", "prices_billing", "vaccinations", "reaching_clinic",
                  "staff_attitude", "waiting_time", "location_hours", "services_offered", "appointments",
                  "quality_of_care", "other")
assert set(SPECIFIC_FIRST) == set(TOPICS), "SPECIFIC_FIRST must order exactly the topics in core.labels"


def primary_topic(topics: list[str]) -> str:
    """The most specific known topic the analysis gave, else "other"."""
    known = [topic for topic in topics if topic in TOPICS]
    return min(known, key=SPECIFIC_FIRST.index) if known else "other"


def _usable_variants(
    case: tuple[str, list[str]], default: tuple[str, list[str]], channels: Channels
) -> tuple[str, list[tuple[int, str]]]:
    """(index, body) of variants whose channel placeholders are all configured; else the kind default.

    Indices are kept so template ids stay stable when a variant is left out.
    """
    name, bodies = case
    usable = [(i, body) for i, body in enumerate(bodies) if _channels_present(body, channels)]
    if usable:
        return name, usable
    return default[0], list(enumerate(default[1]))


def _channels_present(body: str, channels: Channels) -> bool:
    return all(available(channels, p) for p in placeholders(body) if p in CHANNEL_FIELDS)


def _order(bodies: list[tuple[int, str]], mention: Any, variant: int | None) -> list[tuple[int, str]]:
    """Variants starting from the chosen one: given, or derived from the mention so it is stable."""
    count = len(bodies)
    if count == 0:
        return []
    if variant is None:
        key = str(_get(mention, "id", None) or f"{_get(mention, 'source_name', '')}:{_get(mention, 'external_id', '')}")
        variant = int(hashlib.sha1(key.encode("utf-8")).hexdigest(), 16)
    start = variant % count
    return [bodies[(start + offset) % count] for offset in range(count)]


def _get(obj: Any, name: str, default: Any) -> Any:
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _list(value: Any) -> list[str]:
    """Lists from a dataclass, a dict, or a JSON column read back from the store."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return [value] if value else []
    if isinstance(value, (list, tuple)):
        return [str(item) for item in value]
    return []
