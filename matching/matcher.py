"""The brand matcher shared by every collector: which brand terms occur in an item, and where."""
from __future__ import annotations

import re
from dataclasses import dataclass

from core.config import BrandConfig
from core.models import Mention, TermMatch
from matching.folding import FoldedText
from matching.patterns import TITLE_RUN, PhrasePattern, bounded, phrase_anchor, phrase_parts
from matching.query import Leaf, Query, parse_query

# category → the BrandConfig list it comes from
CATEGORIES = {"name": "names", "alias": "aliases", "doctor": "doctors", "location": "locations"}


@dataclass(frozen=True, slots=True)
class Term:
    text: str  # as configured
    category: str
    parts: PhrasePattern
    regex: re.Pattern[str]  # the term alone, to tell which term a combined match was


class Matcher:
    """Compiled brand terms, exclusions and query; build once per config, then call find/match."""

    def __init__(self, brand: BrandConfig) -> None:
        self.terms = _terms(brand)
        # Longest first, so at one position "Centrum Salus" wins over "Salus".
        self.terms.sort(key=lambda term: len(term.text), reverse=True)
        self._regex = re.compile(bounded(_combined(self.terms)))
        # Most texts mention none of the terms; a substring test on these literals rules them out
        # several times faster than the regex can.
        anchors = {phrase_anchor(term.text) for term in self.terms}
        self._anchors = () if "" in anchors else tuple(sorted(anchors))
        exclusions = [_parts(text, "exclusions").pattern for text in brand.exclusions if text.strip()]
        self._exclusions = re.compile(bounded("|".join(exclusions))) if exclusions else None
        self.query: Query | None = parse_query(brand.query) if brand.query.strip() else None

    def find(self, title: str, text: str) -> list[TermMatch]:
        """Every place a brand term matched, outside exclusions; spans index the original strings."""
        return self._find(_fold_fields(title, text))

    def match(self, mention: Mention) -> bool:
        """Set mention.matches; true when a term matched and the query (if any) holds.

        When a query holds, the places where its positive words occur are added with category
        "query", so they can be highlighted too.
        """
        return self.verdict(mention) is None

    def verdict(self, mention: Mention) -> str | None:
        """As match(), but says why not: None when it matched, "excluded" when a term occurs only inside an
        exclusion or the query does not hold, else "not_matched" (the reasons of core.drops)."""
        fields = _fold_fields(mention.title, mention.text)
        if mention.thread_title and mention.thread_title != mention.title:
            # A forum reply or comment belongs to its thread: "Salus Mokotów – warto?" makes its replies mentions.
            fields["thread"] = FoldedText(mention.thread_title)
        matches = self._find(fields)
        mention.matches = []
        if not matches:
            return "excluded" if self._only_excluded(fields) else "not_matched"
        if self.query is not None:
            holds, found_leaves = self.query.evaluate(*(folded.text for folded in fields.values()))
            if not holds:
                return "excluded"
            matches = matches + _query_matches(found_leaves, fields, matches)
        mention.matches = matches
        return None

    def _only_excluded(self, fields: dict[str, FoldedText]) -> bool:
        """A term occurs, but every occurrence is inside an exclusion (asked only when nothing matched)."""
        if self._exclusions is None:
            return False
        return any(self._regex.search(folded.text) for folded in fields.values()
                   if not self._anchors or any(anchor in folded.text for anchor in self._anchors))

    def _find(self, fields: dict[str, FoldedText]) -> list[TermMatch]:
        found: list[TermMatch] = []
        for field_name, folded in fields.items():
            if self._anchors and not any(anchor in folded.text for anchor in self._anchors):
                continue
            hits = [m.span() for m in self._regex.finditer(folded.text)]
            if hits and self._exclusions is not None:
                hits = _outside(hits, [m.span() for m in self._exclusions.finditer(folded.text)])
            for start, end in hits:
                term = self._term_at(folded.text, start, end)
                found.append(TermMatch(term.text, term.category, field_name, *folded.original_span(start, end)))
        return found

    def _term_at(self, folded: str, start: int, end: int) -> Term:
        """Which term the combined regex matched (the first, in its order, that matches the span)."""
        for term in self.terms:
            if term.regex.fullmatch(folded, start, end):
                return term
        raise AssertionError(f"no term matches {folded[start:end]!r}")  # the regexes disagree: a bug


def _combined(terms: list[Term]) -> str:
    """One alternation for all terms. Named groups per term would stop the regex engine from
    skipping alternatives by their first letter, and all titled names share one honorific run,
    which made the matcher several times faster."""
    plain = [term.parts.plain for term in terms if term.parts.plain]
    titled = [term.parts.after_title for term in terms if term.parts.after_title]
    if titled:
        plain.append(TITLE_RUN + "(?:" + "|".join(titled) + ")")
    return "|".join(plain)


def _terms(brand: BrandConfig) -> list[Term]:
    terms: list[Term] = []
    seen: set[str] = set()
    for category, key in CATEGORIES.items():
        for text in getattr(brand, key):
            parts = _parts(text, key, honorifics=category == "doctor")
            if parts.pattern not in seen:  # the same term listed twice, or in two spellings that fold alike
                seen.add(parts.pattern)
                terms.append(Term(text, category, parts, re.compile(parts.pattern)))
    return terms


def _parts(text: str, key: str, honorifics: bool = False) -> PhrasePattern:
    try:
        return phrase_parts(text, honorifics=honorifics)
    except ValueError as exc:
        raise ValueError(f"brand.{key}: {exc}") from None


def _fold_fields(title: str, text: str) -> dict[str, FoldedText]:
    return {name: FoldedText(value) for name, value in (("title", title), ("text", text)) if value}


def _outside(hits: list[tuple[int, int]], blocked: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Drop the hits that overlap an excluded phrase; the others stand."""
    return [hit for hit in hits if not any(hit[0] < end and start < hit[1] for start, end in blocked)]


def _query_matches(leaves: list[Leaf], fields: dict[str, FoldedText], taken: list[TermMatch]) -> list[TermMatch]:
    """Where the query's positive words occur, for highlighting, except inside brand-term matches."""
    extra: list[TermMatch] = []
    for leaf in leaves:
        for field_name, folded in fields.items():
            if leaf.anchor not in folded.text:
                continue
            for found in leaf.regex.finditer(folded.text):
                start, end = folded.original_span(*found.span())
                overlaps = any(m.field == field_name and m.start < end and start < m.end for m in taken + extra)
                if not overlaps:
                    extra.append(TermMatch(leaf.text, "query", field_name, start, end))
    return extra
