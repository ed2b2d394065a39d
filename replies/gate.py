"""The linter as a gate: Mark replied and every publisher ask here before a reply counts as public.

A reply with findings is refused unless an admin overrides it with a written reason; the caller records
`override_detail(verdict)` in the audit trail (replies never touches storage).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.config import Config
from replies.findings import Finding, whole_reply
from replies.lint import lint
from replies.second_opinion import CORPUS, DEFAULT_MODEL_DIR, SecondOpinion, model_for

__all__ = ["CORPUS", "GateRefused", "OVERRIDE_ROLES", "Verdict", "check", "override_detail", "require", "second_opinion",
           "second_opinion_available"]
OVERRIDE_ROLES = ("admin",)
MIN_REASON_CHARS = 10  # "ok" is not a reason anyone can audit later


@dataclass(frozen=True)
class Verdict:
    """What the gate decided about one reply text."""

    findings: list[Finding] = field(default_factory=list)
    allowed: bool = True
    overridden: bool = False
    override_reason: str = ""
    refusal: str = ""  # "findings", "not_admin" or "short_reason" when refused


class GateRefused(Exception):
    """A reply the gate refused; `verdict` says why and lists the findings."""

    def __init__(self, verdict: Verdict) -> None:
        super().__init__(f"reply refused ({verdict.refusal}): " + ", ".join(sorted({f.rule for f in verdict.findings})))
        self.verdict = verdict


def check(
    text: str,
    language: str,
    *,
    mention_text: str = "",
    config: Config | None = None,
    role: str | None = None,
    override_reason: str | None = None,
    model: SecondOpinion | None | bool = True,
) -> Verdict:
    """Lint `text` (rules, then the learned second opinion: either can flag); allow it when clean, or when an
    admin gives a reason of at least MIN_REASON_CHARS. `model=True` uses the clinic's cached model."""
    language = language or "en"
    findings = lint(text or "", language, mention_text=mention_text or "", config=config)
    opinion = second_opinion(config) if model is True else (model or None)
    if (text or "").strip() and not findings and opinion is not None and opinion.flags(text, language):
        findings = [whole_reply("second_opinion", language)]
    if not findings:
        return Verdict(findings, allowed=True)
    reason = (override_reason or "").strip()
    if not reason:
        return Verdict(findings, allowed=False, refusal="findings")
    if role not in OVERRIDE_ROLES:
        return Verdict(findings, allowed=False, refusal="not_admin")
    if len(reason) < MIN_REASON_CHARS:
        return Verdict(findings, allowed=False, refusal="short_reason")
    return Verdict(findings, allowed=True, overridden=True, override_reason=reason)


def second_opinion(config: Config | None = None) -> SecondOpinion | None:
    """The learned model (trained at first use, cached under data/models/); None without a corpus.

    `config` is accepted for a later per-clinic corpus; today every clinic shares the team's corpus.
    """
    return model_for(CORPUS, DEFAULT_MODEL_DIR)


def second_opinion_available() -> bool:
    return CORPUS.is_file()


def require(text: str, language: str, **options: Any) -> Verdict:
    """`check`, raising GateRefused when the reply may not go out."""
    verdict = check(text, language, **options)
    if not verdict.allowed:
        raise GateRefused(verdict)
    return verdict


def override_detail(verdict: Verdict) -> dict[str, Any]:
    """The audit record of an override: the reason and what was overridden (rules and words at fault)."""
    return {
        "reason": verdict.override_reason,
        "findings": [{"rule": f.rule, "words": list(f.words)} for f in verdict.findings],
    }
