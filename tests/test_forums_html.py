"""The forum collector against real HTTP on 127.0.0.1 serving phpBB prosilver, XenForo 2 and a custom forum."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from collectors.base import SourceError
from collectors.feeds import without_feed_footer
from collectors.forums.discourse import DiscourseCollector
from collectors.forums.forum import ForumCollector, ForumSource
from collectors.http import Fetcher
from collectors.registry import build_collector
from tests.forum_fixtures import make_config, page, text
from tests.loopback import Response

PHPBB_P1 = "/viewtopic.php?t=42"
PHPBB_P2 = "/viewtopic.php?t=42&start=3"
XF_THREAD = "/threads/salus-medica-milano-attese-infinite-al-cup.315/"
XF_PAGE2 = XF_THREAD + "page-2"
# The moment the custom forum's relative dates were "written": 15 Nov 2025, 12:00 in Kraków.
NOW = datetime(2025, 11, 15, 11, 0, tzinfo=UTC)


def forum_source(url: str, **fields: Any) -> dict[str, Any]:
    return {"kind": "forum", "name": "forum-test", "url": url, "delay_seconds": 0, **fields}


def collector(tmp_path, loopback, source: dict[str, Any], sleeps: list[float] | None = None, **http: Any):
    config = make_config(tmp_path, [source], **http)
    fetcher = Fetcher(config.http, backoff_seconds=0.01)
    recorded = sleeps if sleeps is not None else []
    return ForumCollector(config.sources[0], config, fetcher=fetcher, sleep=recorded.append, now=lambda: NOW)


def serve_phpbb(loopback, robots: str = "User-agent: *\nDisallow: /ucp.php\nDisallow: /posting.php\n") -> None:
    loopback.routes["/robots.txt"] = text(robots)
    loopback.routes[PHPBB_P1] = page("phpbb_topic_p1.html")
    loopback.routes[PHPBB_P2] = page("phpbb_topic_p2.html")


def test_phpbb_topic_pages_are_followed(tmp_path, loopback) -> None:
    serve_phpbb(loopback)
    result = collector(tmp_path, loopback, forum_source(loopback.url(PHPBB_P1), preset="phpbb")).collect({})

    assert [m.external_id for m in result.mentions] == ["1201", "1207", "1215", "1230", "1244"]
    first = result.mentions[0]
    assert first.source_kind == "forum" and first.source_name == "forum-test"
    assert first.url == loopback.url("/viewtopic.php?p=1201#p1201")
    assert first.author == "marta_k"
    assert first.published_at == datetime(2025, 11, 12, 7, 15, tzinfo=UTC)
    assert not first.published_estimated
    assert first.thread_title == "Salus Medica - rejestracja telefoniczna to dramat"
    assert first.thread_url == loopback.url("/viewtopic.php?t=42")
    assert first.text.startswith("Dzwonię do Salus Medica na Mokotowie")
    assert ".\nCzy ktoś wie" in first.text  # <br> keeps the line break
    assert "Pozdrawiam" not in first.text  # the signature is not the post
    # A quote of an earlier post is left out, so it is not counted as a second mention.
    reply = result.mentions[1]
    assert reply.author == "Tomasz_W"  # username-coloured, as moderators are shown
    assert "Nikt nie odbiera" not in reply.text and reply.text.startswith("U mnie to samo")
    assert result.mentions[3].extra == {"page": 2}
    assert result.seen == 5
    assert [r.path for r in loopback.requests] == ["/robots.txt", PHPBB_P1, PHPBB_P2]
    assert all(r.headers["user-agent"].startswith("ClinicWatch/") for r in loopback.requests)


def test_second_run_with_the_cursor_collects_nothing_new(tmp_path, loopback) -> None:
    serve_phpbb(loopback)
    forum = collector(tmp_path, loopback, forum_source(loopback.url(PHPBB_P1), preset="phpbb"))
    first = forum.collect({})
    assert first.cursor["resume_url"] == loopback.url(PHPBB_P2)

    loopback.requests.clear()
    second = forum.collect(first.cursor)

    assert second.mentions == []
    assert second.seen == 2
    # It resumes at the last page, where new replies appear, instead of re-reading the whole topic.
    assert [r.path for r in loopback.requests] == ["/robots.txt", PHPBB_P2]


def test_page_limit_and_resume(tmp_path, loopback) -> None:
    serve_phpbb(loopback)
    forum = collector(tmp_path, loopback, forum_source(loopback.url(PHPBB_P1), preset="phpbb", max_pages=1))

    first = forum.collect({})
    assert [m.external_id for m in first.mentions] == ["1201", "1207", "1215"]
    assert "more remain" in first.note
    second = forum.collect(first.cursor)
    assert [m.external_id for m in second.mentions] == ["1230", "1244"]
    assert loopback.requests_to("/viewtopic.php") and len(loopback.requests_to("/viewtopic.php")) == 2


def test_delay_between_pages_of_one_host(tmp_path, loopback) -> None:
    serve_phpbb(loopback, robots="User-agent: *\nCrawl-delay: 3\n")
    sleeps: list[float] = []
    collector(tmp_path, loopback, forum_source(loopback.url(PHPBB_P1), preset="phpbb", delay_seconds=1.5),
              sleeps).collect({})
    assert sleeps == [3.0]  # one pause between the two pages; robots.txt asked for more than the config

    sleeps.clear()
    serve_phpbb(loopback)
    collector(tmp_path, loopback, forum_source(loopback.url(PHPBB_P1), preset="phpbb", delay_seconds=1.5),
              sleeps).collect({})
    assert sleeps == [1.5]


def test_xenforo_thread(tmp_path, loopback) -> None:
    loopback.routes["/robots.txt"] = text("not here", status=404)
    loopback.routes[XF_THREAD] = page("xenforo_thread.html")
    loopback.routes[XF_PAGE2] = page("xenforo_thread_p2.html")
    source = forum_source(loopback.url(XF_THREAD), preset="xenforo", timezone="Europe/Rome", date_language="it")
    result = collector(tmp_path, loopback, source).collect({})

    assert [m.external_id for m in result.mentions] == ["88410", "88421", "88502"]
    first, second, third = result.mentions
    assert first.author == "giulia_r"
    assert first.url == loopback.url(XF_THREAD + "post-88410")
    # data-time (unix seconds) wins over the shown "Ieri alle 18:03", which depends on when the page was made.
    assert first.published_at == datetime(2025, 11, 13, 17, 3, tzinfo=UTC)
    assert first.thread_title == "Salus Medica Milano: attese infinite al CUP?"
    assert first.thread_url == loopback.url(XF_THREAD)
    assert "musica d'attesa" in first.text and "febbraio.\nAl telefono" in first.text
    assert second.author == "marco.ferri"
    assert second.text.startswith("Scrivi all'indirizzo dei reclami")  # the quoted post is left out
    assert third.published_at == datetime(2025, 11, 14, 20, 47, tzinfo=UTC)
    assert third.extra == {"page": 2}


def test_custom_forum_with_selectors_and_polish_dates(tmp_path, loopback) -> None:
    loopback.routes["/robots.txt"] = text("User-agent: *\nAllow: /\n")
    loopback.routes["/watek/salus-krakow-opinie"] = page("custom_forum_pl.html")
    selectors = {
        "post": "div.reply", "author": "span.nick", "date": "span.when", "text": "div.reply-body",
        "permalink": "a.reply-link", "thread_title": "h1.thread-name",
    }
    source = forum_source(loopback.url("/watek/salus-krakow-opinie"), selectors=selectors,
                          timezone="Europe/Warsaw", date_language="pl", language="pl")
    result = collector(tmp_path, loopback, source).collect({})

    by_id = {m.external_id: m for m in result.mentions}
    assert list(by_id) == ["5512", "5520", "5523", "5409"]
    assert by_id["5512"].published_at == datetime(2025, 11, 14, 13, 32, tzinfo=UTC)  # wczoraj, 14:32
    assert by_id["5520"].published_at == datetime(2025, 11, 15, 8, 10, tzinfo=UTC)  # dzisiaj o 09:10
    assert by_id["5523"].published_at == datetime(2025, 11, 15, 9, 0, tzinfo=UTC)  # 2 godziny temu
    assert by_id["5409"].published_at == datetime(2025, 11, 11, 23, 0, tzinfo=UTC)  # 12 listopada 2025
    assert by_id["5520"].author == "Grażyna W."
    assert by_id["5520"].url == loopback.url("/watek/salus-krakow-opinie?odp=5520#odp-5520")
    assert by_id["5520"].thread_title == "Centrum Medyczne Salus w Krakowie – opinie"
    assert by_id["5520"].thread_url == loopback.url("/watek/salus-krakow-opinie")
    assert by_id["5520"].language == "pl"


def test_changed_layout_is_a_parse_error_naming_selector_and_page(tmp_path, loopback) -> None:
    serve_phpbb(loopback)
    # The forum switched theme between the two pages: page 2 no longer has div.post.
    loopback.routes[PHPBB_P2] = page("xenforo_thread.html")
    forum = collector(tmp_path, loopback, forum_source(loopback.url(PHPBB_P1), preset="phpbb"))
    with pytest.raises(SourceError) as error:
        forum.collect({})
    assert error.value.kind == "parse"
    assert "selector 'div.post' matched nothing on page 2" in error.value.message
    assert "layout changed?" in error.value.message


def test_unreadable_date_is_a_parse_error_not_a_guess(tmp_path, loopback) -> None:
    loopback.routes["/robots.txt"] = text("", status=404)
    loopback.routes["/t"] = text(
        '<div class="p" id="m1"><b class="d">kiedyś tam</b><div class="t">Salus</div></div>', content_type="text/html"
    )
    source = forum_source(loopback.url("/t"), selectors={"post": "div.p", "text": "div.t", "date": "b.d"})
    with pytest.raises(SourceError) as error:
        collector(tmp_path, loopback, source).collect({})
    assert error.value.kind == "parse" and "'kiedyś tam'" in error.value.message and "date_language" in error.value.message


def test_robots_disallow_fetches_nothing_but_robots(tmp_path, loopback) -> None:
    serve_phpbb(loopback, robots="User-agent: Googlebot\nDisallow:\n\nUser-agent: ClinicWatch\nDisallow: /viewtopic.php\n")
    forum = collector(tmp_path, loopback, forum_source(loopback.url(PHPBB_P1), preset="phpbb"))
    with pytest.raises(SourceError) as error:
        forum.collect({})
    assert error.value.kind == "forbidden"
    assert error.value.message.startswith(f"robots.txt of 127.0.0.1:{loopback.httpd.server_address[1]} disallows "
                                          "/viewtopic.php for ClinicWatch")
    assert [r.path for r in loopback.requests] == ["/robots.txt"]


def test_robots_disallowing_the_next_page_stops_there(tmp_path, loopback) -> None:
    serve_phpbb(loopback, robots="User-agent: *\nDisallow: /viewtopic.php?t=42&start=\n")
    forum = collector(tmp_path, loopback, forum_source(loopback.url(PHPBB_P1), preset="phpbb"))
    with pytest.raises(SourceError) as error:
        forum.collect({})
    assert error.value.kind == "forbidden"
    assert [r.path for r in loopback.requests] == ["/robots.txt", PHPBB_P1]


def test_unreachable_robots_txt_fetches_no_page(tmp_path, loopback) -> None:
    serve_phpbb(loopback)
    loopback.routes["/robots.txt"] = text("down", status=500)
    with pytest.raises(SourceError) as error:
        collector(tmp_path, loopback, forum_source(loopback.url(PHPBB_P1), preset="phpbb")).collect({})
    assert error.value.kind == "http" and "robots.txt" in error.value.message
    assert [r.path for r in loopback.requests] == ["/robots.txt"]


def test_slow_host_times_out(tmp_path, loopback) -> None:
    loopback.routes["/robots.txt"] = text("", status=404)
    loopback.routes[PHPBB_P1] = page("phpbb_topic_p1.html", delay=1.5)
    forum = collector(tmp_path, loopback, forum_source(loopback.url(PHPBB_P1), preset="phpbb"), timeout_seconds=0.3)
    with pytest.raises(SourceError) as error:
        forum.collect({})
    assert error.value.kind == "timeout"
    assert "within 0.3 s" in error.value.message


def test_bad_selector_config_is_a_config_error(tmp_path, loopback) -> None:
    source = forum_source(loopback.url("/x"), selectors={"post": "div.post", "body": "div.content"})
    with pytest.raises(SourceError) as error:
        collector(tmp_path, loopback, source).collect({})
    assert error.value.kind == "config" and "body" in error.value.message
    missing = forum_source(loopback.url("/x"), selectors={"post": "div.post"})
    with pytest.raises(SourceError, match="selectors text"):
        collector(tmp_path, loopback, missing).collect({})
    assert loopback.requests == []


def test_preset_field_is_validated() -> None:
    with pytest.raises(ValueError):
        ForumSource.model_validate({"kind": "forum", "name": "f", "url": "https://forum.example/", "preset": "smf"})


def test_feed_engine_reads_phpbb_feed_with_thread_titles(tmp_path, loopback) -> None:
    atom = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="pl">
<link rel="self" type="application/atom+xml" href="{base}/app.php/feed/topic/42" />
<title>Forum Zdrowie Mazowsze</title>
<subtitle>Pacjenci pacjentom</subtitle>
<link href="{base}/index.php" />
<updated>2025-11-15T08:10:00+00:00</updated>
<author><name><![CDATA[Forum Zdrowie Mazowsze]]></name></author>
<id>{base}/app.php/feed/topic/42</id>
<entry>
<author><name><![CDATA[marta_k]]></name></author>
<updated>2025-11-15T08:10:00+00:00</updated>
<published>2025-11-15T08:10:00+00:00</published>
<id>{base}/viewtopic.php?p=1244#p1244</id>
<link href="{base}/viewtopic.php?p=1244#p1244"/>
<title type="html"><![CDATA[Przychodnie i kliniki &bull; Re: Salus Medica - rejestracja telefoniczna to dramat]]></title>
<category term="Przychodnie i kliniki" scheme="{base}/viewforum.php?f=3" label="Przychodnie i kliniki"/>
<content type="html" xml:base="{base}/viewtopic.php?p=1244#p1244"><![CDATA[
Udało się przez portal, dzięki za podpowiedź. Ale infolinia Salus Medica dalej milczy.
<p>Statystyki: Napisane przez <a href="{base}/memberlist.php?mode=viewprofile&amp;u=77">marta_k</a> — 15 lis 2025, 09:10</p><hr />
]]></content>
</entry>
</feed>
""".replace("{base}", loopback.base_url)
    loopback.routes["/app.php/feed/topic/42"] = text(atom, content_type="application/atom+xml; charset=UTF-8")
    source = forum_source(loopback.url("/app.php/feed/topic/42"), engine="feed")
    result = collector(tmp_path, loopback, source).collect({})
    [mention] = result.mentions
    assert mention.source_kind == "forum"
    assert mention.thread_title == "Salus Medica - rejestracja telefoniczna to dramat"
    assert mention.thread_url == loopback.url("/viewtopic.php?p=1244")
    assert mention.published_at == datetime(2025, 11, 15, 8, 10, tzinfo=UTC)
    assert "infolinia Salus Medica" in mention.text
    assert "Statystyki" not in mention.text and "Napisane przez" not in mention.text  # phpBB's footer, not the post
    again = collector(tmp_path, loopback, source).collect(result.cursor)
    assert again.mentions == []


