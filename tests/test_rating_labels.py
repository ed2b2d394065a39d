"""Star ratings as weak sentiment labels: 1–2 stars negative, 4–5 positive, 3 skipped; weighted below staff
corrections, which always win for the same mention; a model can learn from ratings alone."""
from __future__ import annotations

import itertools

import pytest

from analysis import Analyzer, training_rows
from analysis.training_rows import RATING_WEIGHT, RatedRow, TrainingRow, rating_label, with_ratings
from clinicwatch.training import retrain_from_store
from core.models import Mention
from storage import labels_repo
from storage.store import Store, open_store

OPENINGS = ["Znowu", "Dzisiaj", "Wczoraj", "Jak zwykle", "Po raz kolejny", "W poniedziałek", "Rano", "Po południu"]
PLACES = ["w rejestracji", "na oddziale", "w punkcie pobrań", "przy okienku", "w gabinecie"]
TEXTS = [f"{o} {p}" for o, p in itertools.product(OPENINGS, PLACES)]  # 40
PROBE_ZORBLAX, PROBE_MIVORO = "W środę przy okienku Zorblax.", "W środę przy okienku Mivoro."


def add(store: Store, source: str, texts: list[str], stars: float | None = None, *,
        extra: list[dict] | None = None) -> list[int]:
    store.ensure_source(source, "google_reviews")
    mentions = [Mention("google_reviews", source, f"{source}-{store.count_mentions() + i}",
                        f"https://{source}.example/{store.count_mentions() + i}", text, language="pl",
                        extra=(extra[i] if extra else {"rating": stars} if stars is not None else {}))
                for i, text in enumerate(texts)]
    saved = store.record_success(source, [(m, None) for m in mentions], {}, seen=len(mentions))
    assert saved.new == len(texts)
    return saved.new_ids


@pytest.mark.parametrize("stars, label", [(1, "negative"), (2, "negative"), (1.5, "negative"), (3, None),
                                          (2.5, None), (3.5, None), (4, "positive"), (5, "positive")])
def test_stars_stand_for_a_sentiment_and_three_is_skipped(stars, label) -> None:
    assert rating_label(stars) == label


def rated(mention_id: int, stars: float, text: str = "tekst") -> RatedRow:
    return RatedRow(mention_id=mention_id, text=text, declared_language="pl", language=None, stars=stars)


def test_a_staff_label_wins_and_a_rating_fills_only_what_staff_left() -> None:
    staff = [
        TrainingRow(text="a", declared_language="pl", language=None, labels={"sentiment": "positive"}, mention_id=1),
        TrainingRow(text="b", declared_language="pl", language=None, labels={"kind": "complaint"}, mention_id=2),
    ]
    merged, outcome = with_ratings(staff, [rated(1, 1), rated(2, 1), rated(3, 5), rated(4, 3)])

    by_id = {row["mention_id"]: row for row in merged}
    assert by_id[1]["labels"] == {"sentiment": "positive"} and "weights" not in by_id[1]  # staff wins
    assert by_id[2]["labels"] == {"kind": "complaint", "sentiment": "negative"}
    assert by_id[2]["weights"] == {"sentiment": RATING_WEIGHT}  # the staff's kind keeps its full weight
    assert by_id[3]["labels"] == {"sentiment": "positive"} and by_id[3]["weights"] == {"sentiment": RATING_WEIGHT}
    assert 4 not in by_id  # three stars: skipped
    assert outcome == {"used": 2, "negative": 1, "positive": 1, "overruled_by_staff": 1, "skipped_middling": 1,
                       "weight": RATING_WEIGHT}
    assert staff[1]["labels"] == {"kind": "complaint"}  # the caller's rows are not changed
    assert 0 < RATING_WEIGHT < 1


def conflicting_store(tmp_path) -> Store:
    """Staff say Zorblax is bad and Mivoro good; as many ratings of the same texts say the opposite."""
    store = open_store(tmp_path / "cw.db")
    staff_z = add(store, "forum", [f"{t} Zorblax." for t in TEXTS])
    staff_m = add(store, "forum", [f"{t} Mivoro." for t in TEXTS])
    labels_repo.add_labels(store, [(i, "sentiment", "negative") for i in staff_z]
                           + [(i, "sentiment", "positive") for i in staff_m], actor="anna")
    add(store, "google-salus", [f"{t} Zorblax." for t in TEXTS], stars=5)
    add(store, "google-salus", [f"{t} Mivoro." for t in TEXTS], stars=1)
    return store


