"""Learning from staff labels: labels stored through labels_repo, retrain() versions a model that changes answers."""
from __future__ import annotations

import itertools
import json
import logging

import joblib
import numpy as np
import pytest

from analysis import Analyzer, learn
from analysis.model import FORMAT, load_model
from clinicwatch.training import maybe_retrain
from clinicwatch.training import retrain_from_store as retrain
from core.models import Mention
from storage import labels_repo
from storage.store import open_store

# A clinic-specific word no lexicon knows: staff keep marking posts about "Zorblax" as negative complaints.
OPENINGS = ["Znowu", "Dzisiaj", "Wczoraj", "Jak zwykle", "Po raz kolejny", "W poniedziałek", "Rano", "Po południu"]
PLACES = ["w rejestracji", "na oddziale", "w punkcie pobrań", "przy okienku", "w gabinecie"]


def synthetic_rows() -> list[tuple[str, str, str]]:
    negative = [f"{o} {p} Zorblax." for o, p in itertools.product(OPENINGS, PLACES)][:30]
    positive = [f"{o} {p} Mivoro." for o, p in itertools.product(OPENINGS, PLACES)][:30]
    return [(t, "negative", "complaint") for t in negative] + [(t, "positive", "praise") for t in positive]


def store_with_labels(path, rows):
    store = open_store(path)
    store.ensure_source("forum", "forum")
    mentions = [Mention("forum", "forum", f"id-{i}", f"https://example.org/{i}", text, language="pl") for i, (text, _, _) in enumerate(rows)]
    saved = store.record_success("forum", [(m, None) for m in mentions], {}, seen=len(mentions))
    assert saved.new == len(rows)
    labels = []
    for mention_id, (_, sentiment, kind) in zip(saved.new_ids, rows):
        labels += [(mention_id, "sentiment", sentiment), (mention_id, "kind", kind)]
    labels_repo.add_labels(store, labels, actor="anna")
    labels_repo.add_label(store, saved.new_ids[0], "topics", ["staff_attitude", "waiting_time"], actor="anna")
    return store, saved.new_ids


def test_labels_repo_validates_and_keeps_latest(tmp_path):
    store, ids = store_with_labels(tmp_path / "cw.db", synthetic_rows()[:2])
    with pytest.raises(ValueError, match="choose one of"):
        labels_repo.add_label(store, ids[0], "sentiment", "furious", actor="anna")
    with pytest.raises(ValueError, match="unknown topic"):
        labels_repo.add_label(store, ids[0], "topics", ["gossip"], actor="anna")
    labels_repo.add_label(store, ids[0], "sentiment", "neutral", actor="marek")
    assert labels_repo.labels_for(store, ids[0]) == {
        "sentiment": "neutral",
        "kind": "complaint",
        "topics": ["waiting_time", "staff_attitude"],
    }
    rows = {row["mention_id"]: row for row in labels_repo.training_rows(store)}
    assert rows[ids[0]]["labels"]["sentiment"] == "neutral" and "Zorblax" in rows[ids[0]]["text"]


def test_staff_labels_change_predictions_and_model_is_versioned(tmp_path):
    model_dir = tmp_path / "models"
    store, _ = store_with_labels(tmp_path / "cw.db", synthetic_rows())
    probe = "W środę przy okienku Zorblax."
    before = Analyzer(model_dir=model_dir).analyse_text(probe, "pl")
    assert before.model_version == "rules" and before.sentiment == "neutral"

    summary = retrain(store, model_dir)
    assert summary["version"] == 1 and summary["mentions"] == 60
    assert summary["labels"]["sentiment"] == {"negative": 30, "positive": 30}
    assert {"sentiment", "kind"} <= set(summary["heads"])
    assert (model_dir / "model-v1.joblib").is_file()
    assert (model_dir / "CURRENT").read_text().strip() == "model-v1.joblib"
    assert json.loads((model_dir / "model-v1.json").read_text())["last_label_id"] > 0

    after = Analyzer(model_dir=model_dir).analyse_text(probe, "pl")
    assert after.model_version == "model-v1"
    assert (after.sentiment, after.kind) == ("negative", "complaint")
    praised = Analyzer(model_dir=model_dir).analyse_text("W środę przy okienku Mivoro.", "pl")
    assert praised.sentiment == "positive"
    # Too few English labels: English still goes by the rules.
    english = Analyzer(model_dir=model_dir).analyse_text("The nurse was lovely and kind.", "en")
    assert english.sentiment == "positive"


