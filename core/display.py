"""Text from strangers made safe to look at: invisible and direction-changing characters shown as markers.

A right-to-left override makes "gnp.exe" read "exe.png"; zero-width characters hide inside names and links.
Everything the product shows from a source (dashboard, alert e-mails and webhooks, reports) goes through
visible_controls(); links that stay clickable go through visible_href().
"""
from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

# Shown as they are: line breaks and tabs lay out text; ZWJ and VS16 join emoji (handled below).
_KEPT = frozenset("\n\t")
_ZWJ = "\u200d"
# Invisible letters that are not format characters: Hangul fillers, the Braille blank, the Khmer vowel inherents.
_INVISIBLE_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u17b4\u17b5")


def _hidden(ch: str) -> bool:
    if ch in _KEPT:
        return False
    return unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp") or ch in _INVISIBLE_LETTERS


def _is_emoji(ch: str) -> bool:
    return unicodedata.category(ch) == "So" or ch == "\ufe0f"


def marker(ch: str) -> str:
    """⟦U+202E⟧: what the reader sees in place of an invisible character."""
    return f"⟦U+{ord(ch):04X}⟧"


def visible_controls(text: str) -> str:
    """Replace every invisible or direction-changing character with a visible ⟦U+XXXX⟧ marker.

    A zero-width joiner between two emoji (family and profession emoji) is kept: it joins pictures and cannot
    reorder or hide letters.
    """
    if text.isascii() and text.isprintable():  # the common case costs one scan
        return text
    out = []
    for index, ch in enumerate(text):
        if ch == _ZWJ and 0 < index < len(text) - 1 and _is_emoji(text[index - 1]) and _is_emoji(text[index + 1]):
            out.append(ch)
        elif _hidden(ch):
            out.append(marker(ch))
        else:
            out.append(ch)
    return "".join(out)


_HIDDEN_IN_URL = re.compile("[^\\x21-\\x7e]")


def visible_href(url: str) -> str:
    """A link target with every invisible character percent-encoded (still the same address, nothing hidden)."""
    return _HIDDEN_IN_URL.sub(lambda m: quote(m.group(0), safe="", errors="replace") if _hidden(m.group(0)) else m.group(0), url)
