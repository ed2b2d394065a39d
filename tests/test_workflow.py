"""Workflow actions change the mention and leave an audit event, in one transaction."""
from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from storage import workflow
from tests.dashboard_fixtures import fill, mention_id_by_title


@pytest.fixture
def store(store):
    """The conftest store (each engine in turn) filled with the dashboard fixtures' rows."""
    fill(store, datetime.now(UTC))
    return store


def _row(store, mention_id):
    return store._conn.execute(
        "SELECT status, assignee, first_response_at FROM mentions WHERE id = ?", (mention_id,)
    ).fetchone()


def test_mark_replied_sets_status_first_response_reply_and_event(store):
    mid = mention_id_by_title(store, "Faktura")
    workflow.mark_replied(store, mid, "anna", posted_url="https://forum.example/p/9", text="Dziękujemy")
    status, _, first = _row(store, mid)
    assert status == "replied" and first is not None
    reply = store._conn.execute("SELECT text, state, posted_url, created_by FROM replies WHERE mention_id = ?", (mid,)).fetchone()
    assert reply == ("Dziękujemy", "posted", "https://forum.example/p/9", "anna")
    events = store.events(mid)
    assert [e["action"] for e in events] == ["status"]
    assert json.loads(events[0]["detail"]) == {"from": "new", "to": "replied", "posted_url": "https://forum.example/p/9"}
    assert events[0]["actor"] == "anna"


def test_escalation_is_not_a_first_response_the_later_reply_is(store):
    mid = mention_id_by_title(store, "Phone")
    workflow.escalate(store, mid, "anna", reason="legal")
    assert _row(store, mid)[2] is None  # escalating is internal: the patient has heard nothing yet
    workflow.mark_replied(store, mid, "bob")
    first = _row(store, mid)[2]
    assert first is not None
    workflow.start_review(store, mid, "bob")
    workflow.set_status(store, mid, "in_review", "bob")
    workflow.mark_replied(store, mid, "bob")
    assert _row(store, mid)[2] == first  # kept from the first reply
    assert [json.loads(e["detail"])["to"] for e in store.events(mid)] == ["escalated", "replied", "in_review",
                                                                          "replied"]


def test_dismiss_needs_a_reason_and_changes_nothing_without_one(store):
    mid = mention_id_by_title(store, "Phone")
    with pytest.raises(workflow.WorkflowError, match="reason"):
        workflow.dismiss(store, mid, "anna", "  ")
    assert _row(store, mid)[0] == "new" and store.events(mid) == []
    workflow.dismiss(store, mid, "anna", "spam")
    assert _row(store, mid)[0] == "dismissed"
    assert _row(store, mid)[2] is None  # dismissing is not a response
    assert json.loads(store.events(mid)[0]["detail"])["reason"] == "spam"


def test_illegal_transition_is_refused_and_rolled_back(store):
    mid = mention_id_by_title(store, "Phone")
    workflow.mark_replied(store, mid, "anna")
    with pytest.raises(workflow.WorkflowError, match="cannot move"):
        workflow.escalate(store, mid, "anna")
    assert _row(store, mid)[0] == "replied"
    assert len(store.events(mid)) == 1
    workflow.start_review(store, mid, "anna")  # only moves new items
    assert _row(store, mid)[0] == "replied"


def test_bad_posted_url_is_refused(store):
    mid = mention_id_by_title(store, "Phone")
    with pytest.raises(workflow.WorkflowError, match="http"):
        workflow.mark_replied(store, mid, "anna", posted_url="javascript:alert(1)")
    assert _row(store, mid)[0] == "new"


def test_assign_and_note_write_events(store):
    mid = mention_id_by_title(store, "Phone")
    workflow.assign(store, mid, "bob", "anna")
    workflow.add_note(store, mid, "anna", "called back")
    assert _row(store, mid)[1] == "bob"
    assert [n["actor"] for n in workflow.notes(store, mid)] == ["anna"]
    assert [e["action"] for e in store.events(mid)] == ["assign", "note"]
    with pytest.raises(workflow.WorkflowError):
        workflow.add_note(store, mid, "anna", "   ")
    with pytest.raises(workflow.WorkflowError, match="does not exist"):
        workflow.assign(store, 99999, "bob", "anna")


def test_label_corrections_are_stored_for_learning(store):
    mid = mention_id_by_title(store, "Phone")
    workflow.correct_label(store, mid, "kind", "question", "anna")
    workflow.correct_label(store, mid, "topics", ["appointments", "waiting_time"], "anna")
    labels = store._conn.execute("SELECT field, value, actor FROM labels WHERE mention_id = ? ORDER BY id", (mid,)).fetchall()
    assert labels == [("kind", "question", "anna"), ("topics", '["appointments", "waiting_time"]', "anna")]
    analysis = store.mention(mid)
    assert analysis["kind"] == "question" and analysis["topics"] == ["appointments", "waiting_time"]
    with pytest.raises(workflow.WorkflowError, match="furious"):
        workflow.correct_label(store, mid, "sentiment", "furious", "anna")
    with pytest.raises(workflow.WorkflowError, match="cannot label"):
        workflow.correct_label(store, mid, "urgency", "1", "anna")
    assert len(store.events(mid)) == 2
