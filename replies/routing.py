"""Channel routing as data (routing.toml): which official channels a reply points to, by kind, topic and urgency."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from core.config import Channels, Config

ROUTING_FILE = Path(__file__).with_name("routing.toml")
# How the invitation sentence is phrased; each template file has one sentence per style.
STYLES = ("contact", "private", "records", "booking", "press", "none")
BOOKING_TOPICS = ("appointments", "services_offered", "vaccinations")
EMERGENCY = "emergency_number"


@dataclass(frozen=True, slots=True)
class Route:
    channels: list[str]  # Channels field names, emergency_number first when there is a health risk
    style: str  # one of STYLES
    emergency: bool
    escalate: bool = False  # hand the mention to the team (press): the reply only points to the press office


@dataclass(frozen=True)
class RoutingTable:
    max_channels: int
    language_fallback: dict[str, list[str]]
    emergency_defaults: dict[str, str]
    medium: dict[str, str]  # channel -> medium
    stand_ins: dict[str, list[str]]
    routes: dict[str, dict[str, list[list[str]]]]  # kind -> topic|default -> steps
    urgency: dict[str, dict[str, Any]]


@lru_cache(maxsize=1)
def table() -> RoutingTable:
    """routing.toml, checked: every channel named is a Channels field, every urgency names known keys."""
    data = tomllib.loads(ROUTING_FILE.read_text(encoding="utf-8"))
    fields = set(Channels.model_fields)
    medium = {channel: name for name, channels in data["media"].items() for channel in channels}
    named = set(medium) | {c for k, v in data["stand_ins"].items() for c in [k, *v] if k != "last_resort"}
    for by_topic in data["routes"].values():
        named |= {c for steps in by_topic.values() for step in steps for c in step}
    for rule in data["urgency"].values():
        named |= {c for step in rule.get("route", []) for c in step} | set(rule.get("first", [])) | set(rule.get("never", []))
    unknown = named - fields
    if unknown:
        raise ValueError(f"{ROUTING_FILE.name}: unknown channels {sorted(unknown)}; Channels has {sorted(fields)}")
    return RoutingTable(
        max_channels=int(data["max_channels"]), language_fallback=data["language_fallback"],
        emergency_defaults=data["emergency_defaults"], medium=medium, stand_ins=data["stand_ins"],
        routes=data["routes"], urgency=data["urgency"],
    )


def channels_for(config: Config, language: str) -> Channels:
    """The language's channels, each missing one taken from the fallback languages in routing.toml's order."""
    routing = table()
    order = routing.language_fallback.get(language) or [language, *config.languages]
    merged: dict[str, Any] = {}
    for candidate in [*order, *config.channels]:
        channels = config.channels.get(candidate)  # type: ignore[call-overload]  # any string; unknown -> None
        if channels is None:
            continue
        for name, value in channels.model_dump().items():
            if name == EMERGENCY and candidate != language:
                continue  # an emergency number belongs to its language's country; the default is safer
            if merged.get(name) in (None, "") and value not in (None, ""):
                merged[name] = value
    if not merged.get(EMERGENCY):
        merged[EMERGENCY] = routing.emergency_defaults.get(language) or routing.emergency_defaults["en"]
    return Channels(**merged)


def available(channels: Channels, name: str) -> bool:
    value = getattr(channels, name, None)
    return value is not None and str(value).strip() != ""


def route(kind: str, topic: str, urgency_reasons: list[str], channels: Channels) -> Route:
    """The channels a reply names, in order: urgency rules first (press, health risk), then kind × topic."""
    routing = table()
    if "press" in urgency_reasons:
        rule = routing.urgency["press"]
        chosen = pick(rule["route"], channels, never=())
        return Route(chosen, rule["style"] if chosen else "none", emergency=False, escalate=bool(rule.get("escalate")))
    by_kind = routing.routes.get(kind, routing.routes["question"])
    steps = by_kind.get(topic) or by_kind["default"]
    if "health_risk" in urgency_reasons:
        rule = routing.urgency["health_risk"]
        chosen = pick(rule["route"], channels, never=tuple(rule.get("never", ())))
        return Route([*rule["first"], *chosen], _style(kind, topic, chosen), emergency=True)
    chosen = pick(steps, channels, never=())
    return Route(chosen, _style(kind, topic, chosen), emergency=False)


def pick(steps: list[list[str]], channels: Channels, never: tuple[str, ...]) -> list[str]:
    """One configured channel per step (or its stand-in), at most max_channels, one per medium."""
    routing = table()
    chosen: list[str] = []

    def fits(name: str) -> bool:
        media = {routing.medium.get(c, c) for c in chosen}
        return available(channels, name) and name not in never and routing.medium.get(name, name) not in media

    for step in steps:
        candidates = [*step, *(s for name in step for s in routing.stand_ins.get(name, []))]
        found = next((name for name in candidates if fits(name)), None)
        if found:
            chosen.append(found)
        if len(chosen) == routing.max_channels:
            return chosen
    if not chosen:
        chosen = [name for name in routing.stand_ins["last_resort"] if fits(name)][:1]
    return chosen


def _style(kind: str, topic: str, chosen: list[str]) -> str:
    if not chosen:
        return "none"
    if topic == "results_records":
        return "records"
    if kind == "complaint":
        return "private"
    if topic in BOOKING_TOPICS and chosen[0] in ("booking", "hotline"):
        return "booking"
    return "contact"
