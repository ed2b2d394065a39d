"""The shortcuts taken for speed give what the long way gives: URL joining, HTML/plain text tidying."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from feedparser.html import _cp1252
from feedparser.urls import _urljoin
from hypothesis import example, given, settings
from hypothesis import strategies as st

from collectors import html_text
from collectors.feed_fast_rules import finish_text, join_uri
from collectors.feeds import article_link, safe_link
from collectors.google import unwrap_google_url
from collectors.html_text import html_to_text, plain_to_text

pytestmark = pytest.mark.slow  # property tests over many generated inputs: not in `make test-fast`

BASES = ["https://feeds.example.org/dir/feed.xml", "http://example.org", "https://example.org/a//b;p?q=1#f",
         "https://example.org/", "https://user@example.org:8080/x/y/"]
URI_STARTS = ["", "http://", "https://", "HTTP://", "https:///", "tag:", "urn:", "//", "/", "./", "../", "mailto:",
              "http://[::1]/", "https://example.org/"]
URI_CHARS = "aZ09-._~%/?#;:@!$&'()*+,=[] \t\n\u0142"


@settings(max_examples=600, deadline=None)
@given(st.sampled_from(BASES), st.sampled_from(URI_STARTS), st.text(URI_CHARS, max_size=25))
@example("https://feeds.example.org/dir/feed.xml", "", "m123")
@example("https://feeds.example.org/dir/feed.xml", "https://example.org/", "p?")
@example("https://feeds.example.org/dir/feed.xml", "", "..")
@example("https://feeds.example.org/dir/feed.xml", "tag:", "google.com,2013:googlealerts/feed:1")
def test_join_uri_is_feedparsers_urljoin(base: str, start: str, rest: str) -> None:
    uri = start + rest
    assert join_uri(base, uri) == _urljoin(base, uri)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["", "http://", "https://", "javascript:", " https://", "HTTPS://", "data:"]),
       st.text("ab/:[]. \x01\u2100", max_size=12))
def test_safe_link_shortcut_agrees_with_urlsplit(start: str, rest: str) -> None:
    url = (start + rest).strip()
    try:
        expected = url if urlsplit(url).scheme.lower() in ("http", "https") else ""
    except ValueError:
        return  # urlsplit refuses the host; the shortcut never takes URLs with "[" so both raise there
    assert safe_link(start + rest) == expected


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["", "https://", "http://www.", "HTTPS://news."]),
       st.sampled_from(["google.com", "google.pl", "goo\tgle.com", "GOOGLE.co.uk", "example.org", "google.example"]),
       st.sampled_from(["/url?url=https://a.example/x&q=1", "/url?q=https://b.example/", "/", "/rss/articles/CBMiX"]))
def test_article_link_shortcut_agrees_with_unwrap_google_url(start: str, host: str, path: str) -> None:
    link = start + host + path
    assert article_link(link) == unwrap_google_url(link)


def reference_tidy(raw: str) -> str:
    """tidy() before its one-line shortcut."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", raw):
        lines = [html_text._SPACES.sub(" ", line.replace("\n", " ")).strip() for line in block.split("\x00")]
        text = "\n".join(line for line in lines if line)
        if text:
            paragraphs.append(text)
    return "\n\n".join(paragraphs)


def reference_html_to_text(html: str) -> str:
    """html_to_text() before its no-markup shortcut: every string goes through the parser."""
    def one_pass(value: str) -> str:
        parser = html_text._TextExtractor()
        parser.feed(html_text._STRAY_DECLARATION.sub("&lt;!", value))
        parser.close()
        return reference_tidy("".join(parser.parts))

    if not html:
        return ""
    text = one_pass(html)
    for _ in range(html_text._MAX_PASSES - 1):
        if not html_text._TAG_LIKE.search(text):
            break
        text = one_pass(text)
    return html_text.neutralise_markup(text)


def reference_plain_to_text(text: str) -> str:
    if not text:
        return ""
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    return html_text.neutralise_markup(reference_tidy(normalised.replace("\n", "\x00").replace("\x00\x00", "\n\n")))


TEXT_CHARS = st.sampled_from(list("ab Żł\t\r\n\x00\u00a0\u200b\u2003\x1c<>&;#!/p") + ["<p>", "&amp;", "<br>", "\n\n"])


@settings(max_examples=800, deadline=None)
@given(st.lists(TEXT_CHARS, max_size=30).map("".join))
@example("Salus: bardzo  dobra\tklinika ")
@example("  \u2003 ")
def test_text_shortcuts_change_no_output(text: str) -> None:
    assert html_to_text(text) == reference_html_to_text(text)
    assert plain_to_text(text) == reference_plain_to_text(text)
    assert html_text.tidy(text) == reference_tidy(text)


SPACEY = st.text(st.sampled_from(list("ab c  \t\r\f\v\u00a0\u200b\u2003\u0105\x81\x92\x9dé.")), max_size=30)


@settings(max_examples=600, deadline=None)
@given(SPACEY)
def test_one_line_tidy_equals_collapsing_every_space_run(raw: str) -> None:
    one_line = raw.replace("\n", "").replace("\x00", "")
    assert html_text.tidy(one_line) == html_text._SPACES.sub(" ", one_line).strip()


@settings(max_examples=600, deadline=None)
@given(SPACEY)
def test_finish_text_equals_feedparsers_repair_and_cp1252_mapping(raw: str) -> None:
    expected = raw
    if not raw.isascii():
        try:
            expected = raw.encode("iso-8859-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
        expected = expected.translate(_cp1252)
    assert finish_text(raw) == expected
