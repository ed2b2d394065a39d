"""Google Alerts and Google News feeds: unwrap redirect links to the article's real URL, strip bold markers."""
from __future__ import annotations

import base64
import binascii
import re
from urllib.parse import parse_qs, urlsplit

_BOLD = re.compile(r"</?b\s*>|&lt;/?b\s*&gt;", re.IGNORECASE)
_EMBEDDED_URL = re.compile(rb"https?://[\x21-\x7e]+")


_GOOGLE_HOST = re.compile(r"^(?:[a-z0-9-]+\.)*google\.(?:com?\.)?[a-z]{2,3}$")


def is_google_host(host: str) -> bool:
    """google.com, www.google.pl, news.google.co.uk, ..."""
    return bool(_GOOGLE_HOST.match(host.lower().rstrip(".")))


def unwrap_google_url(url: str) -> str:
    """The article URL behind a Google redirect (/url?url=…, ?q=…, news.google.com/…/articles/CBMi…), else `url`."""
    if not url:
        return url
    parts = urlsplit(url)
    if not parts.hostname or not is_google_host(parts.hostname):
        return url
    if parts.path == "/url":
        query = parse_qs(parts.query)
        for key in ("url", "q"):
            target = (query.get(key) or [""])[0]
            if target.startswith(("http://", "https://")):
                return target
        return url
    if parts.hostname.startswith("news.google.") and "/articles/" in parts.path:
        return _decode_news_article(parts.path.rsplit("/", 1)[-1]) or url
    return url


def _decode_news_article(token: str) -> str | None:
    """Older Google News article ids are base64 protobufs holding the URL in clear; newer ones are opaque."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        return None
    match = _EMBEDDED_URL.search(raw)
    if not match:
        return None
    # The URL is length-prefixed inside the protobuf; a trailing field tag may follow it in clear bytes.
    start = match.start()
    length = raw[start - 1] if start >= 1 else 0
    candidate = raw[start : start + length] if 0 < length <= len(raw) - start else match.group(0)
    try:
        return candidate.decode("ascii")
    except UnicodeDecodeError:
        return None


def strip_bold_markers(text: str) -> str:
    """Remove the <b>…</b> (raw or escaped) Google wraps around the matched words."""
    return _BOLD.sub("", text or "")
