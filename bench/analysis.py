"""Throughput of the whole analysis (language, sentiment with a trained model, kind, topics, urgency, triage).

`python -m bench.analysis [--per-language 1000] [--profile] [--save-outputs F | --check-outputs F]`

Trains the clinic's model the way the product does (analysis.learn.retrain on staff-like labels: the own set
data/triage/mentions.jsonl with its sentiment, kind and topics, plus sentiment labels of ../shared/eval rows
that are not timed), loads it with Analyzer, loads the lemma dictionaries (warm_up: one-time, not per text),
then analyses the own set plus --per-language eval texts per language in one process on one core and prints:

- texts/s and µs/text of a first pass (per-token caches cold, as a fresh worker after warm-up) and of the
  fastest of three more passes over the same texts (caches warm, as a worker some thousand texts in; the
  fastest, since on a shared machine the other processes only ever add time);
- µs/text per stage (a third pass with a timer around each stage; the timers add a little);
- with --profile, the top functions by own time (cProfile over one more pass).

After warm-up the garbage collector is set up as clinicwatch.workers sets it up in every analysis worker (what
is loaded frozen out of the collections, a young-generation pass every WORKER_GC_THRESHOLD allocations);
--default-gc times with the interpreter's defaults instead.

--save-outputs writes every decision (all Analysis fields) as JSON lines; --check-outputs compares with such
a file and exits 1 on any difference: run it before and after a speed change to show no decision moved.
Without ../shared the own set alone is timed (said on stderr).
"""
from __future__ import annotations

import argparse
import cProfile
import dataclasses
import gc
import json
import os
import pstats
import random
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import analysis.analyzer as analyzer_module
from analysis.analyzer import Analyzer
from analysis.language import LanguageDetector
from analysis.learn import TrainingRow, retrain
from analysis.model import LearnedModel
from analysis.sentiment import SentimentScorer
from bench.common import ROOT, SHARED
from clinicwatch.workers import WORKER_GC_THRESHOLD
from core.labels import SENTIMENTS

OWN_SET = ROOT / "data" / "triage" / "mentions.jsonl"
TARGET = 3000.0  # texts/s on one core (issue 17)
WARM_PASSES = 3
TRAIN_PER_LANGUAGE = 500  # eval rows per language given to training as sentiment labels (never timed)
# Stage name -> the analyzer module's function it times (analyse_text calls them through that module).
STAGES = ("scan_text", "detect_topics", "find_signals", "decide_kind", "extract_features", "assess_urgency",
          "cue_text", "is_question")

Text = tuple[str, str]  # (declared language, text)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_texts(per_language: int, seed: int) -> tuple[list[Text], list[TrainingRow]]:
    """The timed texts and the training rows (disjoint): own set + eval texts when ../shared is present."""
    own = read_jsonl(OWN_SET)
    texts: list[Text] = [(row["lang"], "\n".join(p for p in (row.get("title"), row["text"]) if p)) for row in own]
    training: list[TrainingRow] = [
        TrainingRow(text=row["text"], declared_language=row["lang"], language=None,
                    labels={"sentiment": row["sentiment"], "kind": row["kind"], "topics": row["topics"]})
        for row in own
    ]
    eval_path = SHARED / "eval" / "dev.jsonl"
    if not eval_path.exists():
        print(f"{eval_path} is absent: timing the own set alone ({len(texts)} texts)", file=sys.stderr)
        return texts, training
    by_language: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in read_jsonl(eval_path):
        by_language[row["lang"]].append(row)
    rng = random.Random(seed)
    for language in sorted(by_language):
        rows = by_language[language]
        rng.shuffle(rows)
        texts += [(language, row["text"]) for row in rows[:per_language]]
        training += [
            TrainingRow(text=row["text"], declared_language=language, language=None, labels={"sentiment": row["label"]})
            for row in rows[per_language:per_language + TRAIN_PER_LANGUAGE] if row["label"] in SENTIMENTS
        ]
    return texts, training


def run(analyzer: Analyzer, texts: list[Text]) -> tuple[float, list[Any]]:
    """CPU seconds for one pass over the texts (this process only), and the analyses."""
    results = []
    started = time.process_time()
    for language, text in texts:
        results.append(analyzer.analyse_text(text, declared_language=language))
    return time.process_time() - started, results


def stage_times(analyzer: Analyzer, texts: list[Text]) -> dict[str, float]:
    """CPU seconds per stage over one pass, with a timer around each stage function."""
    spent: dict[str, float] = defaultdict(float)

    def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] += time.process_time() - started
        return wrapper

    originals = {name: getattr(analyzer_module, name) for name in STAGES}
    # Methods are timed on their classes (LearnedModel has slots: no instance attribute can shadow one).
    methods = {"language": (LanguageDetector, "detect"), "sentiment rules": (SentimentScorer, "score"),
               "model step": (Analyzer, "_apply_model"), "model heads": (LearnedModel, "predict")}
    saved = {name: getattr(owner, attribute) for name, (owner, attribute) in methods.items()}
    try:
        for name, function in originals.items():
            setattr(analyzer_module, name, timed(name, function))
        for name, (owner, attribute) in methods.items():
            setattr(owner, attribute, timed(name, saved[name]))
        spent["whole analysis"], _ = run(analyzer, texts)
    finally:
        for name, function in originals.items():
            setattr(analyzer_module, name, function)
        for name, (owner, attribute) in methods.items():
            setattr(owner, attribute, saved[name])
    return dict(spent)


