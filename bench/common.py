"""Helpers the benchmarks share: where ../shared is, loading eval texts, timing and percentiles."""
from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def eval_texts(limit: int | None = None) -> list[dict]:
    """Rows of ../shared/eval/dev.jsonl (measurement only; never copied into the project)."""
    path = SHARED / "eval" / "dev.jsonl"
    if not path.exists():
        sys.exit(f"{path} is absent: the ingest benchmark builds its mentions from it")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows[:limit] if limit else rows


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def time_calls(call: Callable[[], object], repeat: int) -> dict[str, float]:
    """Latency of `call` in milliseconds over `repeat` runs (one warm-up run first)."""
    call()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return {"p50_ms": statistics.median(samples), "p95_ms": percentile(samples, 95), "runs": repeat}
