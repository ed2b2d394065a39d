"""What every publisher does around its one request: before it, the checks (the mention, its source allowing
posts, the reply's length, the linter gate, an admin's override audited); around it, one poster at a time per
target, the audit of what happened and the mention marked replied."""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from collectors.base import SourceError
from core.config import Config, SourceBase
from replies import gate
from storage import workflow
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


_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def publish_once(store: Store, approved: Approved, *, actor: str, platform: str, target: str,
                 detail: dict[str, Any], post: Callable[[], tuple[str, bool]]) -> str:
    """Run `post` (which looks for the same reply first, then sends it) and return the reply's link.

    One poster at a time per `target` in this process, so two clicks cannot both pass the look-first check.
    The outcome is audited as "<platform>_reply_posted", "…_already_there" or "…_failed", and the mention is
    marked replied with the reply's text and link.
    """
    event = f"{platform.lower()}_reply"
    mention_id = int(approved.mention["id"])
    with _lock_for(f"{platform}:{target}"):
        try:
            link, posted = post()
        except SourceError as exc:
            store.add_event(mention_id, actor, f"{event}_failed", detail | {"error": exc.message})
            raise
        store.add_event(mention_id, actor, f"{event}_posted" if posted else f"{event}_already_there",
                        detail | {"url": link})
        if (store.mention(mention_id) or {}).get("status") != "replied":
            try:
                workflow.mark_replied(store, mention_id, actor, posted_url=link or None, text=approved.body,
                                      language=approved.mention.get("language"))
            except workflow.WorkflowError as exc:  # the reply is public already: the error must carry its link
                raise workflow.WorkflowError(f"{link or 'no link returned'}: {exc}") from exc
    return link


def may_have_arrived(exc: SourceError, looks_first: str) -> SourceError:
    """A timeout or a broken connection after sending: the reply may be there, and posting again is safe."""
    if exc.kind not in ("timeout", "network"):
        return exc
    return SourceError(exc.kind, f"{exc.message}. The reply may have arrived: post again, ClinicWatch {looks_first} "
                                 "and will not post it twice")


def _lock_for(key: str) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(key, threading.Lock())
