"""Reply linter latency: p50/p95/max milliseconds per reply over a corpus, rules alone and through the gate.

`python -m bench.lint [FILE] [--repeat 3]` (FILE: data/reply_safety/replies.jsonl by default). The first pass
warms the caches (simplemma's dictionaries, the rule book, the model) and is not counted; the editor lints on
every change, so the figure that matters is the warm one. Target: p95 < 20 ms.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from bench.common import percentile
from replies import gate
from replies.lint import lint
from replies.second_opinion import CORPUS, load_rows, model_for

TARGET_P95_MS = 20.0


def measure(rows: list[dict], repeat: int, call) -> list[float]:
    samples = []
    for _ in range(repeat):
        for row in rows:
            start = time.perf_counter()
            call(row)
            samples.append((time.perf_counter() - start) * 1000)
    return samples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.lint")
    parser.add_argument("file", nargs="?", default=str(CORPUS))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    path = Path(args.file)
    if not path.is_file():
        print(f"no corpus at {path}", file=sys.stderr)
        return 2
    rows = load_rows(path)
    model = model_for(path)  # trained (or loaded from data/models/) before timing
    cases = {
        "rules, with post": lambda r: lint(r["reply"], r["lang"], mention_text=r.get("post", "")),
        "gate (rules + model)": lambda r: gate.check(r["reply"], r["lang"], mention_text=r.get("post", ""), model=model),
    }
    results = {}
    print(f"{path}: {len(rows)} replies x {args.repeat}")
    for label, call in cases.items():
        measure(rows, 1, call)  # warm-up
        samples = measure(rows, args.repeat, call)
        p50, p95 = percentile(samples, 50), percentile(samples, 95)
        results[label] = {"p50_ms": round(p50, 2), "p95_ms": round(p95, 2), "max_ms": round(max(samples), 2)}
        verdict = "ok" if p95 < TARGET_P95_MS else "OVER TARGET"
        print(f"{label:22} p50 {p50:6.2f} ms  p95 {p95:6.2f} ms  max {max(samples):7.2f} ms  "
              f"({verdict}, target p95 < {TARGET_P95_MS:g} ms)")
    print(json.dumps({"bench": "lint", "replies": len(rows), "results": results}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
