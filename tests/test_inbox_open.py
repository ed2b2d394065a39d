"""Opening a card reruns only the Inbox's detail pane: the queue is neither read (the counts and the page cost up
to ~100 ms at 1M mentions) nor drawn again; the opened mention is read afresh, and an action reruns the queue.

AppTest's element tree holds what the last run drew, so after an opening it holds the detail pane alone."""
from __future__ import annotations

import pytest

from storage import workflow
from tests.dashboard_fixtures import mention_id_by_title, open_buttons, run_app

pytestmark = pytest.mark.slow  # AppTest runs


def card_bodies(app) -> str:
    return "\n".join(h.proto.body for h in app.get("html") if 'class="cw-preview"' in h.proto.body)


def facts_text(app) -> str:
    return "\n".join(element.value for element in app.text)


def escalated_count(app) -> str:
    return next(o for o in app.radio(key="inbox_view").options if o.startswith("Escalated"))


def test_opening_reruns_the_detail_alone_reading_the_mention_afresh(demo):
    store = demo["store"]
    phone, booking = mention_id_by_title(store, "Phone"), mention_id_by_title(store, "Booking at Salus")
    app = run_app()
    assert "Booking at Salus" in card_bodies(app)
    # A colleague changes two mentions after the page was drawn.
    workflow.assign(store, phone, "anna", "colleague")
    with store.transaction():
        store._conn.execute("UPDATE mentions SET title = 'Booking renamed' WHERE id = ?", (booking,))

    next(b for b in open_buttons(app) if b.key == f"open_{phone}").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert "Assigned to: anna" in facts_text(app)  # the opened mention is read again
    assert app.button(key="act_escalate")  # its actions are drawn ...
    assert open_buttons(app) == [] and card_bodies(app) == ""  # ... and the queue is not drawn again
    assert not app.get("radio")  # nor the views with their counts

    app.button(key="act_escalate").click().run()  # an action reruns the work area: the queue is read again
    assert not app.exception, [e.value for e in app.exception]
    assert "Booking renamed" in card_bodies(app) and "Booking at Salus" not in card_bodies(app)
    assert escalated_count(app).endswith("(1)")
    assert app.success  # what became of it, above the detail