def test_maybe_retrain_waits_for_enough_new_labels(tmp_path):
    model_dir = tmp_path / "models"
    store, ids = store_with_labels(tmp_path / "cw.db", synthetic_rows())
    assert maybe_retrain(store, model_dir, every=500) is None
    assert maybe_retrain(store, model_dir, every=50)["version"] == 1
    assert maybe_retrain(store, model_dir, every=5) is None  # nothing new since v1
    labels_repo.add_labels(store, [(i, "sentiment", "negative") for i in ids[30:36]], actor="anna")
    summary = maybe_retrain(store, model_dir, every=5)
    assert summary is not None and summary["version"] == 2
    assert (model_dir / "model-v1.joblib").is_file() and (model_dir / "model-v2.joblib").is_file()
    assert Analyzer(model_dir=model_dir).model_version == "model-v2"


def test_a_broken_pointer_is_reported_clearly(tmp_path):
    model_dir = tmp_path / "models"
    model_dir.mkdir()
    (model_dir / "CURRENT").write_text("model-v7.joblib\n")
    with pytest.raises(FileNotFoundError, match="model-v7.joblib, which is missing"):
        Analyzer(model_dir=model_dir)


def ambiguous_rows(negative_share_of_plumbo: int) -> list[tuple[str, str, str]]:
    """Clear negatives and positives, plus 60 "Plumbo" posts alike in every feature (digits are not tokens),
    `negative_share_of_plumbo` in 10 of which staff marked negative."""
    rows = synthetic_rows()
    for i in range(60):
        negative = i % 10 < negative_share_of_plumbo
        rows.append((f"Plumbo {i}.", "negative" if negative else "neutral", "complaint" if negative else "other"))
    return rows


def test_inner_cv_picks_the_complaint_offset_from_the_clinics_own_labels(tmp_path):
    ambiguous_store, _ = store_with_labels(tmp_path / "ambiguous.db", ambiguous_rows(5))
    clear_store, _ = store_with_labels(tmp_path / "clear.db", ambiguous_rows(0))
    ambiguous = retrain(ambiguous_store, tmp_path / "ambiguous")["decision_offsets"]
    clear = retrain(clear_store, tmp_path / "clear")["decision_offsets"]
    # Half the Plumbo posts are complaints: balanced training calls them neutral, and held-out folds show that
    # shifting towards "negative" recovers them; with no ambiguity nothing is shifted.
    assert ambiguous["sentiment"] in learn.OFFSET_GRID and ambiguous["sentiment"] > 0
    assert ambiguous["kind"] in learn.OFFSET_GRID and ambiguous["kind"] > 0
    assert clear == {"sentiment": 0.0, "kind": 0.0}


def test_char_view_gives_words_seen_once_a_vote_through_shared_ngrams(tmp_path):
    # "Zorblaxem" and "Mivorowi" occur once each: too rare for the word view, but their n-grams are shared
    # with the 30 "Zorblax" complaints and the 30 "Mivoro" praises.
    rows = synthetic_rows() + [("Zorblaxem!", "negative", "complaint"), ("Mivorowi!", "positive", "praise")]
    store, _ = store_with_labels(tmp_path / "cw.db", rows)
    retrain(store, tmp_path / "models")
    model = load_model(tmp_path / "models")
    assert "w:zorblaxem" in model.vocabulary and "w:mivorowi" in model.vocabulary
    assert "w:qqq" not in model.vocabulary  # never seen: no column
    negative = model.probabilities({"w:zorblaxem": 1.0}, ["sentiment"])["sentiment"]
    positive = model.probabilities({"w:mivorowi": 1.0}, ["sentiment"])["sentiment"]
    nothing = model.probabilities({"w:qqq": 1.0}, ["sentiment"])["sentiment"]
    assert negative["negative"] > nothing["negative"] + 0.1
    assert positive["positive"] > nothing["positive"] + 0.1


