"""The Inbox explains its decisions (issue 17) through Streamlit's AppTest: the deciding words marked in the
escaped text, the confidence, and the "needs a human look" filter."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from analysis import Analyzer
from core.models import NEEDS_LOOK_BELOW, Analysis, Mention, TermMatch, utcnow
from tests.dashboard_fixtures import open_buttons, run_app
from ui.components import escape_all

pytestmark = pytest.mark.slow  # AppTest runs

HOSTILE = ("Salus Medica: my child has had a high fever for three days <script>alert('fever')</script> "
           "<img src=x onerror=alert(1)> and nobody answers the phone. What should I do?")


def add(store, external_id: str, text: str, analysis: Analysis) -> int:
    item = Mention("feed", "clinic-reviews", external_id, f"https://reviews.example/{external_id}", text,
                   title="", language="en", published_at=utcnow() - timedelta(minutes=30),
                   matches=[TermMatch("Salus Medica", "name", "text", 0, len("Salus Medica"))])
    return store.record_success("clinic-reviews", [(item, analysis)], store.cursor("clinic-reviews"), seen=1).new_ids[0]


def html_bodies(app) -> str:
    """Every HTML element the page drew from data; the Inbox's own key script (no source text in it) left out."""
    return " ".join(h.proto.body for h in app.get("html") if "document.cwOpenId" not in h.proto.body)


def test_detail_marks_the_deciding_words_in_escaped_text_and_shows_the_confidence(demo):
    analysis = Analyzer(model_dir=None).analyse_text(HOSTILE, "en")
    words = [w for ws in analysis.evidence.values() for w in ws]
    assert "fever" in analysis.evidence.get("health_risk", [])
    mention_id = add(demo["store"], "hostile", HOSTILE, analysis)

    app = run_app()
    next(b for b in open_buttons(app) if b.key == f"open_{mention_id}").click().run()
    assert not app.exception
    bodies = html_bodies(app)
    assert "<script" not in bodies and "<img" not in bodies  # escaped first
    marked = re.findall(r'<mark class="cw-why"[^>]*>(.*?)</mark>', bodies)
    assert escape_all("fever") in marked
    for word in words:
        if word.isalnum():
            assert escape_all(word) in marked, word  # every deciding word is shown (in the text and the panel)
    # The brand term keeps its own mark where it did not also decide ("medica" is a quality-of-care cue).
    assert "<mark>Salus" in bodies
    assert escape_all(f"Confidence {analysis.confidence:.2f}") in bodies
    assert escape_all("health risk:") in bodies

    app.run()  # AppTest's tree holds only the detail pane an opening reruns: draw the whole page again
    app.sidebar.selectbox(key="ui_lang").set_value("pl").run()
    assert escape_all(f"Pewność {analysis.confidence:.2f}") in html_bodies(app)


def test_needs_a_human_look_filter_lists_only_the_unsure_and_marks_them(demo):
    store = demo["store"]
    unsure = add(store, "unsure", "Salus Medica is... something, I guess?",
                 Analysis("en", "neutral", 0.0, "question", ["other"], 0.3, [], evidence={"kind": ["?"]},
                          confidence=NEEDS_LOOK_BELOW - 0.1))
    sure = add(store, "sure", "Salus Medica was excellent, thank you!",
               Analysis("en", "positive", 0.8, "praise", ["other"], 0.1, [], evidence={"kind": ["excellent"]},
                        confidence=0.95))
    app = run_app()
    listed = {b.key for b in open_buttons(app)}
    assert {f"open_{unsure}", f"open_{sure}"} <= listed and len(listed) > 2

    app.sidebar.checkbox(key="f_needs_look").check().run()
    assert not app.exception
    assert [b.key for b in open_buttons(app)] == [f"open_{unsure}"]
    bodies = html_bodies(app)
    assert escape_all("needs a human look") in bodies  # the badge in the queue and the line in the detail

    app.sidebar.checkbox(key="f_needs_look").uncheck().run()
    assert {b.key for b in open_buttons(app)} == listed
