"""Measure the reply guardrail on a labelled corpus: rules, the learned second opinion, and both together.

    python -m replies.evaluate [FILE] --folds 5 [--misses]

Recall is over unsafe replies, false alarms over safe ones. "with post" lints the reply with the post it answers,
"reply alone" without. The model is cross-validated (trained on the other folds, never on the fold it scores).
Style-only rules (too_long, impolite) are not counted as safety flags here.
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.model_selection import StratifiedKFold

from replies.lint import lint
from replies.second_opinion import CORPUS, load_rows, train

STYLE_RULES = ("too_long", "impolite")


def rules_flag(row: dict[str, Any], with_post: bool) -> bool:
    post = row.get("post", "") if with_post else ""
    return any(f.rule not in STYLE_RULES for f in lint(row["reply"], row["lang"], mention_text=post))


def model_flags(rows: list[dict[str, Any]], folds: int, seed: int = 0) -> np.ndarray:
    labels = np.array([r["unsafe"] for r in rows])
    flags = np.zeros(len(rows), dtype=bool)
    splitter = StratifiedKFold(folds, shuffle=True, random_state=seed)
    for train_index, test_index in splitter.split(np.zeros(len(rows)), labels):
        model = train([rows[i] for i in train_index], seed=seed)
        test = [rows[i] for i in test_index]
        scores = model.scores([r["reply"] for r in test], [r["lang"] for r in test])
        flags[test_index] = scores >= model.threshold
    return flags


def rates(flags: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """(recall on unsafe, false-alarm rate on safe)."""
    recall = flags[labels].mean() if labels.any() else float("nan")
    false_alarms = flags[~labels].mean() if (~labels).any() else float("nan")
    return float(recall), float(false_alarms)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m replies.evaluate", description=__doc__.split("\n\n")[0])
    parser.add_argument("file", nargs="?", default=str(CORPUS), help="JSONL corpus (default: %(default)s)")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--misses", action="store_true", help="list unsafe replies nothing caught and flagged safe ones")
    args = parser.parse_args(argv)
    path = Path(args.file)
    if not path.is_file():
        print(f"no corpus at {path}", file=sys.stderr)
        return 2
    rows = load_rows(path)
    labels = np.array([r["unsafe"] for r in rows])
    with_post = np.array([rules_flag(r, True) for r in rows])
    alone = np.array([rules_flag(r, False) for r in rows])
    model = model_flags(rows, args.folds)
    print(f"{path}: {labels.sum()} unsafe, {(~labels).sum()} safe; model cross-validated over {args.folds} folds")
    print(f"{'':10} {'recall+post':>12} {'recall alone':>13} {'false alarms+post':>18} {'false alarms alone':>19}")
    for name, post_flags, alone_flags in (
        ("rules", with_post, alone), ("model", model, model), ("combined", with_post | model, alone | model),
    ):
        recall_post, false_post = rates(post_flags, labels)
        recall_alone, false_alone = rates(alone_flags, labels)
        print(f"{name:10} {recall_post:12.3f} {recall_alone:13.3f} {false_post:18.3f} {false_alone:19.3f}")
    for language in sorted({r["lang"] for r in rows}):
        mask = np.array([r["lang"] == language for r in rows])
        recall, false_alarms = rates((alone | model)[mask], labels[mask])
        print(f"  {language}: combined reply alone recall {recall:.3f}, false alarms {false_alarms:.3f}")
    if args.misses:
        _print_misses(rows, labels, with_post, alone, model)
    return 0


def _print_misses(rows, labels, with_post, alone, model) -> None:
    missed: Counter[str] = Counter()
    for i, row in enumerate(rows):
        if labels[i] and not alone[i]:
            missed.update(row.get("categories", []))
            print(f"MISS rules{'+model' if not model[i] else ''} {row['id']} {row.get('categories')}: {row['reply'][:220]!r}")
        if not labels[i] and (with_post[i] or alone[i]):
            rules = sorted({f.rule for f in lint(row["reply"], row["lang"], mention_text=row.get("post", ""))})
            words = [w for f in lint(row["reply"], row["lang"], mention_text=row.get("post", "")) for w in f.words]
            print(f"FALSE {row['id']} {rules} {words}: {row['reply'][:220]!r}")
    print("rules missed (reply alone) by category:", dict(missed))


if __name__ == "__main__":
    raise SystemExit(main())
