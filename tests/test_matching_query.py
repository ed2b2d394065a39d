"""The boolean query: parsing, evaluation over folded text, and errors that name the position."""
from __future__ import annotations

import pytest

from matching.folding import fold
from matching.query import QuerySyntaxError, parse_query


def holds(query: str, text: str, title: str = "") -> bool:
    return parse_query(query).holds_in(fold(title), fold(text))


@pytest.mark.parametrize(
    "query, text, expected",
    [
        ("Salus", "Byłam w SALUSIE", True),
        ("Salus AND Kraków", "Salus w Krakowie", True),
        ("Salus Kraków", "Salus w Krakowie", True),  # implicit AND
        ("Salus Kraków", "Salus w Gdańsku", False),
        ("Salus OR Medicover", "tylko Medicover", True),
        ("Salus | Medicover", "nic z tego", False),
        ("Salus NOT praca", "Salus: praca od zaraz", False),
        ("Salus NOT praca", "Salus: świetni lekarze", True),
        ("Salus -praca", "Salus szuka pracy", False),  # leading minus is NOT, and praca is declined
        ('"Centrum Salus"', "Centrum  salus, Kraków", True),
        ('"Centrum Salus"', "Salus centrum", False),  # a phrase keeps its word order
        ("„Centrum Salus”", "centrum salus", True),  # Polish quotation marks
        ("(Salus OR Medicover) AND (Warszawa OR Roma)", "Medicover di Roma", True),
        ("(Salus OR Medicover) AND (Warszawa OR Roma)", "Medicover di Milano", False),
        ("NOT (praca OR rekrutacja)", "opinia o rekrutacji", False),
        ("NOT NOT Salus", "Salus", True),
        ("A OR B C", "c only", False),  # AND binds tighter than OR: A OR (B AND C)
        ("A OR B C", "b and c", True),
        ("rejestr*", "rejestracja nie odbiera", True),  # prefix wildcard
        ("rejestr*", "rej", False),
        ("Salus", "salusowy", False),  # whole words and case endings only
        ("and", "rock and roll", True),  # lower-case operators are plain words
    ],
)
def test_evaluation(query: str, text: str, expected: bool) -> None:
    assert holds(query, text) is expected


def test_a_term_in_the_title_counts() -> None:
    assert holds("Salus AND Kraków", "w Krakowie", title="Salus")


@pytest.mark.parametrize(
    "query, position, reason",
    [
        ("", 0, "the query is empty"),
        ("   ", 0, "the query is empty"),
        ("(Salus OR Kraków", 0, "'(' is never closed"),
        ("Salus)", 5, "unexpected ')'"),
        ("Salus AND", 6, "'AND' needs a term after it"),
        ("OR Salus", 0, "'OR' needs a term before it"),
        ("Salus AND OR Kraków", 6, "'AND' needs a term after it"),
        ('Salus "Centrum', 6, "quote is never closed"),
        ("Salus ()", 6, "empty parentheses"),
        ('Salus ""', 6, "empty quotes"),
        ("Salus & Kraków", 6, "term '&' has no letters or digits"),
        ("NOT", 0, "'NOT' needs a term after it"),
        ("Salus ” Kraków", 6, "closing quote without an opening one"),
    ],
)
def test_syntax_errors_name_the_position(query: str, position: int, reason: str) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse_query(query)
    assert caught.value.position == position
    assert reason in str(caught.value)
    assert f"at character {position + 1}" in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_negated_leaves_are_known_for_highlighting() -> None:
    query = parse_query('(Salus OR "Centrum Salus") AND NOT (praca OR -Kraków)')
    assert [(leaf.text, leaf.negated) for leaf in query.leaves] == [
        ("Salus", False),
        ("Centrum Salus", False),
        ("praca", True),
        ("Kraków", False),  # NOT of a NOT
    ]


@pytest.mark.parametrize("query", ["(" * 400 + "Salus" + ")" * 400, "NOT " * 400 + "Salus", "-" * 400 + "Salus"])
def test_deep_nesting_is_a_syntax_error_not_a_crash(query: str) -> None:
    with pytest.raises(QuerySyntaxError, match="more than 50 nested"):
        parse_query(query)


def test_moderate_nesting_is_fine() -> None:
    assert holds("(" * 20 + "Salus" + ")" * 20, "Salus")
