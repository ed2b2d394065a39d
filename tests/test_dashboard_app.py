"""Every dashboard page through Streamlit's AppTest: filters change results, actions change the store."""
from __future__ import annotations

import html
import json
import re
from datetime import timedelta

import pytest
import streamlit.config as st_config
from streamlit.testing.v1 import AppTest

from clinicwatch.pipeline import Pipeline
from collectors.registry import load_config
from core.models import utcnow
from storage.users import add_user
from tests.dashboard_fixtures import DASHBOARD, mention_id_by_title, open_buttons, run_app
from tests.loopback import Response

pytestmark = pytest.mark.slow  # subprocesses, AppTest runs or kill tests: not in `make test-fast`


def queue_texts(app: AppTest) -> list[str]:
    """The cards' first words, in queue order, as the reader sees them (the card's HTML unescaped)."""
    previews = (re.search(r'<div class="cw-preview"[^>]*>(.*?)</div>', h.proto.body) for h in app.get("html"))
    return [html.unescape(found.group(1)) for found in previews if found]


# --- inbox ----------------------------------------------------------------------------------------

def test_inbox_lists_open_mentions_most_urgent_first(demo_each_engine):
    app = run_app()
    assert len(open_buttons(app)) == 7
    assert queue_texts(app)[0] == "Salus Medica – skandal"
    assert "7" in app.caption[0].value


def test_inbox_filters_change_the_result(demo):
    app = run_app()
    app.sidebar.multiselect(key="f_kind").set_value(["complaint"]).run()
    assert len(open_buttons(app)) == 3
    app.sidebar.multiselect(key="f_language").set_value(["en"]).run()
    assert len(open_buttons(app)) == 1
    app.sidebar.multiselect(key="f_kind").set_value([]).run()
    app.sidebar.multiselect(key="f_language").set_value([]).run()
    app.sidebar.text_input(key="f_search").set_value("wonderful").run()
    assert len(open_buttons(app)) == 1 and "Great visit" in queue_texts(app)


def test_mark_replied_changes_the_store_and_leaves_the_queue(demo_each_engine):
    demo = demo_each_engine
    app = run_app()
    top = mention_id_by_title(demo["store"], "Salus Medica – skandal")
    app.text_input(key=f"posted_{top}").set_value("https://forum.example/reply/1").run()
    app.button(key="act_replied").click().run()
    assert not app.exception
    status = demo["store"]._conn.execute("SELECT status, first_response_at FROM mentions WHERE id = ?", (top,)).fetchone()
    assert status[0] == "replied" and status[1]
    events = demo["store"].events(top)
    assert events[-1]["actor"] == "demo" and json.loads(events[-1]["detail"])["to"] == "replied"
    assert "Salus Medica – skandal" not in queue_texts(app)[:7]
    assert len(open_buttons(app)) == 6


def test_start_review_keeps_the_mention_in_the_queue(demo):
    app = run_app()
    top = mention_id_by_title(demo["store"], "Salus Medica – skandal")
    app.button(key="act_review").click().run()
    assert demo["store"].mention(top)["status"] == "in_review"
    assert queue_texts(app)[0] == "Salus Medica – skandal" and "act_review" not in [b.key for b in app.button]


def test_dismiss_without_reason_shows_error_and_changes_nothing(demo):
    app = run_app()
    top = mention_id_by_title(demo["store"], "Salus Medica – skandal")
    app.button(key="act_dismiss").click().run()
    assert app.error and "reason" in app.error[0].value
    assert demo["store"].events(top) == []
    app.text_input(key=f"reason_{top}").set_value("duplicate").run()
    app.button(key="act_dismiss").click().run()
    assert demo["store"].mention(top)["status"] == "dismissed"


