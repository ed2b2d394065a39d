"""The fast paths of the analysis give exactly what the plain computations give (see analysis/patternset.py,
lexicon.fold, sentiment's token cache, emoticon pre-check and VADER fast path)."""
from __future__ import annotations

import functools
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from py3langid.langid import MODEL_FILE, LanguageIdentifier
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from analysis import sentiment
from analysis.language import _WORDS, CONFIRM_HITS, FUNCTION_WORDS, LanguageDetector
from analysis.lemmacues import load_triage
from analysis.lexicon import _FOLD, fold, fold_word, load_cues, load_lexicon
from analysis.patternset import PatternSet, SharedScan, _starts
from analysis.rules import find_cues
from analysis.textscan import scan_text

pytestmark = pytest.mark.slow  # property tests over many generated inputs: not in `make test-fast`

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def reference_positions(entries: list[tuple[str, str]], text: str, word_end: bool = False) -> dict[str, int]:
    """The plain way: at every word start try each pattern in order; the first that matches wins."""
    tail = r"\b" if word_end else ""
    compiled = [(key, re.compile(f"(?:{pattern}){tail}")) for key, pattern in entries]
    found: dict[str, int] = {}
    for start in re.finditer(r"(?<!\w)\w", text):
        for key, pattern in compiled:
            if pattern.match(text, start.start()):
                found[key] = start.start()
                break
    return found


# Patterns with every kind of start the fast path has to handle: literals, classes, groups, optional and
# repeated parts, keys shorter than three letters, lookbehinds, anchors, "." and \d starts, a non-word start,
# overlapping keys (the earlier pattern must win) and a pattern spanning words.
TRICKY = [
    ("short", "zl"),
    ("prefix", "wizyt\\w*"),
    ("overlap-first", "wiz"),
    ("class", "mil[aiy]"),
    ("optional", "(foo )?bar\\w*"),
    ("branch", "(nie|ani) (zbadal|spojrzal)"),
    ("anchored", "^\\W*(nothing|none|no)\\W*$"),
    ("lookbehind", "(?<!not )kept (waiting|me waiting)"),
    ("dot", "(would|.d) like"),
    ("digit", "(\\d+|an|half an) (hours?|minutes)"),
    ("currency", "£\\d*"),
    ("spaced", "a ?& ?e"),
    ("plus", "(ab)+c"),
    ("xray", "x.?ray\\w*"),
    ("optional-digit", "tg\\d?"),
    ("after-comma", "(?<=, )not\\W*$"),
    ("range", "[a-f]oo"),
    ("repeat-start", "a{2,3}h"),
]
FRAGMENTS = [
    "zl", "zlo", "wizyta", "wiz", "mila", "mily", "foo", "bar", "barek", "nie", "ani", "zbadal", "spojrzal",
    "nothing", "none", "no", "not", "kept", "waiting", "me", "would", "id", "ed", "like", "3", "12", "an",
    "half", "hours", "minutes", "£5", "a", "&", "e", "ab", "abab", "c", "x", "ray", "xray", "tg", "tg1", "foo",
    "aah", "aaah", "hoo", "_x", "é", "ł", "l'", "٣",
]
SEPARATORS = [" ", " ", " ", ", ", ". ", "-", "'", "", "!", " (", ") "]


@st.composite
def texts(draw: st.DrawFn, fragments: list[str]) -> str:
    words = draw(st.lists(st.sampled_from(fragments), max_size=14))
    separators = draw(st.lists(st.sampled_from(SEPARATORS), min_size=len(words), max_size=len(words)))
    lead = draw(st.sampled_from(["", "", " ", "!", "'"]))
    return lead + "".join(word + sep for word, sep in zip(words, separators))


@FAST
@given(texts(FRAGMENTS), st.booleans())
def test_patternset_equals_plain_matching_on_tricky_patterns(text: str, word_end: bool) -> None:
    patterns = PatternSet(TRICKY, word_end=word_end)
    assert patterns.positions(text) == reference_positions(TRICKY, text, word_end)


