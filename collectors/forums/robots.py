"""robots.txt, read through the project's Fetcher once per host per run, and checked before every page."""
from __future__ import annotations

from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import core
from collectors.base import SourceError
from collectors.http import Fetcher

# The token a forum's robots.txt names us by ("User-agent: ClinicWatch").
ROBOTS_TOKEN = core.USER_AGENT.split("/")[0]


class RobotsPolicy:
    """Answers "may we fetch this URL?"; create one per run so a changed robots.txt is seen next run."""

    def __init__(self, fetcher: Fetcher, agent: str = ROBOTS_TOKEN) -> None:
        self.fetcher = fetcher
        self.agent = agent
        self._parsers: dict[str, RobotFileParser] = {}

    def check(self, url: str) -> None:
        """Raise SourceError "forbidden" when robots.txt of the URL's host disallows it for us."""
        parser = self._parser_for(url)
        if not parser.can_fetch(self.agent, url):
            parts = urlsplit(url)
            raise SourceError(
                "forbidden",
                f"robots.txt of {parts.netloc} disallows {parts.path or '/'} for {self.agent}; "
                "ask the forum's administrator, or remove this source",
            )

    def crawl_delay(self, url: str) -> float:
        """The Crawl-delay robots.txt asks of us, 0 when none."""
        delay = self._parser_for(url).crawl_delay(self.agent)
        return float(delay) if delay else 0.0

    def _parser_for(self, url: str) -> RobotFileParser:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        parser = self._parsers.get(origin)
        if parser is None:
            parser = self._parsers[origin] = self._load(origin)
        return parser

    def _load(self, origin: str) -> RobotFileParser:
        robots_url = origin + "/robots.txt"
        parser = RobotFileParser(robots_url)
        try:
            response = self.fetcher.get(robots_url, max_bytes=500_000)
        except SourceError as error:
            if error.kind in ("not_found", "forbidden"):
                # RFC 9309: an unavailable robots.txt (4xx) means no restrictions.
                parser.parse([])
                return parser
            # Unreachable (5xx, timeout): we cannot know the rules, so nothing is fetched this run.
            raise SourceError(error.kind, f"could not read {robots_url}, so no page was fetched: {error.message}",
                              retry_after=error.retry_after) from None
        parser.parse(response.text.splitlines())
        return parser