def test_open_assign_note_and_correct_labels(demo_each_engine):
    demo = demo_each_engine
    app = run_app()
    phone = mention_id_by_title(demo["store"], "Phone")
    next(b for b in open_buttons(app) if b.key == f"open_{phone}").click().run()
    app.text_area(key=f"note_{phone}").set_value("called the patient back").run()
    app.button(key="act_note").click().run()
    app.selectbox(key=f"fix_kind_{phone}").set_value("question").run()
    app.button(key="act_labels").click().run()
    assert not app.exception
    actions = [e["action"] for e in demo["store"].events(phone)]
    assert actions == ["note", "label"]
    label = demo["store"]._conn.execute("SELECT field, value, actor FROM labels WHERE mention_id = ?", (phone,)).fetchone()
    assert label == ("kind", "question", "demo")


def test_source_text_is_escaped_never_markup(demo):
    app = run_app()
    for title in ("Salus XSS image", "Salus XSS link"):
        mid = mention_id_by_title(demo["store"], title)
        next(b for b in open_buttons(app) if b.key == f"open_{mid}").click().run()
        bodies = " ".join(h.proto.body for h in app.get("html"))
        assert "<img" not in bodies and "](javascript" not in bodies and "javascript:" not in bodies
        assert "&#60;img src&#61;x onerror&#61;alert&#40;1&#41;&#62;" in bodies or "&#91;click&#93;" in bodies
        assert "<mark>Salus Medica</mark>" in bodies  # the matched term is highlighted
        app.run()  # AppTest's tree holds only the detail pane an opening reruns: draw the whole page again


def test_ui_language_switches_labels(demo):
    app = run_app()
    app.sidebar.selectbox(key="ui_lang").set_value("pl").run()
    assert app.button(key="act_replied").label == "Odpowiedziano"
    app.sidebar.selectbox(key="ui_lang").set_value("it").run()
    assert app.button(key="act_replied").label == "Segna come risposto"


# --- trends, sources, settings --------------------------------------------------------------------

def test_trends_metrics_follow_the_chosen_period(demo_each_engine):
    app = run_app("trends")
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Mentions"] == "7" and metrics["Brand Health Index"] == "25%"
    assert len(app.get("vega_lite_chart")) == 4
    app.selectbox(key="tr_by").set_value("term").run()
    assert not app.exception
    from datetime import date, timedelta

    long_ago = date.today() - timedelta(days=400)
    app.date_input(key="tr_dates").set_value((long_ago, long_ago + timedelta(days=30))).run()
    assert {m.label: m.value for m in app.metric}["Mentions"] == "0"
    assert app.info and "No mentions" in app.info[0].value


NEW_SOURCE = """
[[sources]]
name = "new-blog"
kind = "feed"
url = "https://blog.example/feed.xml"
language = "pl"
"""


def test_sources_toggle_works_for_a_source_the_store_has_not_seen(demo):
    demo["config"].write_text(demo["config"].read_text() + NEW_SOURCE)
    assert demo["store"].source("new-blog") is None
    app = run_app("sources")
    app.toggle(key="enabled_new-blog").set_value(False).run()
    assert not app.exception, [e.value for e in app.exception]
    assert demo["store"].source("new-blog")["enabled"] == 0
    app.toggle(key="enabled_new-blog").set_value(True).run()
    assert demo["store"].source("new-blog")["enabled"] == 1


def test_run_now_queues_a_run_that_the_collector_carries_out(demo, loopback):
    loopback.routes["/feed.xml"] = lambda request: Response(503, b"down")
    text = demo["config"].read_text().replace("https://forum.example/feed.xml", loopback.url("/feed.xml"))
    demo["config"].write_text(text + "\n[http]\nallow_private_addresses = true\nretries = 0\n")
    # a run in which clinic-reviews offered two items it did not store: their reasons are on the page
    demo["store"].record_success("clinic-reviews", [], {}, seen=2, dropped={"excluded": 1, "not_matched": 1})
    app = run_app("sources")
    assert any("Not stored, by reason (last run / total): excluded 1 / 1, not_matched 1 / 1" in t.value
               for t in app.text)
    app.button(key="run_forum-zdrowie").click().run()
    assert not app.exception, [e.value for e in app.exception]
    # The page collected nothing itself: the request waits for the collector, and the page says none is running.
    assert loopback.requests == []
    assert demo["store"].run_requests().keys() == {"forum-zdrowie"}
    assert any("within a few seconds" in info.value for info in app.info)
    assert any("No collector is running" in warning.value for warning in app.warning)

    # The collector's loop: it is alive, and its next look finds the request among the due sources.
    config = load_config(demo["config"])
    demo["store"].beat(demo["store"].COLLECTOR, pid=1)
    with Pipeline(config, demo["store"]) as pipeline:
        due = [source.name for source in pipeline.due_sources(now=utcnow() - timedelta(days=1))]
        assert due == ["forum-zdrowie"]  # only the requested one: the others ran recently
        pipeline.collect([config.source("forum-zdrowie")])
    assert len(loopback.requests) == 1
    assert demo["store"].run_requests() == {}
    app.run()
    health = demo["store"].source("forum-zdrowie")
    assert health["consecutive_failures"] >= 1
    assert any("[http]" in code.value and "503" in code.value for code in app.code)
    assert not any("within a few seconds" in info.value for info in app.info)


