"""Every page and every mention has a link: ?page=…&mention=… opens it in the dashboard, and alerts and the weekly
report link to the mention when `alerts.dashboard_url` is set."""
from __future__ import annotations

from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from alerts.email import message_text
from alerts.messages import render
from alerts.report_html import _complaints
from core.urls import mention_link, page_link
from storage import workflow
from tests.dashboard_fixtures import DASHBOARD, mention_id_by_title
from tests.test_alerts_messages import MENTION, SPIKE

pytestmark = pytest.mark.slow  # AppTest runs

DASHBOARD_URL = "https://watch.salus.example/"


def open_link(query: dict[str, str]) -> AppTest:
    app = AppTest.from_file(DASHBOARD, default_timeout=60)
    app.query_params.update(query)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def opened_id(app: AppTest) -> int:
    keys = [area.key for area in app.text_area if (area.key or "").startswith("reply_")]
    assert len(keys) == 1, keys
    return int(keys[0].removeprefix("reply_"))


def test_a_mention_link_opens_that_mention_and_the_address_follows_the_open_one(demo):
    wanted = mention_id_by_title(demo["store"], "Great visit")  # not the top of the queue
    app = open_link({"page": "inbox", "mention": str(wanted)})
    assert opened_id(app) == wanted
    assert app.query_params["mention"] == str(wanted) and app.query_params["page"] == "inbox"

    other = [b for b in app.button if (b.key or "").startswith("open_") and b.key != f"open_{wanted}"][0]
    other.click().run()
    assert opened_id(app) == int(other.key.removeprefix("open_"))
    assert app.query_params["mention"] == other.key.removeprefix("open_")


def test_a_link_opens_a_mention_the_default_filters_hide(demo):
    store = demo["store"]
    done = mention_id_by_title(store, "Great visit")
    workflow.mark_replied(store, done, "anna")  # replied: no longer in the default "open" queue
    app = open_link({"page": "inbox", "mention": str(done)})
    assert opened_id(app) == done
    assert f"open_{done}" not in [b.key for b in app.button]  # shown in the detail, not listed in the queue


def test_a_link_to_a_missing_mention_says_so_and_opens_the_queue(demo):
    app = open_link({"page": "inbox", "mention": "999999"})
    assert any("999999" in w.value for w in app.warning)
    assert opened_id(app)  # the top of the queue instead


def test_a_page_link_opens_that_page(demo):
    app = open_link({"page": "trends"})
    assert app.sidebar.radio(key="nav").value == "trends"
    app.sidebar.radio(key="nav").set_value("sources").run()
    assert app.query_params["page"] == "sources" and "mention" not in app.query_params


def test_alerts_link_to_the_mention_and_spikes_to_trends():
    message = render({"rule": "urgent", "critical": False, "data": MENTION}, "pl", DASHBOARD_URL)
    assert message.dashboard_link == mention_link(DASHBOARD_URL, MENTION["id"])
    query = parse_qs(urlsplit(message.dashboard_link).query)
    assert query == {"page": ["inbox"], "mention": [str(MENTION["id"])]}
    assert message.dashboard_link.startswith("https://watch.salus.example/?")
    body = message_text([message], None, "footer")
    assert f"Otwórz w ClinicWatch: {message.dashboard_link}" in body and "https://f.example/1" in body

    spike = render({"rule": "spike_volume", "critical": False, "data": SPIKE}, "it", DASHBOARD_URL)
    assert spike.links == [("Apri in ClinicWatch", page_link(DASHBOARD_URL, "trends"))]


def test_without_a_dashboard_url_alerts_carry_only_the_original():
    message = render({"rule": "urgent", "critical": False, "data": MENTION}, "en")
    assert message.links == [("Open the original", "https://f.example/1")]


def test_the_weekly_reports_complaints_link_to_the_inbox():
    report = SimpleNamespace(language="en", top_complaints=[
        {"id": 42, "title": "Lost results", "text": "x", "url": "https://f.example/9", "published_at": "2026-11-17",
         "source_name": "forum", "urgency": 0.5}])
    html = _complaints(report, DASHBOARD_URL)
    assert 'href="https://watch.salus.example/?page=inbox&amp;mention=42">Open in ClinicWatch</a>' in html
    assert "ClinicWatch" not in _complaints(report)
