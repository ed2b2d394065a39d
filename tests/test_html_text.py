"""HTML to plain text, and the Google helpers that clean Alerts/News items."""
from __future__ import annotations

import base64
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from collectors.google import strip_bold_markers, unwrap_google_url
from collectors.html_text import html_to_text, plain_to_text


def test_paragraphs_are_kept_as_blank_line_separated() -> None:
    html = "<p>Pierwszy   akapit\n z łamaniem.</p><p>Drugi&nbsp;akapit &amp; więcej</p><div>Trzeci<br>wiersz</div>"
    assert html_to_text(html) == "Pierwszy akapit z łamaniem.\n\nDrugi akapit & więcej\n\nTrzeci\nwiersz"


def test_scripts_styles_and_comments_are_dropped() -> None:
    html = ("<style>p{color:red}</style><p>Visible</p><script>alert('x')</script><!-- hidden -->"
            "<template>tpl</template><svg><text>chart</text></svg><p onclick='evil()'>Too</p>")
    assert html_to_text(html) == "Visible\n\nToo"


def test_fallback_text_of_embedded_content_is_kept() -> None:
    html = "safe<embed src='x'> <iframe src='y'>shown when frames are off</iframe> <video>no video</video>"
    assert html_to_text(html) == "safe shown when frames are off no video"


def test_stray_declaration_is_text() -> None:
    assert html_to_text("&lt;!' &lt;a href='x'&gt;ok") == "< !' ok"


def test_entities_are_decoded() -> None:
    assert html_to_text("Caf&eacute; &#8220;Salus&#8221; &lt;3 &#x142;&oacute;d&#378;") == "Café “Salus” <3 łódź"


def test_lists_headings_and_tables() -> None:
    html = "<h2>Opinie</h2><ul><li>Szybko</li><li>Miło</li></ul><table><tr><td>a</td><td>b</td></tr></table>"
    assert html_to_text(html) == "Opinie\n\nSzybko\n\nMiło\n\na b"


def test_preformatted_text_keeps_its_lines() -> None:
    assert html_to_text("<pre>line 1\nline 2</pre>") == "line 1\nline 2"


def test_double_escaped_html_is_unwrapped() -> None:
    assert html_to_text("&lt;p&gt;Bardzo &lt;b&gt;dobra&lt;/b&gt; klinika&lt;/p&gt;") == "Bardzo dobra klinika"


def test_text_that_still_reads_as_a_tag_is_neutralised() -> None:
    # Triple-escaped markup survives the passes as text; it must not look like a tag to anything downstream.
    text = html_to_text("&amp;amp;lt;script&amp;amp;gt;x")
    assert not re.search(r"<[A-Za-z]", text) and "script" in text


def test_empty_and_none() -> None:
    assert html_to_text("") == "" and html_to_text(None) == "" and plain_to_text(None) == ""


def test_plain_text_keeps_paragraphs_and_lines() -> None:
    assert plain_to_text("Uno  due\r\ntre\n\n\nquattro <b>") == "Uno due\ntre\n\nquattro < b>"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/&;#[]abcdiprstxy =\"'!-\n")), max_size=80))
def test_no_markup_survives_any_input(html: str) -> None:
    text = html_to_text(html)
    assert not re.search(r"<[A-Za-z!?/]", text)
    assert text == text.strip()


def test_google_redirects_are_unwrapped() -> None:
    wrapped = "https://www.google.com/url?rct=j&sa=t&url=https://www.rp.pl/zdrowie/art1&ct=ga&usg=AFQ"
    assert unwrap_google_url(wrapped) == "https://www.rp.pl/zdrowie/art1"
    assert unwrap_google_url("https://www.google.it/url?q=https://www.corriere.it/x&sa=U") == "https://www.corriere.it/x"
    assert unwrap_google_url("https://www.google.com/url?url=javascript:alert(1)").startswith("https://www.google")
    assert unwrap_google_url("https://evil.example/url?url=https://x.example/") == "https://evil.example/url?url=https://x.example/"
    assert unwrap_google_url("https://google.evil.example/url?url=https://x.example/").startswith("https://google.evil")


def test_google_news_article_ids_are_decoded_when_they_hold_the_url() -> None:
    target = b"https://www.money.pl/artykul/medicover-wyniki-1"
    token = base64.urlsafe_b64encode(b"\x08\x13\x22" + bytes([len(target)]) + target + b"\xd2\x01\x00").decode()
    url = f"https://news.google.com/rss/articles/{token.rstrip('=')}?oc=5"
    assert unwrap_google_url(url) == target.decode()
    opaque = "https://news.google.com/rss/articles/CBMiAUFVX3lxTE9wYXF1ZQ?oc=5"
    assert unwrap_google_url(opaque) == opaque


def test_bold_markers_are_stripped() -> None:
    assert strip_bold_markers("<b>Medicover</b> i &lt;b&gt;LuxMed&lt;/b&gt;") == "Medicover i LuxMed"


@pytest.mark.parametrize("html", ["<p>a</p>" * 2000, "<div>" * 500 + "x" + "</div>" * 500])
def test_large_and_deep_documents(html: str) -> None:
    assert html_to_text(html).replace("\n\n", "") in ("a" * 2000, "x")
