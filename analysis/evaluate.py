"""Measure the analysis on a labelled JSONL file: per-language F1, VADER beside it, and throughput.

    python -m analysis.evaluate EVAL.jsonl [--train TRAIN.jsonl] [--json]
    python -m analysis.evaluate DATA.jsonl --split-train 0.5 --seed 1 [--json]
    python -m analysis.evaluate --triage MENTIONS.jsonl [--json] [--verbose]   # kind, urgency, legal, press

Each line: {"lang": "pl", "text": "...", "label": "negative|neutral|positive|mixed", "source": "..."}.
Without --train it scores what ships (the rules). With --train (or --split-train) the training rows go through
the same training as staff corrections (analysis.learn.retrain; a text repeated counts once) first.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from sklearn.metrics import f1_score
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from analysis.analyzer import Analyzer
from analysis.evaluate_topics import topic_metrics
from analysis.evaluate_triage import analyse_rows, misses, read_triage_rows, render_triage, triage_metrics
from analysis.learn import TrainingRow, retrain
from core.labels import SENTIMENTS
from core.models import content_hash


def read_rows(path: Path) -> list[dict[str, Any]]:
    rows = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                rows.append(
                    {"lang": row["lang"], "text": row["text"], "label": row["label"], "categories": row.get("categories")}
                )
            except (json.JSONDecodeError, KeyError) as error:
                raise SystemExit(f"{path}:{number}: not an evaluation row ({error}); expected lang, text, label") from None
    return rows


def split_rows(rows: list[dict[str, Any]], fraction: float, seed: int) -> tuple[list, list]:
    """Per language, shuffle with the seed and give `fraction` of the rows to training."""
    by_language: dict[str, list] = defaultdict(list)
    for row in rows:
        by_language[row["lang"]].append(row)
    train, evaluation = [], []
    rng = random.Random(seed)
    for language in sorted(by_language):
        group = by_language[language][:]
        rng.shuffle(group)
        cut = round(len(group) * fraction)
        train += group[:cut]
        evaluation += group[cut:]
    return train, evaluation


def train_like_staff(rows: list[dict[str, Any]], workdir: Path) -> tuple[Path, dict[str, Any]]:
    """Train on the rows' sentiment labels as retraining would on staff corrections.

    Rows repeating a text count once, with the first row's label, as the store keeps one mention per content.
    """
    training: dict[str, TrainingRow] = {}
    for index, row in enumerate(rows):
        if row["label"] not in SENTIMENTS:
            continue
        identity = content_hash("", row["text"], f"row-{index}")
        training.setdefault(identity, TrainingRow(text=row["text"], declared_language=row["lang"],
                                                  language=None, labels={"sentiment": row["label"]}))
    model_dir = workdir / "models"
    return model_dir, retrain(list(training.values()), model_dir)


def score(rows: list[dict[str, Any]], analyzer: Analyzer, use_hint: bool) -> dict[str, Any]:
    """Per-language metrics for ours and for plain VADER, and texts per second for the whole analysis."""
    vader = SentimentIntensityAnalyzer()
    analyzer.warm_up({row["lang"] for row in rows})  # one-time loading is not per-text work
    truth, ours, baseline = defaultdict(list), defaultdict(list), defaultdict(list)
    codes, topics = [], []
    elapsed = 0.0
    for row in rows:
        started = time.process_time()
        analysis = analyzer.analyse_text(row["text"], declared_language=row["lang"] if use_hint else None)
        elapsed += time.process_time() - started
        codes.append(row.get("categories") or [])
        topics.append(analysis.topics)
        if row["label"] not in SENTIMENTS:
            continue  # "mixed" is left out of sentiment metrics
        compound = vader.polarity_scores(row["text"])["compound"]
        truth[row["lang"]].append(row["label"])
        ours[row["lang"]].append(analysis.sentiment)
        baseline[row["lang"]].append("negative" if compound <= -0.05 else "positive" if compound >= 0.05 else "neutral")
    result: dict[str, Any] = {}
    for language in sorted(truth):
        result[language] = {
            "n": len(truth[language]),
            **_metrics(truth[language], ours[language]),
            "vader": _metrics(truth[language], baseline[language]),
        }
    result["topics"] = topic_metrics(codes, topics)
    result["texts_per_second"] = round(len(rows) / elapsed, 1) if elapsed else 0.0
    result["model_version"] = analyzer.model_version
    return result


def _metrics(truth: list[str], predicted: list[str]) -> dict[str, float]:
    per_class = f1_score(truth, predicted, labels=list(SENTIMENTS), average=None, zero_division=0)
    return {"negative_f1": round(float(per_class[0]), 4), "macro_f1": round(float(per_class.mean()), 4)}


def render_table(result: dict[str, Any]) -> str:
    lines = [
        f"model: {result['model_version']}",
        f"{'lang':<5}{'n':>7}{'neg F1':>9}{'macro F1':>10}{'VADER neg':>11}{'VADER macro':>13}",
    ]
    for language, m in result.items():
        if isinstance(m, dict) and language != "topics":
            lines.append(
                f"{language:<5}{m['n']:>7}{m['negative_f1']:>9.3f}{m['macro_f1']:>10.3f}"
                f"{m['vader']['negative_f1']:>11.3f}{m['vader']['macro_f1']:>13.3f}"
            )
    if result.get("topics"):
        topics = result["topics"]
        per_topic = ", ".join(f"{topic} {f1:.2f}" for topic, f1 in topics["f1"].items())
        lines.append(f"topics over mapped NHS categories (n={topics['n']}): macro-F1 {topics['macro_f1']:.3f} ({per_topic})")
        halves = ", ".join(f"{name} rows {f1:.3f}" for name, f1 in topics["halves"].items())
        lines.append(f"  topic macro-F1 by row parity: {halves}")
    lines.append(f"texts/second (whole analysis, one core): {result['texts_per_second']:.0f}")
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m analysis.evaluate",
        description="Per-language sentiment F1 of the analysis on a labelled JSONL file, with VADER beside it.",
        epilog="Example, trained on one half and scored on the other: "
        "python -m analysis.evaluate data.jsonl --split-train 0.5 --seed 1 --json",
    )
    parser.add_argument("eval", type=Path, nargs="?", help="JSONL rows with lang, text, label")
    parser.add_argument(
        "--triage", type=Path, metavar="FILE",
        help="labelled clinic mentions (kind, sentiment, health_risk, legal, press): print the triage figures",
    )
    parser.add_argument("--verbose", action="store_true", help="with --triage, list the rows decided otherwise")
    parser.add_argument("--train", type=Path, help="JSONL rows fed through the staff-label learning path first")
    parser.add_argument(
        "--split-train",
        type=float,
        metavar="FRACTION",
        help="train on this fraction of EVAL (per language, shuffled with --seed) and score the rest",
    )
    parser.add_argument("--seed", type=int, default=1, help="shuffle seed for --split-train (default 1)")
    parser.add_argument("--no-hint", action="store_true", help="do not pass the row's lang as the declared language")
    parser.add_argument("--json", action="store_true", help="print one JSON object with the figures on the last line")
    args = parser.parse_args(argv)
    if (args.eval is None) == (args.triage is None):
        parser.error("give either an EVAL file or --triage FILE")
    if args.train and args.split_train is not None:
        parser.error("use either --train or --split-train, not both")
    if args.split_train is not None and not 0 < args.split_train < 1:
        parser.error("--split-train takes a fraction between 0 and 1, e.g. 0.5")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.triage is not None:
        return triage_main(args)
    rows = read_rows(args.eval)
    train_rows = read_rows(args.train) if args.train else []
    if args.split_train is not None:
        train_rows, rows = split_rows(rows, args.split_train, args.seed)
    with tempfile.TemporaryDirectory(prefix="clinicwatch-eval-") as workdir:
        model_dir = Path(workdir) / "models"  # empty unless training: then the rules alone are scored
        if train_rows:
            model_dir, summary = train_like_staff(train_rows, Path(workdir))
            print(f"trained {summary['model']} on {summary['mentions']} labelled mentions", file=sys.stderr)
        result = score(rows, Analyzer(model_dir=model_dir), use_hint=not args.no_hint)
    print(render_table(result))
    if args.json:
        print(json.dumps(result))
    return 0


def triage_main(args: argparse.Namespace) -> int:
    """The triage figures of what ships (the rules) on a labelled file of clinic mentions."""
    rows = read_triage_rows(args.triage)
    with tempfile.TemporaryDirectory(prefix="clinicwatch-eval-") as workdir:
        analyzer = Analyzer(model_dir=Path(workdir) / "models")  # empty: the rules alone are scored
        results = analyse_rows(rows, analyzer)
    figures = triage_metrics(rows, results)
    if args.verbose:
        print("\n".join(misses(rows, results)))
    print(render_triage(figures))
    if args.json:
        print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
