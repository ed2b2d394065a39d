"""Inbox views and their counts, the waiting-on-patient state, and escalation not counting as a first response
(a real SQLite file through the store and the workflow)."""
from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime, timedelta

import pytest

from storage import queries, views, workflow
from storage.schema import SCHEMA_VERSION
from storage.store import open_store
from tests.dashboard_fixtures import ROWS, fill, mention_id_by_title


@pytest.fixture
def store(store):
    """The conftest store (each engine in turn) filled with the dashboard fixtures' rows."""
    fill(store, datetime.now(UTC))
    return store


def _today() -> datetime:
    return views.start_of_day(datetime.now(UTC), "Europe/Warsaw")


def _titles(store, view: str, user: str = "anna") -> set[str]:
    rows = queries.inbox_page(store, views.view_filter(view, user, _today()), 0, 50)
    return {row["title"] for row in rows}


def test_each_view_holds_what_its_name_says_and_counts_it(store):
    skandal, faktura, phone, booking, great = (mention_id_by_title(store, t) for t in
                                               ("Salus Medica – skandal", "Faktura", "Phone", "Booking at Salus",
                                                "Great visit"))
    workflow.assign(store, skandal, "anna", "lead")
    workflow.assign(store, faktura, "bob", "lead")
    workflow.escalate(store, phone, "anna", reason="legal")
    workflow.wait_for_patient(store, booking, "anna")
    workflow.mark_replied(store, great, "anna")
    workflow.assign(store, great, "anna", "lead")  # replied: no longer in anyone's queue

    assert _titles(store, "mine") == {"Salus Medica – skandal"}
    assert _titles(store, "mine", "bob") == {"Faktura"}
    assert _titles(store, "escalated") == {"Phone"}
    assert _titles(store, "waiting_patient") == {"Booking at Salus"}
    assert _titles(store, "done_today") == {"Great visit"}
    open_unassigned = {r[7] for r in ROWS} - {"Salus Medica – skandal", "Faktura", "Phone", "Booking at Salus",
                                              "Great visit"}
    assert _titles(store, "unassigned") == open_unassigned

    counts = views.view_counts(store, "anna", _today())
    assert counts == {"mine": 1, "unassigned": len(open_unassigned), "escalated": 1, "waiting_patient": 1,
                      "done_today": 1}
    # Counted the way the Inbox counts its list.
    for view, count in counts.items():
        assert queries.inbox_count(store, views.view_filter(view, "anna", _today())) == count


def test_done_today_leaves_out_what_was_closed_before_today(store):
    great = mention_id_by_title(store, "Great visit")
    workflow.mark_replied(store, great, "anna")
    assert views.view_counts(store, "anna", _today())["done_today"] == 1
    tomorrow = _today() + timedelta(days=1)
    assert views.view_counts(store, "anna", tomorrow)["done_today"] == 0


def test_a_view_keeps_the_other_filters(store):
    for title in ("Faktura", "Phone"):
        workflow.escalate(store, mention_id_by_title(store, title), "anna")
    base = queries.MentionFilter(languages=["pl"], statuses=["new"], assignee="bob")
    flt = views.view_filter("escalated", "anna", _today(), base)
    assert flt.statuses == ["escalated"] and flt.assignee is None and flt.languages == ["pl"]
    assert [r["title"] for r in queries.inbox_page(store, flt)] == ["Faktura"]
    with pytest.raises(ValueError, match="unknown view"):
        views.view_filter("everything", "anna", _today())


def test_start_of_day_is_the_clinics_midnight():
    # 23:30 UTC on 3 March is already 4 March in Warsaw (UTC+1).
    start = views.start_of_day(datetime(2026, 3, 3, 23, 30, tzinfo=UTC), "Europe/Warsaw")
    assert start.date() == date(2026, 3, 4) and start.astimezone(UTC) == datetime(2026, 3, 3, 23, 0, tzinfo=UTC)


