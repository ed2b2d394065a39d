"""Every real and corpus feed in ../shared goes through FeedCollector over real HTTP on 127.0.0.1."""
from __future__ import annotations

import ast
import io
import re
from dataclasses import dataclass
from pathlib import Path

import feedparser
import pytest

from collectors.base import SourceError
from collectors.feeds import FeedCollector, FeedSource
from collectors.html_text import html_to_text, plain_to_text
from collectors.http import Fetcher
from collectors.registry import parse_config
from core.models import Mention
from tests.loopback import LoopbackServer, Response

_EXPECT = re.compile(r"^\s*Expect:\s*(.*)$", re.MULTILINE)
# One equality on the first entry, e.g.  not bozo and entries[0]['summary'] == u'<b>x</b>'
_EQUALITY = re.compile(r"^not bozo and entries\[0\]((?:\['\w+'\](?:\[0\])?)+) == ((?:u?'.*'|u?\".*\"))$")
FIELD_OF_PATH = {
    "['title']": "title",
    "['title_detail']['value']": "title",
    "['summary']": "text",
    "['description']": "text",
    "['content'][0]['value']": "text",
    # ['author'] is left out: feedparser appends the e-mail there; the collector stores the name only.
    "['author_detail']['name']": "author",
}
_TAG = re.compile(r"<[A-Za-z!/?]")
_HANDLER = re.compile(r"\bon[a-z]+\s*=\s*['\"]", re.IGNORECASE)


@dataclass
class Outcome:
    path: Path
    mentions: list[Mention] | None = None
    error: SourceError | None = None


def feed_files(shared: Path) -> list[Path]:
    root = shared / "fixtures" / "feeds"
    return sorted(
        p for p in [*root.joinpath("real").rglob("*"), *root.joinpath("corpus").rglob("*")]
        if p.is_file() and not p.name.startswith("LICENSE")
    )


@pytest.fixture(scope="module")
def outcomes(shared_dir: Path) -> dict[Path, Outcome]:
    root = shared_dir / "fixtures" / "feeds"
    config = parse_config(
        {"clinic_name": "Test", "brand": {"names": ["x"]}, "http": {"allow_private_addresses": True, "retries": 0}}
    )
    results: dict[Path, Outcome] = {}
    with LoopbackServer() as server, Fetcher(config.http) as fetcher:
        # Header and body go out in separate writes; without this, delayed ACKs cost 40 ms a request.
        server.httpd.RequestHandlerClass.disable_nagle_algorithm = True
        server.fallback = lambda request: Response(200, (root / request.path.lstrip("/")).read_bytes())
        for path in feed_files(shared_dir):
            source = FeedSource(kind="feed", name="corpus", url=server.url("/" + str(path.relative_to(root))))
            outcome = Outcome(path)
            try:
                outcome.mentions = FeedCollector(source, config, fetcher=fetcher).collect({}).mentions
            except SourceError as error:  # anything else escaping fails the test
                outcome.error = error
            results[path] = outcome
    return results


def test_every_file_goes_through_without_a_crash(outcomes: dict[Path, Outcome]) -> None:
    assert len(outcomes) > 900
    failed = {str(o.path): str(o.error) for o in outcomes.values() if o.error}
    # Only broken documents may fail: fragments of a feed (the *FirstEntry* files) and ill-formed ones.
    unexpected = {p: e for p, e in failed.items() if "FirstEntry" not in p and "/illformed/" not in p}
    assert unexpected == {}
    assert all(o.error.kind == "parse" for o in outcomes.values() if o.error)


def test_real_feeds_yield_plain_text_mentions(outcomes: dict[Path, Outcome]) -> None:
    real = [o for o in outcomes.values() if o.path.parent.name == "real" and o.mentions]
    assert len(real) >= 25
    for outcome in real:
        for mention in outcome.mentions:
            assert mention.external_id and mention.url.startswith("http")
            assert not _TAG.search(mention.text) and not _TAG.search(mention.title), outcome.path.name


def expectations(path: Path) -> list[tuple[str, str, str]]:
    """(mention field, expected value, feedparser key path) for each checkable Expect line in a corpus file's header."""
    header = path.read_bytes()[:4000].decode("utf-8", "replace")
    found = []
    for line in _EXPECT.findall(header):
        match = _EQUALITY.match(line.strip())
        if match and match.group(1) in FIELD_OF_PATH:
            try:
                expected = ast.literal_eval(match.group(2))
            except (ValueError, SyntaxError):
                continue
            found.append((FIELD_OF_PATH[match.group(1)], expected, match.group(1)))
    return found


def first_entry_is_unambiguous(entry: dict, expectation_path: str) -> bool:
    """Summary expectations only count when the entry has no content (the collector prefers content)."""
    content = entry.get("content") or []
    if expectation_path in ("['summary']", "['description']"):
        return not content
    if expectation_path.startswith("['content']"):
        return len(content) == 1
    return True


def declared_type(entry: dict, expectation_path: str) -> str:
    if expectation_path.startswith("['author"):
        return "text/html"  # names are always read as HTML by the collector
    if expectation_path.startswith("['title"):
        return (entry.get("title_detail") or {}).get("type", "")
    if expectation_path.startswith("['content']"):
        return entry["content"][0].get("type", "")
    return (entry.get("summary_detail") or {}).get("type", "")


def as_stored(expected: str, content_type: str) -> str:
    """What the collector should store for this value: plain text stays text, anything else is HTML."""
    return plain_to_text(expected) if content_type == "text/plain" else html_to_text(expected)


def test_stored_title_and_text_agree_with_corpus_expectations(outcomes: dict[Path, Outcome]) -> None:
    checked, mismatches = 0, []
    for outcome in outcomes.values():
        if "corpus" not in outcome.path.parts:
            continue
        for field, expected, where in expectations(outcome.path):
            entries = feedparser.parse(io.BytesIO(outcome.path.read_bytes())).entries
            if not entries or not first_entry_is_unambiguous(entries[0], where):
                continue
            assert outcome.mentions, f"{outcome.path.name}: {outcome.error}"
            actual = getattr(outcome.mentions[0], field)
            want = as_stored(expected, declared_type(entries[0], where))
            checked += 1
            if actual != want:
                mismatches.append((outcome.path.name, field, want, actual))
    assert checked >= 200
    assert mismatches == [], "\n".join(map(repr, mismatches))


def test_sanitize_files_leave_no_live_markup(outcomes: dict[Path, Outcome]) -> None:
    sanitize = [o for o in outcomes.values() if o.path.parent.name == "sanitize"]
    assert len(sanitize) > 300
    for outcome in sanitize:
        for mention in outcome.mentions or []:
            for value in (mention.title, mention.text, mention.author):
                assert "<script" not in value.lower(), outcome.path.name
                assert "javascript:" not in value.lower(), outcome.path.name
                assert not _HANDLER.search(value), outcome.path.name
                assert not _TAG.search(value), outcome.path.name