def probe_scores(tmp_path, monkeypatch, weight: float) -> tuple[dict, float, float]:
    monkeypatch.setattr(training_rows, "RATING_WEIGHT", weight)
    folder = tmp_path / f"w{weight}"
    folder.mkdir()
    summary = retrain_from_store(conflicting_store(folder), folder / "models")
    analyzer = Analyzer(model_dir=folder / "models")
    zorblax, mivoro = analyzer.analyse_text(PROBE_ZORBLAX, "pl"), analyzer.analyse_text(PROBE_MIVORO, "pl")
    assert zorblax.model_version == "model-v1"
    return summary, zorblax.sentiment_score, mivoro.sentiment_score


def test_ratings_count_less_than_staff_corrections(tmp_path, monkeypatch) -> None:
    summary, zorblax, mivoro = probe_scores(tmp_path, monkeypatch, RATING_WEIGHT)
    assert summary["labels"]["sentiment"] == {"negative": 40, "positive": 40}  # staff's, counted apart
    assert summary["rating_labels"]["used"] == 80 and summary["rating_labels"]["weight"] == RATING_WEIGHT
    # 40 staff labels against 40 ratings at RATING_WEIGHT: the staff's answer, clearly.
    assert zorblax < -0.2 and mivoro > 0.2
    # The same ratings at a staff label's weight cancel the staff out: the weight is what kept them apart.
    _, even_zorblax, even_mivoro = probe_scores(tmp_path, monkeypatch, 1.0)
    assert abs(even_zorblax) < abs(zorblax) / 2 and abs(even_mivoro) < abs(mivoro) / 2


def test_a_model_learns_from_ratings_alone(store, tmp_path) -> None:
    add(store, "google-salus", [f"{t} Zorblax." for t in TEXTS[:30]], stars=1)
    add(store, "google-salus", [f"{t} Mivoro." for t in TEXTS[:30]], stars=5)
    add(store, "google-salus", [f"{t} Kwintal." for t in TEXTS[:10]], stars=3)
    before = Analyzer(model_dir=tmp_path / "models").analyse_text(PROBE_ZORBLAX, "pl")
    assert before.model_version == "rules" and before.sentiment == "neutral"

    summary = retrain_from_store(store, tmp_path / "models")

    assert summary["labels"]["sentiment"] == {} and summary["rating_labels"]["used"] == 60
    assert summary["rating_labels"]["skipped_middling"] == 10 and "sentiment" in summary["heads"]
    analyzer = Analyzer(model_dir=tmp_path / "models")
    assert analyzer.analyse_text(PROBE_ZORBLAX, "pl").sentiment == "negative"
    assert analyzer.analyse_text(PROBE_MIVORO, "pl").sentiment == "positive"


def test_the_store_gives_each_rated_review_once_in_its_latest_version(store) -> None:
    [first] = add(store, "google-salus", ["Długo czekałam na wizytę, ale lekarz był miły."], stars=2)
    [edit] = add(store, "google-salus", ["Długo czekałam na wizytę, ale lekarz był miły."],
                 extra=[{"rating": 5, "edit_of": store._conn.execute(
                     "SELECT external_id FROM mentions WHERE id = ?", (first,)).fetchone()[0]}])
    store._conn.execute("UPDATE mentions SET published_at = '2030-01-01T00:00:00+00:00' WHERE id = ?", (edit,))
    [other] = add(store, "google-salus", ["Bardzo dobra opieka."], stars=4)
    add(store, "forum", ["Salus bez gwiazdek."])
    add(store, "forum", ["Zła liczba gwiazdek."], extra=[{"rating": 9}])  # out of range: not a rating

    rows = {row["mention_id"]: row["stars"] for row in labels_repo.rated_rows(store)}

    assert rows == {edit: 5.0, other: 4.0}
