"""The clinic's learned model: features shared by training and prediction, and fast linear inference."""
from __future__ import annotations

import functools
import logging
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import joblib
import numpy as np

from analysis.lexicon import available_languages, fold, load_lexicon
from analysis.sentiment import SentimentResult, lemma_of

LEXICON_LANGUAGES = frozenset(available_languages())

log = logging.getLogger(__name__)

DEFAULT_MODEL_DIR = Path("data/models")
POINTER = "CURRENT"
FORMAT = 1
# Character n-grams are a second view at training time only (learn.py folds them into the word weights).
STEM = 5  # a 5-letter prefix stands in for a lemma the dictionary does not know (Polish inflects heavily)
NEGATION_SCOPE = 3
# Words, punctuation, emoticons and emoji: in posts and tweets ":(" or "😡" often is the whole verdict. A run of
# "!" or "?" is one token (its length is a marker below).
_TOKENS = re.compile(r"[:;]-?[()/](?!/)|[^\W\d_]+|[.;:,]|[!?]+|[\U0001F300-\U0001FAFF\u2600-\u27BF]")
_BREAKS = frozenset(".;:,!?")  # what a punctuation token ends with (an emoticon ends with a bracket or slash)
_URL = re.compile(r"(?:https?://|www\.)\S+")
# How tweets and posts are written, normalised so that the model sees one feature for each habit:
# laughter ("ahah", "hahaha", "eheh", "lol", "xD", "asd") is one LAUGH token, often the cue of irony; an
# elongated word ("bellooo", "nooo") is its base word plus ELONG; a word in capitals of 4+ letters adds CAPS
# (shorter ones are mostly acronyms: "PD", "UE", "NHS"); "!!", "??" or "?!" add a marker.
_LAUGH = re.compile(r"[aei]?(?:h+[aeiou]+)+h*|(?:ah|ha|eh|he){2,}|(?:lo)+l|x+d+|(?:asd)+|muah[ah]*")
_ELONGATED = re.compile(r"([^\W\d_])\1{2,}")  # a letter 3+ times in a row: hardly any word is spelt so
URL, LAUGH, ELONG, CAPS = "URL", "LAUGH", "x:ELONG", "x:CAPS"


@functools.lru_cache(maxsize=300_000)
def _token_features(token: str, language: str) -> tuple[str, str, str, str, str, str]:
    """Per distinct token as written (cached): its folded form, its lemma (or stem, when the dictionary lacks
    it), a marker of how it was written ("" for none), and its feature names (word, lemma, negated lemma),
    built here once rather than for every occurrence."""
    lower = token.lower()
    marker = CAPS if len(token) > 3 and token.isupper() else ""
    if lower.count("h") != 1 and _LAUGH.fullmatch(lower):  # one "h" is a word: "ha", "hai", "ahi", "eh"
        return LAUGH, LAUGH, marker, f"w:{LAUGH}", f"l:{LAUGH}", f"n:{LAUGH}"
    if _ELONGATED.search(lower):
        lower = _ELONGATED.sub(r"\1", lower)
        marker = marker or ELONG
    folded = fold(lower)
    lemma = fold(lemma_of(lower, language))
    if lemma == folded and len(folded) > STEM + 1:
        lemma = folded[:STEM] + "~"
    return folded, lemma, marker, f"w:{folded}", f"l:{lemma}", f"n:{lemma}"


def _punctuation_marker(token: str) -> str:
    if "?" not in token:
        return "x:!!"
    return "x:??" if "!" not in token else "x:?!"


def extract_features(text: str, language: str, rules: SentimentResult, is_question: bool) -> dict[str, float]:
    """Words, word pairs, lemmas (marked when negated) and lemma pairs, markers of how the text was written
    (links, laughter, elongated words, capitals, "!!"/"??"), plus the rule-based scores.

    Lemma pairs ("nie_polecać", "tempo_attesa") generalise word pairs over inflection; a negator stands as
    "NEG" in them and sentence punctuation breaks them.

    Each block is L2-normalised so that long texts do not dominate; the same function serves training and
    prediction, so what the model learned is what it sees.
    """
    negators = load_lexicon(language).negators if language in LEXICON_LANGUAGES else frozenset()
    words: list[str] = []
    word_feats: set[str] = set()
    lemmas: set[str] = set()
    sequence: list[str] = []  # lemmas in order, "NEG" for negators, "|" at sentence punctuation
    negation_left = 0
    marks: set[str] = set()  # how the text was written: a link, capitals, elongation, "!!" / "??"
    if "://" in text or "www." in text:
        marks.add("w:" + URL)  # a link is one feature, not "https", "t", "co" and a random code
        text = _URL.sub(" ", text)
    for token in _TOKENS.findall(text):
        if token[-1] in _BREAKS:
            negation_left = 0
            sequence.append("|")
            if len(token) > 1:
                marks.add(_punctuation_marker(token))
            continue
        folded, lemma, marker, word_feature, lemma_feature, negated_feature = _token_features(token, language)
        if marker:
            marks.add(marker)
        words.append(folded)
        word_feats.add(word_feature)
        if folded in negators:
            negation_left = NEGATION_SCOPE
            sequence.append("NEG")
            continue
        lemmas.add(negated_feature if negation_left else lemma_feature)
        sequence.append(lemma)
        if negation_left:
            negation_left -= 1
    word_feats |= marks
    word_feats.update(f"b:{a}_{b}" for a, b in zip(words, words[1:]))
    lemmas.update(f"m:{a}_{b}" for a, b in zip(sequence, sequence[1:]) if a != "|" and b != "|")
    features: dict[str, float] = dict.fromkeys(word_feats, 1.0 / math.sqrt(len(word_feats))) if word_feats else {}
    if lemmas:
        features.update(dict.fromkeys(lemmas, 1.0 / math.sqrt(len(lemmas))))
    # The rule scores per language, so the model learns how far to trust each lexicon.
    features[f"r:score@{language}"] = rules.score
    features[f"r:{rules.label}@{language}"] = 1.0  # the rule's verdict, so the model can learn its thresholds
    features[f"r:pos@{language}"] = math.log1p(rules.positive)
    features[f"r:neg@{language}"] = math.log1p(rules.negative)
    features[f"r:phrases@{language}"] = float(rules.phrases)
    features[f"r:question@{language}"] = float(is_question)
    features[f"lang:{language}"] = 1.0
    return features


