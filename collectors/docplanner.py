"""Docplanner profiles (ZnanyLekarz.pl, MioDottore.it, Doctoralia): the public opinions on a clinic's or a
doctor's profile page, page by page, with robots.txt and its Crawl-delay honoured."""
from __future__ import annotations

import hashlib
import re
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar, Literal
from urllib.parse import urldefrag, urljoin, urlsplit

from pydantic import AnyHttpUrl, Field
from selectolax.lexbor import LexborHTMLParser, LexborNode

from collectors.base import CollectResult, SourceError, SourceKind
from collectors.forums.dates import DateParseError, parse_forum_date, parse_machine_date
from collectors.forums.forum import source_zone
from collectors.forums.html_posts import alternatives, first_match
from collectors.forums.robots import RobotsPolicy
from collectors.html_text import html_to_text
from collectors.http import Fetcher, shared_fetcher
from core.config import Config, SourceBase
from core.models import Mention, fold_text, utcnow

SITES_FILE = Path(__file__).with_name("docplanner_sites.toml")
SELECTOR_KEYS = ("opinion", "author", "rating", "date", "text", "reply", "profile", "empty", "next_page")
SEEN_IDS_KEPT = 3000
ANONYMOUS = "anonymous"
_ID_ATTRIBUTES = ("data-id", "data-opinion-id", "data-review-id", "id")


class DocplannerSource(SourceBase):
    """One profile page (a clinic's /placowki/… or a doctor's page) on a Docplanner portal."""

    kind: Literal["docplanner"]
    url: AnyHttpUrl
    site: Literal["znanylekarz", "miodottore", "doctoralia"] | None = Field(
        default=None, description="Which portal; found from the URL's host when left out.")
    interval_minutes: float = Field(default=360, gt=0)
    max_pages: int = Field(default=5, ge=1, le=50)
    delay_seconds: float = Field(default=5.0, ge=0, description="Pause between pages (robots.txt may ask more).")
    timezone: str | None = None
    date_language: Literal["pl", "it", "es", "en"] | None = None
    selectors: dict[str, str] = Field(default={}, description=f"Overrides of: {', '.join(SELECTOR_KEYS)}.")


@dataclass(frozen=True, slots=True)
class Site:
    name: str
    language: str
    timezone: str
    selectors: dict[str, str]


@lru_cache(maxsize=1)
def _sites_data() -> dict[str, Any]:
    return tomllib.loads(SITES_FILE.read_text(encoding="utf-8"))


def resolve_site(source: DocplannerSource) -> Site:
    """The portal's language, time zone and selectors (the source's own on top); SourceError "config" if unknown."""
    data = _sites_data()
    name = source.site
    if name is None:
        host = (urlsplit(str(source.url)).hostname or "").lower()
        name = next((key for key, site in data["sites"].items() if host in site["hosts"]), None)
        if name is None:
            raise SourceError("config", f"source {source.name!r}: {host} is not a known Docplanner portal; set site "
                                        f"to one of {', '.join(sorted(data['sites']))}")
    unknown = sorted(set(source.selectors) - set(SELECTOR_KEYS))
    if unknown:
        raise SourceError("config", f"source {source.name!r}: unknown selector key(s) {', '.join(unknown)} "
                                    f"(known: {', '.join(SELECTOR_KEYS)})")
    site = data["sites"][name]
    selectors = {**data["defaults"]["selectors"], **{k: v for k, v in source.selectors.items() if v.strip()}}
    return Site(name, source.date_language or site["language"], source.timezone or site["timezone"], selectors)


@dataclass(slots=True)
class Opinion:
    opinion_id: str
    author: str
    text: str
    rating: float | None
    date_text: str
    machine_date: str | None
    reply: str


@dataclass(slots=True)
class ProfilePage:
    profile: str
    opinions: list[Opinion]
    next_url: str | None