def test_redirect_to_login_page_is_reported_as_layout(tmp_path, loopback) -> None:
    """A forum that starts requiring login answers a login form: that must fail, not store nothing silently."""
    loopback.routes["/robots.txt"] = text("", status=404)
    loopback.routes[PHPBB_P1] = lambda _r: Response(302, b"", {"Location": "/ucp.php?mode=login"})
    loopback.routes["/ucp.php"] = text("<form id='login'><input name='username'></form>", content_type="text/html")
    with pytest.raises(SourceError) as error:
        collector(tmp_path, loopback, forum_source(loopback.url(PHPBB_P1), preset="phpbb")).collect({})
    assert error.value.kind == "parse" and "page 1" in error.value.message


def test_vbulletin5_thread_with_naive_datetimes_in_the_forum_zone(tmp_path, loopback) -> None:
    thread = "/forum/salute/17-salus-medica-bologna-prenotazioni-e-prezzi"
    loopback.routes["/robots.txt"] = text("User-agent: *\nDisallow: /admincp/\n")
    loopback.routes[thread] = page("vbulletin5_thread.html")
    source = forum_source(loopback.url(thread), preset="vbulletin", timezone="Europe/Rome", max_pages=1)
    result = collector(tmp_path, loopback, source).collect({})

    assert [m.external_id for m in result.mentions] == ["4410", "4415"]
    first, second = result.mentions
    assert first.author == "federica_b"
    assert first.url == loopback.url(thread + "?p=4410#post4410")
    assert first.published_at == datetime(2025, 11, 12, 7, 15, tzinfo=UTC)  # 08:15 in Rome
    assert first.thread_title == "Salus Medica Bologna: prenotazioni e prezzi"
    assert second.text == "Meglio prenotare online, da noi 90 euro. Personale gentile."
    assert result.cursor["resume_url"] == loopback.url(thread + "/page2")


