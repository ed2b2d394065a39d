"""Triage signals (health risk, legal threat, press) found over lemmas, with negation, windows and vetoes.

Each language has a data file, lexicons/triage_<lang>.txt (the format is described at its top). A cheap
surface pre-check on the folded text (word-start stems of the signals' first groups) decides whether a text is
worth tokenising and lemmatising at all: most texts are not, so analysis stays fast.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from analysis.lexicon import LEXICON_DIR, fold, fold_word, read_sections
from analysis.patternset import PatternSet
from analysis.sentiment import lemma_of

# Words, numbers, emoji (jokes are often only an emoji) and sentence breaks.
_TOKENS = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*|\d+(?:[.,]\d+)?|[\u2600-\u27bf\U0001F300-\U0001FAFF]|[.!?;\n]")
_BREAKS = frozenset(".!?;\n")
NEGATION_REACH = 3
CONTEXT = "context"  # the reason of signals that qualify others (past, now, joke) rather than raise urgency  # a negator negates a group word up to this many tokens after it
_SIGNAL = re.compile(r"^(\w+)\s+(\w+)\s*=\s*(.+)$")
_GROUP = re.compile(r"^([A-Z_]+)(!?)\s*=\s*(.*)$")


@dataclass(slots=True)
class Group:
    """Lemmas or surface forms (folded); `x*` is a prefix, `a_b` a sequence of consecutive tokens."""

    name: str
    exact: frozenset[str]
    prefixes: tuple[str, ...]
    sequences: tuple[tuple[str, ...], ...]
    negatable: bool  # "no fever" does not count; groups marked `!` count under negation ("nie mogę oddychać")


@dataclass(slots=True)
class Veto:
    group: str
    scope: str  # "sentence" | "text" | "before" (the N tokens before the signal's first word)
    distance: int = 0


@dataclass(slots=True)
class Signal:
    reason: str  # an URGENCY_REASONS code
    name: str
    required: tuple[str, ...]
    window: int | None  # all required groups within this many tokens; None = the same sentence
    vetoes: tuple[Veto, ...] = ()


@dataclass(slots=True)
class Hit:
    """A signal that fired: its reason, name and the words (as written) that drove it."""

    reason: str
    name: str
    words: list[str] = field(default_factory=list)


@dataclass(slots=True)
class TriageCues:
    language: str
    negators: frozenset[str]
    groups: dict[str, Group]
    signals: list[Signal]
    precheck: PatternSet | None

    def find(self, text: str, folded: str) -> list[Hit]:
        """The signals that fire in the text (empty when the surface pre-check finds no candidate)."""
        if self.precheck is None or not self.precheck.matches(folded):
            return []
        tokens = _TOKENS.findall(text.lower().replace("\u2019", "'"))
        keys = [_keys(token, self.language) for token in tokens]
        sentences = _sentence_ids(tokens)
        occurrences = self._occurrences(keys, sentences)
        hits = []
        for signal in self.signals:
            words = self._fires(signal, occurrences, sentences, tokens)
            if words is not None:
                hits.append(Hit(signal.reason, signal.name, words))
        return hits

    def _occurrences(self, keys: list[tuple[str, ...]], sentences: list[int]) -> dict[str, list[tuple[int, int]]]:
        """Per group, the (start, end) token spans where it occurs and is not negated."""
        found: dict[str, list[tuple[int, int]]] = {}
        for name, group in self.groups.items():
            spans = []
            for i in range(len(keys)):
                end = _match_at(group, keys, i)
                if end is None:
                    continue
                if group.negatable and _negated(keys, sentences, i, self.negators):
                    continue
                spans.append((i, end))
            if spans:
                found[name] = spans
        return found

    def _fires(
        self, signal: Signal, occurrences: dict[str, list[tuple[int, int]]], sentences: list[int], tokens: list[str]
    ) -> list[str] | None:
        first = occurrences.get(signal.required[0])
        if not first or any(g not in occurrences for g in signal.required[1:]):
            return None
        for start, end in first:
            spans = [(start, end)]
            for other in signal.required[1:]:
                near = [s for s in occurrences[other] if _close(s, start, sentences, signal.window)]
                if not near:
                    break
                spans.append(near[0])
            else:
                if not any(_vetoed(v, occurrences, sentences, start) for v in signal.vetoes):
                    return [" ".join(tokens[a:b]) for a, b in spans]
        return None


@functools.lru_cache(maxsize=100_000)
def _keys(token: str, language: str) -> tuple[str, ...]:
    """The folded token and its folded lemma (the token first); after an elision ("l'avvocato",
    "dall'ASL") also the word after the apostrophe and its lemma."""
    keys = [fold_word(token)]
    if token[0].isalpha():
        keys.append(fold_word(lemma_of(token, language).lower()))
        head, apostrophe, tail = token.partition("'")
        if apostrophe and len(head) <= 4 and tail:
            keys += [fold_word(tail), fold_word(lemma_of(tail, language).lower())]
    return tuple(dict.fromkeys(keys))


def _sentence_ids(tokens: list[str]) -> list[int]:
    ids, current = [], 0
    for token in tokens:
        ids.append(current)
        if token in _BREAKS:
            current += 1
    return ids


def _matches_entry(entry: str, token_keys: tuple[str, ...]) -> bool:
    if entry.endswith("*"):
        return any(key.startswith(entry[:-1]) for key in token_keys)
    return entry in token_keys


def _match_at(group: Group, keys: list[tuple[str, ...]], i: int) -> int | None:
    """The end of the group's match starting at token i, or None."""
    token_keys = keys[i]
    if any(key in group.exact for key in token_keys) or any(
        key.startswith(prefix) for key in token_keys for prefix in group.prefixes
    ):
        return i + 1
    for sequence in group.sequences:
        if i + len(sequence) <= len(keys) and all(
            _matches_entry(entry, keys[i + k]) for k, entry in enumerate(sequence)
        ):
            return i + len(sequence)
    return None


