"""A language's reply templates as loaded (the frame, invitations, channel phrases, days and the cases by kind
and topic): read by the loader (templates_loader.py), used by the composer (render.py)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class LanguagePack:
    language: str
    path: Path
    frame: dict[str, str]
    invite: dict[str, str]
    channel: dict[str, str]
    days: dict[str, str]
    cases: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # kind -> topic|default -> variants

    def variants(self, kind: str, topic: str) -> tuple[str, list[str]]:
        """(case name, variants) for kind × topic: the topic's own, else the kind's default."""
        by_topic = self.cases.get(kind, {})
        if topic in by_topic:
            return topic, by_topic[topic]
        return "default", by_topic.get("default", [])


@dataclass
class Templates:
    packs: dict[str, LanguagePack]

    def pack(self, language: str | None) -> LanguagePack:
        """The pack for the language; English (else the first loaded) for languages without templates."""
        if language in self.packs:
            return self.packs[language]
        return self.packs.get("en") or next(iter(self.packs.values()))

    @property
    def languages(self) -> list[str]:
        return sorted(self.packs)
