"""Assemble one reply: greeting, emergency line, the template body with its invitation, office hours, sign-off."""
from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from core.config import Channels, Config
from replies.office_hours import clock_text, describe_day, is_open, local_now, next_opening
from replies.routing import Route
from replies.template_pack import LanguagePack

NO_AUTHOR = {"", "[deleted]", "[removed]", "anonymous", "anonim", "anonimo", "guest", "gość", "ospite"}
HANDLE_SAFE = re.compile(r"^[\w.\-]{2,40}$")


def handle_for(author: str, handle_format: str | None) -> str:
    """The author's handle as the platform writes it (`handle_format`, e.g. "u/{name}", declared by the source
    kind), or "" when the platform does not use handles."""
    name = (author or "").strip()
    if name.lower().startswith("u/"):
        name = name[2:]
    name = name.lstrip("@")
    fmt = handle_format
    if not fmt or name.lower() in NO_AUTHOR or not HANDLE_SAFE.match(name):
        return ""  # news, blogs and odd author strings: greet neutrally instead
    return fmt.format(name=name)


def channel_values(config: Config, channels: Channels) -> dict[str, str]:
    values = {name: str(value) for name, value in channels.model_dump().items() if value is not None}
    values["clinic_name"] = config.clinic_name
    return values


def closed_sentence(pack: LanguagePack, config: Config, now: datetime | None) -> str:
    """'We will reply on Monday from 8:00.' outside office hours, '' while the team is in."""
    hours = config.office_hours
    if is_open(hours, now):
        return ""
    opening = next_opening(hours, now)
    if opening is None:
        return ""
    day = describe_day(opening, local_now(hours, now), pack.days)
    return pack.frame["closed"].format(day=day, opens=clock_text(hours.opens))


def invitation(pack: LanguagePack, route: Route, values: dict[str, str]) -> str:
    phrases = [pack.channel[name].format(**values) for name in dict.fromkeys(route.channels) if name != "emergency_number"]
    if not phrases:
        return pack.invite["none"]
    return pack.invite[route.style].format(channels=pack.frame["joiner"].join(phrases))


def compose(
    pack: LanguagePack,
    body: str,
    *,
    values: dict[str, str],
    route: Route | None,
    handle: str,
    closed: str,
) -> str:
    """The full reply text; `route` None means no invitation (a thank-you for praise)."""
    greeting = pack.frame["greeting_handle"].format(handle=handle) if handle else pack.frame["greeting"]
    fields: dict[str, Any] = dict(values)
    fields["invite"] = invitation(pack, route, values) if route else ""
    sentences = []
    if route and route.emergency:
        sentences.append(pack.frame["emergency"].format(**values))
    sentences.append(body.format(**fields))
    sentences.append(closed)
    paragraph = re.sub(r"[ \t]+", " ", " ".join(s for s in sentences if s.strip())).strip()
    signoff = pack.frame["signoff"].format(**values)
    return f"{greeting}\n{paragraph}\n{signoff}"
