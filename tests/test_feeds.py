"""FeedCollector over real HTTP on 127.0.0.1: polling, the cursor, every failure as a SourceError."""
from __future__ import annotations

import gzip
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest

from collectors.base import SourceError
from collectors.feeds import FeedCollector, FeedSource
from collectors.http import Fetcher
from collectors.registry import parse_config
from core.config import HttpConfig
from tests.loopback import Response

CONFIG = parse_config({"clinic_name": "Test", "brand": {"names": ["Medicover"]},
                       "http": {"allow_private_addresses": True, "retries": 0, "timeout_seconds": 2}})


def rss(items: list[str], *, language: str = "") -> bytes:
    lang = f"<language>{language}</language>" if language else ""
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Blog</title>'
            f"<link>https://blog.example.pl/</link>{lang}{''.join(items)}</channel></rss>").encode()


def item(n: int, *, date: str | None = "Tue, 10 Jun 2025 10:00:00 +0200", body: str = "") -> str:
    pub = f"<pubDate>{date}</pubDate>" if date else ""
    text = body or f"&lt;p&gt;Wizyta w Medicoverze nr {n}.&lt;/p&gt;&lt;p&gt;Drugi akapit.&lt;/p&gt;"
    return (f"<item><title>Wpis {n}</title><link>https://blog.example.pl/{n}</link><guid isPermaLink=\"false\">id-{n}</guid>"
            f"{pub}<description>{text}</description></item>")


@pytest.fixture
def fetcher():
    with Fetcher(CONFIG.http, backoff_seconds=0.01) as fetcher:
        yield fetcher


def collector(loopback, fetcher, path: str = "/feed", **source) -> FeedCollector:
    source = FeedSource(kind="feed", name="blog", url=loopback.url(path), **source)
    return FeedCollector(source, CONFIG, fetcher=fetcher)


def collect_error(collector: FeedCollector) -> SourceError:
    with pytest.raises(SourceError) as caught:
        collector.collect({})
    return caught.value


def test_entries_become_plain_text_mentions_in_utc(loopback, fetcher) -> None:
    loopback.routes["/feed"] = lambda r: Response(200, rss([item(1), item(2, date=None)], language="pl-PL"),
                                                  {"Content-Type": "application/rss+xml"})
    result = collector(loopback, fetcher).collect({})
    first, undated = result.mentions
    assert result.seen == 2 and not result.not_modified
    assert (first.source_kind, first.source_name, first.external_id) == ("feed", "blog", "id-1")
    assert first.title == "Wpis 1" and first.url == "https://blog.example.pl/1"
    assert first.text == "Wizyta w Medicoverze nr 1.\n\nDrugi akapit."
    assert first.published_at == datetime(2025, 6, 10, 8, 0, tzinfo=UTC) and not first.published_estimated
    assert first.language == "pl"
    assert undated.published_estimated and undated.published_at == undated.fetched_at


def test_second_poll_is_conditional_and_yields_nothing(loopback, fetcher) -> None:
    def handler(request):
        if request.headers.get("if-none-match") == '"abc"':
            return Response(304, b"")
        return Response(200, rss([item(1), item(2)]), {"ETag": '"abc"', "Last-Modified": "Tue, 10 Jun 2025 08:00:00 GMT"})

    loopback.routes["/feed"] = handler
    feed = collector(loopback, fetcher)
    first = feed.collect({})
    second = feed.collect(first.cursor)
    assert len(first.mentions) == 2
    assert second.not_modified and second.mentions == [] and second.cursor == first.cursor
    sent = loopback.requests[1].headers
    assert sent["if-none-match"] == '"abc"' and sent["if-modified-since"] == "Tue, 10 Jun 2025 08:00:00 GMT"


def test_server_without_caching_still_yields_only_new_entries(loopback, fetcher) -> None:
    entries = [item(1), item(2)]
    loopback.routes["/feed"] = lambda r: Response(200, rss(entries))
    feed = collector(loopback, fetcher)
    first = feed.collect({})
    entries.insert(0, item(3))
    second = feed.collect(first.cursor)
    assert second.seen == 3 and [m.external_id for m in second.mentions] == ["id-3"]
    assert second.cursor["seen_ids"][:3] == ["id-3", "id-1", "id-2"]


def test_identical_body_without_validators_is_not_parsed_again(loopback, fetcher) -> None:
    loopback.routes["/feed"] = lambda r: Response(200, rss([item(1), item(2)]))
    feed = collector(loopback, fetcher)
    first = feed.collect({})
    second = feed.collect(first.cursor)
    assert second.not_modified and second.mentions == [] and second.cursor == first.cursor