def as_record(result: Any) -> dict[str, Any]:
    return dataclasses.asdict(result)


def check_outputs(path: Path, texts: list[Text], results: list[Any]) -> int:
    """Compare every decision with a saved run; print the differences; 1 when any."""
    saved = read_jsonl(path)
    if len(saved) != len(results):
        print(f"{path}: {len(saved)} saved analyses, {len(results)} now: not the same texts", file=sys.stderr)
        return 1
    differ = 0
    for before, (language, text), result in zip(saved, texts, results):
        now = as_record(result)
        if before != now:
            differ += 1
            if differ <= 10:
                changed = {k: (before.get(k), now[k]) for k in now if before.get(k) != now[k]}
                print(f"differs [{language}] {text[:80]!r}: {changed}")
    print(f"outputs compared with {path}: {len(results) - differ} identical, {differ} different")
    return 1 if differ else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.analysis", description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-language", type=int, default=1000, help="eval texts timed per language (default 1000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", action="store_true", help="print the top functions by own time (cProfile)")
    parser.add_argument("--default-gc", action="store_true",
                        help="keep the interpreter's collector settings instead of the analysis workers'")
    outputs = parser.add_mutually_exclusive_group()
    outputs.add_argument("--save-outputs", type=Path, metavar="FILE", help="write every decision as JSON lines")
    outputs.add_argument("--check-outputs", type=Path, metavar="FILE", help="compare every decision with FILE")
    args = parser.parse_args(argv)
    if (args.save_outputs or args.check_outputs) and os.environ.get("PYTHONHASHSEED") != "0":
        # The model sums a text's weights in the set order of its feature names, which the hash seed changes:
        # without a fixed seed a score's 4th decimal may move between two runs of the same code.
        arguments = sys.argv[1:] if argv is None else argv
        os.execve(sys.executable, [sys.executable, "-m", "bench.analysis", *arguments], {**os.environ, "PYTHONHASHSEED": "0"})

    texts, training = load_texts(args.per_language, args.seed)
    with tempfile.TemporaryDirectory(prefix="clinicwatch-bench-") as workdir:
        started = time.perf_counter()
        summary = retrain(training, Path(workdir) / "models")
        trained_in = time.perf_counter() - started
        analyzer = Analyzer(model_dir=Path(workdir) / "models")
    analyzer.warm_up()
    if not args.default_gc:
        # As clinicwatch.workers.fork_workers and each worker do: what is loaded lives as long as the process.
        gc.collect()
        gc.freeze()
        gc.set_threshold(WORKER_GC_THRESHOLD, *gc.get_threshold()[1:])
    n = len(texts)
    print(f"model {analyzer.model_version}: {summary['mentions']} labelled mentions, heads "
          f"{', '.join(summary['heads'])} (trained in {trained_in:.1f} s)")
    languages = ", ".join(f"{lang} {sum(1 for t in texts if t[0] == lang)}" for lang in sorted({t[0] for t in texts}))
    collector = "the interpreter's defaults" if args.default_gc else "as in the analysis workers"
    print(f"texts timed: {n} ({languages}), one process, CPU time of this process, garbage collector {collector}")
    cold, results = run(analyzer, texts)
    warm = min(run(analyzer, texts)[0] for _ in range(WARM_PASSES))
    for label, seconds in (("first pass (token caches cold)", cold), (f"best of {WARM_PASSES} more (caches warm)", warm)):
        print(f"{label:<34}{n / seconds:>9,.0f} texts/s {seconds / n * 1e6:>8.0f} µs/text")
    for label, seconds in (("first pass", cold), ("caches warm", warm)):
        print(f"target {TARGET:,.0f} texts/s on one core, {label}: {'met' if n / seconds >= TARGET else 'NOT met'}")
    print("per stage (one more pass, a timer around each stage; the model step holds its features and heads):")
    for name, seconds in sorted(stage_times(analyzer, texts).items(), key=lambda item: -item[1]):
        print(f"  {name:<20}{seconds / n * 1e6:>8.1f} µs/text")
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        run(analyzer, texts)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    print(json.dumps({"texts": n, "gc": "default" if args.default_gc else "workers",
                      "texts_per_second_cold": round(n / cold, 1), "texts_per_second_warm": round(n / warm, 1),
                      "model": analyzer.model_version}))
    if args.save_outputs:
        args.save_outputs.write_text("".join(json.dumps(as_record(r)) + "\n" for r in results), encoding="utf-8")
        print(f"saved {len(results)} analyses to {args.save_outputs}")
    if args.check_outputs:
        return check_outputs(args.check_outputs, texts, results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
