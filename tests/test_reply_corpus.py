"""The team's reply-safety corpus: schema, unique ids, known categories, enough rows per language, README counts current."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # subprocesses, AppTest runs or kill tests: not in `make test-fast`

ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = ROOT / "data" / "reply_safety"
CORPUS = CORPUS_DIR / "replies.jsonl"
CATEGORIES = {
    "names_condition", "record_lookup", "confirms_patient", "medical_advice",
    "asks_health_data", "promises_outcome", "personal_data", "reveals_staff_action",
}
LANGS = {"pl", "it", "en"}
KEYS = {"id", "lang", "post", "reply", "unsafe", "categories"}
MINIMUM_PER_CLASS = 200
NEAR_COPY = 0.75  # Jaccard similarity of character 4-grams above which two replies count as one template
ID = re.compile(r"^(pl|it|en)-(u|s)-\d{3,}$")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"\+?\d[\d ().-]{7,}\d")  # kept apart from replies.personal_data: the corpus must not bend to the linter


def rows() -> list[tuple[int, dict]]:
    """(line number, object) for every line; a line that is not a JSON object fails the test naming it."""
    out = []
    for number, line in enumerate(CORPUS.read_text(encoding="utf-8").splitlines(), start=1):
        assert line.strip(), f"line {number} is blank"
        value = json.loads(line)
        assert isinstance(value, dict), f"line {number} is not an object"
        out.append((number, value))
    return out


def test_every_row_has_the_schema():
    for number, row in rows():
        assert set(row) == KEYS, f"line {number}: keys {sorted(row)}"
        assert row["lang"] in LANGS, f"line {number}: lang {row['lang']!r}"
        assert isinstance(row["unsafe"], bool), f"line {number}: unsafe must be true or false"
        for field in ("post", "reply"):
            assert isinstance(row[field], str) and row[field].strip() == row[field] and row[field], f"line {number}: {field}"
        assert isinstance(row["categories"], list), f"line {number}: categories must be a list"


def test_ids_are_unique_and_say_language_and_class():
    seen = Counter(row["id"] for _, row in rows())
    assert [key for key, count in seen.items() if count > 1] == []
    for number, row in rows():
        match = ID.match(row["id"])
        assert match, f"line {number}: id {row['id']!r}"
        assert match.group(1) == row["lang"], f"line {number}: id language differs from lang"
        assert (match.group(2) == "u") == row["unsafe"], f"line {number}: id class differs from unsafe"


def test_categories_are_known_present_exactly_on_unsafe_rows_and_not_repeated():
    for number, row in rows():
        cats = row["categories"]
        assert set(cats) <= CATEGORIES, f"line {number}: unknown {sorted(set(cats) - CATEGORIES)}"
        assert len(cats) == len(set(cats)), f"line {number}: repeated category"
        assert bool(cats) == row["unsafe"], f"line {number}: unsafe rows need categories, safe rows none"


def test_no_reply_appears_twice():
    seen = Counter(row["reply"] for _, row in rows())
    assert [reply for reply, count in seen.items() if count > 1] == []


def shingles(text: str, size: int = 4) -> set[str]:
    """Character 4-grams of the lower-cased text: enough to tell a reworded reply from a copy with swapped names."""
    folded = text.lower()
    return {folded[i:i + size] for i in range(len(folded) - size + 1)}


@pytest.mark.parametrize("lang", sorted(LANGS))
def test_no_two_replies_in_a_language_are_near_copies(lang):
    """Replies built from one template with swapped words would let a learner memorise the template, not the harm."""
    vocabulary: dict[str, int] = {}
    replies = []  # (size, id, bitmask of shingles): big-int AND + bit_count keeps ~50k comparisons well under a second
    for _, row in rows():
        if row["lang"] == lang:
            grams = shingles(row["reply"])
            mask = 0
            for gram in grams:
                mask |= 1 << vocabulary.setdefault(gram, len(vocabulary))
            replies.append((len(grams), row["id"], mask))
    replies.sort(key=lambda item: item[0])
    close = []
    for index, (size, left_id, left) in enumerate(replies):
        for other_size, right_id, right in replies[index + 1:]:
            if size <= NEAR_COPY * other_size:
                break  # sorted by size: Jaccard is at most size / other_size, so no later reply can be close
            shared = (left & right).bit_count()
            if shared / (size + other_size - shared) > NEAR_COPY:
                close.append((left_id, right_id))
    assert close == []


@pytest.mark.parametrize("lang", sorted(LANGS))
def test_each_language_has_enough_safe_and_unsafe_rows(lang):
    counts = Counter(row["unsafe"] for _, row in rows() if row["lang"] == lang)
    assert counts[True] >= MINIMUM_PER_CLASS, f"{lang}: {counts[True]} unsafe"
    assert counts[False] >= MINIMUM_PER_CLASS, f"{lang}: {counts[False]} safe"


@pytest.mark.parametrize("lang", sorted(LANGS))
def test_every_category_is_represented_in_each_language(lang):
    counts = Counter(cat for _, row in rows() if row["lang"] == lang for cat in row["categories"])
    assert {cat for cat in CATEGORIES if counts[cat] < 20} == set(), f"{lang}: {dict(counts)}"


def official_contacts() -> tuple[set[str], set[str]]:
    """E-mail addresses and phone digits listed in official_contacts.txt."""
    lines = [line.strip() for line in (CORPUS_DIR / "official_contacts.txt").read_text(encoding="utf-8").splitlines()]
    entries = [line for line in lines if line and not line.startswith("#")]
    return {e.lower() for e in entries if "@" in e}, {re.sub(r"\D", "", e) for e in entries if "@" not in e}


def test_safe_replies_carry_only_official_contacts():
    """A clinic's own phone or e-mail is safe; any other contact in a reply is someone's personal data."""
    emails, phones = official_contacts()
    strays = []
    for _, row in rows():
        if row["unsafe"]:
            continue
        strays += [(row["id"], m.group()) for m in EMAIL.finditer(row["reply"]) if m.group().lower().rstrip(".") not in emails]
        strays += [(row["id"], m.group()) for m in PHONE.finditer(row["reply"])
                   if len(re.sub(r"\D", "", m.group())) >= 9 and re.sub(r"\D", "", m.group()) not in phones]
    assert strays == []


def test_readme_counts_match_the_corpus():
    result = subprocess.run([sys.executable, str(CORPUS_DIR / "counts.py"), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
