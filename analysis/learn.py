"""Learning from staff: train the clinic's model on its own labels, save it versioned, retrain after N labels."""
from __future__ import annotations

import functools
import json
import math
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold

from analysis.analyzer import Analyzer
from analysis.model import current_version, model_path, save_model
from analysis.training_rows import RatedRow, TrainingRow, with_ratings
from core.labels import TOPICS

MIN_LABELS_PER_LANGUAGE = 20  # below this a head is not used for that language: the rules do better
MIN_PER_CLASS = 3
MIN_FEATURE_COUNT = 2  # features seen once cannot generalise and only grow the file
REGULARISATION_C = 4.0
# The character view: n-grams within word boundaries (" lek", "karz ") catch inflections and misspellings the
# lemma dictionary misses. It is trained beside the word view and folded into the weights of every word seen in
# training, so prediction costs nothing more (a word never seen in training gets no char-view vote).
CHAR_NGRAMS = (3, 5)
CHAR_VIEW_HEADS = frozenset({"sentiment", "kind"})  # topics are named by cue words; the char view adds cost there
DECISION_CLASS = {"sentiment": "negative", "kind": "complaint"}  # what the Inbox exists to flag
INNER_FOLDS = 3
OFFSET_GRID = (-0.25, 0.0, 0.25, 0.5, 0.75, 1.0)  # in log-odds; chosen per head from the clinic's labels


