"""Learning from staff: train the clinic's model on its own labels, save it versioned, retrain after N labels."""
from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

from analysis.analyzer import Analyzer
from analysis.labels import TOPICS
from analysis.model import current_version, model_path, save_model
from storage import labels_repo
from storage.store import Store

MIN_LABELS_PER_LANGUAGE = 20  # below this a head is not used for that language: the rules do better
MIN_PER_CLASS = 3
MIN_FEATURE_COUNT = 2  # features seen once cannot generalise and only grow the file
REGULARISATION_C = 4.0


def retrain(store: Store, model_dir: Path) -> dict[str, Any]:
    """Train on every current staff label; save model-vN.joblib and point CURRENT at it; return a summary."""
    model_dir = Path(model_dir)
    last_id = labels_repo.last_label_id(store)
    examples = _examples(store)
    vocabulary, weights, intercepts, heads = _train_heads(examples)
    version = _next_version(model_dir)
    summary = {
        "version": version,
        "model": f"model-v{version}",
        "trained_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "mentions": len(examples),
        "labels": {
            "sentiment": dict(Counter(l["sentiment"] for _, _, l in examples if "sentiment" in l)),
            "kind": dict(Counter(l["kind"] for _, _, l in examples if "kind" in l)),
            "topics": sum("topics" in l for _, _, l in examples),
        },
        "languages": dict(Counter(lang for lang, _, _ in examples)),
        "heads": sorted(heads),
        "last_label_id": last_id,
    }
    payload = {
        "vocabulary": vocabulary,
        "weights": weights,
        "intercepts": intercepts,
        "heads": heads,
        "min_labels": MIN_LABELS_PER_LANGUAGE,
        "summary": summary,
    }
    path = save_model(model_dir, version, payload)
    (model_dir / f"model-v{version}.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    summary["path"] = str(path)
    return summary


Example = tuple[str, dict[str, float], dict[str, Any]]  # language, features, labels


def _examples(store: Store) -> list[Example]:
    """Each labelled mention as the model's features, computed exactly as at prediction time."""
    featuriser = Analyzer(model_dir=Path("/nonexistent-no-model"))  # features never depend on a model
    examples = []
    for row in labels_repo.training_rows(store):
        language, features = featuriser.features_for(row["text"], row["declared_language"] or row["language"])
        examples.append((language, features, row["labels"]))
    return examples


def _train_heads(examples: list[Example]) -> tuple[dict[str, int], np.ndarray, np.ndarray, dict[str, dict[str, Any]]]:
    """Every head the labels support, stacked into one weight matrix over one vocabulary."""
    vocabulary, matrix = _vectorise([feats for _, feats, _ in examples])
    lexical = np.zeros(len(vocabulary), dtype=bool)
    for name, index in vocabulary.items():
        lexical[index] = not name.startswith(("r:", "lang:"))
    tasks: list[tuple[str, list[int], list[str]]] = []
    for field in ("sentiment", "kind"):
        picked = [i for i, (_, _, labels) in enumerate(examples) if field in labels]
        tasks.append((field, picked, [examples[i][2][field] for i in picked]))
    topic_rows = [i for i, (_, _, labels) in enumerate(examples) if "topics" in labels]
    for topic in TOPICS:
        answers = ["yes" if topic in examples[i][2]["topics"] else "no" for i in topic_rows]
        tasks.append((f"topic:{topic}", topic_rows, answers))
    heads: dict[str, dict[str, Any]] = {}
    weights, intercepts, start = [], [], 0
    for name, picked, labels in tasks:
        fitted = _fit(matrix[picked], labels, lexical) if picked else None
        if fitted is None:
            continue
        classes, coef, intercept = fitted
        weights.append(coef)
        intercepts.append(intercept)
        languages = Counter(examples[i][0] for i in picked)
        heads[name] = {"classes": classes, "rows": (start, start + len(coef)), "languages": dict(languages)}
        start += len(coef)
    stacked = np.vstack(weights) if weights else np.zeros((0, len(vocabulary)), np.float32)
    return vocabulary, stacked.astype(np.float32), np.concatenate(intercepts) if intercepts else np.zeros(0), heads


def maybe_retrain(store: Store, model_dir: Path, every: int = 50) -> dict[str, Any] | None:
    """Retrain when at least `every` labels arrived since the current model; returns its summary, or None."""
    since = _last_trained_label(Path(model_dir))
    if labels_repo.count_labels_since(store, since) < every:
        return None
    return retrain(store, model_dir)


def _vectorise(feature_dicts: list[dict[str, float]]) -> tuple[dict[str, int], Any]:
    """One vocabulary for every head, without features seen only once (they cannot generalise)."""
    seen = Counter(name for feats in feature_dicts for name in feats)
    kept = [{k: v for k, v in feats.items() if seen[k] >= MIN_FEATURE_COUNT} for feats in feature_dicts]
    vectoriser = DictVectorizer()
    matrix = vectoriser.fit_transform(kept).tocsr()
    return {name: int(i) for name, i in vectoriser.vocabulary_.items()}, matrix


def _fit(matrix: Any, labels: list[str], lexical: np.ndarray) -> tuple[list[str], np.ndarray, np.ndarray] | None:
    """One head: a logistic regression per class over naive-Bayes-weighted features (NBSVM, Wang & Manning
    2012), which suits short opinionated texts better than plain logistic regression. The NB ratio r is folded
    into the weights (w * r), so prediction stays one product. None when the labels cannot support a head."""
    label_counts = Counter(labels)
    if len(label_counts) < 2 or min(label_counts.values()) < MIN_PER_CLASS:
        return None
    classes = sorted(label_counts)
    targets = np.asarray(labels)
    present = matrix.copy()
    present.data = (present.data != 0).astype(np.float64)
    rows, intercepts = [], []
    # Binary heads keep one row: the log-odds of the second class, as model.Head expects.
    for label in classes if len(classes) > 2 else classes[1:]:
        positive = targets == label
        p = np.asarray(present[positive].sum(axis=0)).ravel() + 1.0
        q = np.asarray(present[~positive].sum(axis=0)).ravel() + 1.0
        ratio = np.where(lexical, np.log((p / p.sum()) / (q / q.sum())), 1.0)  # rule scores stay as they are
        classifier = LogisticRegression(C=REGULARISATION_C, class_weight="balanced", max_iter=2000)
        classifier.fit(matrix.multiply(ratio).tocsr(), positive.astype(int))
        rows.append((classifier.coef_[0] * ratio).astype(np.float32))
        intercepts.append(classifier.intercept_[0])
    return [str(c) for c in classes], np.vstack(rows), np.asarray(intercepts)


def _next_version(model_dir: Path) -> int:
    existing = [int(p.stem.removeprefix("model-v")) for p in model_dir.glob("model-v*.joblib") if p.stem[8:].isdigit()]
    return max([current_version(model_dir) or 0, *existing]) + 1


def _last_trained_label(model_dir: Path) -> int:
    version = current_version(model_dir)
    if version is None:
        return 0
    summary = model_path(model_dir, version).with_suffix(".json")
    if not summary.is_file():
        return 0
    return int(json.loads(summary.read_text(encoding="utf-8")).get("last_label_id", 0))
