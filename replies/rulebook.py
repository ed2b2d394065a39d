"""The linter's rules as data: lint_rules/<lang>.toml compiled once (patterns, context cues, suggestions)."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

RULES_DIR = Path(__file__).with_name("lint_rules")
# Rules in the order a finding is kept when two overlap: the first one names the problem best.
RULES = (
    "personal_data", "asks_health_data", "medical_advice", "record_lookup", "confirms_patient",
    "names_condition", "promises_outcome", "impolite", "too_long", "second_opinion",
)
PATTERN_RULES = ("medical_advice", "confirms_patient", "record_lookup", "asks_health_data", "promises_outcome", "impolite")
CONTEXT_CUES = (
    "possessive", "sympathy", "explanation", "advice", "ask", "identifier", "negation", "visit", "date",
    "second_person", "title_name", "privacy", "interrogative", "conditional", "safety_net", "relative",
    "specific_date", "outcome", "certainty",
)
# Cues matched against the original text because they need capital letters (names).
CASED_CUES = ("title_name",)
LANGUAGE_FILES = ("pl", "it", "en")
NEVER = re.compile(r"(?!)")


@dataclass(frozen=True)
class RuleBook:
    patterns: dict[str, re.Pattern[str]]  # rule -> one alternation of every language's patterns
    cues: dict[str, dict[str, re.Pattern[str]]]  # language -> cue -> pattern
    stopwords: frozenset[str]
    suggestions: dict[str, dict[str, str]]  # language -> rule -> safe sentence

    def cue(self, language: str, name: str) -> re.Pattern[str]:
        return self.cues.get(language, self.cues["en"]).get(name, NEVER)

    def suggestion(self, language: str, rule: str) -> str:
        return self.suggestions.get(language, {}).get(rule) or self.suggestions["en"].get(rule, "")


@lru_cache(maxsize=1)
def rule_book() -> RuleBook:
    """Load and compile lint_rules/*.toml; a bad pattern or an unknown section is an error naming the file."""
    patterns: dict[str, list[str]] = {rule: [] for rule in PATTERN_RULES}
    cues: dict[str, dict[str, re.Pattern[str]]] = {}
    stopwords: set[str] = set()
    suggestions: dict[str, dict[str, str]] = {}
    for path in sorted(RULES_DIR.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for section, content in data.items():
            if section in PATTERN_RULES:
                patterns[section].extend(_checked(path, section, p) for p in content.get("patterns", []))
            elif section == "context":
                cues[path.stem] = _cues(path, content)
            elif section == "quoting":
                stopwords.update(content.get("stopwords", []))
            elif section == "suggestions":
                unknown = set(content) - set(RULES)
                if unknown:
                    raise ValueError(f"{path.name}: [suggestions] names unknown rules {sorted(unknown)}")
                suggestions[path.stem] = dict(content)
            else:
                raise ValueError(f"{path.name}: unknown section [{section}]")
    for language in LANGUAGE_FILES:
        missing = [rule for rule in RULES if rule not in suggestions.get(language, {})]
        if missing or language not in cues:
            raise ValueError(f"{RULES_DIR / (language + '.toml')}: lacks [context] or suggestions for {missing}")
    # One alternation per rule is about three times faster than trying each pattern on its own.
    combined = {rule: re.compile("|".join(f"(?:{p})" for p in found)) if found else NEVER for rule, found in patterns.items()}
    return RuleBook(combined, cues, frozenset(stopwords), suggestions)


def _checked(path: Path, section: str, pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"{path.name}: [{section}] bad pattern {pattern!r}: {exc}") from None
    return pattern


def _cues(path: Path, content: dict[str, list[str]]) -> dict[str, re.Pattern[str]]:
    unknown = set(content) - set(CONTEXT_CUES)
    if unknown:
        raise ValueError(f"{path.name}: [context] unknown cues {sorted(unknown)}; expected {', '.join(CONTEXT_CUES)}")
    compiled = {}
    for name, found in content.items():
        alternation = "|".join(f"(?:{_checked(path, 'context.' + name, p)})" for p in found)
        compiled[name] = re.compile(alternation) if alternation else NEVER
    return compiled
