"""The evaluation command: per-language table, JSON on the last line, the staff-label learning path."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from analysis.evaluate import main

ROOT = Path(__file__).resolve().parent.parent
ROWS = [
    ("pl", "Nie polecam, lekarka była niemiła i opryskliwa.", "negative"),
    ("pl", "Fatalna obsługa, nikt nie odbiera telefonu.", "negative"),
    ("pl", "Wspaniały lekarz, bardzo polecam!", "positive"),
    ("pl", "Wizyta trwała pół godziny.", "neutral"),
    ("pl", "Było i dobrze, i źle.", "mixed"),
    ("it", "Personale scortese, non consiglio.", "negative"),
    ("it", "Medico bravissimo e gentile.", "positive"),
    ("it", "La visita è alle nove.", "neutral"),
    ("en", "Rude receptionist and a three hour wait.", "negative"),
    ("en", "Lovely staff, thank you so much.", "positive"),
    ("en", "The clinic is on the second floor.", "neutral"),
]


def write_jsonl(path: Path, rows) -> Path:
    path.write_text("".join(json.dumps({"lang": lang, "text": t, "label": y, "source": "test"}) + "\n" for lang, t, y in rows))
    return path


def last_json(output: str) -> dict:
    return json.loads(output.strip().splitlines()[-1])


def check_shape(result: dict, languages: set[str]) -> None:
    assert languages <= set(result)
    for language in languages:
        figures = result[language]
        assert isinstance(figures["n"], int) and figures["n"] > 0
        for key in ("negative_f1", "macro_f1"):
            assert 0.0 <= figures[key] <= 1.0
            assert 0.0 <= figures["vader"][key] <= 1.0
    assert result["texts_per_second"] > 0


def test_scores_rules_with_table_and_json(tmp_path, capsys):
    assert main([str(write_jsonl(tmp_path / "eval.jsonl", ROWS)), "--json"]) == 0
    output = capsys.readouterr().out
    assert "VADER" in output and "texts/second" in output
    result = last_json(output)
    check_shape(result, {"pl", "it", "en"})
    assert result["pl"]["n"] == 4  # the "mixed" row is left out of sentiment metrics
    assert result["model_version"] == "rules"
    assert result["pl"]["negative_f1"] == 1.0  # these sentences are plain enough for the rules


def test_train_goes_through_the_learning_path(tmp_path, capsys):
    train = write_jsonl(tmp_path / "train.jsonl", ROWS * 3)
    evaluation = write_jsonl(tmp_path / "eval.jsonl", ROWS)
    assert main([str(evaluation), "--train", str(train), "--json"]) == 0
    result = last_json(capsys.readouterr().out)
    assert result["model_version"] == "model-v1"
    check_shape(result, {"pl", "it", "en"})


def test_help_documents_split_mode():
    completed = subprocess.run(
        [sys.executable, "-m", "analysis.evaluate", "--help"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert "--split-train" in completed.stdout and "--seed" in completed.stdout


def test_bad_rows_give_a_clear_error(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"lang": "pl", "text": "brak etykiety"}\n')
    try:
        main([str(bad)])
    except SystemExit as stop:
        assert "bad.jsonl:1" in str(stop) and "label" in str(stop)
    else:
        raise AssertionError("a row without a label must stop the command")


def test_split_mode_on_shared_dev_sample(shared_dir, tmp_path, capsys):
    lines = (shared_dir / "eval" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    # A few hundred lines from each language block, so every language is present.
    by_language: dict[str, list[str]] = {}
    for line in lines:
        by_language.setdefault(json.loads(line)["lang"], []).append(line)
    sample = tmp_path / "sample.jsonl"
    sample.write_text("\n".join(line for group in by_language.values() for line in group[:120]) + "\n")
    assert main([str(sample), "--split-train", "0.5", "--seed", "1", "--json"]) == 0
    result = last_json(capsys.readouterr().out)
    check_shape(result, set(by_language))
    assert result["model_version"] == "model-v1"
