"""Workflow actions on a mention: status changes, assignment, notes, replies and label corrections.

Each action runs in one transaction together with its audit event, so the trail never misses a change.
"""
from __future__ import annotations

from typing import Any

from core.labels import WORKFLOW_STATUSES
from core.models import utcnow
from storage import labels_repo
from storage.rows import iso
from storage.store import Store

# Which status may follow which; reopening a closed item goes back to review.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "new": ("in_review", "replied", "escalated", "waiting_patient", "dismissed"),
    "in_review": ("new", "replied", "escalated", "waiting_patient", "dismissed"),
    "escalated": ("in_review", "replied", "waiting_patient", "dismissed"),
    "waiting_patient": ("in_review", "replied", "escalated", "dismissed"),
    "replied": ("in_review", "waiting_patient"),
    "dismissed": ("in_review",),
}
# Statuses that mean the patient has heard from the clinic. Escalating is internal (the patient hears nothing),
# so it does not stop the response-time clock.
FIRST_RESPONSE_STATUSES = ("replied", "waiting_patient")


class WorkflowError(ValueError):
    """An action that is not allowed (unknown mention, bad transition, missing reason)."""


def _status(store: Store, mention_id: int) -> str:
    row = store._conn.execute("SELECT status FROM mentions WHERE id = ?", (mention_id,)).fetchone()
    if row is None:
        raise WorkflowError(f"mention {mention_id} does not exist")
    return row[0]


def set_status(
    store: Store, mention_id: int, status: str, actor: str, *, reason: str | None = None, **detail: Any
) -> None:
    """Move a mention to `status`, stamping status_changed_at, and first_response_at on the first answer."""
    if status not in WORKFLOW_STATUSES:
        raise WorkflowError(f"unknown status {status!r}; expected one of {', '.join(WORKFLOW_STATUSES)}")
    if status == "dismissed" and not (reason or "").strip():
        raise WorkflowError("dismissing needs a reason")
    with store.transaction():
        current = _status(store, mention_id)
        if status != current and status not in TRANSITIONS[current]:
            raise WorkflowError(f"cannot move a mention from {current!r} to {status!r}")
        now = iso(utcnow())
        store._conn.execute(
            "UPDATE mentions SET status = ?, status_changed_at = ? WHERE id = ?", (status, now, mention_id)
        )
        if status in FIRST_RESPONSE_STATUSES:
            store._conn.execute(
                "UPDATE mentions SET first_response_at = ? WHERE id = ? AND first_response_at IS NULL",
                (now, mention_id),
            )
        event = {"from": current, "to": status, **({"reason": reason.strip()} if reason else {}), **detail}
        store.add_event(mention_id, actor, "status", event)


def start_review(store: Store, mention_id: int, actor: str) -> None:
    if _status(store, mention_id) == "new":
        set_status(store, mention_id, "in_review", actor)


def mark_replied(
    store: Store,
    mention_id: int,
    actor: str,
    *,
    posted_url: str | None = None,
    text: str | None = None,
    language: str | None = None,
    template_id: str | None = None,
    lint_override: dict[str, Any] | None = None,
) -> None:
    """Record that the team answered publicly; the reply text and its link are kept when given.

    `lint_override` is the gate's record of an admin overriding the reply linter (reason and findings); it
    becomes a "lint_override" event next to the status change.
    """
    posted_url = (posted_url or "").strip() or None
    if posted_url and not posted_url.startswith(("http://", "https://")):
        raise WorkflowError("the link of the posted reply must start with http:// or https://")
    if lint_override is not None and not str(lint_override.get("reason", "")).strip():
        raise WorkflowError("overriding the reply linter needs a written reason")
    set_status(store, mention_id, "replied", actor, **({"posted_url": posted_url} if posted_url else {}))
    if lint_override is not None:
        record_lint_override(store, mention_id, actor, lint_override)
    if text or posted_url:
        store._conn.execute(
            "INSERT INTO replies (mention_id, language, template_id, text, state, created_at, created_by, posted_url) "
            "VALUES (?, ?, ?, ?, 'posted', ?, ?, ?)",
            (mention_id, language, template_id, text or "", iso(utcnow()), actor, posted_url),
        )


def record_lint_override(store: Store, mention_id: int, actor: str, detail: dict[str, Any]) -> None:
    """Audit an admin's override of the reply linter: who, why, and which findings were overridden."""
    if not str(detail.get("reason", "")).strip():
        raise WorkflowError("overriding the reply linter needs a written reason")
    with store.transaction():
        _status(store, mention_id)
        store.add_event(mention_id, actor, "lint_override", detail)


def escalate(store: Store, mention_id: int, actor: str, reason: str | None = None) -> None:
    set_status(store, mention_id, "escalated", actor, reason=reason)


def wait_for_patient(store: Store, mention_id: int, actor: str) -> None:
    """The team answered and now waits for the patient (it counts as a first response)."""
    set_status(store, mention_id, "waiting_patient", actor)


def dismiss(store: Store, mention_id: int, actor: str, reason: str) -> None:
    set_status(store, mention_id, "dismissed", actor, reason=reason)


def assign(store: Store, mention_id: int, assignee: str | None, actor: str) -> None:
    """Give the mention to a user (None un-assigns)."""
    assignee = (assignee or "").strip() or None
    with store.transaction():
        _status(store, mention_id)
        store._conn.execute("UPDATE mentions SET assignee = ? WHERE id = ?", (assignee, mention_id))
        store.add_event(mention_id, actor, "assign", {"assignee": assignee})


def add_note(store: Store, mention_id: int, actor: str, note: str) -> None:
    note = note.strip()
    if not note:
        raise WorkflowError("a note cannot be empty")
    with store.transaction():
        _status(store, mention_id)
        store.add_event(mention_id, actor, "note", {"note": note})


def notes(store: Store, mention_id: int) -> list[dict[str, Any]]:
    return [e for e in store.events(mention_id) if e["action"] == "note"]


def correct_label(store: Store, mention_id: int, field: str, value: str | list[str], actor: str) -> None:
    """Store a staff correction in `labels` (for learning) and show it at once in the analysis."""
    try:
        stored = labels_repo.encode_label(field, value)  # validates against core.labels
    except ValueError as exc:
        raise WorkflowError(str(exc)) from None
    with store.transaction():
        _status(store, mention_id)
        labels_repo.add_label(store, mention_id, field, value, actor)
        store._conn.execute(f"UPDATE analyses SET {field} = ? WHERE mention_id = ?", (stored, mention_id))
        store.add_event(mention_id, actor, "label", {"field": field, "value": labels_repo.decode_label(field, stored)})