# A second set sharing openings with TRICKY (some filed under shorter or longer keys), others of its own.
OTHER = [
    ("w", "w\\w*"),
    ("wiz-long", "wizyta"),
    ("zlo", "zlo\\w*"),
    ("not-end", "not\\b"),
    ("dot2", ".oo"),
    ("half", "half( an)?"),
]


@FAST
@given(texts(FRAGMENTS))
def test_shared_scan_gives_each_set_its_own_positions(text: str) -> None:
    sets = (PatternSet(TRICKY, word_end=True), PatternSet(OTHER), PatternSet(TRICKY))
    assert SharedScan(sets).positions(text) == [s.positions(text) for s in sets]


@pytest.mark.parametrize("language", ["pl", "it", "en", "de"])
def test_scan_text_equals_the_separate_scans(language: str) -> None:
    """One pass over the shipped sets gives find_cues', the phrases' and the triage pre-check's answers."""
    phrases = load_lexicon(language if language != "de" else "en").phrases.patterns  # type: ignore[union-attr]
    triage = load_triage(language)
    words = _words_of(load_cues("topics").patterns.entries + load_cues("kind").patterns.entries + phrases.entries)
    if triage is not None and triage.precheck is not None:
        words += _words_of(triage.precheck.entries)

    @settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(texts(words))
    def check(text: str) -> None:
        folded = fold(text)
        scanned = scan_text(folded, language)
        assert scanned.cues == find_cues(folded)
        assert list(scanned.cues.items()) == list(find_cues(folded).items())
        assert scanned.phrases == phrases.positions(folded)
        precheck = triage.precheck if triage is not None else None
        assert scanned.candidate == (precheck is not None and bool(precheck.matches(folded)))

    check()


def _words_of(entries: list[tuple[str, str]]) -> list[str]:
    """Letter runs of the patterns themselves, so that generated texts hit many of them."""
    words = sorted({w for _, pattern in entries for w in re.findall(r"[a-z]{2,}", pattern)})
    return words + ["3", "12", "xx", "the", "i", "d"]


LEXICON_SETS = {
    "topics": lambda: (load_cues("topics").patterns, True),
    "kind": lambda: (load_cues("kind").patterns, True),
    "pl": lambda: (load_lexicon("pl").phrases.patterns, False),  # type: ignore[union-attr]
    "it": lambda: (load_lexicon("it").phrases.patterns, False),  # type: ignore[union-attr]
    "en": lambda: (load_lexicon("en").phrases.patterns, False),  # type: ignore[union-attr]
}


@pytest.mark.parametrize("name", sorted(LEXICON_SETS))
def test_patternset_equals_plain_matching_on_the_shipped_lexicons(name: str) -> None:
    patterns, word_end = LEXICON_SETS[name]()
    entries = patterns.entries

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(texts(_words_of(entries)))
    def check(text: str) -> None:
        assert patterns.positions(fold(text)) == reference_positions(entries, fold(text), word_end)

    check()


def test_patternset_order_and_last_position() -> None:
    """Keys come in order of first occurrence with their last position, as the evidence sums rely on."""
    patterns = PatternSet([("b", "beta"), ("a", "alpha\\w*")])
    assert list(patterns.positions("alphas beta alpha beta").items()) == [("a", 12), ("b", 18)]


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("wizyt\\w*", {"wiz"}),
        ("zl", {"zl"}),
        ("(nie|ani) zbadal", {"nie", "ani"}),
        ("(foo )?bar", {"foo", "bar"}),
        ("(?<!not )kept", {"kep"}),
        ("(would|.d) like", None),
        ("(?i)abc", None),
    ],
)
def test_starts_are_worked_out_from_the_parsed_pattern(pattern: str, expected: set[str] | None) -> None:
    assert _starts(pattern) == expected


def reference_fold(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower().translate(_FOLD)).strip()


@FAST
@given(st.text(alphabet=st.sampled_from(list("aAłŁżŻéÈçÇ’`'ǅǄﬁ ß\t\n\u00a0\u2003\u3000\x1c\x85İ") + ["x"]), max_size=40))
def test_fold_equals_translate_and_whitespace_collapse(text: str) -> None:
    assert fold(text) == reference_fold(text)


