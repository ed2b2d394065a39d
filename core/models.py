"""The records that flow between stages: a collected Mention and where a brand term matched it."""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from core.urls import canonical_url


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class TermMatch:
    """One place where a brand term matched: which term, its category, the field and character span."""

    term: str
    category: str  # name | alias | doctor | location | query
    field: str  # title | text | thread (the title of the thread a reply belongs to)
    start: int
    end: int


@dataclass(slots=True)
class Mention:
    """One item a collector found, normalised: plain text only, dates in UTC."""

    source_kind: str
    source_name: str
    external_id: str
    url: str
    text: str
    title: str = ""
    author: str = ""
    published_at: datetime | None = None
    published_estimated: bool = False  # True when the source gave no date and fetch time stands in
    fetched_at: datetime = field(default_factory=utcnow)
    language: str | None = None  # declared by the source, a hint only
    score: int | None = None
    comment_count: int | None = None
    thread_title: str = ""
    thread_url: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    matches: list[TermMatch] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.published_at is None:
            self.published_at = self.fetched_at
            self.published_estimated = True
        self.published_at = as_utc(self.published_at)
        self.fetched_at = as_utc(self.fetched_at)

    @property
    def published(self) -> datetime:
        """When it was published (fetch time when the source gave none); always set after construction."""
        assert self.published_at is not None  # __post_init__ fills it
        return self.published_at

    @property
    def content_hash(self) -> str:
        """The item's identity across sources: the same post seen twice, or through two sources, is stored once.

        A new version of a source item (extra["edit_of"], e.g. a review whose stars or update time moved while
        its words stayed) is never "the same post" as the version before it: it is keyed by its own source id.
        """
        unique_key = f"{self.source_name}\x1f{self.external_id}"
        return content_hash(self.title, self.text, unique_key=unique_key, url=self.url,
                            own_item=bool(self.extra.get(EDIT_OF)))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def as_utc(moment: datetime) -> datetime:
    """Naive datetimes are taken as UTC; aware ones are converted."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


_SPACES = re.compile(r"\s+")


class _DiacriticStripper(dict):
    """A str.translate table, filled on first sight of each character: combining marks are dropped."""

    def __missing__(self, codepoint: int) -> int | None:
        kept = None if unicodedata.combining(chr(codepoint)) else codepoint
        self[codepoint] = kept
        return kept


# Polish ł has no decomposition, so it is mapped explicitly.
_STRIP_DIACRITICS = _DiacriticStripper({ord("ł"): ord("l")})


def fold_text(text: str) -> str:
    """Lower-case, strip diacritics and collapse white space (for hashing and matching)."""
    folded = text.casefold()
    if not folded.isascii():
        folded = unicodedata.normalize("NFKD", folded).translate(_STRIP_DIACRITICS)
    return _SPACES.sub(" ", folded).strip()


# Mention.extra key of a reviewer's star rating, and its range (Google, Facebook and Docplanner rate 1..5;
# Docplanner's may be fractional).
RATING = "rating"
# Mention.extra key of the clinic location a review was posted to, when its platform says (Google's locations).
LOCATION_LABEL = "location_label"
WORST_STARS, BEST_STARS = 1.0, 5.0

# Mention.extra key of a new version of a source item (an edited review): the id of the item it edits.
EDIT_OF = "edit_of"

# Shorter texts ("Thanks!", "[deleted]") are too common to mean "the same post": they are never folded.
MIN_FOLDED_LENGTH = 40


def content_hash(title: str, text: str, unique_key: str = "", url: str = "", *, own_item: bool = False) -> str:
    """Same canonical URL, title and folded text: one item. Distinct posts that share a body (a template, a
    copied review) differ in URL or title and stay distinct; a short text, or any text with `own_item`, is only
    ever its own source item."""
    body = fold_text(text) or fold_text(title)
    if own_item or len(body) < MIN_FOLDED_LENGTH:
        identity = f"{unique_key}\x1f{body}"
    else:
        identity = f"{canonical_url(url)}\x1f{fold_text(title)}\x1f{body}"
    return hashlib.sha1(identity.encode("utf-8")).hexdigest()


# An analysis less sure than this is listed under the Inbox's "needs a human look". On the team's own labelled
# set (data/triage/mentions.jsonl, rules only) 82 of 686 mentions fall below it and 21 of the 50 wrong kinds
# are among them: nearly a third of the flagged ones are wrong, against under a tenth overall.
NEEDS_LOOK_BELOW = 0.65


def needs_human_look(confidence: float | None) -> bool | None:
    """Whether an analysis this sure belongs under "needs a human look"; None when its confidence is unknown."""
    return None if confidence is None else confidence < NEEDS_LOOK_BELOW


@dataclass(slots=True)
class Analysis:
    """What analysis decided about one mention."""

    language: str
    sentiment: str  # negative | neutral | positive
    sentiment_score: float  # -1 .. 1
    kind: str  # complaint | question | praise | other
    topics: list[str]
    urgency: float  # 0 .. 1
    urgency_reasons: list[str]
    model_version: str = "rules"
    # Why: per decision ("kind", "topics", and each urgency reason) the words that drove it.
    evidence: dict[str, list[str]] = field(default_factory=dict)
    confidence: float = 1.0  # 0..1, the least sure of the decisions; below NEEDS_LOOK_BELOW needs a human look
    # Per decision a learned head made ("sentiment", "kind", "topic:<id>"): how many staff-labelled mentions of
    # this language it was trained on. A decision not listed came from the rules.
    learned_from: dict[str, int] = field(default_factory=dict)

    @property
    def needs_reply(self) -> bool:
        return self.kind in ("complaint", "question")
