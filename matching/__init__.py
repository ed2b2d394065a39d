"""Matching: decide whether a collected item really mentions the clinic, and where."""
from matching.matcher import Matcher

__all__ = ["Matcher"]
