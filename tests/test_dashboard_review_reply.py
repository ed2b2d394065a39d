"""The Inbox's "Post this reply to Google / Facebook" button through AppTest, against the loopback platforms."""
from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import parse_qs

import pytest
from streamlit.testing.v1 import AppTest

from core.models import Analysis, Mention
from storage.store import open_store
from tests.dashboard_fixtures import DASHBOARD, build_demo
from tests.platform_fixtures.facebook_api import PAGE_ID, TOKEN, FakeGraph
from tests.platform_fixtures.google_api import REVIEWS_PATH, SECRETS, FakeGoogle

pytestmark = pytest.mark.slow  # subprocesses, AppTest runs or kill tests: not in `make test-fast`

CLEAN = "Przepraszamy za utrudnienia. Prosimy o kontakt z naszą rejestracją."
REVIEW = "AbFvOqn7rK2v"
COMMENT = "1234500000000001_9000000000000003"

GOOGLE_TOML = """
[http]
allow_private_addresses = true
timeout_seconds = 5
retries = 0

[[sources]]
name = "google-mokotow"
kind = "google_reviews"
api_url = "{base}"
token_url = "{base}/token"
allow_posting = {allow}
[[sources.locations]]
account = "1122334455"
location = "987654321"
label = "Salus Medica Mokotów"
place_id = "ChIJdemoPlaceId"
"""

FACEBOOK_TOML = """
[http]
allow_private_addresses = true
timeout_seconds = 5
retries = 0

[[sources]]
name = "facebook-page"
kind = "facebook"
page_id = "{page}"
label = "Salus Medica Mokotów"
graph_url = "{base}"
allow_posting = true
"""


def dashboard_with(tmp_path, monkeypatch, toml: str, mention: Mention, kind: str):
    """The dashboard demo plus one platform source and its most urgent mention (so the Inbox opens it first)."""
    config_path, database = build_demo(tmp_path)
    config_path.write_text(config_path.read_text(encoding="utf-8") + toml, encoding="utf-8")
    monkeypatch.setenv("CLINICWATCH_CONFIG", str(config_path))
    monkeypatch.setenv("CLINICWATCH_USERS", str(tmp_path / "users.yaml"))
    store = open_store(database)
    store.ensure_source(mention.source_name, kind)
    analysis = Analysis("pl", "negative", -0.8, "complaint", ["other"], 0.99, [])
    mention_id = store.record_success(mention.source_name, [(mention, analysis)], {}, seen=1).new_ids[0]
    return store, mention_id


def google_mention(owner_reply: str | None = None) -> Mention:
    extra = {"platform": "google", "review_id": REVIEW, "rating": 1,
             "review_name": f"accounts/1122334455/locations/987654321/reviews/{REVIEW}"}
    if owner_reply:
        extra["owner_reply"] = {"comment": owner_reply}
    return Mention(source_kind="google_reviews", source_name="google-mokotow", external_id=REVIEW,
                   url="https://search.google.com/local/reviews?placeid=ChIJdemoPlaceId",
                   text="Trzecią godzinę czekam na rejestrację, nikt nie odbiera telefonu.", author="Katarzyna",
                   published_at=datetime.now(UTC), language="pl", thread_title="Salus Medica Mokotów",
                   extra=extra)


def open_app(mention_id: int) -> AppTest:
    app = AppTest.from_file(DASHBOARD, default_timeout=60)
    app.session_state["selected_id"] = mention_id  # as a click on it in the queue does
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.text_area(key=f"reply_{mention_id}")  # the platform's mention is open in the detail
    return app


@pytest.fixture
def google(loopback, monkeypatch) -> FakeGoogle:
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    return FakeGoogle(loopback)


@pytest.mark.usefixtures("local_server")
def test_a_google_reply_is_posted_once_and_the_review_leaves_the_queue(tmp_path, monkeypatch, loopback,
                                                                        google):
    store, mention_id = dashboard_with(tmp_path, monkeypatch, GOOGLE_TOML.format(base=loopback.base_url,
                                                                                 allow="true"),
                                       google_mention(), "google_reviews")
    try:
        app = open_app(mention_id)
        assert "★☆☆☆☆ 1/5" in [text.value for text in app.text]  # the review's stars beside it
        app.text_area(key=f"reply_{mention_id}").set_value(CLEAN).run()
        app.button(key=f"post_reply_{mention_id}").click().run()
        assert not app.exception, [e.value for e in app.exception]
        assert not app.error, [e.value for e in app.error]
        assert any("search.google.com" in s.value for s in app.success)

        assert [r.path for r in google.puts] == [f"{REVIEWS_PATH}/{REVIEW}/reply"]
        assert json.loads(google.puts[0].body) == {"comment": CLEAN}
        assert [r.path for r in loopback.requests if r.method == "GET"][-1] == f"{REVIEWS_PATH}/{REVIEW}"
        row = store.mention(mention_id)
        assert row is not None and row["status"] == "replied"
        events = {e["action"]: json.loads(e["detail"]) for e in store.events(mention_id)}
        assert events["google_reply_posted"]["url"] == "https://search.google.com/local/reviews?placeid=ChIJdemoPlaceId"
        assert store._conn.execute("SELECT created_by FROM replies WHERE mention_id = ?", (mention_id,)).fetchall() \
            == [("demo",)]
        # Replied, the review leaves the open queue, so its button is gone; a click that still arrives (a double
        # click) meets the publisher's check of the review's existing reply (tests/test_google_reply.py).
        assert f"post_reply_{mention_id}" not in [b.key for b in app.button]
        assert len(google.puts) == 1
    finally:
        store.close()


