"""Guardrail linter for public replies: every suggested and every staff-edited reply goes through `lint`."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from core.config import Config
from replies.personal_data import URL, EMAIL, find_personal_data
from replies.textfold import fold, fold_with_map, original_span

RULES_DIR = Path(__file__).with_name("lint_rules")
MAX_CHARS = 600
MAX_SENTENCES = 5
# Rules whose patterns live in the lint_rules/*.toml files; the other rules are computed.
PATTERN_RULES = ("medical_advice", "confirms_patient", "asks_health_details", "promises_outcome", "impolite")
RULES = PATTERN_RULES + ("repeats_health_details", "personal_data", "too_long")
# "Please do not describe your symptoms here" is the opposite of asking for them.
NEGATION_BEFORE = re.compile(r"(?:\bnie|\bnon|\bnot|n't|\bnever|\bnigdy|\bmai)\s+(?:\w+\s+){0,2}$")
QUOTE_NGRAM = 3  # this many content words in a row, copied from the post, count as repeating it


@dataclass(frozen=True, slots=True)
class Finding:
    """One broken rule: its code, a sentence the dashboard can show, and where (in the reply) if known."""

    rule: str
    reason: str
    span: tuple[int, int] | None = None


@dataclass(frozen=True)
class RuleBook:
    patterns: dict[str, re.Pattern[str]]  # rule -> one alternation of the patterns of every language
    health_terms: list[re.Pattern[str]]  # one pattern per term, all languages
    stopwords: frozenset[str]
    reasons: dict[str, dict[str, str]]  # language -> rule -> localised reason


@lru_cache(maxsize=1)
def rule_book() -> RuleBook:
    """Load and compile lint_rules/*.toml once; a bad pattern is an error naming the file and rule."""
    patterns: dict[str, list[re.Pattern[str]]] = {rule: [] for rule in PATTERN_RULES}
    health: list[re.Pattern[str]] = []
    stopwords: set[str] = set()
    reasons: dict[str, dict[str, str]] = {}
    for path in sorted(RULES_DIR.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for rule, section in data.items():
            if rule in PATTERN_RULES:
                patterns[rule].extend(_compile(path, rule, p) for p in section.get("patterns", []))
            elif rule == "health_terms":
                health.extend(_compile(path, rule, rf"\b(?:{term})\b") for term in section.get("terms", []))
                stopwords.update(section.get("stopwords", []))
            elif rule == "reasons":
                reasons[path.stem] = dict(section)
            else:
                raise ValueError(f"{path.name}: unknown section [{rule}]")
    # One alternation per rule is about three times faster than trying each pattern on its own.
    combined = {rule: re.compile("|".join(f"(?:{p.pattern})" for p in found) or r"(?!)") for rule, found in patterns.items()}
    missing = [rule for rule in RULES if rule not in reasons.get("en", {})]
    if missing:
        raise ValueError(f"{RULES_DIR / 'en.toml'}: [reasons] lacks {', '.join(missing)}")
    return RuleBook(combined, health, frozenset(stopwords), reasons)


def _compile(path: Path, rule: str, pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"{path.name}: [{rule}] bad pattern {pattern!r}: {exc}") from None


def reason(rule: str, language: str = "en") -> str:
    """The reason for a rule in the dashboard's language, English when there is no translation."""
    reasons = rule_book().reasons
    return reasons.get(language, {}).get(rule) or reasons["en"][rule]


def lint(text: str, language: str, *, mention_text: str = "", config: Config | None = None) -> list[Finding]:
    """Check a public reply; `language` is the reply's, patterns of all languages run (staff mix them)."""
    if not isinstance(text, str) or not text.strip():
        return []
    findings: list[Finding] = []
    folded, origin = fold_with_map(text)
    protected = protected_spans(folded, config)
    findings += _pattern_findings(text, folded, origin, protected)
    findings += _repeated_health_details(text, folded, origin, mention_text, config, protected)
    findings += [
        Finding("personal_data", f"{reason('personal_data')} ({hit.what})", hit.span)
        for hit in find_personal_data(text, config)
    ]
    findings += _length_findings(text)
    return findings


def protected_spans(folded: str, config: Config | None) -> list[tuple[int, int]]:
    """Links, addresses and the clinic's own names: "Gwarant Clinic" or "/cukrzyca" there are no finding."""
    spans = [m.span() for m in URL.finditer(folded)] + [m.span() for m in EMAIL.finditer(folded)]
    if config is not None:
        names = [config.clinic_name, *config.brand.names, *config.brand.aliases]
        for name in {fold(n).strip() for n in names if n and n.strip()}:
            spans += [m.span() for m in re.finditer(re.escape(name), folded)]
    return spans


def _inside(span: tuple[int, int], protected: list[tuple[int, int]]) -> bool:
    return any(start <= span[0] and span[1] <= end for start, end in protected)


def _pattern_findings(text: str, folded: str, origin: list[int], protected: list[tuple[int, int]]) -> list[Finding]:
    findings: list[Finding] = []
    for rule, pattern in rule_book().patterns.items():
        for match in pattern.finditer(folded):
            if rule == "asks_health_details" and NEGATION_BEFORE.search(folded[: match.start()]):
                continue
            if not _inside(match.span(), protected):
                findings.append(Finding(rule, reason(rule), original_span(origin, *match.span(), len(text))))
    return findings


def _repeated_health_details(
    text: str, folded: str, origin: list[int], mention_text: str, config: Config | None,
    protected: list[tuple[int, int]],
) -> list[Finding]:
    if not mention_text or not mention_text.strip():
        return []
    mention = fold(mention_text)
    findings: list[Finding] = []
    for term in rule_book().health_terms:
        # Terms cover the inflected forms, so "cukrzycę" in the post matches "cukrzycy" in the reply.
        if not term.search(mention):
            continue
        for match in term.finditer(folded):
            if _inside(match.span(), protected):
                continue
            span = original_span(origin, *match.span(), len(text))
            detail = f"{reason('repeats_health_details')} ({text[span[0]:span[1]]!r})"
            findings.append(Finding("repeats_health_details", detail, span))
    quoted = _quoted_phrase(folded, mention, config)
    if quoted and not findings:
        findings.append(Finding("repeats_health_details", reason("repeats_health_details") + f" (quotes the post: {quoted!r})"))
    return findings


def _content_words(folded: str, ignore: frozenset[str]) -> list[str]:
    stopwords = rule_book().stopwords
    return [w for w in re.findall(r"\w+", folded) if len(w) >= 4 and w not in stopwords and w not in ignore and not w.isdigit()]


def _quoted_phrase(reply: str, mention: str, config: Config | None) -> str:
    """A run of content words copied from the post, which may carry health details the term lists miss."""
    ignore = frozenset(re.findall(r"\w+", fold(config.clinic_name))) if config else frozenset()
    reply = URL.sub(" ", EMAIL.sub(" ", reply))
    mention_words = _content_words(mention, ignore)
    seen = {tuple(mention_words[i : i + QUOTE_NGRAM]) for i in range(len(mention_words) - QUOTE_NGRAM + 1)}
    reply_words = _content_words(reply, ignore)
    for i in range(len(reply_words) - QUOTE_NGRAM + 1):
        gram = tuple(reply_words[i : i + QUOTE_NGRAM])
        if gram in seen:
            return " ".join(gram)
    return ""


def count_sentences(text: str) -> int:
    """Sentences end in . ! ? (or …); addresses are masked first so their dots do not count."""
    masked = URL.sub("link", EMAIL.sub("mail", text))
    return len(re.findall(r"\w[^.!?…]*?[.!?…]+(?=\s|$)", masked))


def _length_findings(text: str) -> list[Finding]:
    length, sentences = len(text.strip()), count_sentences(text)
    if length <= MAX_CHARS and sentences <= MAX_SENTENCES:
        return []
    detail = f"{length} characters, {sentences} sentences; at most {MAX_CHARS} and {MAX_SENTENCES}"
    return [Finding("too_long", f"{reason('too_long')} ({detail})", None)]