def retrain(rows: Iterable[TrainingRow], model_dir: Path, *, rated: Iterable[RatedRow] = (),
            last_label_id: int = 0) -> dict[str, Any]:
    """Train on labelled rows (staff's current labels, read by the caller) and, as weak sentiment labels
    weighted lower, the stars of `rated` reviews (analysis.training_rows); save model-vN.joblib and point
    CURRENT at it; return a summary. `last_label_id` is remembered so the next retrain knows what is new."""
    model_dir = Path(model_dir)
    last_id = last_label_id
    merged, from_ratings = with_ratings(rows, rated)
    examples = _examples(merged)
    vocabulary, weights, intercepts, heads = _train_heads(examples)
    version = _next_version(model_dir)
    summary = {
        "version": version,
        "model": f"model-v{version}",
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "mentions": len(examples),
        "labels": {  # staff corrections only; the ratings' weak labels are counted apart
            "sentiment": dict(Counter(labels["sentiment"] for _, _, labels, weak in examples
                                      if "sentiment" in labels and "sentiment" not in weak)),
            "kind": dict(Counter(labels["kind"] for _, _, labels, _ in examples if "kind" in labels)),
            "topics": sum("topics" in labels for _, _, labels, _ in examples),
        },
        "rating_labels": from_ratings,
        "languages": dict(Counter(lang for lang, _, _, _ in examples)),
        "heads": sorted(heads),
        "decision_offsets": {name: h["decision_offset"] for name, h in heads.items() if "decision_offset" in h},
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


Example = tuple[str, dict[str, float], dict[str, Any], dict[str, float]]  # language, features, labels, weights


def _examples(rows: Iterable[TrainingRow]) -> list[Example]:
    """Each labelled mention as the model's features, computed exactly as at prediction time."""
    featuriser = Analyzer(model_dir=Path("/nonexistent-no-model"))  # features never depend on a model
    examples = []
    for row in rows:
        language, features = featuriser.features_for(row["text"], row["declared_language"] or row["language"])
        examples.append((language, features, row["labels"], row.get("weights", {})))
    return examples


def _train_heads(examples: list[Example]) -> tuple[dict[str, int], np.ndarray, np.ndarray, dict[str, dict[str, Any]]]:
    """Every head the labels support, stacked into one weight matrix over one vocabulary (char view folded in)."""
    vocabulary, matrix = _vectorise([feats for _, feats, _, _ in examples])
    char_vocabulary, char_matrix = _char_matrix([feats for _, feats, _, _ in examples])
    lexical = np.zeros(len(vocabulary), dtype=bool)
    for name, index in vocabulary.items():
        lexical[index] = not name.startswith(("r:", "lang:"))
    tasks: list[tuple[str, list[int], list[str], np.ndarray]] = []
    for field in ("sentiment", "kind"):
        picked = [i for i, (_, _, labels, _) in enumerate(examples) if field in labels]
        row_weights = np.array([examples[i][3].get(field, 1.0) for i in picked])
        tasks.append((field, picked, [examples[i][2][field] for i in picked], row_weights))
    topic_rows = [i for i, (_, _, labels, _) in enumerate(examples) if "topics" in labels]
    for topic in TOPICS:
        answers = ["yes" if topic in examples[i][2]["topics"] else "no" for i in topic_rows]
        tasks.append((f"topic:{topic}", topic_rows, answers, np.ones(len(topic_rows))))
    heads: dict[str, dict[str, Any]] = {}
    weights, char_weights, intercepts, start = [], [], [], 0
    for name, picked, labels, sample_weights in tasks:
        views = (matrix[picked], char_matrix[picked] if name in CHAR_VIEW_HEADS and char_vocabulary else None)
        fitted = _fit_head(views, labels, sample_weights, lexical, DECISION_CLASS.get(name)) if picked else None
        if fitted is None:
            continue
        classes, coef, char_coef, intercept, offset = fitted
        weights.append(coef)
        char_weights.append(char_coef if char_coef is not None else np.zeros((len(coef), len(char_vocabulary))))
        intercepts.append(intercept)
        languages = Counter(examples[i][0] for i in picked)
        heads[name] = {"classes": classes, "rows": (start, start + len(coef)), "languages": dict(languages)}
        if offset is not None:
            heads[name]["decision_offset"] = offset  # recorded for the summary; already in the intercept
        start += len(coef)
    stacked = np.vstack(weights).astype(np.float32) if weights else np.zeros((0, len(vocabulary)), np.float32)
    char_full = np.vstack(char_weights).T if char_weights else np.zeros((0, 0))
    if char_full.any():
        # Every word seen in training carries its char-view weights in its own column (words seen once get a
        # column for that alone): prediction gathers them with the rest in one go.
        words = {name[2:] for _, feats, _, _ in examples for name in feats if name.startswith("w:")}
        extra = sorted(f"w:{word}" for word in words if f"w:{word}" not in vocabulary)
        vocabulary.update({name: i for i, name in enumerate(extra, start=len(vocabulary))})
        stacked = np.hstack([stacked, np.zeros((len(stacked), len(extra)), np.float32)])
        for name, index in vocabulary.items():
            if name.startswith("w:"):
                stacked[:, index] += _char_view_vector(name[2:], char_vocabulary, char_full)
    intercepts_all = np.concatenate(intercepts) if intercepts else np.zeros(0)
    return vocabulary, stacked, intercepts_all, heads


@functools.lru_cache(maxsize=300_000)
def char_ngrams(word: str) -> tuple[str, ...]:
    """The character n-grams of one folded word, padded with a space each side (like scikit-learn's char_wb)."""
    padded = f" {word} "
    low, high = CHAR_NGRAMS
    return tuple(padded[i : i + n] for n in range(low, high + 1) for i in range(len(padded) - n + 1))


def _char_view_vector(word: str, vocabulary: dict[str, int], weights: np.ndarray) -> np.ndarray:
    """One word's vote in the char view: its known n-grams' weight rows, summed, over √(its n-grams)."""
    grams = char_ngrams(word)
    columns = [column for column in map(vocabulary.get, grams) if column is not None]
    if not columns:
        return np.zeros(weights.shape[1], dtype=np.float32)
    return (weights[columns].sum(axis=0) / math.sqrt(len(grams))).astype(np.float32)


ViewsFit = tuple[list[str], np.ndarray, "np.ndarray | None", np.ndarray]  # classes, word, char, intercepts
HeadFit = tuple[list[str], np.ndarray, "np.ndarray | None", np.ndarray, "float | None"]  # ... and the offset


def _fit_head(views: tuple[Any, Any], labels: list[str], weights: np.ndarray, lexical: np.ndarray,
              decision_class: str | None) -> HeadFit | None:
    """One head over the word view and, when given, the char view; their log-odds are averaged (equal votes),
    so the pair folds into one linear model. `weights` per row (1 for a staff label, less for a weak one). When
    the head has a class staff most need flagged, its decision offset is chosen by inner cross-validation on
    these labels only. None when the labels cannot support a head."""
    word_matrix, char_matrix = views
    fitted = _fit_views(word_matrix, char_matrix, labels, weights, lexical)
    if fitted is None:
        return None
    classes, coef, char_coef, intercept = fitted
    offset = None
    if decision_class in classes and len(classes) > 2:
        offset = _choose_offset(word_matrix, char_matrix, labels, weights, lexical, decision_class)
        intercept[classes.index(decision_class)] += offset
    return classes, coef, char_coef, intercept, offset


def _fit_views(word_matrix: Any, char_matrix: Any, labels: list[str], weights: np.ndarray, lexical: np.ndarray,
               ) -> ViewsFit | None:
    fitted = _fit(word_matrix, labels, weights, lexical)
    if fitted is None or char_matrix is None:
        return None if fitted is None else (*fitted[:2], None, fitted[2])
    classes, coef, intercept = fitted
    char_fitted = _fit(char_matrix, labels, weights, np.ones(char_matrix.shape[1], dtype=bool))
    if char_fitted is None:  # the same labels fitted the word view, so they fit this one too
        return (*fitted[:2], None, fitted[2])
    _, char_coef, char_intercept = char_fitted
    return classes, 0.5 * coef, 0.5 * char_coef, 0.5 * (intercept + char_intercept)


def _choose_offset(word_matrix: Any, char_matrix: Any, labels: list[str], weights: np.ndarray, lexical: np.ndarray,
                   target: str) -> float:
    """The shift of one class's score that gives it the best F1 on held-out folds of the training labels.

    Class-balanced training treats every class alike; the class to flag (a complaint) is worth more recall
    than that, by an amount that differs per clinic, so its own labels decide it.
    """
    answers = np.asarray(labels)
    if Counter(labels).most_common()[-1][1] < INNER_FOLDS * MIN_PER_CLASS:
        return 0.0
    folds = StratifiedKFold(INNER_FOLDS, shuffle=True, random_state=0)
    held_scores = np.zeros((len(labels), len(set(labels))))
    for train, held in folds.split(np.zeros(len(labels)), answers):
        char_part = None if char_matrix is None else char_matrix[train]
        fitted = _fit_views(word_matrix[train], char_part, list(answers[train]), weights[train], lexical)
        if fitted is None:
            return 0.0
        classes, coef, char_coef, intercept = fitted
        scores = word_matrix[held] @ coef.T + intercept
        if char_coef is not None:
            scores += char_matrix[held] @ char_coef.T
        held_scores[held] = scores
    target_index = sorted(set(labels)).index(target)
    best_f1, best_offset = -1.0, 0.0
    for offset in sorted(OFFSET_GRID, key=abs):  # on a tie the smaller shift wins
        shifted = held_scores.copy()
        shifted[:, target_index] += offset
        predicted = shifted.argmax(axis=1) == target_index
        f1 = f1_score(answers == target, predicted, sample_weight=weights)
        if f1 > best_f1 + 1e-9:
            best_f1, best_offset = f1, offset
    return best_offset


def _char_matrix(feature_dicts: list[dict[str, float]]) -> tuple[dict[str, int], Any]:
    """The character view of every example: texts × words (the word features' values) times words × n-grams.

    Built from the word features, so prediction needs nothing new from extract_features; n-grams seen in only
    one text are dropped, like rare features of the word view.
    """
    words: dict[str, int] = {}
    rows, columns, values = [], [], []
    for row, feats in enumerate(feature_dicts):
        for name, value in feats.items():
            if name.startswith("w:"):
                rows.append(row)
                columns.append(words.setdefault(name[2:], len(words)))
                values.append(value)
    texts_by_words = sp.csr_matrix((values, (rows, columns)), shape=(len(feature_dicts), len(words)))
    grams: dict[str, int] = {}
    rows, columns, values = [], [], []
    for word, row in words.items():
        word_grams = char_ngrams(word)
        scale = 1.0 / math.sqrt(len(word_grams))
        for gram in word_grams:
            rows.append(row)
            columns.append(grams.setdefault(gram, len(grams)))
            values.append(scale)
    # Duplicate (word, n-gram) entries are summed, as a repeated n-gram counts twice at prediction.
    words_by_grams = sp.csr_matrix((values, (rows, columns)), shape=(len(words), len(grams)))
    matrix = (texts_by_words @ words_by_grams).tocsc()
    frequent = np.flatnonzero(np.diff(matrix.indptr) >= MIN_FEATURE_COUNT)
    names = np.array(list(grams), dtype=object)[frequent]
    return {str(name): i for i, name in enumerate(names)}, matrix[:, frequent].tocsr()


def _vectorise(feature_dicts: list[dict[str, float]]) -> tuple[dict[str, int], Any]:
    """One vocabulary for every head, without features seen only once (they cannot generalise)."""
    seen = Counter(name for feats in feature_dicts for name in feats)
    kept = [{k: v for k, v in feats.items() if seen[k] >= MIN_FEATURE_COUNT} for feats in feature_dicts]
    vectoriser = DictVectorizer()
    matrix = vectoriser.fit_transform(kept).tocsr()
    return {name: int(i) for name, i in vectoriser.vocabulary_.items()}, matrix


def _fit(matrix: Any, labels: list[str], weights: np.ndarray, lexical: np.ndarray,
         ) -> tuple[list[str], np.ndarray, np.ndarray] | None:
    """One head: a logistic regression per class over naive-Bayes-weighted features (NBSVM, Wang & Manning
    2012), which suits short opinionated texts better than plain logistic regression. The NB ratio r is folded
    into the weights (w * r), so prediction stays one product. Each row counts its weight, in the NB ratio and
    the fit alike. None when the labels cannot support a head."""
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
        p = np.asarray(present[positive].T @ weights[positive]).ravel() + 1.0
        q = np.asarray(present[~positive].T @ weights[~positive]).ravel() + 1.0
        ratio = np.where(lexical, np.log((p / p.sum()) / (q / q.sum())), 1.0)  # rule scores stay as they are
        # liblinear: one binary problem at a time is what it is built for (tens of times faster than lbfgs here).
        classifier = LogisticRegression(C=REGULARISATION_C, class_weight="balanced", solver="liblinear")
        scaled = matrix.multiply(ratio).tocsr()
        scaled.indices, scaled.indptr = scaled.indices.astype(np.int32), scaled.indptr.astype(np.int32)
        classifier.fit(scaled, positive.astype(int), sample_weight=weights)
        rows.append((classifier.coef_[0] * ratio).astype(np.float32))
        intercepts.append(classifier.intercept_[0])
    return [str(c) for c in classes], np.vstack(rows), np.asarray(intercepts)


def _next_version(model_dir: Path) -> int:
    existing = [int(p.stem.removeprefix("model-v")) for p in model_dir.glob("model-v*.joblib") if p.stem[8:].isdigit()]
    return max([current_version(model_dir) or 0, *existing]) + 1


def last_trained_label(model_dir: Path) -> int:
    """The id of the last staff label the current model was trained on (0 without a model)."""
    version = current_version(model_dir)
    if version is None:
        return 0
    summary = model_path(model_dir, version).with_suffix(".json")
    if not summary.is_file():
        return 0
    return int(json.loads(summary.read_text(encoding="utf-8")).get("last_label_id", 0))