@pytest.mark.usefixtures("local_server")
def test_an_unsafe_google_reply_sends_nothing(tmp_path, monkeypatch, loopback, google):
    store, mention_id = dashboard_with(tmp_path, monkeypatch, GOOGLE_TOML.format(base=loopback.base_url,
                                                                                 allow="true"),
                                       google_mention("Dziękujemy za opinię."), "google_reviews")
    try:
        app = open_app(mention_id)
        assert "Owner's reply: Dziękujemy za opinię." in [c.value for c in app.caption]  # shown beside the review
        app.text_area(key=f"reply_{mention_id}").set_value(
            "Podczas Pani ostatniej wizyty lekarz zalecił ibuprofen.").run()
        app.button(key=f"post_reply_{mention_id}").click().run()
        assert not app.exception, [e.value for e in app.exception]
        assert app.error and "problem" in app.error[0].value
        assert loopback.requests == []  # not even a token request
        assert store.events(mention_id) == []
    finally:
        store.close()


@pytest.mark.usefixtures("local_server")
def test_no_button_unless_the_source_allows_posting(tmp_path, monkeypatch, loopback, google):
    store, mention_id = dashboard_with(tmp_path, monkeypatch, GOOGLE_TOML.format(base=loopback.base_url,
                                                                                 allow="false"),
                                       google_mention(), "google_reviews")
    try:
        app = open_app(mention_id)
        assert [b.key for b in app.button if (b.key or "").startswith("post_reply_")] == []
    finally:
        store.close()


@pytest.mark.usefixtures("local_server")
def test_a_facebook_comment_reply_is_posted_as_the_page(tmp_path, monkeypatch, loopback):
    monkeypatch.setenv("FACEBOOK_PAGE_TOKEN", TOKEN)
    graph = FakeGraph(loopback)
    mention = Mention(source_kind="facebook", source_name="facebook-page", external_id=COMMENT,
                      url=f"https://www.facebook.com/{PAGE_ID}/posts/1234500000000001?comment_id=9000000000000003",
                      text="Rejestracja online nie działa, formularz wyrzuca błąd.", author="Karolina Wójcik",
                      published_at=datetime.now(UTC), language="pl", thread_title="Salus Medica Mokotów: rejestracja",
                      extra={"platform": "facebook", "comment_id": COMMENT,
                             "post_id": "104455667788990_1234500000000001"})
    store, mention_id = dashboard_with(tmp_path, monkeypatch, FACEBOOK_TOML.format(base=loopback.base_url,
                                                                                   page=PAGE_ID),
                                       mention, "facebook")
    try:
        app = open_app(mention_id)
        app.text_area(key=f"reply_{mention_id}").set_value(CLEAN).run()
        app.button(key=f"post_reply_{mention_id}").click().run()
        assert not app.exception, [e.value for e in app.exception]
        assert not app.error, [e.value for e in app.error]

        assert [r.path for r in graph.created] == [f"/{COMMENT}/comments"]
        assert parse_qs(graph.created[0].body.decode())["message"] == [CLEAN]
        row = store.mention(mention_id)
        assert row is not None and row["status"] == "replied"
        assert "facebook_reply_posted" in [e["action"] for e in store.events(mention_id)]
        assert any("facebook.com" in s.value for s in app.success)
    finally:
        store.close()


@pytest.mark.usefixtures("local_server")
def test_the_sources_page_names_missing_credentials(tmp_path, monkeypatch, loopback):
    for name in SECRETS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GOOGLE_CLIENT_ID", "cid")
    store, _mention_id = dashboard_with(tmp_path, monkeypatch, GOOGLE_TOML.format(base=loopback.base_url,
                                                                                  allow="false"),
                                        google_mention(), "google_reviews")
    try:
        app = AppTest.from_file(DASHBOARD, default_timeout=60).run()
        app.sidebar.radio(key="nav").set_value("sources").run()
        assert not app.exception, [e.value for e in app.exception]
        warnings = [w.value for w in app.warning]
        assert any("GOOGLE_CLIENT_SECRET, GOOGLE_REFRESH_TOKEN" in w for w in warnings), warnings
        assert not any("GOOGLE_CLIENT_ID" in w for w in warnings)
    finally:
        store.close()
