"""The ElementTree fast path gives exactly what the feedparser path gives, on every feed it accepts."""
from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from collectors.base import SourceError
from collectors.feed_fast import parse_fast
from collectors.feed_items import ParsedFeed
from collectors.feed_parse import parse_feed

URL = "https://feeds.example.org/dir/feed.xml"
CONTENT_TYPES = ("application/rss+xml", "text/xml")
# Measured with feedparser 6.0.14: 447 of 996 fixture files take the fast path (436 of 951 corpus/wellformed).
MIN_FAST_FILES = 400


def headers(content_type: str, url: str = URL) -> dict[str, str]:
    return {"content-type": content_type, "content-location": url}


def both_paths(body: bytes, content_type: str = "application/rss+xml", url: str = URL) -> tuple[Any, Any]:
    """(feedparser path, fast path) results; a SourceError stands in for a result."""
    results = []
    for fast in (False, True):
        try:
            results.append(parse_feed(body, url=url, content_type=content_type, fast=fast))
        except SourceError as error:
            results.append(error)
    return results[0], results[1]


def differences(slow: ParsedFeed, quick: ParsedFeed) -> list[str]:
    """Every field that differs, named: feed.<field> or items[i].<field>."""
    found = [f"feed.{name}: {getattr(slow, name)!r} != {getattr(quick, name)!r}"
             for name in ("title", "link", "language", "version") if getattr(slow, name) != getattr(quick, name)]
    if len(slow.items) != len(quick.items):
        return [*found, f"items: {len(slow.items)} != {len(quick.items)}"]
    for index, (a, b) in enumerate(zip(slow.items, quick.items)):
        for field in dataclasses.fields(a):
            old, new = getattr(a, field.name), getattr(b, field.name)
            if old != new or type(old) is not type(new):
                found.append(f"items[{index}].{field.name}: {old!r:.120} != {new!r:.120}")
    return found


def fast_and_equal(body: bytes, content_type: str = "application/rss+xml", url: str = URL) -> ParsedFeed:
    """Asserts the document takes the fast path and that both paths agree; returns the result."""
    assert parse_fast(body, headers(content_type, url)) is not None, "expected the fast path to accept this"
    slow, quick = both_paths(body, content_type, url)
    assert isinstance(slow, ParsedFeed), slow
    assert differences(slow, quick) == []
    return quick


# ---- every fixture feed in ../shared

def fixture_files(shared: Path) -> list[Path]:
    root = shared / "fixtures" / "feeds"
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith("LICENSE"))


@pytest.mark.parametrize("content_type", CONTENT_TYPES)
def test_fast_path_equals_feedparser_on_every_fixture_it_accepts(shared_dir: Path, content_type: str) -> None:
    files = fixture_files(shared_dir)
    assert len(files) > 900
    mismatches: list[str] = []
    accepted = 0
    for path in files:
        body = path.read_bytes()
        url = f"https://example.org/{path.parent.name}/{path.name}"
        if parse_fast(body, headers(content_type, url)) is None:
            continue
        accepted += 1
        slow, quick = both_paths(body, content_type, url)
        if not isinstance(slow, ParsedFeed) or not isinstance(quick, ParsedFeed):
            mismatches.append(f"{path.relative_to(shared_dir)}: {slow!r} / {quick!r}")
            continue
        mismatches += [f"{path.relative_to(shared_dir)}: {d}" for d in differences(slow, quick)]
    print(f"fast path taken by {accepted} of {len(files)} fixture files ({content_type})")
    assert not mismatches, "\n".join(mismatches[:50])
    assert accepted >= MIN_FAST_FILES


