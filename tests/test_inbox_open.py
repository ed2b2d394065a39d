"""Opening a card reruns the Inbox without reading the queue again (the counts and the page cost up to ~100 ms
at 1M mentions): the opened mention is read afresh, and every other run (an action, a page) reads the store."""
from __future__ import annotations

import pytest

from storage import workflow
from tests.dashboard_fixtures import mention_id_by_title, open_buttons, run_app

pytestmark = pytest.mark.slow  # AppTest runs


def card_bodies(app) -> str:
    return "\n".join(h.proto.body for h in app.get("html") if 'class="cw-preview"' in h.proto.body)


def facts_text(app) -> str:
    return "\n".join(element.value for element in app.text)


def open_mention(app, mention_id: int):
    next(b for b in open_buttons(app) if b.key == f"open_{mention_id}").click().run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_opening_reads_the_opened_mention_afresh_and_an_action_reads_the_queue(demo):
    store = demo["store"]
    phone, booking = mention_id_by_title(store, "Phone"), mention_id_by_title(store, "Booking at Salus")
    app = run_app()
    assert "Booking at Salus" in card_bodies(app)
    # A colleague changes two mentions after the page was drawn.
    workflow.assign(store, phone, "anna", "colleague")
    with store.transaction():
        store._conn.execute("UPDATE mentions SET title = 'Booking renamed' WHERE id = ?", (booking,))

    open_mention(app, phone)
    assert "Assigned to: anna" in facts_text(app)  # the opened mention is read again, for the detail
    phone_card = next(body for body in card_bodies(app).splitlines() if ">Phone</div>" in body)
    assert "anna" in phone_card  # and for its card
    assert "Booking at Salus" in card_bodies(app)  # the rest of the page is the one the last run read

    app.button(key="act_escalate").click().run()  # any other run reads the queue again
    assert not app.exception, [e.value for e in app.exception]
    assert "Booking renamed" in card_bodies(app) and "Booking at Salus" not in card_bodies(app)


def escalated_count(app) -> str:
    return next(o for o in app.radio(key="inbox_view").options if o.startswith("Escalated"))


def test_the_view_counts_follow_actions_and_are_not_read_again_for_an_opening(demo):
    store = demo["store"]
    phone, faktura = mention_id_by_title(store, "Phone"), mention_id_by_title(store, "Faktura")
    app = run_app()
    assert escalated_count(app).endswith("(0)")
    workflow.escalate(store, faktura, "colleague")  # after the page was drawn

    open_mention(app, phone)
    assert escalated_count(app).endswith("(0)")  # an opening run does not count again
    app.button(key="act_escalate").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert escalated_count(app).endswith("(2)")  # the colleague's and this one
