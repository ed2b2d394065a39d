"""Suggested public replies: multilingual templates, channel routing, and a guardrail linter with a gate.

    replies.suggest(mention, analysis, config, now=..., variant=...) -> list[Suggestion]
    replies.lint(text, language, mention_text=..., config=...) -> list[Finding]
    replies.message(finding, ui_language) -> str   (the finding as the dashboard shows it)
    replies.gate.check(...) -> Verdict              (what Mark replied and every publisher call)
    replies.load_templates(path_or_dir=None, config=None) -> Templates   (raises TemplateError)
    replies.templates_dir_for(config) -> Path | None   (the clinic's override folder, reply_templates/)
"""
from replies.findings import Finding, message, reason
from replies.lint import RULES, lint
from replies.suggest import Suggestion, suggest
from replies.templates_loader import TemplateError, Templates, load_templates, templates_dir_for

__all__ = [
    "RULES",
    "Finding",
    "Suggestion",
    "TemplateError",
    "Templates",
    "lint",
    "load_templates",
    "message",
    "reason",
    "suggest",
    "templates_dir_for",
]
