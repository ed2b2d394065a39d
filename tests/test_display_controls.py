"""Invisible and direction-changing characters are shown as markers in the dashboard, alerts and reports."""
from __future__ import annotations

import html
import re
import unicodedata
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from alerts.email import message_html, message_text
from alerts.messages import render
from alerts.report_html import _complaints
from core.display import visible_controls, visible_href
from core.models import Analysis, Mention
from tests.dashboard_fixtures import open_buttons, run_app

pytestmark = pytest.mark.slow  # subprocesses, AppTest runs or kill tests: not in `make test-fast`

RLO, ZWSP, LRI, BOM, ZWJ = "\u202e", "\u200b", "\u2066", "\ufeff", "\u200d"
TITLE = f"invoice{RLO}gnp.exe"
AUTHOR = f"ad{ZWSP}min"
URL = f"https://clinic.example/{RLO}fdp.exe"


def no_hidden(text: str) -> bool:
    return not any(unicodedata.category(ch) in ("Cf", "Cc") and ch not in "\n\t" for ch in text)


@pytest.mark.parametrize(
    "raw, shown",
    [
        (TITLE, "invoice⟦U+202E⟧gnp.exe"),
        (AUTHOR, "ad⟦U+200B⟧min"),
        (f"{LRI}x{BOM}\x00y\u3164", "⟦U+2066⟧x⟦U+FEFF⟧⟦U+0000⟧y⟦U+3164⟧"),
        ("Zażółć gęślą jaźń\n\tok", "Zażółć gęślą jaźń\n\tok"),  # letters, line breaks and tabs stay
        (f"👩{ZWJ}⚕️ and a{ZWJ}b", f"👩{ZWJ}⚕️ and a⟦U+200D⟧b"),  # ZWJ only between emoji
    ],
)
def test_visible_controls(raw, shown):
    assert visible_controls(raw) == shown


def test_visible_href_keeps_the_address_and_hides_nothing():
    assert visible_href(URL) == "https://clinic.example/%E2%80%AEfdp.exe"
    assert visible_href("https://example.com/zdrowie/łódź?q=a b") == "https://example.com/zdrowie/łódź?q=a b"


def test_alert_message_shows_markers_and_links_without_hidden_characters():
    payload = {"rule": "urgent", "critical": False, "data": {
        "source_name": "forum", "title": TITLE, "text": f"by {AUTHOR}", "url": URL, "urgency": 0.9,
        "published_at": "2026-11-17T10:00:00+00:00", "urgency_reasons": [], "kind": "complaint",
        "sentiment": "negative", "topics": []}}
    message = render(payload, "en")
    assert "invoice⟦U+202E⟧gnp.exe" in message.excerpt and "ad⟦U+200B⟧min" in message.excerpt
    assert message.link == "https://clinic.example/%E2%80%AEfdp.exe"
    plain, html = message_text([message], None, ""), message_html([message], None, "")
    assert "invoice⟦U+202E⟧gnp.exe" in plain and "%E2%80%AEfdp.exe" in plain and no_hidden(plain)
    assert "invoice⟦U+202E⟧gnp.exe" in html and no_hidden(html)


def test_weekly_report_complaints_show_markers():
    report = SimpleNamespace(language="en", top_complaints=[
        {"title": TITLE, "text": "x", "url": URL, "published_at": "2026-11-17", "source_name": "forum", "urgency": 0.5}
    ])
    html = _complaints(report)
    assert "invoice⟦U+202E⟧gnp.exe" in html and "%E2%80%AEfdp.exe" in html and no_hidden(html)


def test_the_inbox_shows_markers_in_title_author_and_link(demo):
    now = datetime.now(UTC)
    mention = Mention(
        source_kind="feed", source_name="clinic-reviews", external_id="rlo", url=URL, text="Salus Medica file",
        title=TITLE, author=AUTHOR, published_at=now, thread_title=f"thread{ZWSP}", thread_url="https://x.example/t",
    )
    store = demo["store"]
    store.record_success("clinic-reviews", [(mention, Analysis("en", "negative", -0.9, "complaint", ["other"], 0.99, []))],
                         store.cursor("clinic-reviews"), seen=1, at=now)
    app = run_app()
    queue = " ".join(h.proto.body for h in app.get("html"))  # before opening: an opening redraws only the detail
    previews = [html.unescape(card) for card in re.findall(r'<div class="cw-preview"[^>]*>(.*?)</div>', queue)]
    assert any("invoice⟦U+202E⟧gnp.exe" in preview for preview in previews)  # the queue's card
    mention_id = store._conn.execute("SELECT id FROM mentions WHERE external_id = 'rlo'").fetchone()[0]
    next(b for b in open_buttons(app) if b.key == f"open_{mention_id}").click().run()
    texts = [t.value for t in app.text]
    htmls = " ".join(h.proto.body for h in app.get("html"))
    assert any("Author: ad⟦U+200B⟧min" in value for value in texts)
    assert any("thread⟦U+200B⟧" in value for value in texts)
    assert "&#10214;U&#43;202E&#10215;" in htmls  # the title and text as escaped HTML
    links = [b.proto.url for b in app.get("link_button")]
    assert links == ["https://clinic.example/%E2%80%AEfdp.exe"]
    assert all(no_hidden(value) for value in texts) and no_hidden(htmls)


def test_the_sources_page_shows_markers_in_a_source_error(demo):
    demo["store"].record_failure("forum-zdrowie", "parse", f"server said: {TITLE}")
    app = run_app("sources")
    errors = [c.value for c in app.code if "server said" in c.value]
    assert errors == ["Last error: [parse] server said: invoice⟦U+202E⟧gnp.exe"]
