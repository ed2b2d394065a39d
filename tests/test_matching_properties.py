"""Property tests for the matcher: any text, any exclusion, any query string."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.config import BrandConfig
from core.models import fold_text
from matching import Matcher
from matching.folding import FoldedText, fold
from matching.query import QuerySyntaxError, parse_query

pytestmark = pytest.mark.slow  # property tests over many generated inputs: not in `make test-fast`

BRAND = BrandConfig(
    names=["Medicover", "Lux Med", "Salus"],
    aliases=["Centrum Medyczne Salus", "LIM"],
    doctors=["dr Anna Kowalska", "dr Nowak", "dott.ssa Giulia Rossi"],
    locations=["ul. Puławska 14"],
)
MATCHER = Matcher(BRAND)
TERMS = {term.text: term for term in MATCHER.terms}

# Words near the terms (forms, look-alikes, titles) mixed with arbitrary Unicode, so that both
# matches and near-misses are common.
WORDS = [
    "Medicoverze", "MEDICOVERU", "medicoverowy", "Lux", "Med", "LuxMedu", "Salusie", "salus", "populi",
    "dr", "dr.", "prof.", "Kowalskiej", "Kowalski", "Anna", "Annę", "Nowaka", "Nowakowski", "LIM-u",
    "lima", "ul.", "Puławskiej", "14", "dott.ssa", "Rossi", "Straße", "ﬁ", "e\u0301", "Ł", "İ", "ŉ",
    "\u0301", "-", "'", "’", "\n", "\u00a0", "Centrum", "Medycznym", "😀",
]
word_or_noise = st.one_of(st.sampled_from(WORDS), st.text(max_size=4))
texts = st.lists(word_or_noise, max_size=14).flatmap(
    lambda words: st.sampled_from([" ", "", "  ", ", "]).map(lambda sep: sep.join(words))
)


@settings(max_examples=300, deadline=None)
@given(title=texts, text=texts)
def test_every_span_is_inside_the_text_and_folds_to_a_form_of_its_term(title: str, text: str) -> None:
    for match in MATCHER.find(title, text):
        source = title if match.field == "title" else text
        assert 0 <= match.start < match.end <= len(source)
        matched = source[match.start : match.end]
        assert TERMS[match.term].regex.fullmatch(fold(matched)), (match, matched)
        assert match.category in ("name", "alias", "doctor", "location")


@settings(max_examples=200, deadline=None)
@given(text=texts, exclusions=st.lists(st.one_of(st.sampled_from(WORDS), st.text(min_size=1, max_size=12)), max_size=3))
def test_adding_an_exclusion_never_adds_matches(text: str, exclusions: list[str]) -> None:
    usable = [e for e in exclusions if any(ch.isalnum() for ch in fold(e))]
    excluding = Matcher(BRAND.model_copy(update={"exclusions": usable}))
    with_exclusions = {(m.field, m.term, m.start, m.end) for m in excluding.find("", text)}
    without = {(m.field, m.term, m.start, m.end) for m in MATCHER.find("", text)}
    assert with_exclusions <= without


@settings(max_examples=200, deadline=None)
@given(before=texts, form=st.sampled_from(["Medicoverze", "Lux Medzie", "Salusowi", "dr. Kowalską", "LIM-em"]),
       after=texts)
def test_a_term_form_between_separators_is_always_found(before: str, form: str, after: str) -> None:
    text = f"{before} {form}. {after}"
    start = len(before) + 1
    spans = [(m.start, m.end) for m in MATCHER.find("", text)]
    assert any(s <= start and start + len(form) <= e for s, e in spans), (text, spans)


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=40))
def test_folded_offsets_map_back_to_whole_original_characters(text: str) -> None:
    folded = FoldedText(text)
    assert folded.text == fold(text)
    for index in range(len(folded.text)):
        start, end = folded.original_span(index, index + 1)
        assert 0 <= start < end <= len(text)
        assert folded.text[index] in fold(text[start:end])


query_pieces = st.sampled_from(
    ["Salus", "Kraków", "AND", "OR", "NOT", "(", ")", '"', "„", "”", "-", "|", "*", "praca*", " "]
)


@settings(max_examples=300, deadline=None)
@given(query=st.one_of(st.text(max_size=20), st.lists(query_pieces, max_size=10).map(" ".join)))
def test_any_query_string_parses_or_raises_a_syntax_error(query: str) -> None:
    try:
        parsed = parse_query(query)
    except QuerySyntaxError as error:
        assert 0 <= error.position <= len(query)
        return
    assert isinstance(parsed.holds_in(fold("Salus w Krakowie")), bool)


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=40))
def test_folding_agrees_with_the_models_fold_text(text: str) -> None:
    # The matcher leaves white space runs to its patterns and lower-cases compatibility capitals (ℌ).
    assert " ".join(fold(text).split()) == fold_text(text).lower()
