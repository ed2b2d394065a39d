"""The clinic's learned model: features shared by training and prediction, and fast linear inference."""
from __future__ import annotations

import functools
import logging
import math
import re
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

import joblib
import numpy as np

from analysis.lexicon import available_languages, fold_word, load_lexicon
from analysis.sentiment import SentimentResult, fold_lemma, lemma_of

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


TokenFeatures = tuple[str, str, str, str, str, str, str, str]
_TOKEN_CACHE_SIZE = 300_000  # distinct tokens kept per language
_token_cache: dict[str, dict[str, TokenFeatures]] = {}


def _token_features(token: str, language: str) -> TokenFeatures:
    """Per distinct token as written (extract_features caches it per language): its folded form, its lemma (or
    stem, when the dictionary lacks it), a marker of how it was written ("" for none), its feature names (word,
    lemma, negated lemma) and the openings of the pairs it starts ("b:word_", "m:lemma_"), built here once
    rather than for every occurrence."""
    lower = token.lower()
    marker = CAPS if len(token) > 3 and token.isupper() else ""
    if lower.count("h") != 1 and _LAUGH.fullmatch(lower):  # one "h" is a word: "ha", "hai", "ahi", "eh"
        return LAUGH, LAUGH, marker, f"w:{LAUGH}", f"l:{LAUGH}", f"n:{LAUGH}", f"b:{LAUGH}_", f"m:{LAUGH}_"
    if _ELONGATED.search(lower):
        lower = _ELONGATED.sub(r"\1", lower)
        marker = marker or ELONG
    folded = fold_word(lower)  # fold() of a lower-case token: it holds no whitespace to collapse
    lemma = lemma_of(lower, language)
    lemma = folded if lemma == lower else fold_lemma(lemma)
    if lemma == folded and len(folded) > STEM + 1:
        lemma = folded[:STEM] + "~"
    return folded, lemma, marker, f"w:{folded}", f"l:{lemma}", f"n:{lemma}", f"b:{folded}_", f"m:{lemma}_"


