"""What every publisher checks before it sends anything: the mention, its source allowing posts, the reply's
length, and the linter gate (an admin's override is audited here)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from collectors.base import SourceError
from core.config import Config, SourceBase
from replies import gate
from storage.store import Store

S = TypeVar("S", bound=SourceBase)


@dataclass(frozen=True, slots=True)
class Approved:
    """A reply cleared to go out: the stored mention, its source's config and the text to post."""

    mention: dict[str, Any]
    source: Any
    body: str


def posting_source(config: Config, source_name: str, model: type[S], platform: str) -> S:
    """The configured source of `model`'s kind with allow_posting on, or a SourceError saying what to set."""
    try:
        source = config.source(source_name)
    except KeyError:
        raise SourceError("config", f"no source named {source_name!r} in the config") from None
    if not isinstance(source, model):
        raise SourceError("config", f"source {source_name!r} is not a {platform} source")
    if not getattr(source, "allow_posting", False):
        raise SourceError("config", f"reply posting is off for {source_name!r}: set allow_posting = true on that "
                                    "source to post from ClinicWatch")
    return source


def approve(config: Config, store: Store, mention_id: int, text: str, *, model: type[SourceBase], platform: str,
            max_chars: int, actor: str, role: str | None, override_reason: str | None) -> Approved:
    """Everything before the first request; raises SourceError, or replies.gate.GateRefused for the linter."""
    mention = store.mention(mention_id)
    if mention is None:
        raise SourceError("config", f"mention {mention_id} does not exist")
    source = posting_source(config, mention["source_name"], model, platform)
    if mention.get("status") == "dismissed":  # it could not be marked replied after posting
        raise SourceError("config", f"mention {mention_id} was dismissed: reopen it before replying")
    body = text.strip()
    if not body or len(body) > max_chars:
        raise SourceError("config", f"a reply must have 1 to {max_chars:,} characters")
    verdict = gate.require(body, mention.get("language") or source.language or "en",
                           mention_text=mention.get("text") or "", config=config, role=role,
                           override_reason=override_reason)
    if verdict.overridden:
        store.add_event(mention_id, actor, "lint_override", gate.override_detail(verdict) | {"via": platform.lower()})
    return Approved(mention, source, body)
