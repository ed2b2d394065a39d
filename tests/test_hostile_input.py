"""Hostile input through the real collector, pipeline and store: refused or capped, never crashing or bloating."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from clinicwatch.pipeline import collect_once
from clinicwatch.workers import MAX_TEXT_CHARS
from collectors.http import close_shared_fetchers
from collectors.registry import parse_config
from storage import open_store
from tests.loopback import Response

ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _fresh_fetchers():
    yield
    close_shared_fetchers()


def _config(tmp_path, loopback, names, **http):
    return parse_config({
        "clinic_name": "Salus", "database": str(tmp_path / "cw.db"), "brand": {"names": ["Salus"]},
        "http": {"allow_private_addresses": True, "retries": 0, "timeout_seconds": 10, **http},
        "sources": [{"kind": "feed", "name": n, "url": loopback.url(f"/{n}")} for n in names],
    })


def test_invalid_utf8_is_read_not_fatal(tmp_path, loopback):
    body = (b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
            b"<item><guid>1</guid><title>Salus ") + b"\xff\xfe\xc3(" + (
            " kolejka</title><description>Opinia o Salusie \u017c\u00f3\u0142w</description></item>"
            "</channel></rss>").encode("utf-8")
    loopback.routes["/bad-utf8"] = lambda r: Response(200, body, {"Content-Type": "application/rss+xml"})
    store = open_store(tmp_path / "cw.db")
    runs = collect_once(_config(tmp_path, loopback, ["bad-utf8"]), store)
    assert runs[0].status in ("ok", "error")
    if runs[0].status == "error":  # refusing is fine, crashing is not
        assert runs[0].error_kind == "parse"
    else:
        text = store.recent_mentions()[0]["text"]
        text.encode("utf-8")  # what is stored is valid UTF-8
        assert "Salus" in text


def test_a_10_mb_single_post_is_stored_capped(tmp_path, loopback):
    post = "Salus: " + ("bardzo długo czekałam na wizytę. " * 320_000)  # ~10 MB of text
    body = (f'<rss version="2.0"><channel><title>t</title><item><guid>big</guid><title>Salus</title>'
            f"<description>{post}</description></item></channel></rss>").encode()
    assert len(body) > 10_000_000
    loopback.routes["/big"] = lambda r: Response(200, body, {"Content-Type": "application/rss+xml"})
    store = open_store(tmp_path / "cw.db")
    runs = collect_once(_config(tmp_path, loopback, ["big"], max_bytes=20_000_000), store)
    assert runs[0].status == "ok" and runs[0].new == 1
    stored = store.recent_mentions()[0]
    assert len(stored["text"]) == MAX_TEXT_CHARS
    assert stored["extra"]["truncated_from_chars"] > 9_000_000


def test_billion_laughs_is_refused_without_memory_blow_up(tmp_path):
    """In a fresh process, so its peak memory (ru_maxrss) is the collector's alone."""
    script = textwrap.dedent('''
        import resource, sys
        from collectors.base import SourceError
        from collectors.feed_parse import parse_feed
        lol = b'<!ENTITY lol0 "lol">' + b"".join(
            b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10) for i in range(1, 10))
        body = b'<?xml version="1.0"?><!DOCTYPE rss [' + lol + b']><rss version="2.0"><channel>' \\
               b'<item><title>&lol9;</title></item></channel></rss>'
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        try:
            parse_feed(body, url="http://bomb.example/feed")
            print("PARSED")
        except SourceError as exc:
            print(exc.kind)
        print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
    ''')
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    verdict, grown_kb = out.stdout.split()
    assert verdict == "parse"
    assert int(grown_kb) < 50_000  # a billion laughs expanded would need gigabytes


def test_external_entity_is_not_read(tmp_path, loopback):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-Salus")
    body = (f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>'
            f'<rss version="2.0"><channel><title>t</title><item><guid>1</guid><title>Salus &xxe;</title>'
            f"<description>Salus</description></item></channel></rss>").encode()
    loopback.routes["/xxe"] = lambda r: Response(200, body, {"Content-Type": "application/rss+xml"})
    store = open_store(tmp_path / "cw.db")
    runs = collect_once(_config(tmp_path, loopback, ["xxe"]), store)
    assert "TOP-SECRET" not in repr([m for m in store.iter_mentions()])
    assert runs[0].status == "error" and runs[0].error_kind == "parse"
