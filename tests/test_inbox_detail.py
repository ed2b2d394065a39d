"""The Inbox detail as staff read it: times in the clinic's zone, reach only where a platform has it, the assignee,
a history in words (not JSON) with translated headings, and a note box that empties once the note is saved."""
from __future__ import annotations

import pytest

from storage import workflow
from tests.dashboard_fixtures import mention_id_by_title, open_buttons, run_app

pytestmark = pytest.mark.slow  # AppTest runs


def open_mention(app, mention_id: int):
    next(b for b in open_buttons(app) if b.key == f"open_{mention_id}").click().run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def facts_text(app) -> str:
    return "\n".join(element.value for element in app.text)


def test_facts_show_the_clinic_time_the_assignee_and_no_empty_reach(demo):
    store = demo["store"]
    phone = mention_id_by_title(store, "Phone")
    workflow.assign(store, phone, "anna", "demo")
    app = open_mention(run_app(), phone)
    facts = facts_text(app)
    assert " UTC" not in facts and ("CET" in facts or "CEST" in facts)  # the demo clinic is in Europe/Warsaw
    assert "Assigned to: anna" in facts and "Reach: score" in facts  # this one has votes and comments

    with store.transaction():  # a feed or review item: no votes, no comment count
        store._conn.execute("UPDATE mentions SET score = NULL, comment_count = NULL WHERE id = ?", (phone,))
    facts = facts_text(open_mention(run_app(), phone))
    assert "Reach" not in facts and "score 0" not in facts


def test_history_is_in_words_with_translated_headings(demo):
    store = demo["store"]
    phone = mention_id_by_title(store, "Phone")
    workflow.add_note(store, phone, "demo", "called back")
    app = run_app()
    app.sidebar.selectbox(key="ui_lang").set_value("pl").run()
    open_mention(app, phone)
    tables = [frame.value for frame in app.dataframe]
    history = next(frame for frame in tables if "Kto" in frame.columns)
    assert list(history.columns) == ["Kiedy", "Kto", "Co", "Szczegóły"]
    detail = " ".join(history["Szczegóły"])
    assert "{" not in detail and "called back" in detail


def test_the_note_box_empties_after_the_note_is_added(demo):
    store = demo["store"]
    phone = mention_id_by_title(store, "Phone")
    app = open_mention(run_app(), phone)
    app.text_area(key=f"note_{phone}").set_value("called the patient back").run()
    app.button(key="act_note").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert [e["action"] for e in store.events(phone)] == ["note"]
    assert app.text_area(key=f"note_{phone}").value == ""


def test_a_huge_post_is_cut_on_screen_and_wraps_in_its_box(demo):
    store = demo["store"]
    phone = mention_id_by_title(store, "Phone")
    huge = "Salus " + "x" * 1_000_000  # one unbroken million-character word
    with store.transaction():
        store._conn.execute("UPDATE mentions SET text = ? WHERE id = ?", (huge, phone))
    app = open_mention(run_app(), phone)
    boxes = [h.proto.body for h in app.get("html") if 'class="cw-text"' in h.proto.body]
    assert boxes and all("overflow-wrap: anywhere" in box for box in boxes)
    assert max(len(box) for box in boxes) < 200_000  # not a million characters of markup
    assert any("1000006" in caption.value for caption in app.caption)
