"""Bulk actions in the Inbox: several mentions of the page dismissed with one reason, or assigned at once."""
from __future__ import annotations

import json

import pytest

from tests.dashboard_fixtures import mention_id_by_title, open_buttons, run_app

pytestmark = pytest.mark.slow  # AppTest runs


def test_bulk_dismiss_with_one_reason(demo):
    store = demo["store"]
    noise = [mention_id_by_title(store, title) for title in ("Salus XSS image", "Salus XSS link")]
    app = run_app()
    app.multiselect(key="bulk_pick").set_value(noise).run()
    app.text_input(key="bulk_reason").set_value("not about the clinic").run()
    app.button(key="bulk_dismiss").click().run()
    assert not app.exception, [e.value for e in app.exception]
    for mention_id in noise:
        assert store.mention(mention_id)["status"] == "dismissed"
        detail = json.loads(store.events(mention_id)[-1]["detail"])
        assert detail["to"] == "dismissed" and detail["reason"] == "not about the clinic"
    assert any("2" in s.value for s in app.success)
    assert not {f"open_{i}" for i in noise} & {b.key for b in open_buttons(app)}  # they left the queue


def test_bulk_dismiss_without_a_reason_changes_nothing_and_says_why(demo):
    store = demo["store"]
    phone = mention_id_by_title(store, "Phone")
    app = run_app()
    app.multiselect(key="bulk_pick").set_value([phone]).run()
    app.button(key="bulk_dismiss").click().run()
    assert app.error and "reason" in app.error[0].value
    assert store.mention(phone)["status"] != "dismissed"


def test_select_all_and_assign_shows_the_assignee_on_the_cards(demo):
    store = demo["store"]
    app = run_app()
    on_page = [int(b.key.removeprefix("open_")) for b in open_buttons(app)]
    app.button(key="bulk_all").click().run()
    assert sorted(app.multiselect(key="bulk_pick").value) == sorted(on_page)
    app.selectbox(key="bulk_assignee").set_value("demo").run()
    app.button(key="bulk_assign").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert all(store.mention(i)["assignee"] == "demo" for i in on_page)
    cards = " ".join(h.proto.body for h in app.get("html"))
    assert "&#8594; demo" in cards  # "→ demo", escaped like all the card's words


def test_nothing_selected_says_so(demo):
    app = run_app()
    app.button(key="bulk_assign").click().run()
    assert app.error and "at least one" in app.error[0].value