@FAST
@given(st.text(max_size=60))
def test_fold_equals_reference_on_any_text(text: str) -> None:
    assert fold(text) == reference_fold(text)


FOLD_ALPHABET = list("aAłŁżŻéÈçÇ’`'ǅǄﬁ ß\t\n\u00a0\u2003\u3000\x1c\x85İ") + ["x"]


@FAST
@given(st.one_of(st.text(max_size=20), st.text(alphabet=st.sampled_from(FOLD_ALPHABET), max_size=20)))
def test_fold_word_and_fold_lemma_equal_the_plain_folds(text: str) -> None:
    """fold_word's ASCII shortcut is translate(); sentiment's per-lemma fold is fold()."""
    assert fold_word(text) == text.translate(_FOLD)
    assert sentiment.fold_lemma(text) == fold(text)


EMOTICON_PIECES = [
    ":)", ":-)", ":D", ":-D", ";)", ";-)", "<3", ":(", ":-(", ":'(", ":/", ":-/", "-_-", "😀", "👍", "❤", "😡", "☹",
    "💔", "x", "a:", "http://", "D", "(", "/", "-", "_", "'", "3", ":", ";", "<", "ok",
]


@FAST
@given(texts(EMOTICON_PIECES))
def test_emoticon_precheck_never_hides_an_emoticon(text: str) -> None:
    expected = (len(sentiment._POSITIVE_EMOTICONS.findall(text)), len(sentiment._NEGATIVE_EMOTICONS.findall(text)))
    assert sentiment.emoticon_counts(text) == expected


VADER_WORDS = [
    "good", "great", "bad", "terrible", "rude", "helpful", "not", "never", "no", "nor", "or", "isn't", "without",
    "doubt", "so", "this", "very", "extremely", "kind", "of", "sort", "least", "at", "but", "BUT", "GREAT", "Rude",
    "the", "shit", "bad", "ass", "waited", "hours", "staff", "kinda", "VERY", "!", "?", "!!!", ":)", ":(", "lol",
    "uh-uh", "to", "die", "for", "yeah", "right", "cut", "mustard", "nice.", "(good)", "'bad'", "hardly",
]


@pytest.fixture(scope="module")
def scorer() -> sentiment.SentimentScorer:
    return sentiment.SentimentScorer()


@FAST
@given(st.lists(st.sampled_from(VADER_WORDS), max_size=25), st.sampled_from(["", " ", "  ", "\n"]))
def test_vader_fast_path_is_bit_identical(scorer: sentiment.SentimentScorer, words: list[str], pad: str) -> None:
    text = pad + " ".join(words) + pad
    plain = SentimentIntensityAnalyzer.polarity_scores(scorer.vader, text)  # VADER's own code, same lexicon
    assert scorer.vader.polarity_scores(text) == plain


def test_vader_with_emoji_takes_vaders_own_path(scorer: sentiment.SentimentScorer) -> None:
    text = "Great staff 😀 but the wait 😡"
    assert scorer.vader.polarity_scores(text) == SentimentIntensityAnalyzer.polarity_scores(scorer.vader, text)


@pytest.mark.parametrize("language", ["pl", "it"])
def test_token_role_cache_gives_the_same_evidence_cold_and_warm(language: str) -> None:
    lexicon = load_lexicon(language)
    samples = {
        "pl": ["Nie polecam, ale pani BARDZO miła!", "nikt nie odbiera telefonu. Nie zbadał mnie", "NIEMIŁA obsługa"],
        "it": ["Non consiglio, ma il medico è gentile!", "Non ha risposto. MOLTO scortese", "Ottimo ma caro"],
    }[language]
    sentiment._roles.clear()
    cold = [sentiment._word_evidence(text, lexicon, language) for text in samples]
    warm = [sentiment._word_evidence(text, lexicon, language) for text in samples]
    assert cold == warm
    assert any(parts for parts, _ in cold)
    # The same token means something else in another language: roles are kept per language.
    other = "it" if language == "pl" else "pl"
    sentiment._word_evidence(samples[0], load_lexicon(other), other)
    assert [sentiment._word_evidence(text, lexicon, language) for text in samples] == cold