def test_google_alerts_links_are_unwrapped_and_bold_removed(loopback, fetcher, shared_dir: Path) -> None:
    body = (shared_dir / "fixtures/feeds/real/google_alerts_atom.xml").read_bytes()
    loopback.routes["/alerts"] = lambda r: Response(200, body, {"Content-Type": "application/atom+xml"})
    mentions = collector(loopback, fetcher, "/alerts", language="en").collect({}).mentions
    assert len(mentions) == 20
    second = mentions[1]
    assert second.title == "Slack Stock Has a Compelling Story and the Numbers to Back It Up"
    assert second.url == "https://investorplace.com/2019/07/slack-stock-truly-compelling/"
    assert all("google.com/url" not in m.url and "<b>" not in m.title + m.text for m in mentions)
    assert second.text.startswith("In the run up to the IPO for Slack Technologies Inc (NYSE:WORK), much of")
    assert second.language == "en"


def test_json_feed_is_read(loopback, fetcher, shared_dir: Path) -> None:
    body = (shared_dir / "fixtures/feeds/real/json_feed.json").read_bytes()
    loopback.routes["/feed.json"] = lambda r: Response(200, body, {"Content-Type": "application/feed+json"})
    mentions = collector(loopback, fetcher, "/feed.json").collect({}).mentions
    first = mentions[0]
    assert first.title == "James Dempsey and the Breakpoints Benefit App Camp for Girls"
    assert first.author == "Brent Simmons" and first.language == "en"
    assert first.published_at == datetime(2017, 6, 3, 5, 5, 47, tzinfo=UTC)
    assert "\n\nYou should get tickets." in first.text and "<" not in first.text


def test_json_feed_1_1_with_plain_text(loopback, fetcher) -> None:
    body = (b'{"version": "https://jsonfeed.org/version/1.1", "title": "T", "language": "it",'
            b' "authors": [{"name": "Anna"}], "items": [{"id": 7, "content_text": "Ottimo <servizio>\\n\\nGrazie",'
            b' "url": "https://x.example.it/7"}]}')
    loopback.routes["/f"] = lambda r: Response(200, body, {"Content-Type": "application/json"})
    (mention,) = collector(loopback, fetcher, "/f").collect({}).mentions
    assert mention.external_id == "7" and mention.author == "Anna" and mention.language == "it"
    assert mention.text == "Ottimo < servizio>\n\nGrazie" and mention.published_estimated


def test_unsafe_links_fall_back_to_the_feed_link(loopback, fetcher) -> None:
    bad = ("<item><title>x</title><link>javascript:alert(1)</link><guid>g</guid>"
           "<description>&lt;script&gt;alert(1)&lt;/script&gt;ok &lt;a href='javascript:x' onclick='y'&gt;a&lt;/a&gt;"
           "</description></item>")
    loopback.routes["/feed"] = lambda r: Response(200, rss([bad]))
    (mention,) = collector(loopback, fetcher).collect({}).mentions
    assert mention.url == "https://blog.example.pl/"
    assert mention.text == "ok a"


@pytest.mark.parametrize("response,kind,words", [
    (Response(500, b"boom"), "http", "server answered 500 Internal Server Error for"),
    (Response(200, rss([item(1)]), delay=3), "timeout", "no answer from"),
    (Response(429, b"", {"Retry-After": "600"}), "rate_limited", "429"),
    (Response(200, b"<!DOCTYPE html><html><head><title>Blog</title></head><body><p>Hi</p></body></html>",
              {"Content-Type": "text/html; charset=utf-8"}), "parse", "is an HTML page, not a feed (look for its RSS link)"),
    (Response(200, rss([item(1)])[:60]), "parse", "truncated"),
    (Response(200, b"x" * 50_000_000), "too_large", "raise http.max_bytes"),
    (Response(200, gzip.compress(b" " * 50_000_000), {"Content-Encoding": "gzip"}), "too_large", "10,000,000"),
    (Response(404, b""), "not_found", "404"),
    (Response(200, b'{"items": []}', {"Content-Type": "application/json"}), "parse", "not a JSON Feed"),
    (Response(200, b""), "parse", "empty body"),
])
def test_failures_end_as_source_errors(loopback, fetcher, response, kind, words) -> None:
    loopback.routes["/feed"] = lambda r: response
    error = collect_error(collector(loopback, fetcher))
    assert error.kind == kind and words in error.message, str(error)


def test_truncated_feed_keeps_the_entries_recovered(loopback, fetcher) -> None:
    body = rss([item(1), item(2), item(3)])
    cut = body[: body.index(b"<item><title>Wpis 3")] + b"<item><title>Wpis 3</ti"
    loopback.routes["/feed"] = lambda r: Response(200, cut)
    ids = [m.external_id for m in collector(loopback, fetcher).collect({}).mentions]
    assert ids == ["id-1", "id-2"]  # the entry cut in half is not taken


