"""The optional boolean query, compiled for matching: each term of the parsed tree becomes a pattern.

The grammar and its parser live in core.query_syntax (config validation needs them); here each term
is folded and matched like a brand term (whole words, case forms), `word*` matching any word that
starts with word.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from core.query_syntax import Expr as SyntaxExpr
from core.query_syntax import Node as SyntaxNode
from core.query_syntax import QuerySyntaxError, Term, parse_syntax
from matching.patterns import bounded, phrase_anchor, phrase_pattern, phrase_words

__all__ = ["Leaf", "Node", "Query", "QuerySyntaxError", "parse_query"]


@dataclass(eq=False)
class Leaf:
    """One word or phrase of the query, with its compiled pattern."""

    text: str
    position: int
    regex: re.Pattern[str]
    anchor: str  # a literal every occurrence contains, for a fast pre-check
    negated: bool = False


@dataclass(eq=False)
class Node:
    op: str  # AND | OR | NOT
    children: list[Node | Leaf] = field(default_factory=list)


Expr = Node | Leaf


def _compile(query: str, expr: SyntaxExpr) -> Expr:
    if isinstance(expr, SyntaxNode):
        return Node(expr.op, [_compile(query, child) for child in expr.children])
    return _compile_term(query, expr)


def _compile_term(query: str, term: Term) -> Leaf:
    try:
        pattern = phrase_pattern(term.bare, prefix_last=term.prefix)
    except ValueError:
        raise QuerySyntaxError(query, term.position, f"term {term.text!r} has no letters or digits") from None
    anchor = phrase_words(term.bare)[-1] if term.prefix else phrase_anchor(term.bare)
    return Leaf(term.text, term.position, re.compile(bounded(pattern)), anchor)


class Query:
    """A parsed boolean query, evaluated against folded title and text."""

    def __init__(self, query: str) -> None:
        self.source = query
        self.root = _compile(query, parse_syntax(query))
        self.leaves = list(_mark_negation(self.root, negated=False))

    def evaluate(self, *folded_fields: str) -> tuple[bool, list[Leaf]]:
        """Whether the query holds over folded fields, and its positive leaves that were found.

        A leaf is present when any field contains it; leaves are looked up lazily, once each.
        """
        found: dict[int, bool] = {}

        def present(leaf: Leaf) -> bool:
            key = id(leaf)
            if key not in found:
                found[key] = False
                for value in folded_fields:
                    if leaf.anchor in value and leaf.regex.search(value) is not None:
                        found[key] = True
                        break
            return found[key]

        holds = _evaluate(self.root, present)
        return holds, [leaf for leaf in self.leaves if not leaf.negated and found.get(id(leaf))]

    def holds_in(self, *folded_fields: str) -> bool:
        return self.evaluate(*folded_fields)[0]


def _evaluate(expr: Expr, present: Callable[[Leaf], bool]) -> bool:
    if isinstance(expr, Leaf):
        return present(expr)
    if expr.op == "NOT":
        return not _evaluate(expr.children[0], present)
    if expr.op == "AND":
        return all(_evaluate(child, present) for child in expr.children)
    return any(_evaluate(child, present) for child in expr.children)


def _mark_negation(expr: Expr, negated: bool) -> Iterator[Leaf]:
    if isinstance(expr, Leaf):
        expr.negated = negated
        yield expr
        return
    for child in expr.children:
        yield from _mark_negation(child, negated ^ (expr.op == "NOT"))


def parse_query(query: str) -> Query:
    """Parse and compile a boolean query; raises QuerySyntaxError (a ValueError) naming the position."""
    return Query(query)
