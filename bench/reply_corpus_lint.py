"""How the rule linter does on the team's reply-safety corpus: recall on unsafe rows, false alarms on safe rows.

Usage: python -m bench.reply_corpus_lint
Prints one line per language and mode (reply alone / reply with the post), then recall per category. Only safety
rules count as a flag: `too_long` is a style rule, and safe replies are allowed to be long. The corpus has many
fictional clinics and one config holds one clinic's channels, so a personal-data finding on a contact listed in
data/reply_safety/official_contacts.txt is dropped here, as the clinic's own config would drop it in the product.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from replies.lint import lint

DATA = Path(__file__).resolve().parent.parent / "data" / "reply_safety"
CORPUS = DATA / "replies.jsonl"
STYLE_RULES = frozenset({"too_long"})


def official_contacts() -> frozenset[str]:
    """Listed e-mail addresses (lower case) and phone numbers (digits only)."""
    lines = [line.strip() for line in (DATA / "official_contacts.txt").read_text(encoding="utf-8").splitlines()]
    return frozenset(line.lower() if "@" in line else re.sub(r"\D", "", line)
                     for line in lines if line and not line.startswith("#"))


OFFICIAL = official_contacts()


def is_official(reply: str, span: tuple[int, int] | None) -> bool:
    """True when a personal-data finding's span is one of the fictional clinics' own contacts."""
    if span is None:
        return False
    found = reply[span[0]:span[1]].strip().lower().rstrip(".")
    return found in OFFICIAL or re.sub(r"\D", "", found) in OFFICIAL


def flagged(row: dict, with_post: bool) -> bool:
    """True when any safety rule fires on the row's reply."""
    findings = lint(row["reply"], row["lang"], mention_text=row["post"] if with_post else "")
    return any(finding.rule not in STYLE_RULES
               and not (finding.rule == "personal_data" and is_official(row["reply"], finding.span))
               for finding in findings)


def main() -> None:
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    caught_by_category: Counter[str] = Counter()
    total_by_category: Counter[str] = Counter()
    for with_post in (False, True):
        mode = "reply+post" if with_post else "reply only"
        for lang in ("pl", "it", "en", "all"):
            chosen = [row for row in rows if lang == "all" or row["lang"] == lang]
            unsafe = [row for row in chosen if row["unsafe"]]
            safe = [row for row in chosen if not row["unsafe"]]
            caught = [row for row in unsafe if flagged(row, with_post)]
            alarms = sum(flagged(row, with_post) for row in safe)
            print(f"{mode:10} {lang:3}  recall {len(caught) / len(unsafe):.3f} ({len(caught)}/{len(unsafe)})"
                  f"  false alarms {alarms / len(safe):.3f} ({alarms}/{len(safe)})")
            if with_post and lang == "all":
                caught_ids = {row["id"] for row in caught}
                for row in unsafe:
                    for category in row["categories"]:
                        total_by_category[category] += 1
                        caught_by_category[category] += row["id"] in caught_ids
    print("recall per category (reply+post, all languages; a row counts in each of its categories):")
    for category, total in sorted(total_by_category.items()):
        print(f"  {category:22} {caught_by_category[category] / total:.3f} ({caught_by_category[category]}/{total})")


if __name__ == "__main__":
    main()