@pytest.mark.parametrize("after_root", [
    b"\n<br />\n<b>Warning</b>:  Undefined variable $x in <b>/var/www/feed.php</b> on line <b>12</b><br />\n",
    b"<script>var _paq = window._paq || [];</script>",
    b"\nsome stray text",
], ids=["php-warning", "script", "text"])
def test_junk_after_the_root_keeps_every_complete_entry(loopback, fetcher, after_root) -> None:
    loopback.routes["/feed"] = lambda r: Response(200, rss([item(1), item(2), item(3)]) + after_root)
    ids = [m.external_id for m in collector(loopback, fetcher).collect({}).mentions]
    assert ids == ["id-1", "id-2", "id-3"]


def test_root_close_missing_its_bracket_keeps_every_complete_entry(loopback, fetcher) -> None:
    body = rss([item(1), item(2), item(3)])
    assert body.endswith(b"</rss>")
    loopback.routes["/feed"] = lambda r: Response(200, body[:-1])
    ids = [m.external_id for m in collector(loopback, fetcher).collect({}).mentions]
    assert ids == ["id-1", "id-2", "id-3"]


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<rss version="2.0"><channel><title>&lol4;</title><item><title>&lol4;</title><guid>1</guid></item></channel></rss>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE rss [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<rss version="2.0"><channel><title>t</title><item><title>&xxe;</title><guid>1</guid></item></channel></rss>"""
QUADRATIC = (b'<?xml version="1.0"?><!DOCTYPE rss [ <!ENTITY big "' + b"A" * 50_000 + b'"> ]>'
             b"<rss version=\"2.0\"><channel><item><title>" + b"&big;" * 2000 + b"</title></item></channel></rss>")


@pytest.mark.parametrize("body", [BILLION_LAUGHS, EXTERNAL_ENTITY, QUADRATIC], ids=["laughs", "external", "quadratic"])
def test_xml_bombs_are_refused(loopback, fetcher, body) -> None:
    loopback.routes["/feed"] = lambda r: Response(200, body)
    error = collect_error(collector(loopback, fetcher))
    assert error.kind == "parse" and "entity" in error.message


def test_harmless_entity_declarations_still_parse(loopback, fetcher) -> None:
    body = (b'<?xml version="1.0"?><!DOCTYPE rss [ <!ENTITY id "tag:example.com,"> ]><rss version="2.0"><channel>'
            b"<item><title>t</title><guid isPermaLink='false'>&id;2006:/blog/</guid></item></channel></rss>")
    loopback.routes["/feed"] = lambda r: Response(200, body)
    (mention,) = collector(loopback, fetcher).collect({}).mentions
    assert mention.external_id == "tag:example.com,2006:/blog/"


def test_a_post_quoting_an_entity_declaration_is_not_a_bomb(loopback, fetcher) -> None:
    # No DOCTYPE, so the declaration in the CDATA section is text, not markup.
    quoted = item(1, body="<![CDATA[XXE looks like <!ENTITY xxe SYSTEM 'file:///etc/passwd'> here]]>")
    loopback.routes["/feed"] = lambda r: Response(200, rss([quoted]))
    (mention,) = collector(loopback, fetcher).collect({}).mentions
    assert mention.text == "XXE looks like < !ENTITY xxe SYSTEM 'file:///etc/passwd'> here"


def test_private_feed_address_is_refused_when_not_allowed(loopback) -> None:
    loopback.routes["/feed"] = lambda r: Response(200, rss([item(1)]))
    config = CONFIG.model_copy(update={"http": HttpConfig(retries=0)})
    source = FeedSource(kind="feed", name="blog", url=loopback.url("/feed"))
    with Fetcher(config.http) as fetcher:
        with pytest.raises(SourceError) as caught:
            FeedCollector(source, config, fetcher=fetcher).collect({})
    assert caught.value.kind == "blocked_address" and loopback.requests == []


def test_comment_feeds_name_their_thread(loopback, fetcher) -> None:
    body = rss([item(1)]).replace(b"<title>Blog</title>", b"<title>Komentarze do: Nowa przychodnia</title>")
    loopback.routes["/feed"] = lambda r: Response(200, body)
    (mention,) = collector(loopback, fetcher).collect({}).mentions
    assert mention.thread_title == "Nowa przychodnia" and mention.thread_url == "https://blog.example.pl/"


def test_collectors_run_concurrently_on_one_shared_fetcher(loopback, fetcher) -> None:
    loopback.fallback = lambda r: Response(200, rss([item(i) for i in range(10)]), delay=0.05)
    feeds = [collector(loopback, fetcher, f"/feed{i}") for i in range(40)]
    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(lambda feed: feed.collect({}), feeds))
    assert [len(r.mentions) for r in results] == [10] * 40
