"""Plural rules for counts in English, Polish and Italian (core.i18n.tn / plural_index)."""
from __future__ import annotations

import re

import pytest

from core.i18n import LANGUAGES, PLURAL_CATALOGUE, plural_index, tn


@pytest.mark.parametrize(("count", "text"), [(0, "0 mentions match"), (1, "1 mention matches"),
                                             (2, "2 mentions match"), (21, "21 mentions match")])
def test_english_has_one_and_other(count, text):
    assert tn("queue_count", "en", count) == text


@pytest.mark.parametrize(("count", "text"), [(0, "0 menzioni corrispondono"), (1, "1 menzione corrisponde"),
                                             (2, "2 menzioni corrispondono"), (11, "11 menzioni corrispondono")])
def test_italian_has_one_and_other(count, text):
    assert tn("queue_count", "it", count) == text


@pytest.mark.parametrize(("count", "form"), [
    (1, "pasująca wzmianka"), (2, "pasujące wzmianki"), (3, "pasujące wzmianki"), (4, "pasujące wzmianki"),
    (5, "pasujących wzmianek"), (0, "pasujących wzmianek"), (11, "pasujących wzmianek"), (12, "pasujących wzmianek"),
    (13, "pasujących wzmianek"), (14, "pasujących wzmianek"), (21, "pasujących wzmianek"), (22, "pasujące wzmianki"),
    (24, "pasujące wzmianki"), (25, "pasujących wzmianek"), (101, "pasujących wzmianek"), (102, "pasujące wzmianki"),
    (112, "pasujących wzmianek"), (1_000_000, "pasujących wzmianek"),
])
def test_polish_has_one_few_and_many(count, form):
    assert tn("queue_count", "pl", count) == f"{count} {form}"


def test_polish_rule_over_a_range_matches_the_cldr_definition():
    for n in range(0, 1000):
        few = n % 10 in (2, 3, 4) and not 12 <= n % 100 <= 14
        assert plural_index("pl", n) == (0 if n == 1 else 1 if few else 2), n


def test_every_plural_entry_has_each_languages_forms_and_the_same_placeholders():
    expected_forms = {"en": 2, "pl": 3, "it": 2}
    for key, per_language in PLURAL_CATALOGUE.items():
        assert len(per_language) == len(LANGUAGES), key
        names = None
        for lang, forms in zip(LANGUAGES, per_language):
            assert len(forms) == expected_forms[lang], (key, lang)
            for form in forms:
                assert form.strip(), (key, lang)
                found = set(re.findall(r"{(\w+)}", form)) - {"count"}
                names = found if names is None else names
                assert found == names, (key, lang, form)


def test_an_unknown_language_falls_back_to_english():
    assert tn("ago_days", "de", 1) == "1 day ago"
