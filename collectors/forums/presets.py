"""CSS selectors for the stock themes of common forum engines, so most forums need no selectors in the config."""
from __future__ import annotations

from collections.abc import Mapping

SELECTOR_KEYS = ("post", "author", "date", "text", "permalink", "next_page", "thread_title", "quote")
REQUIRED_KEYS = ("post", "text")

PRESETS: dict[str, dict[str, str]] = {
    # phpBB 3.2/3.3, theme prosilver: viewtopic_body.html and pagination.html.
    "phpbb": {
        "post": "div.post",
        "author": "p.author .username, p.author .username-coloured, dl.postprofile .username",
        "date": "p.author time, p.author",
        "text": "div.content",
        "permalink": "p.author a[href*='p='], h3 a[href^='#p']",
        "next_page": "div.pagination li.next a, a[rel='next']",
        "thread_title": "h2.topic-title",
    },
    # XenForo 2.x default style: thread_view / post_macros templates.
    "xenforo": {
        "post": "article.message--post",
        "author": "h4.message-name .username, .message-name",
        "date": "header.message-attribution time.u-dt",
        "text": "div.message-userContent .bbWrapper",
        "permalink": "ul.message-attribution-main a[href*='post-'], a.message-attribution-gadget",
        "next_page": "a.pageNav-jump--next",
        "thread_title": "h1.p-title-value",
    },
    # vBulletin 5 Connect default theme: conversation (thread) view.
    "vbulletin": {
        "post": "li.b-post.js-post",
        "author": "div.b-userinfo__details .author a, .author a",
        "date": "div.b-post__timestamp time, div.b-post__timestamp",
        "text": "div.js-post__content-text",
        "permalink": "a.b-post__count",
        "next_page": "a.js-pagenav-next-button, a[rel='next']",
        "thread_title": "h1.main-title, h2.b-post__title",
    },
    # vBulletin 4.x default style: showthread / postbit_legacy. The post text is itself a <blockquote>.
    "vbulletin4": {
        "post": "ol#posts > li.postcontainer, li.postbitlegacy, li.postbit",
        "author": "div.username_container a.username, div.username_container .username",
        "date": "div.posthead span.date, span.postdate",
        "text": "div[id^='post_message_'] blockquote.postcontent, div[id^='post_message_']",
        "permalink": "a.postcounter",
        "next_page": "span.prev_next a[rel='next'], a[rel='next']",
        "thread_title": "span.threadtitle, div#pagetitle h1",
        "quote": "div.bbcode_container, div.bbcode_quote",
    },
    # vBulletin 3.x default style: showthread / postbit_legacy (each post a table#post<id>).
    "vbulletin3": {
        "post": "table[id^='post']",
        "author": "a.bigusername, div[id^='postmenu_']",
        "date": "td.thead",
        "text": "div[id^='post_message_']",
        "permalink": "a[id^='postcount']",
        "next_page": "a[rel='next'], div.pagenav a[title^='Next Page']",
        "thread_title": "td.navbar strong",
        "quote": "div[style*='margin:20px'], div.bbcode_quote",  # the stock quote block has no class
    },
}

# Quoted replies repeat other people's words; they are dropped so a quote is not counted as a new mention.
# (A preset's own "quote" replaces this; vBulletin 4 writes every post's text in a <blockquote class=postcontent>.)
QUOTE_SELECTORS = "blockquote:not(.postcontent), aside.quote, div.bbCodeBlock--quote, div.bbcode_quote, .quote"
# Not words of the post: image lightbox captions ("image1920×775 250 KB" in Discourse), thread-title labels.
NOISE_SELECTORS = "div.lightbox-wrapper div.meta, a.lightbox div.meta"
# Thread prefixes (XenForo 2 label spans, XenForo 1 prefix spans): a tag beside the title, not part of it.
TITLE_NOISE_SELECTORS = "span.label, span.label-append, span.prefix, a.labelLink"


def resolve_selectors(preset: str | None, overrides: Mapping[str, str]) -> dict[str, str]:
    """The preset's selectors with the config's own on top; ValueError naming a bad key or a missing required one."""
    if preset and preset not in PRESETS:
        raise ValueError(f"unknown forum preset {preset!r} (choose one of {', '.join(sorted(PRESETS))})")
    unknown = sorted(set(overrides) - set(SELECTOR_KEYS))
    if unknown:
        raise ValueError(f"unknown selector key(s) {', '.join(unknown)} (known: {', '.join(SELECTOR_KEYS)})")
    selectors = {"quote": QUOTE_SELECTORS, **(PRESETS[preset] if preset else {}),
                 **{k: v for k, v in overrides.items() if v.strip()}}
    missing = [key for key in REQUIRED_KEYS if key not in selectors]
    if missing:
        raise ValueError(
            f"selectors {', '.join(missing)} are required: set selectors.{missing[0]} or a preset "
            f"({', '.join(sorted(PRESETS))})"
        )
    return selectors