def test_parse_feed_uses_the_fast_path_without_calling_feedparser(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_feedparser(*args: object, **kwargs: object) -> None:
        raise AssertionError("feedparser.parse was called")

    monkeypatch.setattr("collectors.feed_parse.feedparser.parse", no_feedparser)
    feed = parse_feed(rss("<item><guid>1</guid><title>t</title></item>"), url=URL, content_type="application/rss+xml")
    assert [item.id for item in feed.items] == ["https://feeds.example.org/dir/1"]
    with pytest.raises(SourceError, match="feedparser.parse was called"):  # RSS 0.91 does go to feedparser
        parse_feed(b'<rss version="0.91"><channel><item><title>x</title></item></channel></rss>', url=URL)


def test_real_world_shapes_take_the_fast_path(shared_dir: Path) -> None:
    real = shared_dir / "fixtures" / "feeds" / "real"
    for name in ("google_alerts_atom.xml", "RSSWithComments.xml", "FeedjiraBlog.xml", "a10.xml"):
        fast_and_equal((real / name).read_bytes(), "application/xml")


# ---- feedparser's quirks, one small document each

def rss(items: str, channel: str = "<title>Kanał</title><link>https://example.org/</link>", head: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" {head}><channel>{channel}'
            f"{items}</channel></rss>").encode()


def atom(entries: str, feed: str = "<title>Feed</title>", head: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" {head}>{feed}'
            f"{entries}</feed>").encode()


def test_rss_title_is_sniffed_for_html_like_feedparser() -> None:
    feed = fast_and_equal(rss(
        "<item><guid>a</guid><title>Dobra &lt;b&gt;klinika&lt;/b&gt;</title></item>"
        "<item><guid>b</guid><title>Salus &amp; Co</title></item>"
        "<item><guid>c</guid><title>Caf&amp;eacute; Salus</title></item>"
    ))
    assert [i.title_is_html for i in feed.items] == [True, False, True]
    assert feed.items[0].title == "Dobra <b>klinika</b>"


def test_rss_description_is_html_and_content_encoded_wins_when_longer() -> None:
    feed = fast_and_equal(rss(
        '<item xmlns:content="http://purl.org/rss/1.0/modules/content/"><guid>a</guid>'
        "<description><![CDATA[<p>Krótko &amp; zwięźle</p>]]></description>"
        "<content:encoded><![CDATA[<p>Pełna treść opinii o klinice</p>]]></content:encoded></item>"
        "<item><guid>b</guid><description>  tekst  </description></item>"
        '<item><guid>c</guid><description type="text">plain &amp;amp; simple</description></item>'
    ))
    assert feed.items[0].body == "<p>Pełna treść opinii o klinice</p>" and feed.items[0].body_is_html
    assert feed.items[1].body == "tekst" and feed.items[1].body_is_html
    assert feed.items[2].body == "plain &amp; simple" and feed.items[2].body_is_html  # sniffed: an entity


def test_a_second_description_is_content_in_feedparser() -> None:
    feed = fast_and_equal(rss("<item><guid>a</guid><description>one</description>"
                              "<description>the second and longer one</description></item>"))
    assert feed.items[0].body == "the second and longer one" and not feed.items[0].body_is_html


def test_atom_summary_and_content_types() -> None:
    feed = fast_and_equal(atom(
        "<entry><id>tag:x,2024:1</id><title type='html'>&lt;b&gt;Salus&lt;/b&gt; news</title>"
        "<summary>plain summary &lt;i&gt;</summary></entry>"
        "<entry><id>tag:x,2024:2</id><title>t</title><summary>s</summary>"
        "<content type='html'>&lt;p&gt;full&lt;/p&gt;</content></entry>"
        "<entry><id>tag:x,2024:3</id><title>t</title><content>just text</content></entry>"
    ))
    first, second, third = feed.items
    assert first.title_is_html and not first.body_is_html and first.body == "plain summary <i>"
    assert second.body == "<p>full</p>" and second.body_is_html
    assert third.body == "just text" and not third.body_is_html


def test_google_alerts_atom() -> None:
    feed = fast_and_equal(atom(
        "<entry><id>tag:google.com,2013:googlealerts/feed:1234</id>"
        "<title type='html'>Opinie o &lt;b&gt;Salus&lt;/b&gt; Kraków</title>"
        "<link href='https://www.google.com/url?rct=j&amp;sa=t&amp;url=https://news.example.pl/a&amp;ct=ga'/>"
        "<published>2026-11-20T08:15:00Z</published><updated>2026-11-20T08:15:00Z</updated>"
        "<content type='html'>Pacjenci chwalą &lt;b&gt;Salus&lt;/b&gt;</content>"
        "<author><name/></author></entry>",
        feed="<id>tag:google.com,2013:googlealerts/feed:1</id><title>Google Alert - Salus</title>"
             "<link href='https://www.google.com/alerts/feeds/1/2' rel='self'/>",
    ), "application/atom+xml")
    item = feed.items[0]
    assert item.link == "https://www.google.com/url?rct=j&sa=t&url=https://news.example.pl/a&ct=ga"
    assert item.published == datetime(2026, 11, 20, 8, 15, tzinfo=UTC)
    assert item.author == "" and item.title_is_html
    assert feed.link == "tag:google.com,2013:googlealerts/feed:1"  # feedparser: the id stands in for a link


def test_link_choice_and_id_fallbacks() -> None:
    feed = fast_and_equal(atom(
        "<entry><id>https://example.org/p/1</id><title>t</title>"
        "<link rel='self' href='/self'/><link rel='alternate' type='application/pdf' href='/pdf'/>"
        "<link rel='alternate' href='relative/page'/></entry>"
        "<entry><id>https://example.org/p/2</id><title>t</title><link rel='edit' href='/edit'/></entry>"
        "<entry><title>no id</title><link href='https://example.org/p/3'/></entry>"
    ))
    assert feed.items[0].link == "https://feeds.example.org/dir/relative/page"
    assert feed.items[1].link == "https://example.org/p/2"
    assert feed.items[2].id == "" and feed.items[2].link == "https://example.org/p/3"
    feed = fast_and_equal(rss(
        "<item><guid isPermaLink='false'>post-1</guid><title>a</title></item>"
        "<item><guid>post-2</guid><title>b</title></item>"
        "<item><guid>https://example.org/?p=3</guid><link>https://example.org/three?a=1&amp;b=2</link></item>"
    ))
    assert (feed.items[0].id, feed.items[0].link) == ("post-1", "")
    assert (feed.items[1].id, feed.items[1].link) == ("https://feeds.example.org/dir/post-2",) * 2
    assert feed.items[2].link == "https://example.org/three?a=1&b=2"


def test_authors_in_their_several_forms() -> None:
    feed = fast_and_equal(rss(
        "<item><guid>1</guid><author>jan@example.com (Jan Kowalski)</author></item>"
        "<item xmlns:dc='http://purl.org/dc/elements/1.1/'><guid>2</guid><dc:creator>Anna Nowak</dc:creator></item>"
        "<item><guid>3</guid><author>maria@example.com</author></item>"
    ))
    assert [i.author for i in feed.items] == ["Jan Kowalski", "Anna Nowak", "maria@example.com"]
    feed = fast_and_equal(atom(
        "<entry><id>tag:x,1</id><author><name>Luca Rossi</name><email>luca@example.it</email></author></entry>"
        "<entry><id>tag:x,2</id><author><email>only@example.it</email></author></entry>"
    ))
    assert [i.author for i in feed.items] == ["Luca Rossi", "only@example.it"]


def test_dates_like_feedparser() -> None:
    feed = fast_and_equal(rss(
        "<item><guid>1</guid><pubDate>Fri, 20 Nov 2026 10:00:00 EST</pubDate></item>"
        "<item><guid>2</guid><pubDate>2026-11-20T10:00:00+02:00</pubDate></item>"
        "<item><guid>3</guid><pubDate>the day before yesterday</pubDate></item>"
        "<item xmlns:dc='http://purl.org/dc/elements/1.1/'><guid>4</guid><dc:date>2026-11-19</dc:date></item>"
    ))
    assert feed.items[0].published == datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
    assert feed.items[1].published == datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    assert feed.items[2].published is None
    assert feed.items[3].published == datetime(2026, 11, 19, tzinfo=UTC)


def test_languages_from_channel_and_xml_lang() -> None:
    feed = fast_and_equal(rss("<item><guid>1</guid><title>t</title></item>", channel="<language>pl-PL</language>"))
    assert feed.language == "pl-PL" and feed.items[0].language == ""
    feed = fast_and_equal(atom("<entry><id>tag:x,1</id><title>t</title><content xml:lang='en'>c</content></entry>"
                               "<entry><id>tag:x,2</id><title>t</title></entry>", head="xml:lang='it_IT'"))
    assert feed.language == "it-IT" and [i.language for i in feed.items] == ["en", "it-IT"]


def test_comment_counts_entities_cdata_and_white_space() -> None:
    feed = fast_and_equal(rss(
        "<item><guid>1</guid><title>\n   Łódź &#8211; opinia \n</title><slash:comments> 12 </slash:comments>"
        "<description><![CDATA[  <b>x</b> &amp; y ]]></description></item>",
        head="xmlns:slash='http://purl.org/rss/1.0/modules/slash/'",
    ))
    item = feed.items[0]
    assert (item.title, item.comment_count, item.body) == ("Łódź – opinia", 12, "<b>x</b> &amp; y")


def test_windows_1252_and_mis_decoded_utf8_are_repaired_as_feedparser_does() -> None:
    body = ('<?xml version="1.0" encoding="windows-1252"?><rss version="2.0"><channel><title>t</title>'
            "<item><guid>1</guid><title>Caf\u00e9 \u201cSalus\u201d</title><description>a &#150; b"
            "</description></item><item><guid>2</guid><title>Zdrowie dla Ci\u00c3\u00a9</title></item>"
            "</channel></rss>").encode("cp1252")
    first, second = fast_and_equal(body, "application/xml").items
    assert first.title == "Café “Salus”" and first.body == "a – b"  # C1 control &#150; read as cp1252
    assert second.title == "Zdrowie dla Cié"  # UTF-8 bytes once mis-read as Latin-1


def test_wordpress_shaped_rss() -> None:
    body = rss(
        '<item><title>Wizyta w Salus</title><link>https://blog.example.pl/2026/11/wizyta/</link>'
        "<comments>https://blog.example.pl/2026/11/wizyta/#respond</comments>"
        "<dc:creator><![CDATA[redakcja]]></dc:creator><pubDate>Fri, 20 Nov 2026 09:30:12 +0000</pubDate>"
        "<category><![CDATA[Zdrowie]]></category><guid isPermaLink='false'>https://blog.example.pl/?p=42</guid>"
        "<description><![CDATA[Krótki wstęp [&#8230;]]]></description>"
        "<content:encoded><![CDATA[<p>Długa recenzja kliniki Salus, z&nbsp;detalami.</p>]]></content:encoded>"
        "<wfw:commentRss>https://blog.example.pl/2026/11/wizyta/feed/</wfw:commentRss>"
        "<slash:comments>3</slash:comments></item>",
        channel="<title>Blog</title><atom:link href='https://blog.example.pl/feed/' rel='self' "
                "type='application/rss+xml'/><link>https://blog.example.pl</link><description>Opis</description>"
                "<lastBuildDate>Fri, 20 Nov 2026 09:30:12 +0000</lastBuildDate><language>pl-PL</language>"
                "<sy:updatePeriod>hourly</sy:updatePeriod><generator>https://wordpress.org/?v=6.4</generator>"
                "<image><url>https://blog.example.pl/icon.png</url><title>Blog</title>"
                "<link>https://blog.example.pl</link><width>32</width><height>32</height></image>",
        head='xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/"'
             ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom"'
             ' xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"'
             ' xmlns:slash="http://purl.org/rss/1.0/modules/slash/"',
    )
    feed = fast_and_equal(body)
    item = feed.items[0]
    assert (feed.title, feed.link, feed.language) == ("Blog", "https://blog.example.pl", "pl-PL")
    assert (item.id, item.author, item.comment_count) == ("https://blog.example.pl/?p=42", "redakcja", 3)
    assert item.body.startswith("<p>Długa recenzja") and item.link == "https://blog.example.pl/2026/11/wizyta/"


def test_phpbb_shaped_atom_with_xml_base_on_content() -> None:
    body = atom(
        "<entry><author><name><![CDATA[pacjentka]]></name></author><updated>2026-11-20T10:01:02+01:00</updated>"
        "<published>2026-11-20T10:01:02+01:00</published><id>https://forum.example.pl/viewtopic.php?p=7#p7</id>"
        "<link href='https://forum.example.pl/viewtopic.php?p=7#p7'/>"
        "<title type='html'><![CDATA[Zdrowie • Re: Salus &amp; kolejki]]></title>"
        "<category term='Zdrowie' scheme='https://forum.example.pl/viewforum.php?f=2' label='Zdrowie'/>"
        "<content type='html' xml:base='https://forum.example.pl/viewtopic.php?p=7#p7'><![CDATA[Czekałam "
        "<strong>3 tygodnie</strong>]]></content></entry>",
        feed="<link rel='self' type='application/atom+xml' href='https://forum.example.pl/app.php/feed'/>"
             "<title>Forum</title><subtitle>Opis</subtitle><link href='https://forum.example.pl/index.php'/>"
             "<updated>2026-11-20T10:01:02+01:00</updated><author><name><![CDATA[Forum]]></name></author>"
             "<id>https://forum.example.pl/app.php/feed</id>",
        head="xml:lang='pl-pl'",
    )
    feed = fast_and_equal(body, "application/atom+xml")
    item = feed.items[0]
    assert (feed.link, feed.language, item.language) == ("https://forum.example.pl/index.php", "pl-pl", "pl-pl")
    assert item.title == "Zdrowie • Re: Salus &amp; kolejki" and item.title_is_html
    assert item.published == datetime(2026, 11, 20, 9, 1, 2, tzinfo=UTC)


def test_wordpress_atom_with_xml_base_on_the_feed() -> None:
    body = atom(
        "<entry><author><name>redakcja</name><uri>https://blog.example.pl</uri></author>"
        "<title type='html'><![CDATA[Wizyta]]></title><link rel='alternate' type='text/html' href='/2026/11/wizyta/'/>"
        "<id>https://blog.example.pl/?p=42</id><updated>2026-11-20T09:30:12Z</updated>"
        "<published>2026-11-20T09:30:12Z</published><summary type='html'><![CDATA[Wstęp]]></summary>"
        "<content type='html' xml:base='https://blog.example.pl/2026/11/wizyta/'><![CDATA[<p>Treść</p>]]></content>"
        "<link rel='replies' type='text/html' href='/2026/11/wizyta/#comments' thr:count='2'/></entry>",
        feed="<title type='text'>Blog</title><updated>2026-11-20T09:30:12Z</updated>"
             "<link rel='alternate' type='text/html' href='https://blog.example.pl'/>"
             "<id>https://blog.example.pl/feed/atom/</id>",
        head="xmlns:thr='http://purl.org/syndication/thread/1.0' xml:lang='pl-PL' "
             "xml:base='https://blog.example.pl/wp-atom.php'",
    )
    item = fast_and_equal(body, "application/atom+xml").items[0]
    assert item.link == "https://blog.example.pl/2026/11/wizyta/" and item.author == "redakcja"


def test_blogger_shaped_atom_with_extension_elements_in_the_author() -> None:
    body = atom(
        "<entry><id>tag:blogger.com,1999:blog-1.post-2</id><published>2026-11-19T21:05:00.001+01:00</published>"
        "<category scheme='http://www.blogger.com/atom/ns#' term='zdrowie'/><title type='text'>Salus</title>"
        "<content type='html'>&lt;p&gt;Wpis&lt;/p&gt;</content>"
        "<link rel='replies' type='application/atom+xml' href='https://x.blogspot.com/feeds/2/comments/default'/>"
        "<link rel='alternate' type='text/html' href='https://x.blogspot.com/2026/11/salus.html' title='Salus'/>"
        "<author><name>Ola</name><uri>https://www.blogger.com/profile/1</uri><email>noreply@blogger.com</email>"
        "<gd:image rel='http://schemas.google.com/g/2005#thumbnail' width='16' height='16' src='https://x/b.png'/>"
        "<foo:name>not a name</foo:name></author>"
        "<media:thumbnail url='https://x/t.jpg' height='72' width='72'/><thr:total>4</thr:total></entry>",
        head="xmlns:gd='http://schemas.google.com/g/2005' xmlns:thr='http://purl.org/syndication/thread/1.0' "
             "xmlns:media='http://search.yahoo.com/mrss/' xmlns:foo='https://foo.example/ns'",
    )
    item = fast_and_equal(body, "application/atom+xml").items[0]
    assert item.author == "Ola" and item.link == "https://x.blogspot.com/2026/11/salus.html"


def test_reddit_and_google_news_shapes() -> None:
    reddit = atom(
        "<entry><author><name>/u/pacjent</name><uri>https://www.reddit.com/user/pacjent</uri></author>"
        "<category term='Polska' label='r/Polska'/><content type='html'>&lt;!-- SC_OFF --&gt;&lt;div class=\"md\"&gt;"
        "&lt;p&gt;Salus?&lt;/p&gt;&lt;/div&gt;</content><id>t3_1abc</id>"
        "<media:thumbnail url='https://b.thumbs.redditmedia.com/x.jpg'/>"
        "<link href='https://www.reddit.com/r/Polska/comments/1abc/salus/'/>"
        "<updated>2026-11-20T10:00:00+00:00</updated>"
        "<published>2026-11-20T09:59:00+00:00</published><title>Salus?</title></entry>",
        feed="<category term='Polska' label='r/Polska'/><updated>2026-11-20T10:00:00+00:00</updated>"
             "<icon>https://www.redditstatic.com/icon.png/</icon><id>/r/Polska/.rss</id>"
             "<link rel='self' href='https://www.reddit.com/r/Polska/.rss' type='application/atom+xml'/>"
             "<link rel='alternate' href='https://www.reddit.com/r/Polska/' type='text/html'/><title>Polska</title>",
        head="xmlns:media='http://search.yahoo.com/mrss/'",
    )
    item = fast_and_equal(reddit, "application/atom+xml", "https://www.reddit.com/r/Polska/.rss").items[0]
    assert item.id == "https://www.reddit.com/r/Polska/t3_1abc" and item.author == "/u/pacjent"
    news = rss(
        "<item><title>Salus otwiera klinikę - Gazeta</title>"
        "<link>https://news.google.com/rss/articles/CBMiX2h0dHBzOi8vZXhhbXBsZS5wbC9h0gEA?oc=5</link>"
        "<guid isPermaLink='false'>CBMiX2h0dHBzOi8vZXhhbXBsZS5wbC9h0gEA</guid>"
        "<pubDate>Fri, 20 Nov 2026 07:00:00 GMT</pubDate><description>&lt;a href=\"https://news.google.com/rss/"
        "articles/CBMi\" target=\"_blank\"&gt;Salus otwiera klinikę&lt;/a&gt;&amp;nbsp;&amp;nbsp;&lt;font color="
        "\"#6f6f6f\"&gt;Gazeta&lt;/font&gt;</description>"
        "<source url='https://gazeta.example.pl'>Gazeta</source></item>",
        channel="<generator>NFE/5.0</generator><title>\"Salus\" - Google News</title>"
                "<link>https://news.google.com/search?q=Salus&amp;hl=pl</link><language>pl</language>"
                "<webMaster>news-webmaster@google.com</webMaster><copyright>2026 Google LLC</copyright>"
                "<lastBuildDate>Fri, 20 Nov 2026 07:05:00 GMT</lastBuildDate><description>Google News</description>",
    )
    feed = fast_and_equal(news, "application/rss+xml", "https://news.google.com/rss/search?q=Salus&hl=pl")
    assert feed.link == "https://news.google.com/search?q=Salus&hl=pl" and feed.items[0].body_is_html


# ---- what the fast path leaves to feedparser

@pytest.mark.parametrize("body", [
    b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">'
    b"<channel><title>t</title></channel><item><title>x</title></item></rdf:RDF>",
    b'<rss version="0.91"><channel><title>t</title><item><title>x</title></item></channel></rss>',
    b'<feed version="0.3" xmlns="http://purl.org/atom/ns#"><entry><title>x</title></entry></feed>',
    b'<rss version="2.0"><channel><item><title>x</item></channel></rss>',
    b'<rss version="2.0"><channel><item xml:base="https://other.example/"><link>a</link></item></channel></rss>',
    b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>1</id><content type="xhtml">'
    b'<div xmlns="http://www.w3.org/1999/xhtml"><p>x</p></div></content></entry></feed>',
    b'<!DOCTYPE rss [<!ENTITY a "b">]><rss version="2.0"><channel><item><title>&a;</title></item></channel></rss>',
    b'<rss version="2.0" xmlns:x="http://unknown.example/"><channel><item><x:title>t</x:title><title>a<b>b</b>'
    b"</title></item></channel></rss>",
    b'<rss version="2.0"><channel><title>empty</title></channel></rss>',
])
def test_documents_the_fast_path_is_not_sure_of_go_to_feedparser(body: bytes) -> None:
    assert parse_fast(body, headers("application/xml")) is None
    slow, quick = both_paths(body, "application/xml")
    if isinstance(slow, ParsedFeed):
        assert differences(slow, quick) == []
    else:
        assert isinstance(quick, SourceError) and str(quick) == str(slow)


def test_entity_bombs_and_external_entities_are_still_refused_before_any_parser() -> None:
    laughs = (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
              b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]><rss version="2.0"><channel><item><title>&c;</title>'
              b"</item></channel></rss>")
    external = (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                b'<rss version="2.0"><channel><item><title>&x;</title></item></channel></rss>')
    for body in (laughs, external):
        with pytest.raises(SourceError) as raised:
            parse_feed(body, url=URL, content_type="application/rss+xml")
        assert raised.value.kind == "parse"
        assert parse_fast(body, headers("application/xml")) is None  # never expanded by the fast path either


def test_absurd_nesting_is_left_to_feedparser() -> None:
    """Nesting deep enough to exhaust the walk's recursion falls back to feedparser (SAX) rather than failing."""
    depth = 20_000
    body = (b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Clinic</title>'
            b"<item><title>Deep</title><link>https://example.org/deep</link><category>"
            + b"<x>" * depth + b"</x>" * depth + b"</category></item></channel></rss>")
    assert parse_fast(body, headers("application/rss+xml")) is None
    slow, quick = both_paths(body)
    assert isinstance(quick, ParsedFeed), quick
    assert [item.title for item in quick.items] == ["Deep"]
    assert differences(slow, quick) == []
