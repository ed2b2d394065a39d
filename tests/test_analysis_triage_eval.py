"""Regression on the team's own labelled clinic mentions (data/triage/mentions.jsonl): the issue 17 targets."""
from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest

from analysis.evaluate import main

DATA = Path(__file__).resolve().parent.parent / "data" / "triage" / "mentions.jsonl"


@pytest.fixture(scope="module")
def figures(tmp_path_factory) -> dict:
    if not DATA.exists():
        pytest.skip(f"{DATA} is absent: the team's labelled clinic mentions are not in this checkout")
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