def _negated(keys: list[tuple[str, ...]], sentences: list[int], i: int, negators: frozenset[str]) -> bool:
    for j in range(max(0, i - NEGATION_REACH), i):
        if sentences[j] == sentences[i] and keys[j][0] in negators:
            return True
    return False


def _close(span: tuple[int, int], start: int, sentences: list[int], window: int | None) -> bool:
    if window is None:
        return sentences[span[0]] == sentences[start]
    return abs(span[0] - start) <= window


def _vetoed(veto: Veto, occurrences: dict[str, list[tuple[int, int]]], sentences: list[int], start: int) -> bool:
    spans = occurrences.get(veto.group, ())
    if veto.scope == "text":
        return bool(spans)
    if veto.scope == "before":
        return any(start - veto.distance <= s < start for s, _ in spans)
    return any(sentences[s] == sentences[start] for s, _ in spans)


def _parse_group(line: str, path_name: str) -> Group:
    found = _GROUP.match(line)
    if not found:
        raise ValueError(f"{path_name}: '{line}' is not 'NAME = entries' or 'NAME! = entries'")
    name, unnegatable, body = found.groups()
    entries = [fold(entry) for entry in body.split()]
    return Group(
        name,
        frozenset(e for e in entries if "_" not in e and not e.endswith("*")),
        tuple(e[:-1] for e in entries if "_" not in e and e.endswith("*")),
        tuple(tuple(e.split("_")) for e in entries if "_" in e),
        negatable=not unnegatable,
    )


def _parse_signal(line: str, groups: dict[str, Group], path_name: str) -> Signal:
    found = _SIGNAL.match(line)
    if not found:
        raise ValueError(f"{path_name}: '{line}' is not 'reason name = GROUPS [~N] [-VETO]'")
    reason, name, body = found.groups()
    required, vetoes, window = [], [], None
    for part in body.split():
        if part.startswith("~"):
            window = int(part[1:])
        elif part.startswith("--"):
            vetoes.append(Veto(part[2:], "text"))
        elif part.startswith("-"):
            group, _, distance = part[1:].partition("<")
            vetoes.append(Veto(group, "before", int(distance)) if distance else Veto(group, "sentence"))
        else:
            required.append(part)
    for group in required + [v.group for v in vetoes]:
        if group not in groups:
            raise ValueError(f"{path_name}: signal {name} names an unknown group {group}")
    return Signal(reason, name, tuple(required), window, tuple(vetoes))


def _precheck_stems(groups: dict[str, Group], signals: list[Signal], surface: list[str]) -> set[str]:
    """Word-start stems that any text firing a signal must contain: from each signal's first group.

    Context signals (past, now, joke) only qualify others, so they do not make a text a candidate.
    """
    stems = set(surface)
    firsts = {s.required[0] for s in signals if s.reason != CONTEXT}
    for group in (groups[name] for name in sorted(firsts)):
        stems.update(e[:5] for e in group.exact)
        stems.update(p[:5] for p in group.prefixes)
        stems.update(seq[0].rstrip("*")[:5] for seq in group.sequences)
    return {stem for stem in stems if stem}


@functools.lru_cache(maxsize=None)
def load_triage(language: str) -> TriageCues | None:
    """The language's triage cues, or None when it has no file."""
    path = LEXICON_DIR / f"triage_{language}.txt"
    if not path.exists():
        return None
    sections = read_sections(path)
    groups = {g.name: g for g in (_parse_group(line, path.name) for line in sections.get("groups", []))}
    signals = [_parse_signal(line, groups, path.name) for line in sections.get("signals", [])]
    negators = frozenset(fold(word) for line in sections.get("negators", []) for word in line.split())
    surface = [fold(word) for line in sections.get("surface", []) for word in line.split()]
    stems = _precheck_stems(groups, signals, surface)
    precheck = PatternSet([("hit", re.escape(stem)) for stem in sorted(stems)]) if stems else None
    return TriageCues(language, negators, groups, signals, precheck)