@functools.cache
def _rule_names(language: str) -> tuple[str, str, str, str, str, str]:
    """The names of the rule features of a language (score, pos, neg, phrases, question, lang)."""
    return (f"r:score@{language}", f"r:pos@{language}", f"r:neg@{language}", f"r:phrases@{language}",
            f"r:question@{language}", f"lang:{language}")


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
    cache = _token_cache.get(language)
    if cache is None or len(cache) > _TOKEN_CACHE_SIZE:
        cache = _token_cache[language] = {}
    word_feats: set[str] = set()
    lemmas: set[str] = set()
    # Pairs are built as the tokens come ("b:word_" + the next word), kept in order and added after the single
    # words and lemmas: each set then receives the same names in the same order as ever, so the model sums a
    # text's weights in the same order (and to the same float).
    word_pairs: list[str] = []
    lemma_pairs: list[str] = []
    word_opening: str | None = None  # "b:<previous word>_"
    lemma_opening: str | None = None  # "m:<previous lemma>_" ("m:NEG_" after a negator); None after punctuation
    negation_left = 0
    marks: set[str] = set()  # how the text was written: a link, capitals, elongation, "!!" / "??"
    if "://" in text or "www." in text:
        marks.add("w:" + URL)  # a link is one feature, not "https", "t", "co" and a random code
        text = _URL.sub(" ", text)
    for token in _TOKENS.findall(text):
        if token[-1] in _BREAKS:
            negation_left = 0
            lemma_opening = None
            if len(token) > 1:
                marks.add(_punctuation_marker(token))
            continue
        entry = cache.get(token)
        if entry is None:
            entry = cache[token] = _token_features(token, language)
        folded, lemma, marker, word_feature, lemma_feature, negated_feature, word_start, lemma_start = entry
        if marker:
            marks.add(marker)
        word_feats.add(word_feature)
        if word_opening is not None:
            word_pairs.append(word_opening + folded)
        word_opening = word_start
        if folded in negators:
            negation_left = NEGATION_SCOPE
            if lemma_opening is not None:
                lemma_pairs.append(lemma_opening + "NEG")
            lemma_opening = "m:NEG_"
            continue
        lemmas.add(negated_feature if negation_left else lemma_feature)
        if lemma_opening is not None:
            lemma_pairs.append(lemma_opening + lemma)
        lemma_opening = lemma_start
        if negation_left:
            negation_left -= 1
    word_feats |= marks
    word_feats.update(word_pairs)
    lemmas.update(lemma_pairs)
    features: dict[str, float] = dict.fromkeys(word_feats, 1.0 / math.sqrt(len(word_feats))) if word_feats else {}
    if lemmas:
        features.update(dict.fromkeys(lemmas, 1.0 / math.sqrt(len(lemmas))))
    # The rule scores per language, so the model learns how far to trust each lexicon.
    score_name, positive_name, negative_name, phrases_name, question_name, language_name = _rule_names(language)
    features[score_name] = rules.score
    features[f"r:{rules.label}@{language}"] = 1.0  # the rule's verdict, so the model can learn its thresholds
    features[positive_name] = math.log1p(rules.positive)
    features[negative_name] = math.log1p(rules.negative)
    features[phrases_name] = float(rules.phrases)
    features[question_name] = float(is_question)
    features[language_name] = 1.0
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
    _plans: dict[str, tuple[Head | None, Head | None, list[tuple[str, int]]]] = field(default_factory=dict, repr=False)

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

    def raw_scores(self, features: dict[str, float]) -> list[float]:
        """Every head's raw scores (log-odds) for one text: the model's rows, in order."""
        known = features.keys() & self.vocabulary.keys()  # the set operation runs in C
        if not known:
            return self.intercepts.tolist()
        if len(known) > 1:
            # One itemgetter looks up every known name in C, in the set's order (as the fromiter calls did, so
            # the product sums the same numbers in the same order).
            pick = itemgetter(*known)
            columns = np.array(pick(self.vocabulary), np.intp)
            values = np.array(pick(features), np.float32)
        else:
            (name,) = known
            columns = np.array([self.vocabulary[name]], np.intp)
            values = np.array([features[name]], np.float32)
        # (features, rows): each feature's weights are contiguous. A few floats leave numpy: plain Python beats
        # numpy's per-call overhead for the rest.
        # take() gathers the same rows as fancy indexing, with less checking.
        return (values @ self.columns.take(columns, axis=0) + self.intercepts).tolist()

    def probabilities(self, features: dict[str, float], fields: list[str]) -> dict[str, dict[str, float]]:
        """Class probabilities of the given heads for one text."""
        every = self.raw_scores(features)
        return {name: _class_probabilities(self.heads[name], every) for name in fields}

    def predict(self, features: dict[str, float], language: str) -> Prediction:
        """What the analyzer takes from the heads usable for the language: the sentiment and kind probabilities
        (when usable) and a yes/no per topic head (its "yes" at 0.5 or more), without a dict per topic head."""
        plan = self._plans.get(language)
        if plan is None:
            plan = self._plans[language] = self._plan(language)
        sentiment_head, kind_head, topic_rows = plan
        every = self.raw_scores(features)
        return Prediction(
            None if sentiment_head is None else _class_probabilities(sentiment_head, every),
            None if kind_head is None else _class_probabilities(kind_head, every),
            # exactly the probabilities()' test: p(yes) = 1 / (1 + exp(-score)) >= 0.5
            {topic: 1.0 / (1.0 + math.exp(-every[row])) >= 0.5 for topic, row in topic_rows},
        )

    def _plan(self, language: str) -> tuple[Head | None, Head | None, list[tuple[str, int]]]:
        fields = self.usable_fields(language)
        topic_rows = []
        for name in fields:
            head = self.heads[name]
            if name.startswith("topic:"):
                # A topic head is binary over ("no", "yes"): its one row is the log-odds of "yes".
                assert head.classes == ["no", "yes"], head.classes
                topic_rows.append((name.removeprefix("topic:"), head.rows.start))
        return (self.heads["sentiment"] if "sentiment" in fields else None,
                self.heads["kind"] if "kind" in fields else None, topic_rows)


@dataclass(slots=True)
class Prediction:
    """The learned heads' answers for one text (None: the head is not usable for its language)."""

    sentiment: dict[str, float] | None
    kind: dict[str, float] | None
    topics: dict[str, bool]  # topic id -> chosen, for every usable topic head


def _class_probabilities(head: Head, every: list[float]) -> dict[str, float]:
    scores = every[head.rows]
    if len(head.classes) == 2:
        positive = 1.0 / (1.0 + math.exp(-scores[0]))
        return {head.classes[0]: 1.0 - positive, head.classes[1]: positive}
    top = max(scores)
    exp = [math.exp(score - top) for score in scores]
    total = sum(exp)
    return {label: e / total for label, e in zip(head.classes, exp)}


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