@dataclass(slots=True)
class Head:
    """One trained classifier: its rows in the model's weight matrix, its classes, and its training languages."""

    classes: list[str]
    rows: slice  # one row when binary (the second class's log-odds)
    languages: dict[str, int]  # labels per language it was trained on


@dataclass(slots=True)
class LearnedModel:
    """All heads share one vocabulary, so one gather and one product score every head of a text."""

    version: int
    vocabulary: dict[str, int]
    columns: np.ndarray  # (features, total rows): the weight matrix transposed, so one text's gather is contiguous
    intercepts: np.ndarray
    heads: dict[str, Head]  # "sentiment", "kind", "topic:<id>"
    min_labels: int
    _usable: dict[str, list[str]] = field(default_factory=dict, repr=False)  # per language: usable_fields()

    @property
    def name(self) -> str:
        return f"model-v{self.version}"

    def usable(self, field: str, language: str) -> bool:
        """A head is used for a language only once it saw enough of that language's labels to beat the rules."""
        head = self.heads.get(field)
        return head is not None and head.languages.get(language, 0) >= self.min_labels

    def usable_fields(self, language: str) -> list[str]:
        """The heads usable for a language, in the model's order (worked out once per language)."""
        fields = self._usable.get(language)
        if fields is None:
            fields = self._usable[language] = [name for name in self.heads if self.usable(name, language)]
        return fields

    def probabilities(self, features: dict[str, float], fields: list[str]) -> dict[str, dict[str, float]]:
        """Class probabilities of the given heads for one text."""
        known = features.keys() & self.vocabulary.keys()  # the set operation runs in C
        raw = self.intercepts
        if known:
            columns = np.fromiter(map(self.vocabulary.__getitem__, known), np.intp, len(known))
            values = np.fromiter(map(features.__getitem__, known), np.float32, len(known))
            raw = values @ self.columns[columns] + raw  # (features, rows): each feature's weights are contiguous
        every = raw.tolist()  # a few floats: plain Python beats numpy's per-call overhead here
        result = {}
        heads = self.heads
        for name in fields:
            head = heads[name]
            scores = every[head.rows]
            if len(head.classes) == 2:
                positive = 1.0 / (1.0 + math.exp(-scores[0]))
                result[name] = {head.classes[0]: 1.0 - positive, head.classes[1]: positive}
            else:
                top = max(scores)
                exp = [math.exp(score - top) for score in scores]
                total = sum(exp)
                result[name] = {label: e / total for label, e in zip(head.classes, exp)}
        return result


def model_path(model_dir: Path, version: int) -> Path:
    return Path(model_dir) / f"model-v{version}.joblib"


def current_version(model_dir: Path) -> int | None:
    pointer = Path(model_dir) / POINTER
    if not pointer.is_file():
        return None
    name = pointer.read_text(encoding="utf-8").strip()
    match = re.fullmatch(r"model-v(\d+)\.joblib", name)
    return int(match.group(1)) if match else None


def save_model(model_dir: Path, version: int, payload: dict[str, Any]) -> Path:
    """Write model-vN.joblib, then move the CURRENT pointer to it (atomically, so readers never see half)."""
    model_dir = Path(model_dir)
    model_dir.mkdir(parents=True, exist_ok=True)
    path = model_path(model_dir, version)
    joblib.dump({"format": FORMAT, "version": version, **payload}, path, compress=3)
    temporary = model_dir / f".{POINTER}.tmp"
    temporary.write_text(path.name + "\n", encoding="utf-8")
    temporary.replace(model_dir / POINTER)
    return path


def load_model(model_dir: Path | None) -> LearnedModel | None:
    """The model the CURRENT pointer names, or None when there is none yet."""
    if model_dir is None:
        return None
    version = current_version(model_dir)
    if version is None:
        return None
    path = model_path(model_dir, version)
    if not path.is_file():
        raise FileNotFoundError(f"{model_dir / POINTER} names {path.name}, which is missing; run `python -m clinicwatch retrain`")
    payload = joblib.load(path)
    if payload.get("format") != FORMAT:
        # Another program version's model: the rules decide until the next retrain, rather than failing to start.
        log.warning(
            "ignoring %s: model format %s, this program reads %s; run `python -m clinicwatch retrain`",
            path,
            payload.get("format"),
            FORMAT,
        )
        return None
    heads = {name: Head(h["classes"], slice(*h["rows"]), h["languages"]) for name, h in payload["heads"].items()}
    return LearnedModel(
        version=version,
        vocabulary=payload["vocabulary"],
        columns=np.ascontiguousarray(np.asarray(payload["weights"], dtype=np.float32).T),
        intercepts=np.asarray(payload["intercepts"], dtype=np.float32),
        heads=heads,
        min_labels=payload["min_labels"],
    )
