"""Count the reply-safety corpus per language x safe/unsafe x category and keep README.md's table current.

Usage: python data/reply_safety/counts.py            print the table
       python data/reply_safety/counts.py --write    rewrite the table inside README.md
       python data/reply_safety/counts.py --check    exit 1 when README.md's table is stale
"""
from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "replies.jsonl"
README = HERE / "README.md"
LANGS = ("pl", "it", "en")
CATEGORIES = (
    "names_condition", "record_lookup", "confirms_patient", "medical_advice",
    "asks_health_data", "promises_outcome", "personal_data", "reveals_staff_action",
)
BEGIN, END = "<!-- counts:begin -->", "<!-- counts:end -->"


def load(path: Path = CORPUS) -> list[dict]:
    """Every row of the corpus, in file order."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def table(rows: list[dict]) -> str:
    """A Markdown table: one row per language, columns safe, unsafe, then each category (a reply may count in several)."""
    by_lang = Counter((row["lang"], row["unsafe"]) for row in rows)
    by_cat = Counter((row["lang"], cat) for row in rows for cat in row["categories"])
    header = ["lang", "rows", "safe", "unsafe", *CATEGORIES]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for lang in (*LANGS, "all"):
        langs = LANGS if lang == "all" else (lang,)
        safe = sum(by_lang[(code, False)] for code in langs)
        unsafe = sum(by_lang[(code, True)] for code in langs)
        cats = [str(sum(by_cat[(code, cat)] for code in langs)) for cat in CATEGORIES]
        lines.append("| " + " | ".join([lang, str(safe + unsafe), str(safe), str(unsafe), *cats]) + " |")
    return "\n".join(lines)


def readme_with(text: str, counts: str) -> str:
    """README text with the block between the markers replaced by counts."""
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{counts}\n{END}{tail}"


def main(argv: list[str]) -> int:
    counts = table(load())
    if not argv:
        print(counts)
        return 0
    current = README.read_text(encoding="utf-8")
    wanted = readme_with(current, counts)
    if argv == ["--write"]:
        README.write_text(wanted, encoding="utf-8")
        return 0
    if argv == ["--check"]:
        if wanted != current:
            print("README.md counts are stale: run python data/reply_safety/counts.py --write", file=sys.stderr)
            return 1
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
