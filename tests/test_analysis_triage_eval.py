"""Regression on the team's own labelled clinic mentions (data/triage/mentions.jsonl): the issue 17 targets."""
from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest

from analysis.evaluate import main
from analysis.evaluate_topics import MAPPED_TOPICS, topic_metrics

DATA = Path(__file__).resolve().parent.parent / "data" / "triage" / "mentions.jsonl"


@pytest.fixture(scope="module")
def figures(tmp_path_factory) -> dict:
    assert DATA.exists(), f"{DATA} is part of the repository (the team's labelled clinic mentions)"
    out = tmp_path_factory.mktemp("triage") / "out.txt"
    with open(out, "w", encoding="utf-8") as handle, contextlib.redirect_stdout(handle):
        assert main(["--triage", str(DATA), "--json"]) == 0
    return json.loads(out.read_text(encoding="utf-8").strip().splitlines()[-1])


def test_kind_and_questions(figures):
    assert figures["kind_macro_f1"] >= 0.80
    assert figures["question_precision"] >= 0.85
    assert figures["question_recall"] >= 0.85


def test_emergencies_are_all_found_and_come_first(figures):
    health = figures["health_risk"]
    assert health["n"] > 0
    assert health["recall"] == 1.0
    assert health["share_in_top_n"] >= 0.95


def test_legal_and_press_recall(figures):
    assert figures["legal"]["recall"] >= 0.90
    assert figures["press"]["recall"] >= 0.90


def _run(argv: list[str], tmp_path: Path) -> tuple[str, dict]:
    out = tmp_path / "out.txt"
    with open(out, "w", encoding="utf-8") as handle, contextlib.redirect_stdout(handle):
        assert main(argv) == 0
    text = out.read_text(encoding="utf-8")
    return text, json.loads(text.strip().splitlines()[-1])


def test_triage_mode_prints_the_figures_for_any_labelled_file(tmp_path):
    rows = [
        ("en", "My baby has had a fever of 40 for three days and nobody answers.", "complaint", "negative", True, False, False),
        ("en", "How much does a blood test cost?", "question", "neutral", False, False, False),
        ("pl", "Złożę pozew, mój adwokat już pisze.", "complaint", "negative", False, True, False),
        ("pl", "Wysłałam wszystko do redakcji Faktów.", "complaint", "negative", False, False, True),
        ("it", "Grazie di cuore alla dottoressa, bravissima!", "praise", "positive", False, False, False),
        ("it", "La Polisportiva vince il derby 2-0, che partita!", "other", "neutral", False, False, False),
    ]
    path = tmp_path / "mine.jsonl"
    path.write_text("\n".join(json.dumps(
        {"id": f"t-{i}", "lang": lang, "source": "forum", "title": "", "text": text, "kind": kind, "sentiment": sentiment,
         "health_risk": health, "legal": legal, "press": press, "topics": [], "note": "written for this test"}
    ) for i, (lang, text, kind, sentiment, health, legal, press) in enumerate(rows)), encoding="utf-8")
    printed, figures = _run(["--triage", str(path), "--json"], tmp_path)
    assert "kind macro-F1" in printed and "health risk" in printed
    assert figures["n"] == 6
    assert figures["health_risk"]["recall"] == 1.0 and figures["health_risk"]["share_in_top_n"] == 1.0
    assert figures["legal"]["recall"] == 1.0 and figures["press"]["recall"] == 1.0
    assert figures["kind_macro_f1"] == 1.0


def test_a_row_missing_a_label_is_named(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"lang": "en", "text": "x", "kind": "other"}) + "\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="bad.jsonl:1: a triage row needs sentiment, health_risk, legal, press"):
        main(["--triage", str(path)])


def test_topic_macro_f1_over_mapped_categories():
    codes = [["Timeliness of care"], ["Staff manner & personal attributes"], [], ["Food & drink provision & facilities"]]
    found = [["waiting_time"], ["waiting_time"], ["staff_attitude"], ["other"]]
    figures = topic_metrics(codes, found)
    assert figures is not None and figures["n"] == 3  # the row without codes is left out
    assert figures["f1"]["waiting_time"] == pytest.approx(2 / 3, abs=1e-4)
    assert figures["f1"]["staff_attitude"] == 0.0
    assert figures["macro_f1"] == pytest.approx(sum(figures["f1"].values()) / len(MAPPED_TOPICS), abs=1e-4)
    assert topic_metrics([[], []], [["other"], ["other"]]) is None
    # Halves by parity of the coded rows: even = rows 1 and 4 (waiting right, food "other"), odd = row 2.
    even = 1 / len(MAPPED_TOPICS)  # waiting_time F1 1.0, every other topic 0
    assert figures["halves"] == {"even": pytest.approx(even, abs=1e-4), "odd": 0.0}
