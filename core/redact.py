"""Credentials out of anything shown or stored: user:password@ in URLs and secret-looking query parameters.

The one place that decides what a secret looks like; the CLI, the store, source errors and the pages use it.
"""
from __future__ import annotations

import re

MASK = "***"
# Query parameter (and config key) names that carry a credential, compared lower-case with - turned into _.
SECRET_NAMES = frozenset({
    "token", "access_token", "refresh_token", "id_token", "auth", "auth_token", "authorization", "key", "apikey",
    "api_key", "app_key", "client_secret", "secret", "password", "passwd", "pass", "pwd", "sig", "signature",
    "session", "sessionid", "private_token", "x_api_key", "code",
})
# A name ending like these is secret too: "github_token", "smtp_password", "feed_api_key".
_SECRET_SUFFIXES = ("_token", "_secret", "_password", "_api_key", "_apikey", "_key")

# user:password@ (or a lone token@) between "//" and the host.
_USERINFO = re.compile(r"(?P<scheme>\b[a-zA-Z][a-zA-Z0-9+.-]*://)(?P<userinfo>[^/?#@\s]+)@")
# name=value in a query string or fragment: after ? & ; or #.
# The value ends at the next separator, or at punctuation that ends the sentence quoting the URL ("...=x: refused").
_PARAM = re.compile(r"(?P<lead>[?&;#])(?P<name>[^=&;#\s]+)=(?P<value>[^&;#\s\"'<>]*?)"
                    r"(?=$|[&;#\s\"'<>]|[:,.)\]](?:\s|$))")


def is_secret_name(name: str) -> bool:
    """True for a parameter or key name that holds a credential (token, api_key, sig, client_secret, ...)."""
    folded = name.strip().lower().replace("-", "_")
    return folded in SECRET_NAMES or folded.endswith(_SECRET_SUFFIXES)


def redact(text: str | None) -> str:
    """`text` with every URL credential masked: "https://u:p@h/x?token=abc&page=2" -> "https://***@h/x?token=***&page=2".

    Works on bare URLs and on messages that quote URLs; text without any is returned unchanged.
    """
    if not text:
        return text or ""
    if "@" in text:
        text = _USERINFO.sub(lambda m: f"{m.group('scheme')}{MASK}@", text)
    if "=" in text:
        text = _PARAM.sub(_mask_param, text)
    return text


def _mask_param(match: re.Match[str]) -> str:
    if not is_secret_name(match.group("name")) or not match.group("value"):
        return match.group(0)
    return f"{match.group('lead')}{match.group('name')}={MASK}"