def _first_response(store, mention_id):
    return store._conn.execute("SELECT first_response_at FROM mentions WHERE id = ?", (mention_id,)).fetchone()[0]


def test_escalating_is_not_a_first_response_but_replying_after_it_is(store):
    phone = mention_id_by_title(store, "Phone")
    workflow.escalate(store, phone, "anna", reason="legal")
    assert _first_response(store, phone) is None
    today = datetime.now(UTC).date()
    assert queries.response_times(store, today - timedelta(days=30), today)["count"] == 0
    workflow.mark_replied(store, phone, "bob")
    replied_at = _first_response(store, phone)
    assert replied_at is not None
    assert queries.response_times(store, today - timedelta(days=30), today)["count"] == 1
    assert [json.loads(e["detail"])["to"] for e in store.events(phone)] == ["escalated", "replied"]


def test_waiting_on_the_patient_counts_as_the_first_response(store):
    booking = mention_id_by_title(store, "Booking at Salus")
    workflow.wait_for_patient(store, booking, "anna")
    first = _first_response(store, booking)
    assert first is not None
    workflow.mark_replied(store, booking, "anna")  # the patient answered, the team closed it
    assert _first_response(store, booking) == first


def test_migration_moves_first_response_off_escalations_and_dates_status_changes(tmp_path):
    """A database written by the previous version: escalation stamped first_response_at, no status time."""
    path = tmp_path / "old.db"
    store = open_store(path)
    fill(store, datetime.now(UTC))
    ids = {title: mention_id_by_title(store, title) for title in ("Phone", "Faktura", "Great visit")}
    store.close()
    conn = sqlite3.connect(path)
    conn.executescript("DROP INDEX mentions_status_changed; DROP INDEX mentions_assignee; "
                       "ALTER TABLE mentions DROP COLUMN status_changed_at;")
    conn.execute("PRAGMA user_version = 8")  # before migration 9 (status times)
    assert SCHEMA_VERSION >= 9

    def status_event(mention_id: int, at: str, to: str, before: str) -> None:
        conn.execute("INSERT INTO events (mention_id, at, actor, action, detail) VALUES (?, ?, 'anna', 'status', ?)",
                     (mention_id, at, json.dumps({"from": before, "to": to})))

    # Escalated then replied: the old code stamped the escalation; the reply is the first response.
    status_event(ids["Phone"], "2026-01-01T10:00:00.000000Z", "escalated", "new")
    status_event(ids["Phone"], "2026-01-02T09:00:00.000000Z", "replied", "escalated")
    # Escalated only: no response yet.
    status_event(ids["Faktura"], "2026-01-01T11:00:00.000000Z", "escalated", "new")
    # Replied first: untouched.
    status_event(ids["Great visit"], "2026-01-01T12:00:00.000000Z", "replied", "new")
    conn.executemany("UPDATE mentions SET status = ?, first_response_at = ? WHERE id = ?", [
        ("replied", "2026-01-01T10:00:00.000000Z", ids["Phone"]),
        ("escalated", "2026-01-01T11:00:00.000000Z", ids["Faktura"]),
        ("replied", "2026-01-01T12:00:00.000000Z", ids["Great visit"]),
    ])
    conn.commit()
    conn.close()

    store = open_store(path)
    rows = {mid: store._conn.execute("SELECT first_response_at, status_changed_at FROM mentions WHERE id = ?",
                                     (mid,)).fetchone() for mid in ids.values()}
    assert rows[ids["Phone"]] == ("2026-01-02T09:00:00.000000Z", "2026-01-02T09:00:00.000000Z")
    assert rows[ids["Faktura"]] == (None, "2026-01-01T11:00:00.000000Z")
    assert rows[ids["Great visit"]] == ("2026-01-01T12:00:00.000000Z", "2026-01-01T12:00:00.000000Z")
    untouched = store._conn.execute("SELECT count(*) FROM mentions WHERE status_changed_at IS NULL").fetchone()[0]
    assert untouched == len(ROWS) - 3
    store.close()
