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

# Words (with an @handle's "@"), numbers, emoji (jokes are often only an emoji), clause and sentence breaks.
_TOKENS = re.compile(
    r"@?[^\W\d_][^\W_]*(?:'[^\W\d_]+)*|\d+(?:[.,]\d+)?|[\u2600-\u27bf\U0001F300-\U0001FAFF]|[.!?;\n,:]"
)
_BREAKS = frozenset(".!?;\n")
_CLAUSE_BREAKS = frozenset(".!?;\n,:")  # negation does not reach past these
NEGATION_REACH = 3
ENTRIES_MEMO = 100_000  # distinct tokens whose group entries are remembered, per language
CONTEXT = "context"  # the reason of signals that qualify others (past, now, joke) rather than raise urgency
HEALTH = "health_risk"
# A health signal stopped by one of these groups (defined in every triage file) was a figure of speech:
# "the bill nearly gave me a heart attack 😂" is a complaint about the price, reported as context "figurative".
FIGURATIVE_VETOES = frozenset({"JOKE", "MONEY", "FIGURE"})
FIGURATIVE = "figurative"  # a negator negates a group word up to this many tokens after it
_SIGNAL = re.compile(r"^(\w+)\s+(\w+)\s*=\s*(.+)$")
_GROUP = re.compile(r"^([A-Z_]+)(!?)\s*=\s*(.*)$")


