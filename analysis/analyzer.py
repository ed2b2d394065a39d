"""The Analyzer: language, sentiment, kind, topics and urgency for one mention (rules, then the clinic's model)."""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

from core.labels import TOPICS
from analysis.language import LanguageDetector
from analysis.lexicon import fold
from analysis.model import DEFAULT_MODEL_DIR, LearnedModel, extract_features, load_model
from analysis.rating_prior import star_rating, with_rating
from analysis.rules import assess_urgency, detect_kind, detect_topics, find_cues, is_question
from analysis.sentiment import SentimentResult, SentimentScorer
from core.config import Config
from core.models import Analysis, Mention

MAX_CHARS = 5000  # long posts: the opening carries the complaint, and analysis stays fast


class Analyzer:
    """Build once (loads lexicons, VADER and the clinic's model if any); then analyse mentions."""

    def __init__(self, config: Config | None = None, model_dir: Path | None = None) -> None:
        self.config = config
        self.languages = list(config.languages) if config is not None else ["pl", "it", "en"]
        self.detector = LanguageDetector(self.languages)
        self.scorer = SentimentScorer()
        self.model_dir = Path(model_dir) if model_dir is not None else DEFAULT_MODEL_DIR
        self.model: LearnedModel | None = load_model(self.model_dir)

    @property
    def model_version(self) -> str:
        return self.model.name if self.model else "rules"

    def warm_up(self, languages: Iterable[str] | None = None) -> None:
        """Load the lemma dictionaries (seconds each) now instead of on the first text of each language."""
        for language in languages or self.languages:
            self.scorer.load_language(language)

    def analyse(self, mention: Mention) -> Analysis:
        text = "\n".join(part for part in (mention.title, mention.text) if part)
        reach = (mention.score or 0) + (mention.comment_count or 0)
        return self.analyse_text(text, declared_language=mention.language, reach=reach,
                                 rating=star_rating(mention.extra))

    def analyse_text(self, text: str, declared_language: str | None = None, reach: int = 0,
                     rating: float | None = None) -> Analysis:
        """`rating` is a review's 1..5 stars, blended into the sentiment the words gave (rules or model)."""
        text = text[:MAX_CHARS]
        folded = fold(text)
        language = self.detector.detect(text, declared_language)
        rules = self.scorer.score(text, folded, language)
        sentiment, score = rules.label, rules.score
        question = is_question(text, folded)
        kind = detect_kind(question, sentiment, score)
        cues = find_cues(folded)
        topics = detect_topics(cues)
        if self.model is not None:
            sentiment, score, kind, topics = self._apply_model(text, language, rules, question, kind, topics)
        if rating is not None:
            rated, score = with_rating(score, rating)
            if rated != sentiment:
                sentiment, kind = rated, detect_kind(question, rated, score)
        urgency, reasons = assess_urgency(cues, score, kind, reach)
        return Analysis(language, sentiment, round(score, 4), kind, topics, urgency, reasons, self.model_version)

    def features_for(self, text: str, declared_language: str | None = None) -> tuple[str, dict[str, float]]:
        """The detected language and the learned model's features (training uses exactly these)."""
        text = text[:MAX_CHARS]
        folded = fold(text)
        language = self.detector.detect(text, declared_language)
        rules = self.scorer.score(text, folded, language)
        return language, extract_features(text, language, rules, is_question(text, folded))

    def _apply_model(
        self, text: str, language: str, rules: SentimentResult, question: bool, kind: str, topics: list[str]
    ) -> tuple[str, float, str, list[str]]:
        """Replace each rule decision the clinic's model has learned enough about for this language."""
        model = self.model
        assert model is not None
        fields = [field for field in model.heads if model.usable(field, language)]
        if not fields:
            return rules.label, rules.score, kind, topics
        probabilities = model.probabilities(extract_features(text, language, rules, question), fields)
        sentiment, score = rules.label, rules.score
        if "sentiment" in probabilities:
            sentiment_p = probabilities["sentiment"]
            sentiment = max(sentiment_p, key=sentiment_p.__getitem__)
            score = sentiment_p.get("positive", 0.0) - sentiment_p.get("negative", 0.0)
        if "kind" in probabilities:
            kind = max(probabilities["kind"], key=probabilities["kind"].__getitem__)
        elif "sentiment" in probabilities:
            kind = detect_kind(question, sentiment, score)  # keep kind consistent with the learned sentiment
        decided = {f.removeprefix("topic:"): p["yes"] >= 0.5 for f, p in probabilities.items() if f.startswith("topic:")}
        if decided:
            chosen = {t for t in topics if t not in decided and t != "other"} | {t for t, yes in decided.items() if yes}
            topics = [t for t in TOPICS if t in chosen] or ["other"]
        return sentiment, score, kind, topics
