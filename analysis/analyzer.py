"""PLACEHOLDER analyzer (to be replaced): the interface the pipeline calls."""
from __future__ import annotations

from clinicwatch.models import Analysis, Mention


class Analyzer:
    def __init__(self, config=None, model_dir=None) -> None:
        self.config = config

    def analyse(self, mention: Mention) -> Analysis:
        return self.analyse_text(f"{mention.title}\n{mention.text}", declared_language=mention.language)

    def analyse_text(self, text: str, declared_language: str | None = None, reach: int = 0) -> Analysis:
        return Analysis(declared_language or "en", "neutral", 0.0, "other", ["other"], 0.0, [])
