"""The team's labelled triage set (data/triage/mentions.jsonl): schema, vocabularies, minimum coverage per language.

Run as `python -m tests.test_triage_set` to print the counts table that data/triage/README.md embeds.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from core.labels import KINDS, SENTIMENTS, TOPICS

ROOT = Path(__file__).resolve().parent.parent
SET_FILE = ROOT / "data" / "triage" / "mentions.jsonl"
README = ROOT / "data" / "triage" / "README.md"

LANGS = ("pl", "it", "en")
SOURCES = ("review", "forum", "facebook", "reddit", "tweet", "headline")
FIELDS = ("id", "lang", "source", "title", "text", "kind", "sentiment", "health_risk", "legal", "press", "topics", "note")
FLAGS = ("health_risk", "legal", "press")
MIN_ROWS = 100
MIN_FLAGGED = {"health_risk": 10, "legal": 5, "press": 5}
TABLE_START = "<!-- counts:start -->"
TABLE_END = "<!-- counts:end -->"


def load_rows(path: Path = SET_FILE) -> list[dict]:
    """Every row of the set, in file order (fails loudly on a line that is not a JSON object)."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        row = json.loads(line)
        if not isinstance(row, dict):
            raise ValueError(f"line {number} is not a JSON object")
        rows.append(row)
    return rows


def counts_table(rows: list[dict]) -> str:
    """Markdown table of rows per language by kind, sentiment and flag (the README embeds this output)."""
    columns = ["rows", *KINDS, *SENTIMENTS, *FLAGS]
    lines = ["| lang | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
    for lang in (*LANGS, "all"):
        subset = [r for r in rows if lang in ("all", r["lang"])]
        kinds = Counter(r["kind"] for r in subset)
        sentiments = Counter(r["sentiment"] for r in subset)
        cells = [len(subset), *(kinds[k] for k in KINDS), *(sentiments[s] for s in SENTIMENTS),
                 *(sum(r[f] for r in subset) for f in FLAGS)]
        lines.append(f"| {lang} | " + " | ".join(str(c) for c in cells) + " |")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return load_rows()


def test_every_line_is_a_json_object_written_without_ascii_escapes():
    raw = SET_FILE.read_text(encoding="utf-8")
    assert raw.endswith("\n")
    for number, line in enumerate(raw.splitlines(), 1):
        assert line.strip(), f"blank line {number}"
        assert "\\u" not in line, f"line {number} escapes non-ASCII text (write with ensure_ascii=False)"
        assert isinstance(json.loads(line), dict), f"line {number}"


def test_each_row_has_exactly_the_schema_fields_with_their_types(rows):
    for row in rows:
        assert tuple(row) == FIELDS, row.get("id")
        for field in ("id", "lang", "source", "title", "text", "kind", "sentiment", "note"):
            assert isinstance(row[field], str), (row["id"], field)
        for flag in FLAGS:
            assert isinstance(row[flag], bool), (row["id"], flag)
        assert isinstance(row["topics"], list) and all(isinstance(t, str) for t in row["topics"]), row["id"]
        assert row["text"].strip() and row["note"].strip(), row["id"]


def test_values_come_from_the_project_vocabularies(rows):
    for row in rows:
        assert row["lang"] in LANGS, row["id"]
        assert row["source"] in SOURCES, row["id"]
        assert row["kind"] in KINDS, row["id"]
        assert row["sentiment"] in SENTIMENTS, row["id"]
        assert set(row["topics"]) <= set(TOPICS), (row["id"], row["topics"])
        assert len(row["topics"]) <= 3 and len(set(row["topics"])) == len(row["topics"]), row["id"]


def test_ids_are_unique_and_carry_their_language(rows):
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]
    for row in rows:
        assert re.fullmatch(r"(pl|it|en)-\d{3}", row["id"]) and row["id"][:2] == row["lang"], row["id"]


@pytest.mark.parametrize("lang", LANGS)
def test_each_language_has_enough_rows_and_flagged_rows(rows, lang):
    subset = [r for r in rows if r["lang"] == lang]
    assert len(subset) >= MIN_ROWS
    for flag, minimum in MIN_FLAGGED.items():
        assert sum(r[flag] for r in subset) >= minimum, (lang, flag)
    # Every kind must be present, or kind macro-F1 on this set would silently skip a class.
    assert set(r["kind"] for r in subset) == set(KINDS), lang


def test_readme_counts_match_the_file(rows):
    text = README.read_text(encoding="utf-8")
    start, end = text.index(TABLE_START) + len(TABLE_START), text.index(TABLE_END)
    assert text[start:end].strip() == counts_table(rows), "regenerate with: python -m tests.test_triage_set"


if __name__ == "__main__":
    print(counts_table(load_rows()))
