"""The Inbox's views through Streamlit's AppTest: counts beside each view, escalate says where the mention went,
an empty search says nothing matched."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from storage import queries, workflow
from storage.views import VIEWS
from tests.dashboard_fixtures import ROWS, mention_id_by_title, open_buttons, run_app

pytestmark = pytest.mark.slow  # AppTest runs


def view_labels(app: AppTest) -> dict[str, str]:
    """Each view's label as shown (AppTest gives the formatted options in the order of storage.views.VIEWS)."""
    return dict(zip(["", *VIEWS], app.radio(key="inbox_view").options))


def test_views_show_their_counts_and_their_mentions(demo):
    store = demo["store"]
    workflow.assign(store, mention_id_by_title(store, "Faktura"), "demo", "lead")
    workflow.wait_for_patient(store, mention_id_by_title(store, "Booking at Salus"), "demo")
    app = run_app()
    labels = view_labels(app)
    assert labels["mine"] == "My queue (1)"
    assert labels["unassigned"] == f"Unassigned ({len(ROWS) - 2})"
    assert labels["escalated"] == "Escalated (0)"
    assert labels["waiting_patient"] == "Waiting on the patient (1)"
    assert labels["done_today"] == "Done today (0)"

    app.radio(key="inbox_view").set_value("mine").run()
    assert not app.exception
    assert [b.key for b in open_buttons(app)] == [f"open_{mention_id_by_title(store, 'Faktura')}"]
    app.radio(key="inbox_view").set_value("waiting_patient").run()
    assert [b.key for b in open_buttons(app)] == [f"open_{mention_id_by_title(store, 'Booking at Salus')}"]
    app.radio(key="inbox_view").set_value("done_today").run()
    assert open_buttons(app) == [] and "Nothing in this view." in [i.value for i in app.info]


def test_escalate_says_where_the_mention_went_and_the_view_has_it(demo):
    store = demo["store"]
    top = mention_id_by_title(store, "Salus Medica – skandal")
    app = run_app()
    app.button(key="act_escalate").click().run()
    assert not app.exception
    message = app.success[0].value
    assert "Escalated" in message and "view" in message
    assert f"open_{top}" not in [b.key for b in open_buttons(app)]  # gone from the open queue…
    assert view_labels(app)["escalated"] == "Escalated (1)"
    app.radio(key="inbox_view").set_value("escalated").run()
    assert [b.key for b in open_buttons(app)] == [f"open_{top}"]  # …and found under Escalated
    first = store._conn.execute("SELECT first_response_at FROM mentions WHERE id = ?", (top,)).fetchone()[0]
    assert first is None


def test_counts_use_plural_forms_and_an_empty_search_says_nothing_matched(demo):
    app = run_app()
    app.sidebar.text_input(key="f_search").set_value("wonderful").run()
    assert "1 mention matches" in [c.value for c in app.caption]
    app.sidebar.text_input(key="f_search").set_value("zzzznothing").run()
    infos = [i.value for i in app.info]
    assert "Nothing matched the search “zzzznothing”." in infos and "Nothing needs attention." not in infos
    app.sidebar.text_input(key="f_search").set_value("").run()
    app.sidebar.selectbox(key="ui_lang").set_value("pl").run()
    assert f"{len(ROWS)} pasujących wzmianek" in [c.value for c in app.caption]  # 7: the "many" form
    app.sidebar.multiselect(key="f_language").set_value(["pl"]).run()
    assert "2 pasujące wzmianki" in [c.value for c in app.caption]  # 2: the "few" form


def test_a_search_over_every_status_past_the_count_cap_says_more_than(demo, monkeypatch):
    monkeypatch.setattr(queries, "COUNT_CAP", 3)  # the demo has 7 mentions with "Salus"
    app = run_app()
    app.multiselect(key="f_status").set_value([]).run()
    app.text_input(key="f_search").set_value("Salus").run()
    assert not app.exception, [e.value for e in app.exception]
    captions = [c.value for c in app.caption]
    assert "More than 3 mentions match: narrow the filters or the search to see them all." in captions
    assert not [c for c in captions if c.endswith("mentions match")]
