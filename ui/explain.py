"""Why the analysis decided what it did: the deciding words marked in the mention, the words per decision
(kind, topics, each urgency reason), what each decision rests on (a rule, or the staff labels the clinic's
model learned from) and the confidence.

The words come from the mention itself, so they are hostile input like the text: every piece is escaped
(ui.components.escape_all) before any mark-up is put around it.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

import streamlit as st

from core.i18n import label, t
from core.models import NEEDS_LOOK_BELOW
from ui.components import SHOWN_CHARS, WHY_STYLE, escape_all, match_spans, show_text

Span = tuple[int, int]

MAX_WORDS = 60  # a text with more deciding words than this marks the first ones; the panel lists them all


def _fold_char(ch: str) -> str:
    """One character as analysis folds text (lower case, no diacritics, Polish ł as l, ’ as ')."""
    low = ch.lower()
    if low.isascii():
        return low
    low = low.replace("ł", "l").replace("\u2019", "'")
    return "".join(c for c in unicodedata.normalize("NFKD", low) if not unicodedata.combining(c))


def _folded_with_origin(text: str) -> tuple[str, list[int]]:
    """The folded text and, per folded character, the index of the source character it came from."""
    chars: list[str] = []
    origin: list[int] = []
    for index, ch in enumerate(text):
        folded = _fold_char(ch)
        chars.append(folded)
        origin.extend([index] * len(folded))
    return "".join(chars), origin


@lru_cache(maxsize=4096)
def _word_pattern(word: str) -> re.Pattern[str] | None:
    """A word or phrase as analysis recorded it (folded or as written), matched whole in folded text."""
    parts = ["".join(_fold_char(ch) for ch in part) for part in word.split()]
    parts = [p for p in parts if p]
    if not parts:
        return None
    body = r"\s+".join(re.escape(p) for p in parts)
    start = r"(?<!\w)" if re.match(r"\w", parts[0]) else ""
    end = r"(?!\w)" if re.search(r"\w$", parts[-1]) else ""
    return re.compile(start + body + end)


def word_spans(text: str, words: list[str]) -> list[Span]:
    """Where in `text` (source character offsets) the given deciding words occur, whole words only."""
    if not text or not words:
        return []
    folded, origin = _folded_with_origin(text)
    spans: set[Span] = set()
    for word in words[:MAX_WORDS]:
        pattern = _word_pattern(word)
        if pattern is None:
            continue
        for found in pattern.finditer(folded):
            if found.end() > found.start():
                spans.add((origin[found.start()], origin[found.end() - 1] + 1))
    return sorted(spans)


def deciding_words(row: dict[str, Any]) -> list[str]:
    """Every word any decision recorded, once each, in the order the decisions list them."""
    seen: dict[str, None] = {}
    for words in (row.get("evidence") or {}).values():
        for word in words:
            seen.setdefault(str(word), None)
    return list(seen)


def show_marked_text(text: str, row: dict[str, Any], field: str, lang: str) -> None:
    """A field of the mention (title or text), escaped, with its brand terms and deciding words marked."""
    shown = text[:SHOWN_CHARS]  # the words are looked for only where the text is shown
    show_text(text, lang, match_spans(row.get("matches") or [], field), word_spans(shown, deciding_words(row)))


def _words_html(words: list[str]) -> str:
    return " ".join(f'<mark class="cw-why" style="{WHY_STYLE}">{escape_all(w)}</mark>' for w in words)


def _basis(row: dict[str, Any], decision: str, lang: str) -> str:
    """What a decision rests on: the staff-labelled mentions the clinic's model learned from, or a rule."""
    learned = (row.get("learned_from") or {}).get(decision)
    return t("learned_from", lang, n=learned) if learned else t("by_rule", lang)


def confidence_text(confidence: float | None, lang: str) -> str:
    """The confidence as a plain figure, with "needs a human look" below NEEDS_LOOK_BELOW."""
    if confidence is None:
        return t("confidence_unknown", lang)
    text = t("confidence", lang, value=f"{confidence:.2f}")
    return f"{text} · {t('needs_look', lang)}" if confidence < NEEDS_LOOK_BELOW else text


def why_html(row: dict[str, Any], lang: str) -> str:
    """The panel: per decision its value, the words that drove it and what it rests on; then the confidence."""
    evidence: dict[str, list[str]] = row.get("evidence") or {}
    lines = []
    if row.get("kind"):
        kind = escape_all(f"{t('why_kind', lang)}: {label('kind', row['kind'], lang)} ({_basis(row, 'kind', lang)})")
        lines.append(f"{kind} {_words_html(evidence.get('kind', []))}")
    topics = [x for x in row.get("topics") or [] if x != "other"]
    if topics:
        named = ", ".join(f"{label('topic', x, lang)} ({_basis(row, f'topic:{x}', lang)})" for x in topics)
        lines.append(f"{escape_all(t('why_topics', lang) + ': ' + named)} {_words_html(evidence.get('topics', []))}")
    for reason in row.get("urgency_reasons") or []:
        if evidence.get(reason):
            lines.append(f"{escape_all(label('reason', reason, lang) + ':')} {_words_html(evidence[reason])}")
    confidence = row.get("confidence")
    colour = "#b71c1c" if confidence is not None and confidence < NEEDS_LOOK_BELOW else "inherit"
    lines.append(f'<span class="cw-confidence" style="color:{colour}">{escape_all(confidence_text(confidence, lang))}</span>')
    body = "".join(f"<div>{line}</div>" for line in lines)
    return f'<div class="cw-why-panel" style="font-size:0.9em"><b>{escape_all(t("why_title", lang))}</b>{body}</div>'


def render_why(row: dict[str, Any], lang: str) -> None:
    if row.get("kind") is None:  # not analysed yet: nothing decided, nothing to explain
        return
    st.html(why_html(row, lang))
