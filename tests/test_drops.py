"""Nothing lost without a count: every item a source offers is stored or counted as dropped, with its reason."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import tomli_w

from clinicwatch.pipeline import Pipeline
from collectors.http import close_shared_fetchers
from collectors.registry import parse_config
from storage.store import open_store
from tests.loopback import Response

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _fresh_fetchers():
    yield
    close_shared_fetchers()


def entry(guid: str, title: str, body: str, link: str | None = None) -> str:
    link = link or f"https://blog.example.pl/{guid}"
    return (f'<item><title>{title}</title><link>{link}</link><guid isPermaLink="false">{guid}</guid>'
            f"<description>{body}</description></item>")


def rss(*entries: str, tail: bytes = b"") -> bytes:
    return (f'<rss version="2.0"><channel><title>Blog</title>{"".join(entries)}</channel></rss>').encode() + tail


LONG = "Wizyta w przychodni Medicover na Woli, rejestracja poszła sprawnie i bez kolejki."


def settings(tmp_path, loopback) -> dict:
    return {
        "clinic_name": "Medicover", "database": str(tmp_path / "cw.db"),
        "brand": {"names": ["Medicover"], "exclusions": ["Medicover Sport"]},
        "http": {"allow_private_addresses": True, "retries": 0, "timeout_seconds": 2},
        "sources": [{"kind": "feed", "name": n, "url": loopback.url(f"/{n}")} for n in ("blog", "mirror")],
    }


def test_every_offered_item_is_stored_or_counted_with_its_reason(tmp_path, loopback) -> None:
    first = rss(
        entry("a", "Opinia", LONG),
        entry("b", "Rower", "Nowy rower i buty do biegania, nic o przychodniach."),  # not the brand
        entry("c", "Karnet", "Kupiłem karnet Medicover Sport na siłownię przy biurze."),  # excluded phrase
        entry("a", "Opinia", LONG),  # the same id twice in one answer
        entry("d", "Druga", "Medicover Mokotów: lekarz spóźniony godzinę, ale bardzo dokładny."),
    )
    loopback.routes["/blog"] = lambda r: Response(200, first)
    # a mirror republishing post "a" (same link, title and text) under its own id
    loopback.routes["/mirror"] = lambda r: Response(200, rss(entry("m-1", "Opinia", LONG, "https://blog.example.pl/a")))
    config = parse_config(settings(tmp_path, loopback))
    store = open_store(config.database)
    pipeline = Pipeline(config, store)

    # one after the other, so which of the two copies is stored first is known
    runs = {run.name: run for run in pipeline.collect(pipeline.due_sources(only=["blog"]))}
    runs |= {run.name: run for run in pipeline.collect(pipeline.due_sources(only=["mirror"]))}
    assert (runs["blog"].seen, runs["blog"].new) == (5, 2)
    assert runs["blog"].dropped == {"not_matched": 1, "excluded": 1, "duplicate": 1}
    assert (runs["mirror"].new, runs["mirror"].dropped) == (0, {"duplicate": 1})
    for run in runs.values():
        assert run.seen == run.new + sum(run.dropped.values())  # nothing unaccounted for

    # the next poll: two known entries again, a new one, and one cut off by junk after an unclosed item
    loopback.routes["/blog"] = lambda r: Response(200, rss(
        entry("a", "Opinia", LONG), entry("d", "Druga", "Medicover Mokotów: lekarz spóźniony godzinę."),
        entry("e", "Trzecia", "Medicover Ursynów: szybka wizyta."))[:-len("</channel></rss>")]
        + b"<item><title>Czwarta</title><guid>f</guid><description>Medicover")
    runs = {run.name: run for run in pipeline.collect(pipeline.due_sources(only=["blog"]))}
    assert runs["blog"].new == 1
    assert runs["blog"].dropped == {"already_seen": 2, "unparsable": 1}
    assert runs["blog"].seen == runs["blog"].new + sum(runs["blog"].dropped.values())

    drops = store.source_drops()
    assert drops["blog"] == {"already_seen": (2, 2), "unparsable": (1, 1), "not_matched": (0, 1),
                             "excluded": (0, 1), "duplicate": (0, 1)}
    assert drops["mirror"] == {"duplicate": (1, 1)}
    store.close()

    config_file = tmp_path / "cw.toml"
    config_file.write_bytes(tomli_w.dumps(settings(tmp_path, loopback)).encode())
    status = subprocess.run([sys.executable, "-m", "clinicwatch", "status", "--config", str(config_file)],
                            cwd=ROOT, capture_output=True, text=True, timeout=120, check=False, env={"COLUMNS": "400",
                                                                                         "PATH": "/usr/bin:/bin"})
    assert status.returncode == 0, status.stderr
    assert "already_seen 2 (2), duplicate 0 (1), excluded 0 (1), not_matched 0 (1), unparsable 1 (1)" in status.stdout


def test_items_analysed_in_worker_processes_are_counted_too(tmp_path, loopback) -> None:
    """A forum page of 80 posts goes to the analysis workers as one batch; their verdicts come back counted."""
    posts = "".join(
        f'<div class="post" id="p{i}"><span class="author">user{i}</span><div class="text">'
        + (f"Wizyta nr {i} w Medicover Wola, polecam." if i % 2 else f"Post nr {i} o czymś zupełnie innym.")
        + "</div></div>" for i in range(80))
    loopback.routes["/robots.txt"] = lambda r: Response(404, b"")
    loopback.routes["/thread"] = lambda r: Response(200, f"<html><body>{posts}</body></html>".encode(),
                                                   {"Content-Type": "text/html; charset=utf-8"})
    config = parse_config({
        "clinic_name": "Medicover", "database": str(tmp_path / "cw.db"), "brand": {"names": ["Medicover"]},
        "http": {"allow_private_addresses": True, "retries": 0, "timeout_seconds": 2},
        "sources": [{"kind": "forum", "name": "forum", "url": loopback.url("/thread"), "max_pages": 1,
                     "selectors": {"post": "div.post", "text": "div.text", "author": "span.author"}}],
    })
    store = open_store(config.database)
    with Pipeline(config, store, analysis_workers=2) as pipeline:
        [run] = pipeline.collect(config.sources)
    assert (run.seen, run.new, run.dropped) == (80, 40, {"not_matched": 40})
    assert store.source_drops()["forum"] == {"not_matched": (40, 40)}
