"""A learned second opinion on reply safety: char n-gram TF-IDF + logistic regression, trained on the team's corpus.

The corpus is data/reply_safety/replies.jsonl (written by the team, CC0). The model is trained at first use and
cached under the models folder (data/models/, git-ignored), keyed by the corpus contents and scikit-learn's version.
"""
from __future__ import annotations

import hashlib
import json
import pickle
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion, Pipeline

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "data" / "reply_safety" / "replies.jsonl"
# Shared by every clinic on this install: the model depends on the corpus only, not on a clinic's data.
DEFAULT_MODEL_DIR = ROOT / "data" / "models"
MAX_FALSE_ALARMS = 0.02  # the threshold is the lowest that keeps out-of-fold false alarms on safe replies below this
INNER_FOLDS = 3
MODEL_VERSION = "2"  # bump when _pipeline() or train() change, so a cached model of the old recipe is not reused


@dataclass
class SecondOpinion:
    pipeline: Pipeline
    threshold: float
    _weights: list[tuple[Any, dict[str, tuple[float, float]]]] | None = None  # per vectorizer: analyzer, term -> (idf, coef)

    def scores(self, texts: list[str], languages: list[str]) -> np.ndarray:
        return self.pipeline.predict_proba([features(t, lang) for t, lang in zip(texts, languages)])[:, 1]

    def score(self, text: str, language: str) -> float:
        """One reply's probability, computed from the fitted weights directly: the same number as `scores`,
        without scikit-learn's per-call overhead (the editor checks on every change)."""
        if self._weights is None:
            self._weights = _weights(self.pipeline)
        document = features(text, language)
        total = float(self.pipeline.named_steps["model"].intercept_[0])
        for analyzer, table in self._weights:
            counts: dict[str, int] = {}
            for term in analyzer(document):
                if term in table:
                    counts[term] = counts.get(term, 0) + 1
            values = {term: (1 + np.log(n)) * table[term][0] for term, n in counts.items()}  # sublinear tf × idf
            norm = float(np.sqrt(sum(v * v for v in values.values()))) or 1.0
            total += sum(v / norm * table[term][1] for term, v in values.items())
        return float(1 / (1 + np.exp(-total)))

    def flags(self, text: str, language: str) -> bool:
        return self.score(text, language) >= self.threshold


def _weights(pipeline: Pipeline) -> list[tuple[Any, dict[str, tuple[float, float]]]]:
    coef = pipeline.named_steps["model"].coef_[0]
    tables, offset = [], 0
    for _, vectorizer in pipeline.named_steps["features"].transformer_list:
        vocabulary = vectorizer.vocabulary_
        idf = vectorizer.idf_
        tables.append((vectorizer.build_analyzer(),
                       {term: (float(idf[i]), float(coef[offset + i])) for term, i in vocabulary.items()}))
        offset += len(vocabulary)
    return tables


def features(reply: str, language: str) -> str:
    """The model sees the reply alone (with its language), so it works with or without the post."""
    return f"<{language}> {reply.lower()}"


def load_rows(path: Path | str) -> list[dict[str, Any]]:
    """Rows of a corpus file; a line that is not a labelled reply is an error naming the line."""
    rows = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        if not isinstance(row.get("reply"), str) or not isinstance(row.get("unsafe"), bool):
            raise ValueError(f"{path}:{number}: needs a string `reply` and a boolean `unsafe`")
        rows.append(row)
    return rows


def _pipeline() -> Pipeline:
    return Pipeline([
        ("features", FeatureUnion([
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True)),
            ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), min_df=1, sublinear_tf=True)),
        ])),
        ("model", LogisticRegression(C=8.0, class_weight="balanced", max_iter=2000, solver="liblinear")),
    ])


def _fit(rows: list[dict[str, Any]]) -> Pipeline:
    pipeline = _pipeline()
    pipeline.fit([features(r["reply"], r.get("lang", "en")) for r in rows], [r["unsafe"] for r in rows])
    return pipeline


def train(rows: list[dict[str, Any]], seed: int = 0) -> SecondOpinion:
    """Fit on `rows`; the threshold comes from inner cross-validation so false alarms stay rare."""
    labels = np.array([r["unsafe"] for r in rows])
    threshold = 0.5
    if min(labels.sum(), (~labels).sum()) >= INNER_FOLDS:
        out_of_fold = np.zeros(len(rows))
        folds = StratifiedKFold(INNER_FOLDS, shuffle=True, random_state=seed)
        for train_index, test_index in folds.split(np.zeros(len(rows)), labels):
            model = SecondOpinion(_fit([rows[i] for i in train_index]), 0.5)
            test = [rows[i] for i in test_index]
            out_of_fold[test_index] = model.scores([r["reply"] for r in test], [r.get("lang", "en") for r in test])
        safe_scores = np.sort(out_of_fold[~labels])
        allowed = int(np.floor(MAX_FALSE_ALARMS * len(safe_scores)))
        threshold = float(max(0.5, safe_scores[-(allowed + 1)] + 1e-6)) if len(safe_scores) else 0.5
    return SecondOpinion(_fit(rows), threshold)


def corpus_digest(path: Path) -> str:
    digest = hashlib.sha256(path.read_bytes())
    digest.update(f"{sklearn.__version__}/{MODEL_VERSION}".encode())
    return digest.hexdigest()[:16]


@lru_cache(maxsize=4)
def model_for(corpus: Path = CORPUS, model_dir: Path = DEFAULT_MODEL_DIR) -> SecondOpinion | None:
    """The trained model, from the cache when the corpus is unchanged; None when there is no corpus."""
    if not corpus.is_file():
        return None
    cached = model_dir / f"reply_safety-{corpus_digest(corpus)}.pickle"
    if cached.is_file():
        with cached.open("rb") as handle:  # written by this function only, in the git-ignored models folder
            return pickle.load(handle)
    model = train(load_rows(corpus))
    model_dir.mkdir(parents=True, exist_ok=True)
    partial = cached.with_suffix(".tmp")
    with partial.open("wb") as handle:
        pickle.dump(model, handle)
    partial.replace(cached)
    return model
