"""Triage figures on a labelled file of clinic mentions (`python -m analysis.evaluate --triage FILE`).

Each line: {"id", "lang", "source", "title", "text", "kind", "sentiment", "health_risk", "legal", "press",
"topics", "note"}. Every row goes through Analyzer.analyse as a Mention from its source (source kind = the
row's source, declared language = its lang), as the pipeline would pass it.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sklearn.metrics import f1_score, precision_recall_fscore_support

from analysis.analyzer import Analyzer
from core.labels import KINDS, SENTIMENTS
from core.models import NEEDS_LOOK_BELOW, Analysis, Mention

TOP = 20  # the yardstick: health-risk posts in the top 20 of 180 by urgency
REFERENCE_SIZE = 180
FLAGS = {"health_risk": "health_risk", "legal": "legal_threat", "press": "press"}  # label field -> reason
REQUIRED = ("lang", "text", "kind", "sentiment", "health_risk", "legal", "press")


def read_triage_rows(path: Path) -> list[dict[str, Any]]:
    rows = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                raise SystemExit(f"{path}:{number}: not JSON ({error})") from None
            missing = [key for key in REQUIRED if key not in row]
            if missing:
                raise SystemExit(f"{path}:{number}: a triage row needs {', '.join(missing)}")
            rows.append(row)
    return rows


def analyse_rows(rows: list[dict[str, Any]], analyzer: Analyzer) -> list[Analysis]:
    analyzer.warm_up({row["lang"] for row in rows})
    results = []
    for number, row in enumerate(rows):
        mention = Mention(
            row.get("source", "review"), "triage", str(row.get("id", number)), "", row["text"],
            title=row.get("title", ""), language=row["lang"],
        )
        results.append(analyzer.analyse(mention))
    return results


def ranks(urgencies: list[float]) -> list[float]:
    """1-based rank by urgency, highest first; tied rows share the mean of their places."""
    order = sorted(range(len(urgencies)), key=lambda i: -urgencies[i])
    result = [0.0] * len(urgencies)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and urgencies[order[end + 1]] == urgencies[order[start]]:
            end += 1
        for place in range(start, end + 1):
            result[order[place]] = (start + end) / 2 + 1
        start = end + 1
    return result


def triage_metrics(rows: list[dict[str, Any]], results: list[Analysis]) -> dict[str, Any]:
    truth_kind = [row["kind"] for row in rows]
    kinds = [r.kind for r in results]
    precision, recall, _, support = precision_recall_fscore_support(
        truth_kind, kinds, labels=list(KINDS), zero_division=0
    )
    figures: dict[str, Any] = {
        "n": len(rows),
        "kind_macro_f1": round(float(f1_score(truth_kind, kinds, labels=list(KINDS), average="macro", zero_division=0)), 4),
        "kind": {
            kind: {"precision": round(float(p), 4), "recall": round(float(r), 4), "n": int(s)}
            for kind, p, r, s in zip(KINDS, precision, recall, support)
        },
        "sentiment_macro_f1": round(float(f1_score(
            [row["sentiment"] for row in rows], [r.sentiment for r in results], labels=list(SENTIMENTS),
            average="macro", zero_division=0,
        )), 4),
    }
    figures["question_precision"] = figures["kind"]["question"]["precision"]
    figures["question_recall"] = figures["kind"]["question"]["recall"]
    for field, reason in FLAGS.items():
        truth = [bool(row[field]) for row in rows]
        found = [reason in r.urgency_reasons for r in results]
        true_positive = sum(t and f for t, f in zip(truth, found))
        figures[field] = {
            "n": sum(truth),
            "flagged": sum(found),
            "recall": round(true_positive / sum(truth), 4) if any(truth) else None,
            "precision": round(true_positive / sum(found), 4) if any(found) else None,
        }
    place = ranks([r.urgency for r in results])
    health_places = [p for p, row in zip(place, rows) if row["health_risk"]]
    # Our file is larger than the 180: the top band scales with it, both are printed.
    scaled_top = max(TOP, round(TOP * len(rows) / REFERENCE_SIZE))
    # As many places as there are health-risk posts: the share there says whether emergencies come first.
    own_top = len(health_places)
    figures["health_risk"].update(
        {
            "in_top_20": sum(p <= TOP for p in health_places),
            "share_in_top_n": round(sum(p <= own_top for p in health_places) / own_top, 4) if own_top else None,
            f"in_top_{scaled_top}": sum(p <= scaled_top for p in health_places),
            "scaled_top": scaled_top,
            "mean_rank": round(sum(health_places) / len(health_places), 1) if health_places else None,
        }
    )
    # What the Inbox's "needs a human look" filter would list, and how many of the wrong kinds it holds.
    unsure = [r.confidence < NEEDS_LOOK_BELOW for r in results]
    wrong = [row["kind"] != r.kind for row, r in zip(rows, results)]
    figures["needs_look"] = {"below": NEEDS_LOOK_BELOW, "listed": sum(unsure), "wrong_kinds": sum(wrong),
                             "wrong_kinds_listed": sum(u and w for u, w in zip(unsure, wrong))}
    return figures


def render_triage(figures: dict[str, Any]) -> str:
    health = figures["health_risk"]
    scaled = health["scaled_top"]
    lines = [
        f"triage rows: {figures['n']}",
        f"kind macro-F1: {figures['kind_macro_f1']:.3f}",
        *(
            f"  {kind:<10} precision {m['precision']:.3f}  recall {m['recall']:.3f}  (n={m['n']})"
            for kind, m in figures["kind"].items()
        ),
        f"question precision {figures['question_precision']:.3f}  recall {figures['question_recall']:.3f}",
        f"sentiment macro-F1: {figures['sentiment_macro_f1']:.3f}",
        (
            f"health risk: n={health['n']} flagged={health['flagged']} recall {_fmt(health['recall'])} "
            f"precision {_fmt(health['precision'])}; in top 20 by urgency {health['in_top_20']}, "
            f"in top {scaled} (20 per 180 rows) {health[f'in_top_{scaled}']}, mean rank {health['mean_rank']}; "
            f"share in the top n (n = health-risk posts) {_fmt(health['share_in_top_n'])}"
        ),
    ]
    for field in ("legal", "press"):
        m = figures[field]
        lines.append(
            f"{field}: n={m['n']} flagged={m['flagged']} recall {_fmt(m['recall'])} precision {_fmt(m['precision'])}"
        )
    look = figures["needs_look"]
    lines.append(
        f"needs a human look (confidence < {look['below']}): {look['listed']} of {figures['n']} listed, holding "
        f"{look['wrong_kinds_listed']} of the {look['wrong_kinds']} wrong kinds"
    )
    return "\n".join(lines)


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def misses(rows: list[dict[str, Any]], results: list[Analysis]) -> list[str]:
    """One line per row where a decision differs from its label (for --verbose)."""
    lines = []
    for row, result in zip(rows, results):
        wrong = []
        if row["kind"] != result.kind:
            wrong.append(f"kind {row['kind']}->{result.kind}")
        if row["sentiment"] != result.sentiment:
            wrong.append(f"sent {row['sentiment']}->{result.sentiment}")
        for field, reason in FLAGS.items():
            if bool(row[field]) != (reason in result.urgency_reasons):
                wrong.append(f"{field} {bool(row[field])}")
        if wrong:
            lines.append(f"{row.get('id', '?')}: {'; '.join(wrong)} | {row['text'][:150]!r} {result.evidence}")
    return lines