class DocplannerCollector:
    """Cursor: {"start_url", "seen_ids"}. Opinions are listed newest first, so a run reads from page 1 until a
    page holds an opinion seen before (or max_pages)."""

    kind: ClassVar[str] = "docplanner"

    def __init__(self, source: DocplannerSource, config: Config, *, fetcher: Fetcher | None = None,
                 sleep: Callable[[float], None] = time.sleep, now: Callable[[], datetime] = utcnow) -> None:
        self.source = source
        self.config = config
        self.fetcher = fetcher or shared_fetcher(config.http)
        self.sleep = sleep
        self.now = now

    def collect(self, cursor: dict[str, Any]) -> CollectResult:
        site = resolve_site(self.source)
        start_url = str(self.source.url)
        cursor = cursor if (cursor or {}).get("start_url") == start_url else {}
        seen = set(cursor.get("seen_ids") or [])
        robots = RobotsPolicy(self.fetcher)
        url: str | None = start_url
        visited: list[str] = []
        listed: list[str] = []
        mentions: list[Mention] = []
        while url and len(visited) < self.source.max_pages and url not in visited:
            robots.check(url)
            if visited:
                self.sleep(max(self.source.delay_seconds, robots.crawl_delay(url)))
            response = self.fetcher.get(url, headers={"Accept": "text/html,application/xhtml+xml"})
            page = extract_profile_page(response.text, page_url=response.url, selectors=site.selectors,
                                        page_number=len(visited) + 1)
            visited.append(url)
            reached_seen = False
            for opinion in page.opinions:
                listed.append(opinion.opinion_id)
                if opinion.opinion_id in seen:
                    reached_seen = True
                    continue
                seen.add(opinion.opinion_id)
                mentions.append(self._mention(opinion, page, url, site))
            url = None if reached_seen else page.next_url
        new_cursor = {"start_url": start_url,
                      "seen_ids": list(dict.fromkeys([*listed, *(cursor.get("seen_ids") or [])]))[:SEEN_IDS_KEPT]}
        note = f"read {len(visited)} page(s)" + (", more remain (raise max_pages)" if url else "")
        return CollectResult(mentions=mentions, cursor=new_cursor, seen=len(listed), note=note)

    def _mention(self, opinion: Opinion, page: ProfilePage, page_url: str, site: Site) -> Mention:
        extra: dict[str, Any] = {"platform": site.name, "review_id": opinion.opinion_id}
        if opinion.rating is not None:
            extra["rating"] = opinion.rating
        if opinion.reply:
            extra["owner_reply"] = {"comment": opinion.reply}
        return Mention(
            source_kind=self.kind,
            source_name=self.source.name,
            external_id=opinion.opinion_id,
            url=f"{urldefrag(page_url)[0]}#opinion-{opinion.opinion_id}",
            text=opinion.text,
            author=opinion.author or ANONYMOUS,
            published_at=self._published(opinion, site, page_url),
            language=self.source.language or (site.language if site.language != "en" else None),
            thread_title=page.profile,
            thread_url=str(self.source.url),
            extra=extra,
        )

    def _published(self, opinion: Opinion, site: Site, page_url: str) -> datetime | None:
        tz = source_zone(self.source.name, site.timezone)
        if opinion.machine_date:
            moment = parse_machine_date(opinion.machine_date, tz)
            if moment is not None:
                return moment
        if not opinion.date_text:
            return None
        text, language = opinion.date_text, site.language
        if language == "es":
            text, language = spanish_as_italian(text), "it"
        try:
            return parse_forum_date(text, now=self.now(), tz=tz, language=language)
        except DateParseError:
            raise SourceError("parse", f"cannot read the date {opinion.date_text!r} of opinion {opinion.opinion_id} "
                                       f"({page_url}); set date_language or selectors.date") from None


def spanish_as_italian(text: str) -> str:
    """"12 de marzo de 2024" -> "12 marzo 2024", "hace 3 días" -> "3 giorni fa" (see docplanner_sites.toml)."""
    words = _sites_data()["spanish_to_italian"]
    folded = fold_text(text)
    folded = re.sub(r"\b(de|del|a las|a la)\b", " ", folded)
    folded = re.sub(r"[a-z]+", lambda m: words.get(m.group(0), m.group(0)), folded)
    folded = re.sub(r"^\s*hace\s+(.*)$", r"\1 fa", folded)
    return re.sub(r"\s+", " ", folded).strip()


