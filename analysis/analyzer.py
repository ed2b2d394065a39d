"""The Analyzer: language, sentiment, kind, topics and urgency for one mention (rules, then the clinic's model)."""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from analysis.kind import NEWS_SOURCES, Context, KindDecision, decide_kind
from analysis.language import LanguageDetector
from analysis.lemmacues import FIGURATIVE, load_triage
from analysis.lexicon import fold
from analysis.model import DEFAULT_MODEL_DIR, LearnedModel, extract_features, load_model
from analysis.rating_prior import star_rating, with_rating
from analysis.rules import assess_urgency, compile_cues, cue_text, detect_topics, is_question
from analysis.sentiment import LEXICON_THRESHOLD, SentimentResult, SentimentScorer
from analysis.textscan import scan_text
from analysis.textscan import warm_up as warm_up_scan
from analysis.triage import find_signals
from core.config import Config
from core.labels import TOPICS
from core.models import Analysis, Mention

MAX_CHARS = 5000  # long posts: the opening carries the complaint, and analysis stays fast
NO_CONTEXT = Context()


class Analyzer:
    """Build once (loads lexicons, VADER and the clinic's model if any); then analyse mentions."""

    def __init__(self, config: Config | None = None, model_dir: Path | None = None) -> None:
        self.config = config
        self.languages: list[str] = list(config.languages) if config is not None else ["pl", "it", "en"]
        self.detector = LanguageDetector(self.languages)
        self.scorer = SentimentScorer()
        self.model_dir = Path(model_dir) if model_dir is not None else DEFAULT_MODEL_DIR
        self.model: LearnedModel | None = load_model(self.model_dir)
        self._usable_heads: dict[str, dict[str, int]] = {}  # language -> the model's heads used for it, with counts

    @property
    def model_version(self) -> str:
        return self.model.name if self.model else "rules"

    def warm_up(self, languages: Iterable[str] | None = None) -> None:
        """Load the lemma dictionaries (seconds each) and compile every cue pattern (about a second) now,
        instead of on the first texts that need them."""
        compile_cues()
        for language in languages or self.languages:
            self.scorer.load_language(language)
            load_triage(language)
            warm_up_scan(language)

    def analyse(self, mention: Mention) -> Analysis:
        text = "\n".join(part for part in (mention.title, mention.text) if part)
        reach = (mention.score or 0) + (mention.comment_count or 0)
        return self.analyse_text(text, declared_language=mention.language, reach=reach, context=context_of(mention),
                                 rating=star_rating(mention.extra))

    def analyse_text(
        self, text: str, declared_language: str | None = None, reach: int = 0, context: Context = NO_CONTEXT,
        rating: float | None = None,
    ) -> Analysis:
        """`rating` is a review's 1..5 stars, blended into the sentiment the words gave (rules or model)."""
        text = text[:MAX_CHARS]
        folded = fold(text)
        language = self.detector.detect(text, declared_language)
        scanned = scan_text(folded, language)  # topic, kind, phrase and triage cues in one pass
        rules = self.scorer.score(text, folded, language, scanned.phrases)
        sentiment, score = rules.label, rules.score
        question = is_question(text, folded)
        cues = scanned.cues
        topics = detect_topics(cues)
        praise = sentiment == "positive" or "kind:praise" in cues
        signals = find_signals(text, folded, language, praise, context.news, scanned.candidate)
        found = frozenset(signals.reasons) | ({FIGURATIVE} if signals.figurative else set())
        decision = decide_kind(text, folded, cues, question, sentiment, score, context, found)
        learned = False
        kind_by_rule = decision.strong  # a strong rule decision is never replaced by the model (see _apply_model)
        if self.model is not None:
            sentiment, score, decision, topics, learned = self._apply_model(
                text, folded, language, rules, question, cues, context, decision, topics, found
            )
        modelled = (sentiment, decision.kind)  # what the model (or the rules) said, before kind cues and stars
        kind = decision.kind
        # A learned sentiment head knows the clinic's labels better than a kind's implied sentiment, except that
        # a plain information question ("Come prenotare una visita?") is neutral whatever the words.
        if decision.sentiment is not None and decision.sentiment != sentiment and (decision.firm or not learned):
            sentiment, score = decision.sentiment, _score_for(decision.sentiment, score)
        if rating is not None:
            sentiment, score, kind = _rated(sentiment, score, kind, rating, decision.firm)
        urgency, reasons = assess_urgency(signals.reasons, score, kind, reach, signals.health_confidence)
        evidence = {"kind": decision.words, **signals.evidence}
        topic_words = [cue_text(f"topics:{t}", folded, cues[f"topics:{t}"]) for t in topics if f"topics:{t}" in cues]
        if topic_words:
            evidence["topics"] = topic_words
        confidence = decision.confidence
        if signals.health_confidence:
            confidence = min(confidence, signals.health_confidence)
        not_learned = {"sentiment"} if sentiment != modelled[0] else set()
        if kind_by_rule or kind != modelled[1]:
            not_learned.add("kind")
        return Analysis(
            language, sentiment, round(score, 4), kind, topics, urgency, reasons, self.model_version,
            evidence, round(confidence, 3), self._learned_from(language, not_learned),
        )

    def _learned_from(self, language: str, not_learned: set[str]) -> dict[str, int]:
        """Per decision the clinic's model made for this language, the staff-labelled mentions it learned from;
        `not_learned` are decisions a rule (a kind cue, the stars) made after all."""
        model = self.model
        if model is None:
            return {}
        usable = self._usable_heads.get(language)
        if usable is None:  # once per language: the model does not change under an Analyzer
            usable = {name: head.languages[language] for name, head in model.heads.items() if model.usable(name, language)}
            self._usable_heads[language] = usable
        if not_learned & usable.keys():
            return {name: count for name, count in usable.items() if name not in not_learned}
        return dict(usable)

    def features_for(self, text: str, declared_language: str | None = None) -> tuple[str, dict[str, float]]:
        """The detected language and the learned model's features (training uses exactly these)."""
        text = text[:MAX_CHARS]
        folded = fold(text)
        language = self.detector.detect(text, declared_language)
        rules = self.scorer.score(text, folded, language)
        return language, extract_features(text, language, rules, is_question(text, folded))

    def _apply_model(
        self, text: str, folded: str, language: str, rules: SentimentResult, question: bool,
        cues: dict[str, int], context: Context, decision: KindDecision, topics: list[str], found: frozenset[str],
    ) -> tuple[str, float, KindDecision, list[str], bool]:
        """Replace each rule decision the clinic's model has learned enough about for this language.

        A kind decided by a specific cue (a plain information question, sarcasm, a news source) stands: those
        are the cases a model trained on sentiment-like labels gets wrong most.
        """
        model = self.model
        assert model is not None
        fields = model.usable_fields(language)
        if not fields:
            return rules.label, rules.score, decision, topics, False
        predicted = model.predict(extract_features(text, language, rules, question), language)
        sentiment, score = rules.label, rules.score
        sentiment_p, kind_p = predicted.sentiment, predicted.kind
        if sentiment_p is not None:
            sentiment = max(sentiment_p, key=sentiment_p.__getitem__)
            score = sentiment_p.get("positive", 0.0) - sentiment_p.get("negative", 0.0)
        if kind_p is not None and not decision.strong:
            kind = max(kind_p, key=kind_p.__getitem__)
            decision = KindDecision(kind, round(kind_p[kind], 3), False, None, decision.words)
        elif sentiment_p is not None and not decision.strong:
            # keep kind consistent with the learned sentiment
            decision = decide_kind(text, folded, cues, question, sentiment, score, context, found)
        decided = predicted.topics
        if decided:
            chosen = {t for t in topics if t not in decided and t != "other"} | {t for t, yes in decided.items() if yes}
            topics = [t for t in TOPICS if t in chosen] or ["other"]
        return sentiment, score, decision, topics, sentiment_p is not None


def context_of(mention: Mention) -> Context:
    """What the analysis should know about where a mention came from and how the brand matched it."""
    brand_matches = [m for m in mention.matches if m.category != "query"]
    return Context(
        news=mention.source_kind in NEWS_SOURCES,
        alias_only=bool(brand_matches) and all(m.category == "alias" for m in brand_matches),
    )


def _score_for(sentiment: str, score: float) -> float:
    """A score inside the band of the sentiment a kind implies (a plain question is neutral, sarcasm negative)."""
    if sentiment == "neutral":
        return 0.0
    if sentiment == "negative":
        return min(score, -LEXICON_THRESHOLD)
    return max(score, LEXICON_THRESHOLD)


def _rated(sentiment: str, score: float, kind: str, rating: float, firm: bool) -> tuple[str, float, str]:
    """Blend a review's stars into the sentiment; a kind the stars contradict (or that neutral words left as
    "other") follows them unless a cue fixed it. Questions stay questions."""
    rated, score = with_rating(score, rating)
    if rated != sentiment and not firm:
        if rated == "positive" and kind in ("complaint", "other"):
            kind = "praise"
        elif rated == "negative" and kind in ("praise", "other"):
            kind = "complaint"
    return rated, score, kind