def test_settings_invalid_value_shows_error_and_changes_nothing(demo):
    before = demo["config"].read_bytes()
    app = run_app("settings")
    app.text_area(key="set_names").set_value("")
    app.button(key="FormSubmitter:settings_form-Validate and save").click().run()
    assert app.error and "brand.names" in app.error[0].value
    assert demo["config"].read_bytes() == before
    assert not list(demo["config"].parent.glob("*.bak"))
    app.text_input(key="set_ch_pl_email").set_value("not-an-email")
    app.text_area(key="set_names").set_value("Salus Medica")
    app.button(key="FormSubmitter:settings_form-Validate and save").click().run()
    assert app.error and "channels.pl.email" in app.error[0].value
    assert demo["config"].read_bytes() == before


def test_settings_valid_change_is_written_with_backup(demo):
    before = demo["config"].read_bytes()
    app = run_app("settings")
    app.text_area(key="set_exclusions").set_value("salus populi\nsalus per aquam")
    app.button(key="FormSubmitter:settings_form-Validate and save").click().run()
    assert not app.error
    assert load_config(demo["config"]).brand.exclusions == ["salus populi", "salus per aquam"]
    backups = list(demo["config"].parent.glob("config.toml.*.bak"))
    assert len(backups) == 1 and backups[0].read_bytes() == before


# --- login ----------------------------------------------------------------------------------------

def test_no_login_is_refused_when_not_bound_to_localhost(demo):
    st_config.set_option("server.address", "0.0.0.0")
    app = AppTest.from_file(DASHBOARD, default_timeout=60).run()
    assert app.error and "users" in app.error[0].value.lower()
    assert not app.button


def test_login_with_role_limits_pages(demo):
    add_user(demo["users"], "anna", "Anna K", "s3cret-pass", "staff", language="pl")
    assert "s3cret-pass" not in demo["users"].read_text()
    app = AppTest.from_file(DASHBOARD, default_timeout=60).run()
    assert not app.sidebar.radio  # nothing but the login form
    app.text_input[0].set_value("anna")
    app.text_input[1].set_value("wrong-password")
    app.button[0].click().run()
    assert app.error
    app.text_input[0].set_value("anna")
    app.text_input[1].set_value("s3cret-pass")
    app.button[0].click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.sidebar.radio(key="nav").options == ["Skrzynka"]  # staff: Inbox only, in the user's language


def test_suggested_reply_and_live_lint_when_replies_package_is_present(demo):
    pytest.importorskip("replies.suggest", reason="the replies package is written in parallel")
    app = run_app()
    top = mention_id_by_title(demo["store"], "Salus Medica – skandal")
    assert app.code and app.code[0].value == app.text_area(key=f"reply_{top}").value
    app.text_area(key=f"reply_{top}").set_value("Jest Pan naszym pacjentem, na pewno wyleczymy to jutro.").run()
    warnings = [h.proto.body for h in app.get("html") if "⚠" in h.proto.body]
    assert any("Confirms that the person is or was a patient" in w for w in warnings)
    assert not any("confirms&#95;patient" in w or "confirms_patient" in w for w in warnings)  # no raw rule ids
    assert len(warnings) == len({w for w in warnings})  # one line per problem

