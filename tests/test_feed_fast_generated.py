"""Generated RSS 2.0 / Atom 1.0 documents: whenever the fast path accepts one, feedparser's path agrees."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collectors.feed_fast import parse_fast
from tests.test_feed_fast import both_paths, differences, headers

pytestmark = pytest.mark.slow  # property tests over many generated inputs: not in `make test-fast`

TEXTS = st.sampled_from([
    "", "  Salus  ", "Dobra &lt;b&gt;klinika&lt;/b&gt;", "A &amp; B", "Caf&amp;eacute;", "<![CDATA[<p>x</p>]]>",
    "Łódź – opinia", "Ci\u00c3\u00a9", "&#150;", "jan@example.com (Jan)", "&lt;p&gt;double&lt;/p&gt;",
    "x &amp;amp; y",
])
URIS = st.sampled_from([
    "https://example.org/a?b=1&amp;c=2", "/rel/path", "m12", "tag:example.org,2024:1", "", " https://example.org/x ",
    "HTTPS://Example.org/../a", "urn:uuid:1", "?q=1", "#frag", "http://example.org/a;p", "../up",
])
DATES = st.sampled_from([
    "Fri, 20 Nov 2026 10:00:00 +0000", "20 Nov 2026 10:00 GMT", "2026-11-20T10:00:00Z", "2026-11-20",
    "2026-11-20T10:00:00.5+01:30", "Fri, 20 Nov 26 10:00:00 EST", "yesterday", "", "Nov 20 2026",
])
TYPES = st.sampled_from(["", " type='html'", " type='text'", " type='text/html'", " type='TEXT/PLAIN'"])
LANGS = st.sampled_from(["", " xml:lang='pl'", " xml:lang='it_IT'", " xml:lang=''"])

RSS_PARTS = st.one_of(
    st.builds("<title{}>{}</title>".format, TYPES, TEXTS),
    st.builds("<link>{}</link>".format, URIS),
    st.builds("<atom:link href='{}' rel='{}'/>".format, URIS, st.sampled_from(["alternate", "self", "related"])),
    st.builds("<guid{}>{}</guid>".format, st.sampled_from(["", " isPermaLink='false'", " isPermaLink='true'"]), URIS),
    st.builds("<description{}{}>{}</description>".format, TYPES, LANGS, TEXTS),
    st.builds("<content:encoded>{}</content:encoded>".format, TEXTS),
    st.builds("<dc:creator>{}</dc:creator>".format, TEXTS),
    st.builds("<author>{}</author>".format, TEXTS),
    st.builds("<pubDate>{}</pubDate>".format, DATES),
    st.builds("<dc:date>{}</dc:date>".format, DATES),
    st.builds("<slash:comments>{}</slash:comments>".format, st.sampled_from(["3", " 12 ", "x", ""])),
    st.builds("<source url='https://s.example/'>{}</source>".format, TEXTS),
    st.builds("<category>{}</category>".format, TEXTS),
    st.just("<comments>https://example.org/c</comments>"),
    st.just("<enclosure url='https://example.org/a.mp3' type='audio/mpeg' length='1'/>"),
)
ATOM_PARTS = st.one_of(
    st.builds("<title{}>{}</title>".format, TYPES, TEXTS),
    st.builds("<link href='{}'{}{}/>".format, URIS,
              st.sampled_from(["", " rel='alternate'", " rel='self'", " rel='edit'", " rel='ALTERNATE'"]),
              st.sampled_from(["", " type='text/html'", " type='application/pdf'", " type='application/xhtml+xml'"])),
    st.builds("<id>{}</id>".format, URIS),
    st.builds("<summary{}{}>{}</summary>".format, TYPES, LANGS, TEXTS),
    st.builds("<content{}{}>{}</content>".format, TYPES, LANGS, TEXTS),
    st.builds("<author><name>{}</name>{}</author>".format, TEXTS,
              st.sampled_from(["", "<email>a@example.org</email>", "<uri>/me</uri>"])),
    st.builds("<published>{}</published>".format, DATES),
    st.builds("<updated>{}</updated>".format, DATES),
    st.builds("<source><title>{}</title><id>tag:s,1</id></source>".format, TEXTS),
    st.just("<category term='a' label='b'/>"),
)
NAMESPACES = ("xmlns:content='http://purl.org/rss/1.0/modules/content/' xmlns:dc='http://purl.org/dc/elements/1.1/'"
              " xmlns:atom='http://www.w3.org/2005/Atom' xmlns:slash='http://purl.org/rss/1.0/modules/slash/'")


def rss_document(channel: list[str], items: list[list[str]], lang: str) -> bytes:
    body = "".join(f"<item>{''.join(parts)}</item>" for parts in items)
    return (f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0' {NAMESPACES}{lang}><channel>"
            f"{''.join(channel)}{body}</channel></rss>").encode()


def atom_document(feed: list[str], entries: list[list[str]], lang: str) -> bytes:
    body = "".join(f"<entry>{''.join(parts)}</entry>" for parts in entries)
    return (f"<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'{lang}>"
            f"{''.join(feed)}{body}</feed>").encode()


def assert_paths_agree(body: bytes) -> None:
    if parse_fast(body, headers("application/xml")) is None:
        return
    slow, quick = both_paths(body, "application/xml")
    assert differences(slow, quick) == [], body.decode("utf-8")


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(RSS_PARTS, max_size=4), st.lists(st.lists(RSS_PARTS, max_size=7), min_size=1, max_size=3), LANGS)
def test_generated_rss_agrees(channel: list[str], items: list[list[str]], lang: str) -> None:
    assert_paths_agree(rss_document(channel, items, lang))


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ATOM_PARTS, max_size=4), st.lists(st.lists(ATOM_PARTS, max_size=7), min_size=1, max_size=3), LANGS)
def test_generated_atom_agrees(feed: list[str], entries: list[list[str]], lang: str) -> None:
    assert_paths_agree(atom_document(feed, entries, lang))


def test_generated_documents_mostly_take_the_fast_path() -> None:
    body = rss_document(["<title>t</title>"], [["<title>a</title>", "<description>d</description>"]], "")
    assert parse_fast(body, headers("application/xml")) is not None
    body = atom_document(["<title>t</title>"], [["<id>tag:x,1</id>", "<content type='html'>c</content>"]], "")
    assert parse_fast(body, headers("application/xml")) is not None