def test_registry_builds_the_forum_collectors(tmp_path) -> None:
    config = make_config(tmp_path, [
        {"kind": "forum", "name": "f", "url": "https://forum.example/viewtopic.php?t=1", "preset": "phpbb"},
        {"kind": "discourse", "name": "d", "base_url": "https://community.example/", "search": ["Salus"]},
    ])
    forum, discourse = (build_collector(source, config) for source in config.sources)
    assert isinstance(forum, ForumCollector) and forum.kind == "forum"
    assert isinstance(discourse, DiscourseCollector) and discourse.kind == "discourse"


def test_a_vanished_resume_page_starts_over_from_the_configured_url(tmp_path, loopback) -> None:
    serve_phpbb(loopback)
    forum = collector(tmp_path, loopback, forum_source(loopback.url(PHPBB_P1), preset="phpbb"))
    cursor = {"start_url": loopback.url(PHPBB_P1), "resume_url": loopback.url("/viewtopic.php?t=42&start=90"),
              "seen_ids": ["1201", "1207", "1215"]}
    result = forum.collect(cursor)
    assert [m.external_id for m in result.mentions] == ["1230", "1244"]


PHPBB = '<p>Statystyki: Napisane przez <a href="./memberlist.php?mode=viewprofile&amp;u=7">x</a></p>'


