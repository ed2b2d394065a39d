"""Explanations (issue 17): evidence, confidence and what a decision learned from are stored and read back,
the "needs a human look" filter, and the deciding words marked in escaped text."""
from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from analysis import Analyzer
from analysis.evaluate_triage import render_triage, triage_metrics
from clinicwatch.training import retrain_from_store
from core.models import NEEDS_LOOK_BELOW, Analysis, Mention
from storage import labels_repo, queries
from storage.queries import MentionFilter
from storage.schema import MIGRATIONS
from storage.store import open_store
from ui.components import escape_all, marked_html
from ui.explain import confidence_text, why_html, word_spans

NOW = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)


def mention(i: int, text: str, language: str = "en") -> Mention:
    return Mention("feed", "reviews", f"item-{i}", f"https://reviews.example/{i}", text, language=language,
                   published_at=NOW - timedelta(hours=i))


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer(model_dir=None)


def test_evidence_confidence_and_basis_round_trip_through_every_write_path(tmp_path, analyzer):
    store = open_store(tmp_path / "cw.db")
    store.ensure_source("reviews", "feed")
    item = mention(1, "My child has had a high fever for three days, what should I do? Nobody answers the phone.")
    analysis = analyzer.analyse(item)
    assert analysis.evidence and analysis.evidence.get("health_risk")  # the text carries words to explain
    [mention_id] = store.record_success("reviews", [(item, analysis)], {}, seen=1).new_ids

    for row in (store.mention(mention_id), queries.inbox_page(store, MentionFilter(), 0, 5)[0]):
        assert row["evidence"] == analysis.evidence
        assert row["confidence"] == analysis.confidence
        assert row["learned_from"] == {}
        assert row["model_version"] == "rules"

    # Re-analysis (as after a retrain) replaces all three.
    again = Analysis("en", "negative", -0.5, "complaint", ["reaching_clinic"], 0.4, [], "model-v3",
                     {"kind": ["nobody answers"], "topics": ["phone"]}, 0.42, {"kind": 31, "topic:reaching_clinic": 27})
    store.save_analysis(mention_id, again)
    row = store.mention(mention_id)
    assert (row["evidence"], row["confidence"], row["learned_from"]) == (again.evidence, 0.42, again.learned_from)
    store.close()


