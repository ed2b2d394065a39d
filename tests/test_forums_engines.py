"""vBulletin 3/4 pages, thread prefixes, session ids, page charsets and lost post text, over real HTTP on 127.0.0.1."""
from __future__ import annotations

import json
from datetime import UTC, datetime

from collectors.forums.discourse import DiscourseCollector
from collectors.http import Fetcher
from tests.forum_fixtures import make_config, page, read, text
from tests.loopback import Response
from tests.test_forums_html import collector, forum_source

VB4_THREAD = "/showthread.php?t=5511"
VB3_THREAD = "/showthread.php?t=1207"
SESSION = "0123456789abcdef0123456789abcdef"


def serve(loopback, path: str, handler) -> None:
    loopback.routes["/robots.txt"] = text("User-agent: *\nDisallow: /admincp/\n")
    loopback.routes[path] = handler


def test_vbulletin4_posts_keep_their_text_and_lose_quotes_and_session_ids(tmp_path, loopback) -> None:
    # ISO-8859-2 bytes, a Content-Type without charset: only the page's own <meta> says how to read it
    serve(loopback, VB4_THREAD, lambda r: Response(200, read("vbulletin4_thread.html"), {"Content-Type": "text/html"}))
    source = forum_source(loopback.url(VB4_THREAD), preset="vbulletin4", timezone="Europe/Warsaw",
                          date_language="pl", max_pages=1)
    result = collector(tmp_path, loopback, source).collect({})

    assert [m.external_id for m in result.mentions] == ["90211", "90230"]
    first, second = result.mentions
    assert first.author == "Krystyna_W" and second.author == "tomek_krk"
    assert first.text == ("Od tygodnia próbuję się dodzwonić do rejestracji Salus Medica na Kazimierzu.\n"
                          "Za każdym razem muzyczka i rozłączenie po 20 minutach.")
    assert second.text == "Przez aplikację idzie od ręki, polecam zapisać się online."  # the quote left out
    assert first.thread_title == "Salus Medica Kraków - rejestracja telefoniczna"
    assert first.published_at == datetime(2025, 11, 12, 8, 14, tzinfo=UTC)  # 09:14 in Warsaw
    assert first.url == loopback.url("/showthread.php?t=5511&p=90211&viewfull=1#post90211")
    assert SESSION not in first.thread_url and first.thread_url == loopback.url(VB4_THREAD)
    assert SESSION not in result.cursor["resume_url"]
    assert result.cursor["resume_url"] == loopback.url("/showthread.php?t=5511&page=2")
    assert result.dropped == {}


def test_vbulletin3_posts(tmp_path, loopback) -> None:
    serve(loopback, VB3_THREAD, page("vbulletin3_thread.html"))
    source = forum_source(loopback.url(VB3_THREAD), preset="vbulletin3", timezone="Europe/London",
                          date_language="en", max_pages=1)
    result = collector(tmp_path, loopback, source).collect({})

    assert [m.external_id for m in result.mentions] == ["40117", "40125"]
    first, second = result.mentions
    assert (first.author, second.author) == ("sarah_leeds", "DrPete")
    assert first.text == ("Has anyone been to the Salus Medica dental practice on Briggate?\n"
                          "They quoted me £900 for a crown and I would like a second opinion.")
    assert second.text == "That is about the going rate in Leeds, to be fair."
    assert first.thread_title == "Salus Medica dentist in Leeds?"
    assert first.url == loopback.url("/showpost.php?p=40117&postcount=1")
    assert first.published_at == datetime(2025, 3, 11, 20, 41, tzinfo=UTC)  # vBulletin writes m-d-Y
    assert result.cursor["resume_url"] == loopback.url("/showthread.php?t=1207&page=2")


def test_text_on_the_page_that_ends_up_empty_is_counted_and_raised(tmp_path, loopback) -> None:
    # The old default: a bare `blockquote` as quote, which on vBulletin 4 is every post's own text.
    serve(loopback, VB4_THREAD, page("vbulletin4_thread.html", "text/html"))
    source = forum_source(loopback.url(VB4_THREAD), preset="vbulletin4", date_language="pl", max_pages=1,
                          selectors={"text": "div[id^='post_message_']", "quote": "blockquote"})
    result = collector(tmp_path, loopback, source).collect({})

    assert result.mentions == []
    assert result.dropped == {"empty_text": 2} and result.seen == 2
    assert "WARNING: 2 post(s) showed text on the page but none was extracted" in result.note


def test_a_text_selector_pointing_at_a_quote_like_element_keeps_the_post(tmp_path, loopback) -> None:
    serve(loopback, VB4_THREAD, page("vbulletin4_thread.html", "text/html"))
    source = forum_source(loopback.url(VB4_THREAD), preset="vbulletin4", date_language="pl", max_pages=1,
                          selectors={"text": "blockquote", "quote": "blockquote, div.bbcode_container"})
    result = collector(tmp_path, loopback, source).collect({})
    assert [m.text.split()[0] for m in result.mentions] == ["Od", "Przez"]