@pytest.mark.parametrize(("text", "author", "html", "kept"), [
    ("Dzięki.\nStatystyki: Napisane przez marta_k — 15 lis 2025, 09:10", "marta_k", PHPBB, "Dzięki."),
    ("Thanks.\nStatistics: Posted by bob — Sat Nov 15, 2025 9:10 am", "bob", PHPBB, "Thanks."),
    ("Grazie.\nStatistiche: Inviato da gino » 15/11/2025, 09:10", "gino", PHPBB, "Grazie."),
    ("Dzięki.\nStatystyka: Napisane przez kasia.zdrowie", "kasia.zdrowie", PHPBB, "Dzięki."),  # no date
    ("Line one\nNote: thanks bob", "bob", "<p>Line one</p><p>Note: thanks bob</p>", "Line one\nNote: thanks bob"),
    ("Line one\nNote: thanks bob", "bob", PHPBB, "Line one"),  # phpBB's own shape: the footer
    ("I asked bob: the wait at Salus was 3 hours", "bob", PHPBB, "I asked bob: the wait at Salus was 3 hours"),
    ("Dzięki.\nStatystyki: Napisane przez bob, who was late", "bob", PHPBB,
     "Dzięki.\nStatystyki: Napisane przez bob, who was late"),
    ("Only line", "", PHPBB, "Only line"),
])
def test_the_phpbb_feed_footer_is_removed_and_nothing_else(text, author, html, kept) -> None:
    assert without_feed_footer(text, author, html) == kept