@dataclass(slots=True)
class GroupIndex:
    """Where a token's keys can start a group: exact keys, prefixes by their first two letters, sequences."""

    exact: dict[str, list[tuple[str, tuple[str, ...]]]] = field(default_factory=dict)
    prefixes: dict[str, list[tuple[str, str, tuple[str, ...]]]] = field(default_factory=dict)


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
    prechecks: tuple[str, ...]  # patterns (word-start stems) a text must match to be worth lemmatising
    precheck: PatternSet | None
    index: GroupIndex = field(default_factory=GroupIndex)
    # A token's keys -> the (group, rest of a sequence) entries that can start at it: the index looked up once
    # per distinct token rather than at every occurrence (most tokens start none).
    _entries_at: dict[tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...]] = field(default_factory=dict)

    def find(self, text: str, folded: str, candidate: bool | None = None) -> list[Hit]:
        """The signals that fire in the text (empty when the surface pre-check finds no candidate).

        `candidate` is the pre-check's answer when the caller ran it already (in one pass with other cues).
        """
        if candidate is None:
            candidate = self.precheck is not None and bool(self.precheck.matches(folded))
        if not candidate:
            return []
        tokens = _TOKENS.findall(text.lower().replace("\u2019", "'"))
        keys = [_keys(token, self.language) for token in tokens]
        sentences = _sentence_ids(tokens)
        occurrences = self._occurrences(keys, sentences)
        hits = []
        for signal in self.signals:
            if signal.required[0] not in occurrences:
                continue  # what _fires would find at once: no word of its first group
            words, veto = self._fires(signal, occurrences, sentences, tokens)
            if words is not None:
                hits.append(Hit(signal.reason, signal.name, words))
            elif veto in FIGURATIVE_VETOES and signal.reason == HEALTH:
                hits.append(Hit(CONTEXT, FIGURATIVE, [veto]))
        return hits

    def _occurrences(self, keys: list[tuple[str, ...]], sentences: list[int]) -> dict[str, list[tuple[int, int]]]:
        """Per group, the (start, end) token spans where it occurs and is not negated."""
        found: dict[str, list[tuple[int, int]]] = {}
        entries_at = self._entries_at
        for i, token_keys in enumerate(keys):
            candidates = entries_at.get(token_keys)
            if candidates is None:
                candidates = self._entries_for(token_keys)
            for name, rest in candidates:
                end = i + 1 + len(rest)
                if rest and (end > len(keys) or not all(_matches_entry(e, keys[i + 1 + k]) for k, e in enumerate(rest))):
                    continue
                spans = found.setdefault(name, [])
                if spans and spans[-1][0] == i:
                    continue  # another entry of the group already starts here
                if self.groups[name].negatable and _negated(keys, i, self.negators):
                    continue
                spans.append((i, end))
        return {name: spans for name, spans in found.items() if spans}

    def _entries_for(self, token_keys: tuple[str, ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """The index's entries starting at a token with these keys, in the index's order (remembered)."""
        index = self.index
        candidates: list[tuple[str, tuple[str, ...]]] = []
        for key in token_keys:
            candidates += index.exact.get(key, ())
            candidates += [(g, rest) for prefix, g, rest in index.prefixes.get(key[:2], ()) if key.startswith(prefix)]
        if len(self._entries_at) >= ENTRIES_MEMO:
            self._entries_at.clear()
        found = self._entries_at[token_keys] = tuple(candidates)
        return found

    def _fires(
        self, signal: Signal, occurrences: dict[str, list[tuple[int, int]]], sentences: list[int], tokens: list[str]
    ) -> tuple[list[str] | None, str | None]:
        """The words that fire the signal, or None with the group of the veto that stopped it (if any)."""
        first = occurrences.get(signal.required[0])
        if not first or any(g not in occurrences for g in signal.required[1:]):
            return None, None
        stopped_by = None
        for start, end in first:
            spans = [(start, end)]
            for other in signal.required[1:]:
                near = [s for s in occurrences[other] if _close(s, start, sentences, signal.window)]
                if not near:
                    break
                spans.append(near[0])
            else:
                veto = next((v.group for v in signal.vetoes if _vetoed(v, occurrences, sentences, start)), None)
                if veto is None:
                    return [" ".join(tokens[a:b]) for a, b in spans], None
                stopped_by = veto
        return None, stopped_by


@functools.lru_cache(maxsize=100_000)
def _keys(token: str, language: str) -> tuple[str, ...]:
    """The folded token and its folded lemma (the token first); after an elision ("l'avvocato",
    "dall'ASL") also the word after the apostrophe and its lemma; before a possessive ("the Gazette's") the word."""
    keys = [fold_word(token)]
    if token[0] == "@":
        return (keys[0], keys[0][1:])
    if token[0].isalpha():
        keys.append(fold_word(lemma_of(token, language).lower()))
        head, apostrophe, tail = token.partition("'")
        if tail == "s" and len(head) > 1:  # a possessive ("arm's") or "is" ("son's a journalist")
            keys += [fold_word(head), fold_word(lemma_of(head, language).lower()), "s"]
        elif apostrophe and len(head) <= 4 and tail:
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


def _negated(keys: list[tuple[str, ...]], i: int, negators: frozenset[str]) -> bool:
    """A negator up to NEGATION_REACH tokens before, within the clause."""
    for j in range(i - 1, max(-1, i - 1 - NEGATION_REACH), -1):
        if keys[j][0] in _CLAUSE_BREAKS:
            return False
        if keys[j][0] in negators:
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


def _stem(word: str) -> str:
    """What every inflected form of a word starts with: 5 letters (6 for long words: "przedawkować" is not
    every "przed"), the whole word when shorter."""
    return word[: 6 if len(word) >= 9 else 5]


def _prechecks(groups: dict[str, Group], signals: list[Signal], surface: list[str]) -> tuple[str, ...]:
    """Patterns over the folded text, one of which any text firing a signal contains: a stem of each word of
    each signal's first group; for a sequence ("nie_móc", "better_off_without_me") the stems of all its
    words in a row, so that common first words ("nie", "z") do not make every text a candidate.

    Context signals (past, now, joke) only qualify others, so they do not make a text a candidate.
    """
    stems = {_stem(word) for word in surface}
    sequences = set()
    firsts = {s.required[0] for s in signals if s.reason != CONTEXT}
    for group in (groups[name] for name in sorted(firsts)):
        stems.update(_stem(e) for e in group.exact)
        stems.update(p for p in group.prefixes)
        for sequence in group.sequences:
            # Short stems inside a sequence (3 letters): the words around make the test selective.
            sequences.add(r"\W+".join(re.escape(e.rstrip("*")[:3]) + r"[\w']*" for e in sequence))
    # The pre-check looks at word starts: an @handle's stem is the word after the "@".
    words = {re.escape(stem.lstrip("@")) + r"[\w']*" for stem in stems if stem.lstrip("@")}
    return tuple(sorted(words | sequences))


@functools.cache
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
    patterns = _prechecks(groups, signals, surface)
    precheck = PatternSet([("hit", pattern) for pattern in patterns]) if patterns else None
    return TriageCues(language, negators, groups, signals, patterns, precheck, _index(groups))


def _index(groups: dict[str, Group]) -> GroupIndex:
    """Every entry filed under its first word: exact words in a dict, prefixes under their first two letters."""
    index = GroupIndex()
    for group in groups.values():
        entries = [(e,) for e in sorted(group.exact)] + [(p + "*",) for p in group.prefixes] + list(group.sequences)
        for first, *rest in entries:
            if first.endswith("*"):
                prefix = first[:-1]
                if len(prefix) < 2:
                    raise ValueError(f"group {group.name}: a prefix needs two letters or more ({first})")
                index.prefixes.setdefault(prefix[:2], []).append((prefix, group.name, tuple(rest)))
            else:
                index.exact.setdefault(first, []).append((group.name, tuple(rest)))
    return index