def test_language_hint_confirmed_before_counting_letters() -> None:
    """A declared language is kept for very short texts whether or not its function words confirm it."""
    detector = LanguageDetector(["pl", "it", "en"])
    assert detector.detect("w w", "pl") == "pl"
    assert detector.detect("ok", "it") == "it"
    assert detector.detect("ok", None) == "und"
    assert detector.detect("The staff were kind and the doctor was very thorough", "pl") == "en"


def reference_ending_weight(lexicon, folded: str, language: str) -> float | None:  # type: ignore[no-untyped-def]
    """The plain loop over sentiment._ENDINGS in order."""
    for ending, replacements in sentiment._ENDINGS.get(language, ()):
        if folded.endswith(ending) and len(folded) > len(ending) + 2:
            base = folded[: -len(ending)]
            return next((lexicon.words[base + r] for r in replacements if base + r in lexicon.words), None)
    return None


@pytest.mark.parametrize("language", ["pl", "it", "en"])
def test_endings_grouped_by_last_letter_decide_as_the_plain_loop(language: str) -> None:
    lexicon = load_lexicon(language)
    stems = sorted({word[:-1] for word in lexicon.words if len(word) > 3})[:400]
    endings = ["ymi", "imi", "ego", "emu", "ych", "ich", "ej", "ym", "im", "a", "e", "i", "o", "", "x"]

    @settings(max_examples=200, deadline=None)
    @given(st.sampled_from(stems), st.sampled_from(endings))
    def check(stem: str, ending: str) -> None:
        word = stem + ending
        assert sentiment._ending_weight(lexicon, word, language) == reference_ending_weight(lexicon, word, language)

    check()
    assert any(reference_ending_weight(lexicon, s + "a", language) is not None for s in stems) or language == "en"


_SAMPLES = st.lists(st.sampled_from(list("abcdeilnorstuwyząęłóśżèàò ,.!?'\n") + ["nie ", "the ", "che ", "è "]),
                    max_size=120).map("".join)


@functools.cache
def _detector_and_plain_py3langid() -> tuple[LanguageDetector, object]:
    detector = LanguageDetector(["pl", "it", "en"])
    reference = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    reference.set_languages(sorted(detector.candidates))
    assert detector.identifier.nb_ptc.dtype != reference.nb_ptc.dtype  # the fast table is in use
    return detector, reference


@FAST
@given(_SAMPLES)
def test_widened_identifier_table_ranks_exactly_as_py3langid(text: str) -> None:
    detector, reference = _detector_and_plain_py3langid()
    assert detector.identifier.rank(text) == reference.rank(text)


@pytest.mark.parametrize("declared", ["pl", "it", "en"])
def test_one_pass_function_word_count_confirms_as_counting_per_language(declared: str) -> None:
    def plain(text: str) -> bool:
        words = _WORDS.findall(text[:300].lower())
        hits = {lang: sum(w in vocabulary for w in words) for lang, vocabulary in FUNCTION_WORDS.items()}
        others = max(count for lang, count in hits.items() if lang != declared)
        return hits[declared] >= CONFIRM_HITS and hits[declared] >= 2 * others

    texts = ["nie jest tak źle, ale the end", "il medico non è venuto ma the nurse was", "the staff and the nurse",
             "w na the of di che", "", "Ja ja ja", "the the il il", "nie nie nie the the"]
    for text in texts:
        assert LanguageDetector._confirms(text, declared) == plain(text), text


@FAST
@given(st.lists(st.sampled_from(["ale", "male", "ma", "mamma", "but", "butter", "jednak", "x", " ", ",", "pero"]),
                max_size=12).map(" ".join), st.sampled_from(["pl", "it", "en"]))
def test_last_contrast_pretest_never_hides_a_contrast_word(folded: str, language: str) -> None:
    words = sorted(load_lexicon(language).contrast)
    plain = [m.start() for m in re.finditer(r"\b(?:" + "|".join(words) + r")\b", folded)]
    assert sentiment.last_contrast(folded, language) == (plain[-1] if plain else -1)