XF_PREFIXED = """<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>
<h1 class="p-title-value"><a href="/forums/zdrowie.4/?prefix_id=3" class="labelLink" rel="nofollow"><span
 class="label label--blue" dir="auto">Pytanie</span></a><span class="label-append">&nbsp;</span>Salus Medica Mokotów — czy warto?</h1>
<article class="message message--post" data-author="ola" data-content="post-771" id="js-post-771">
 <h4 class="message-name"><a class="username">ola</a></h4>
 <header class="message-attribution"><time class="u-dt" datetime="2025-11-14T10:00:00+0100" data-timestamp="1763110800">14 lis</time>
 <ul class="message-attribution-main"><li><a href="/threads/salus.91/post-771">#1</a></li></ul></header>
 <div class="message-userContent"><div class="bbWrapper">Byłam wczoraj, polecam dr Nowak.</div></div>
</article></body></html>"""


def test_xenforo_thread_prefix_is_not_part_of_the_title(tmp_path, loopback) -> None:
    serve(loopback, "/threads/salus.91/", text(XF_PREFIXED, content_type="text/html; charset=utf-8"))
    source = forum_source(loopback.url("/threads/salus.91/"), preset="xenforo", max_pages=1)
    result = collector(tmp_path, loopback, source).collect({})
    assert [m.thread_title for m in result.mentions] == ["Salus Medica Mokotów — czy warto?"]
    assert result.mentions[0].thread_url == loopback.url("/threads/salus.91/")  # not the prefix filter link


PHPBB_WITH_SID = """<html><head><meta charset="windows-1250"></head><body>
<h2 class="topic-title"><a href="./viewtopic.php?t=42&amp;sid=aaaabbbbccccddddeeeeffff00001111">Przychodnia Salus – opinie</a></h2>
<div id="p901" class="post"><div class="postbody">
<p class="author"><a href="./viewtopic.php?p=901&amp;sid=aaaabbbbccccddddeeeeffff00001111#p901">link</a>
<span class="username">kasia</span> » <time datetime="2025-11-10T09:00:00+00:00">pon 10 lis</time></p>
<div class="content">Świetna opieka, pani doktor bardzo miła.</div></div></div>
</body></html>"""


def test_phpbb_sid_is_dropped_and_meta_charset_read(tmp_path, loopback) -> None:
    body = PHPBB_WITH_SID.encode("cp1250")
    serve(loopback, "/viewtopic.php", lambda r: Response(200, body, {"Content-Type": "text/html"}))
    source = forum_source(loopback.url("/viewtopic.php?t=42"), preset="phpbb", max_pages=1)
    mention = collector(tmp_path, loopback, source).collect({}).mentions[0]
    assert mention.text == "Świetna opieka, pani doktor bardzo miła."
    assert mention.url == loopback.url("/viewtopic.php?p=901#p901")
    assert mention.thread_url == loopback.url("/viewtopic.php?t=42")
    assert mention.thread_title == "Przychodnia Salus – opinie"


LIGHTBOX = ('<p>Il referto è arrivato dopo tre settimane, ecco lo screenshot:</p>'
            '<p><div class="lightbox-wrapper"><a class="lightbox" href="/uploads/default/original/1X/a.png" '
            'data-download-href="/uploads/default/a" title="image"><img src="/uploads/default/optimized/1X/a.png" '
            'alt="image" width="690" height="278"><div class="meta"><svg class="fa d-icon d-icon-far-image '
            'svg-icon" aria-hidden="true"><use href="#far-image"></use></svg><span class="filename">image</span>'
            '<span class="informations">1920×775 250 KB</span><svg class="fa d-icon d-icon-discourse-expand '
            'svg-icon" aria-hidden="true"><use href="#discourse-expand"></use></svg></div></a></div></p>')


def discourse_post(post_id: int, number: int, actions: list[dict]) -> dict:
    return {"id": post_id, "post_number": number, "username": "anna", "created_at": "2025-11-14T16:42:10.512Z",
            "cooked": LIGHTBOX, "topic_id": 812, "topic_slug": "salus-referti", "actions_summary": actions}


def test_discourse_likes_from_actions_summary_and_no_lightbox_captions(tmp_path, loopback) -> None:
    topic_list = {"topic_list": {"topics": [{"id": 812, "title": "Salus Medica: referti", "slug": "salus-referti",
                                             "bumped_at": "2025-11-14T16:42:10.512Z"}]}}
    topic = {"id": 812, "title": "Salus Medica: referti", "slug": "salus-referti", "post_stream": {
        "posts": [discourse_post(9101, 1, [{"id": 2, "count": 7}, {"id": 3, "count": 1}]),
                  discourse_post(9102, 2, [{"id": 3, "count": 1}])],  # no like entry: unknown, not zero
        "stream": [9101, 9102]}}
    json_answer = {"Content-Type": "application/json"}
    loopback.routes["/c/pazienti/5.json"] = lambda r: Response(200, json.dumps(topic_list).encode(), json_answer)
    loopback.routes["/t/812.json"] = lambda r: Response(200, json.dumps(topic).encode(), json_answer)
    source = {"kind": "discourse", "name": "community-it", "base_url": loopback.base_url, "language": "it",
              "categories": ["pazienti/5"]}
    config = make_config(tmp_path, [source])
    result = DiscourseCollector(config.sources[0], config, fetcher=Fetcher(config.http)).collect({})

    assert [m.score for m in result.mentions] == [7, None]
    assert result.mentions[0].text == "Il referto è arrivato dopo tre settimane, ecco lo screenshot:"
