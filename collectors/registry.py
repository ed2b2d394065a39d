"""The source kinds this install knows: each declares its config model and its collector in its own module.

Built-in kinds are listed below; other packages add kinds through the `clinicwatch.source_kinds` entry point
group (each entry point names a `SourceKind`), in the style of Datasette's plugins. Adding a kind therefore
touches its own module (and its tests) plus, for a built-in one, one line of BUILT_IN.
"""
from __future__ import annotations

from collections.abc import Mapping
from importlib.metadata import entry_points
from pathlib import Path
from types import MappingProxyType
from typing import Any

from collectors.base import Collector, SourceKind
from collectors.bluesky import SOURCE_KIND as BLUESKY
from collectors.docplanner import SOURCE_KIND as DOCPLANNER
from collectors.facebook import SOURCE_KIND as FACEBOOK
from collectors.feeds import SOURCE_KIND as FEED
from collectors.forums.discourse import SOURCE_KIND as DISCOURSE
from collectors.forums.forum import SOURCE_KIND as FORUM
from collectors.google_reviews import SOURCE_KIND as GOOGLE_REVIEWS
from collectors.mastodon import SOURCE_KIND as MASTODON
from collectors.reddit import SOURCE_KIND as REDDIT
from core import config as core_config
from core import workspaces as core_workspaces
from core.config import Config, SourceBase
from core.workspaces import Install

BUILT_IN: tuple[SourceKind, ...] = (
    FEED, REDDIT, DISCOURSE, FORUM,
    GOOGLE_REVIEWS, FACEBOOK, DOCPLANNER, MASTODON, BLUESKY,
)
ENTRY_POINT_GROUP = "clinicwatch.source_kinds"


def _discover() -> dict[str, SourceKind]:
    kinds = {kind.name: kind for kind in BUILT_IN}
    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        kind = entry_point.load()
        if not isinstance(kind, SourceKind):
            raise TypeError(f"entry point {entry_point.name!r} ({entry_point.value}) is not a SourceKind")
        if kind.name in kinds and kinds[kind.name] is not kind:
            raise ValueError(f"two source kinds are named {kind.name!r}")
        kinds[kind.name] = kind
    return kinds


SOURCE_KINDS: Mapping[str, SourceKind] = MappingProxyType(_discover())
# What core.config.load_config needs to validate each source by its kind's own model.
SOURCE_MODELS: Mapping[str, type[SourceBase]] = MappingProxyType(
    {name: kind.config_model for name, kind in SOURCE_KINDS.items()}
)


def handle_format(kind: str) -> str | None:
    """How people are addressed on a source kind's platform ("u/{name}"), None where it has no handles."""
    found = SOURCE_KINDS.get(kind)
    return found.handle_format if found else None


def build_collector(source: SourceBase, config: Config) -> Collector:
    """The collector for a configured source, by its kind."""
    try:
        kind = SOURCE_KINDS[source.kind]
    except KeyError:
        raise ValueError(f"unknown source kind {source.kind!r}; known: {', '.join(sorted(SOURCE_KINDS))}") from None
    if not isinstance(source, kind.config_model):
        source = kind.config_model.model_validate(source.model_dump())
    return kind.collector(source, config)


def missing_credentials(source: SourceBase) -> list[str]:
    """The environment variables `source` needs and lacks ([] when its kind needs none or has them all)."""
    kind = SOURCE_KINDS.get(source.kind)
    if kind is None or kind.missing_credentials is None:
        return []
    if not isinstance(source, kind.config_model):
        source = kind.config_model.model_validate(source.model_dump())
    return list(kind.missing_credentials(source))


def load_config(path: str | Path) -> Config:
    """core.config.load_config with every known source kind validated by its own model."""
    return core_config.load_config(path, SOURCE_MODELS)


def load_install(path: str | Path) -> Install:
    """core.workspaces.load_install with every clinic's sources validated by their kinds' models."""
    return core_workspaces.load_install(path, load_config)


def parse_config(raw: dict[str, Any], path: str | Path = "<config>") -> Config:
    """core.config.parse_config with every known source kind validated by its own model."""
    return core_config.parse_config(raw, path, SOURCE_MODELS)
