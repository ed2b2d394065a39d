"""Build the collector for a configured source (imports lazily so one kind's dependencies never block another)."""
from __future__ import annotations

from core.config import Config, Source
from collectors.base import Collector


def build_collector(source: Source, config: Config) -> Collector:
    if source.kind == "feed":
        from collectors.feeds import FeedCollector

        return FeedCollector(source, config)
    if source.kind == "reddit":
        from collectors.reddit import RedditCollector

        return RedditCollector(source, config)
    if source.kind == "discourse":
        from collectors.forums.discourse import DiscourseCollector

        return DiscourseCollector(source, config)
    if source.kind == "forum":
        from collectors.forums.forum import ForumCollector

        return ForumCollector(source, config)
    raise ValueError(f"unknown source kind {source.kind!r}")
