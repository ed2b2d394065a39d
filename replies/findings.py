"""Findings: one per problem (overlapping hits merged), with the words at fault and the safe sentence to use."""
from __future__ import annotations

from dataclasses import dataclass, field

from core.i18n import t
from replies.health_rules import RawHit, sentences
from replies.rulebook import RULES, rule_book


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem: its rule, an English reason, where it is (character spans of the reply) and what to write."""

    rule: str
    reason: str
    span: tuple[int, int] | None = None  # the first span, for callers that highlight one place
    spans: tuple[tuple[int, int], ...] = field(default=())
    words: tuple[str, ...] = field(default=())
    suggestion: str = ""  # a safe sentence in the reply's language


def reason(rule: str, language: str = "en") -> str:
    """The rule's reason in a UI language (core.i18n catalogue); raw rule ids are never shown to users."""
    return t(f"lint_{rule}", language)


def message(finding: Finding, ui_language: str) -> str:
    """The finding as the dashboard shows it: reason and the words at fault, in the UI language."""
    text = reason(finding.rule, ui_language)
    if finding.words:
        quoted = ", ".join(f"“{w}”" for w in finding.words)
        text = t("lint_words", ui_language, reason=text, words=quoted)
    return text


def merge(text: str, hits: list[RawHit], language: str) -> list[Finding]:
    """Drop hits overlapping a better rule's hit, then join one rule's hits in one sentence into one finding."""
    order = {rule: index for index, rule in enumerate(RULES)}
    kept: list[RawHit] = []
    for hit in sorted(hits, key=lambda h: (order[h.rule], h.start, -h.end)):
        if any(hit.start < other.end and other.start < hit.end for other in kept):
            continue
        kept.append(hit)
    found = sentences(text)
    groups: dict[tuple[str, int], list[RawHit]] = {}
    for hit in sorted(kept, key=lambda h: h.start):
        index = next((i for i, s in enumerate(found) if s.start <= hit.start < s.end), -1)
        groups.setdefault((hit.rule, index), []).append(hit)
    book = rule_book()
    findings = []
    for (rule, _), group in sorted(groups.items(), key=lambda item: item[1][0].start):
        spans = tuple((h.start, h.end) for h in group)
        findings.append(Finding(
            rule=rule, reason=reason(rule), span=spans[0], spans=spans,
            words=tuple(dict.fromkeys(text[s:e] for s, e in spans)), suggestion=book.suggestion(language, rule),
        ))
    return findings


def whole_reply(rule: str, language: str, detail: str = "") -> Finding:
    """A finding about the reply as a whole (too long), with no span."""
    return Finding(rule, reason(rule) + (f" ({detail})" if detail else ""), suggestion=rule_book().suggestion(language, rule))
