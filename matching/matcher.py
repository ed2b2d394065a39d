"""PLACEHOLDER matcher (to be replaced by the real one): plain case-insensitive substring search."""
from __future__ import annotations

from clinicwatch.config import BrandConfig
from clinicwatch.models import Mention, TermMatch


class Matcher:
    def __init__(self, brand: BrandConfig) -> None:
        self.terms = [(t, "name") for t in brand.names] + [(t, "alias") for t in brand.aliases]
        self.terms += [(t, "doctor") for t in brand.doctors] + [(t, "location") for t in brand.locations]

    def find(self, title: str, text: str) -> list[TermMatch]:
        found = []
        for field_name, value in (("title", title), ("text", text)):
            low = value.lower()
            for term, category in self.terms:
                at = low.find(term.lower())
                if at >= 0:
                    found.append(TermMatch(term, category, field_name, at, at + len(term)))
        return found

    def match(self, mention: Mention) -> bool:
        mention.matches = self.find(mention.title, mention.text)
        return bool(mention.matches)