def test_a_model_of_another_format_is_ignored_with_a_log_line(tmp_path, caplog):
    # E.g. written by a newer release before a rollback: the rules decide until the next retrain.
    model_dir = tmp_path / "models"
    model_dir.mkdir()
    other = FORMAT + 1
    joblib.dump({"format": other, "version": 3, "vocabulary": {}, "heads": {}}, model_dir / "model-v3.joblib")
    (model_dir / "CURRENT").write_text("model-v3.joblib\n")
    with caplog.at_level(logging.WARNING, logger="analysis.model"):
        analyzer = Analyzer(model_dir=model_dir)
    assert analyzer.model_version == "rules"
    assert analyzer.analyse_text("Nie polecam, skandal!", "pl").sentiment == "negative"
    assert f"model format {other}" in caplog.text and "retrain" in caplog.text
    # The next retrain moves on to a new version rather than overwriting the old file.
    store, _ = store_with_labels(tmp_path / "cw.db", synthetic_rows())
    assert retrain(store, model_dir)["version"] == 4
    assert Analyzer(model_dir=model_dir).model_version == "model-v4"


def test_fast_probabilities_match_the_plain_weight_matrix_product(tmp_path):
    # Prediction gathers transposed weight rows; it must give exactly what the saved matrix says.
    store, _ = store_with_labels(tmp_path / "cw.db", ambiguous_rows(5))
    retrain(store, tmp_path / "models")
    model = load_model(tmp_path / "models")
    payload = joblib.load(tmp_path / "models" / "model-v1.joblib")
    weights, intercepts = np.asarray(payload["weights"], dtype=np.float64), np.asarray(payload["intercepts"])
    features = {"w:zorblax": 0.5, "w:plumbo": 0.5, "l:okienko": 0.7, "w:never-seen": 3.0, "lang:pl": 1.0}
    dense = np.zeros(weights.shape[1])
    for name, value in features.items():
        if name in model.vocabulary:
            dense[model.vocabulary[name]] = value
    raw = weights @ dense + intercepts
    fields = list(model.heads)
    assert {"sentiment", "kind"} <= set(fields)
    got = model.probabilities(features, fields)
    for field in fields:
        head = model.heads[field]
        scores = raw[head.rows]
        if len(head.classes) == 2:
            expected = [1 - 1 / (1 + np.exp(-scores[0])), 1 / (1 + np.exp(-scores[0]))]
        else:
            expected = np.exp(scores - scores.max()) / np.exp(scores - scores.max()).sum()
        assert [got[field][c] for c in head.classes] == pytest.approx(list(expected), abs=1e-5)
    assert sum(got["sentiment"].values()) == pytest.approx(1.0)
    nothing = model.probabilities({"w:never-seen": 1.0}, ["sentiment"])["sentiment"]
    expected = np.exp(intercepts[model.heads["sentiment"].rows] - intercepts[model.heads["sentiment"].rows].max())
    assert [nothing[c] for c in model.heads["sentiment"].classes] == pytest.approx(list(expected / expected.sum()), abs=1e-5)


def test_usable_fields_are_the_heads_usable_for_each_language_in_model_order(tmp_path):
    # The per-language list is worked out once and kept: it must be exactly what usable() says, head by head.
    store, _ = store_with_labels(tmp_path / "cw.db", ambiguous_rows(5))
    retrain(store, tmp_path / "models")
    model = load_model(tmp_path / "models")
    for language in ("pl", "en", "it", "pl"):
        expected = [name for name in model.heads if model.usable(name, language)]
        assert model.usable_fields(language) == expected
    assert model.usable_fields("pl")  # trained on Polish labels
    assert model.usable_fields("en") == []  # no English labels: the rules decide
