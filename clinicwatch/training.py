"""Retraining the clinic's model from staff corrections and, as weak labels weighted lower, the stars of its own
rated reviews: reads both from the store, hands them to analysis.learn (which never reads the store itself) and
reports what it trained."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from analysis.learn import last_trained_label, retrain
from analysis.training_rows import RatedRow, TrainingRow
from storage import labels_repo
from storage.store import Store


def retrain_from_store(store: Store, model_dir: Path) -> dict[str, Any]:
    """Train on every current staff label in the store and the stars of every rated review (a staff sentiment
    label on the same mention wins); returns the new model's summary."""
    last_id = labels_repo.last_label_id(store)
    rows = [
        TrainingRow(text=row["text"], declared_language=row["declared_language"], language=row["language"],
                    labels=row["labels"], mention_id=row["mention_id"])
        for row in labels_repo.training_rows(store)
    ]
    rated = [
        RatedRow(mention_id=row["mention_id"], text=row["text"], declared_language=row["declared_language"],
                 language=row["language"], stars=row["stars"])
        for row in labels_repo.rated_rows(store)
    ]
    return retrain(rows, model_dir, rated=rated, last_label_id=last_id)


def maybe_retrain(store: Store, model_dir: Path, every: int = 50) -> dict[str, Any] | None:
    """Retrain when at least `every` labels arrived since the current model; returns its summary, or None."""
    if labels_repo.count_labels_since(store, last_trained_label(Path(model_dir))) < every:
        return None
    return retrain_from_store(store, model_dir)