def extract_profile_page(html: str, *, page_url: str, selectors: dict[str, str], page_number: int) -> ProfilePage:
    """The opinions on one page; SourceError "parse" naming the selector when the layout no longer fits."""
    root = LexborHTMLParser(html).root
    where = f"page {page_number} ({page_url})"
    if root is None:
        raise SourceError("parse", f"{where} is empty")
    profile_node = first_match(root, selectors["profile"])
    if profile_node is None:
        raise SourceError("parse", f"selector {selectors['profile']!r} (the profile's name) matched nothing on "
                                   f"{where} (layout changed? set selectors.profile)")
    nodes = next((found for found in (root.css(alt) for alt in alternatives(selectors["opinion"])) if found), [])
    if not nodes and first_match(root, selectors.get("empty")) is None:
        # A profile page without opinions says so; silence here means the opinions moved to other markup.
        raise SourceError("parse", f"selector {selectors['opinion']!r} (opinions) matched nothing on {where}, "
                                   "which does not say the profile has no opinions (layout changed? set "
                                   "selectors.opinion)")
    profile = _clean(profile_node.text(deep=True))
    opinions = [_opinion(node, selectors, where, profile) for node in nodes]
    return ProfilePage(profile, opinions, _next_url(root, selectors.get("next_page"), page_url))


def _opinion(node: LexborNode, selectors: dict[str, str], where: str, profile: str) -> Opinion:
    text_node = first_match(node, selectors["text"])
    if text_node is None:
        raise SourceError("parse", f"selector {selectors['text']!r} (opinion text) matched nothing inside an opinion "
                                   f"on {where} (layout changed? set selectors.text)")
    reply_node = first_match(node, selectors.get("reply"))
    reply = html_to_text(reply_node.html or "") if reply_node is not None else ""
    if reply_node is not None:
        reply_node.decompose()  # some themes nest the answer inside the opinion's text block
    author_node = first_match(node, selectors.get("author"))
    author = _clean(author_node.text(deep=True)) if author_node is not None else ""
    date_node = first_match(node, selectors.get("date"))
    date_text = _clean(date_node.text(deep=True)) if date_node is not None else ""
    machine = date_node.attributes.get("datetime") if date_node is not None else None
    text = html_to_text(text_node.html or "")
    opinion_id = _opinion_id(node) or "h" + hashlib.sha1(
        "\x1f".join((profile, author, date_text, machine or "", text)).encode()).hexdigest()[:16]
    return Opinion(opinion_id, author, text, _rating(first_match(node, selectors.get("rating"))), date_text,
                   machine, reply)


def _opinion_id(node: LexborNode) -> str:
    for name in _ID_ATTRIBUTES:
        match = re.search(r"(\d+)", node.attributes.get(name) or "")
        if match:
            return match.group(1)
    return ""


def _rating(node: LexborNode | None) -> float | None:
    if node is None:
        return None
    for value in (node.attributes.get("content"), node.attributes.get("data-score"), node.text(deep=True)):
        match = re.search(r"\d+(?:[.,]\d+)?", value or "")
        if match:
            rating = float(match.group(0).replace(",", "."))
            return rating if 0 <= rating <= 5 else None
    return None


def _next_url(root: LexborNode, selector: str | None, page_url: str) -> str | None:
    link = first_match(root, selector)
    href = link.attributes.get("href") if link is not None else None
    if not href:
        return None
    target = urljoin(page_url, href)
    return None if urldefrag(target)[0] == urldefrag(page_url)[0] else target


def _clean(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


SOURCE_KIND = SourceKind("docplanner", DocplannerSource, DocplannerCollector,
                         "Opinions on ZnanyLekarz.pl, MioDottore.it and Doctoralia profile pages.")