def test_an_analysis_stored_before_the_migration_has_no_confidence_and_no_words(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    for version, script in enumerate(MIGRATIONS[:6], start=1):
        conn.executescript(script + f"; PRAGMA user_version = {version};")
    conn.execute("INSERT INTO mentions (id, source_name, source_kind, external_id, published_at, fetched_at, "
                 "content_hash) VALUES (1, 's', 'feed', 'x', '2026-01-01', '2026-01-01', 'h')")
    conn.execute("INSERT INTO analyses (mention_id, kind, urgency, analysed_at) VALUES (1, 'complaint', 0.3, '2026')")
    conn.commit()
    conn.close()

    store = open_store(path)
    row = store.mention(1)
    assert (row["evidence"], row["confidence"], row["learned_from"]) == ({}, None, {})
    everything = MentionFilter(statuses=[])
    assert queries.inbox_count(store, everything) == 1
    # Not known is not "unsure": the filter never lists an analysis without a confidence.
    assert queries.inbox_count(store, MentionFilter(statuses=[], needs_look=True)) == 0
    store.close()


def test_needs_a_human_look_lists_exactly_the_unsure_ones_in_urgency_order(tmp_path):
    store = open_store(tmp_path / "cw.db")
    store.ensure_source("reviews", "feed")
    confidences = [0.3, NEEDS_LOOK_BELOW - 0.01, NEEDS_LOOK_BELOW, 0.9, 0.55, 1.0, 0.64, 0.2]
    items = []
    for i, confidence in enumerate(confidences):
        urgency = round(0.1 * i, 2)
        analysis = Analysis("en", "neutral", 0.0, "other", ["other"], urgency, [], confidence=confidence)
        items.append((mention(i, f"Salus post number {i} about something"), analysis))
    ids = store.record_success("reviews", items, {}, seen=len(items)).new_ids
    by_id = dict(zip(ids, items))
    store.record_success("reviews", [(mention(99, "Salus post waiting for its analysis"), None)], {}, seen=1)
    unsure = sorted((i for i in ids if by_id[i][1].confidence < NEEDS_LOOK_BELOW),
                    key=lambda i: -by_id[i][1].urgency)
    assert 0 < len(unsure) < len(ids)

    flt = MentionFilter(needs_look=True)
    assert queries.inbox_count(store, flt) == len(unsure)
    assert queries.inbox_ids(store, flt, 0, 20) == unsure  # the urgency-index walk
    assert queries.inbox_ids(store, flt, 0, 2) == unsure[:2]
    assert queries.inbox_ids(store, flt, 1, 2) == unsure[2:4]
    dated = MentionFilter(needs_look=True, date_from=(NOW - timedelta(days=2)).date())  # the status-index plan
    assert queries.inbox_ids(store, dated, 0, 20) == unsure
    assert [row["id"] for row in queries.iter_filtered(store, flt)] == unsure
    # Combined with another filter, and off: everything open again.
    assert queries.inbox_count(store, MentionFilter(needs_look=True, kinds=["complaint"])) == 0
    assert queries.inbox_count(store, MentionFilter()) == len(ids) + 1
    store.close()


def test_deciding_words_are_found_whole_across_case_diacritics_and_line_breaks():
    text = "Czekałem 3 GODZINY w kolejce,\nnikt nie odbiera telefonu. Bank? Ban!"
    spans = word_spans(text, ["czekalem", "nikt nie", "ban", "?", "kolejce"])
    marked = [text[a:b] for a, b in spans]
    assert marked == ["Czekałem", "kolejce", "nikt nie", "?", "Ban"]  # not the "ban" inside "Bank"
    assert word_spans(text, ["odbiera\ntelefonu"]) == [(text.index("odbiera"), text.index(".", 40))]
    assert word_spans(text, []) == [] and word_spans("", ["x"]) == []


def test_hostile_text_with_a_deciding_word_inside_markup_is_escaped_then_marked():
    text = 'fever <script>alert("fever")</script> <img src=x onerror=alert(1)> [link](javascript:x) fever'
    html = marked_html(text, [], word_spans(text, ["fever", "script", "alert"]))
    assert "<script" not in html and "<img" not in html and "](" not in html
    # Whole words only: "javascript" stays unmarked.
    assert html.count('<mark class="cw-why"') == len(re.findall(r"\b(?:fever|script|alert)\b", text)) == 7
    assert "&#60;" in html and "&#62;" in html  # < and > arrive as entities
    # The panel escapes the words it lists too.
    row = {"kind": "complaint", "topics": ["other"], "urgency_reasons": ["health_risk"], "confidence": 0.5,
           "evidence": {"kind": ["<b>bold</b>"], "health_risk": ["<script>"]}, "learned_from": {}}
    panel = why_html(row, "en")
    assert "<b>bold" not in panel and "<script>" not in panel and "needs a human look" in panel


def test_confidence_reads_as_a_figure_with_the_threshold_in_every_language():
    for lang in ("en", "pl", "it"):
        assert "0.91" in confidence_text(0.91, lang)
        sure, unsure = confidence_text(NEEDS_LOOK_BELOW, lang), confidence_text(NEEDS_LOOK_BELOW - 0.05, lang)
        assert len(unsure) > len(sure) + 5  # the "needs a human look" words are added below the threshold
        assert confidence_text(None, lang) != confidence_text(0.5, lang)


@pytest.mark.slow  # trains a model (seconds)
def test_a_topic_learned_from_staff_labels_says_how_many_it_rests_on(tmp_path):
    store = open_store(tmp_path / "cw.db")
    store.ensure_source("forum", "forum")
    openings = ["Znowu", "Dzisiaj", "Wczoraj", "Jak zwykle", "Po raz kolejny", "Rano", "Po południu", "Wieczorem"]
    places = ["w rejestracji", "na oddziale", "przy okienku"]
    texts = [f"{o} {p} Zorblax." for o in openings for p in places] + [f"{o} {p} Mivoro." for o in openings for p in places]
    items = [(Mention("forum", "forum", f"id-{i}", f"https://f.example/{i}", text, language="pl"), None)
             for i, text in enumerate(texts)]
    ids = store.record_success("forum", items, {}, seen=len(items)).new_ids
    labels = [(i, "topics", ["waiting_time"] if "Zorblax" in text else ["prices_billing"]) for i, text in zip(ids, texts)]
    labels += [(i, "sentiment", "negative" if "Zorblax" in text else "positive") for i, text in zip(ids, texts)]
    labels_repo.add_labels(store, labels, actor="anna")
    retrain_from_store(store, tmp_path / "models")

    analysis = Analyzer(model_dir=tmp_path / "models").analyse_text("Wczoraj w punkcie pobrań Zorblax.", "pl")
    topic_labelled = sum(1 for _, field, _ in labels if field == "topics")
    assert "waiting_time" in analysis.topics
    assert analysis.learned_from["topic:waiting_time"] == topic_labelled
    assert analysis.learned_from["sentiment"] == topic_labelled
    row = {"kind": analysis.kind, "topics": analysis.topics, "learned_from": analysis.learned_from,
           "evidence": analysis.evidence, "confidence": analysis.confidence, "urgency_reasons": []}
    assert escape_all(f"learned from {topic_labelled} staff-labelled mentions") in why_html(row, "en")
    # Five stars on a post the model reads as negative: the stars decide the sentiment, so it is not "learned".
    rated = Analyzer(model_dir=tmp_path / "models").analyse_text("Wczoraj w punkcie pobrań Zorblax.", "pl", rating=5.0)
    assert analysis.sentiment == "negative" and rated.sentiment != "negative"
    assert "sentiment" not in rated.learned_from and "topic:waiting_time" in rated.learned_from
    # English has no labels: its decisions are the rules'.
    english = Analyzer(model_dir=tmp_path / "models").analyse_text("Waited two hours at reception.", "en")
    assert english.learned_from == {}
    assert escape_all("(rule)") in why_html({"kind": english.kind, "topics": english.topics, "learned_from": {}}, "en")
    store.close()


def test_the_triage_figures_say_how_many_wrong_kinds_the_filter_would_list():
    rows = [{"kind": kind, "sentiment": "neutral", "health_risk": False, "legal": False, "press": False}
            for kind in ("complaint", "question", "praise", "other")]
    decided = [("complaint", 0.9), ("complaint", 0.5), ("complaint", NEEDS_LOOK_BELOW), ("other", 0.3)]
    results = [Analysis("en", "neutral", 0.0, kind, ["other"], 0.1, [], confidence=c) for kind, c in decided]
    look = triage_metrics(rows, results)["needs_look"]
    assert look == {"below": NEEDS_LOOK_BELOW, "listed": 2, "wrong_kinds": 2, "wrong_kinds_listed": 1}
    assert "2 of 4 listed, holding 1 of the 2 wrong kinds" in render_triage(triage_metrics(rows, results))
