"""Analysis: pure functions over text plus config (language, sentiment, kind, topics, urgency)."""
from analysis.analyzer import Analyzer

__all__ = ["Analyzer"]
