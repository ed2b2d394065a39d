"""The optional boolean query: AND, OR, NOT, quoted phrases, parentheses, implicit AND.

Grammar (operators in capitals, as in Google Alerts; `|` is OR and a leading `-` is NOT):
    query   := or_expr
    or_expr := and_expr (OR and_expr)*
    and_expr:= unary ([AND] unary)*
    unary   := NOT unary | '-' unary | primary
    primary := '(' query ')' | "quoted phrase" | word
Terms are folded and matched like brand terms (whole words, case forms); `word*` matches any word
starting with word.

This module only parses: config validation needs the syntax check, and the ground floor must not
import the matching stage, which compiles each term into a pattern (matching.query).
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

OPERATORS = {"AND", "OR", "NOT", "|"}
MAX_DEPTH = 50
OPENING_QUOTES = '"„“«'
CLOSING_QUOTES = '"”“»'
_BREAKS = set("()") | set(OPENING_QUOTES) | set(CLOSING_QUOTES)


class QuerySyntaxError(ValueError):
    """A query that cannot be parsed; position is the 0-based index of the offending character."""

    def __init__(self, query: str, position: int, reason: str) -> None:
        self.query = query
        self.position = position
        super().__init__(f"query: {reason} at character {position + 1} of {query!r}")


@dataclass(frozen=True)
class Token:
    kind: str  # word | phrase | ( | ) | AND | OR | NOT
    text: str
    position: int


@dataclass(eq=False)
class Term:
    """One word or phrase of the query as written; `prefix` for a trailing `*`."""

    text: str
    position: int
    bare: str
    prefix: bool = False


@dataclass(eq=False)
class Node:
    op: str  # AND | OR | NOT
    children: list[Node | Term] = field(default_factory=list)


Expr = Node | Term


def tokenize(query: str) -> Iterator[Token]:
    index = 0
    while index < len(query):
        char = query[index]
        if char.isspace():
            index += 1
        elif char in "()":
            yield Token(char, char, index)
            index += 1
        elif char in OPENING_QUOTES:
            close = _find_closing_quote(query, index)
            yield Token("phrase", query[index + 1 : close], index)
            index = close + 1
        elif char in CLOSING_QUOTES:
            raise QuerySyntaxError(query, index, "closing quote without an opening one")
        elif char == "-" and index + 1 < len(query) and not query[index + 1].isspace():
            yield Token("NOT", char, index)
            index += 1
        else:
            end = index
            while end < len(query) and not query[end].isspace() and query[end] not in _BREAKS:
                end += 1
            text = query[index:end]
            kind = "OR" if text == "|" else text if text in OPERATORS else "word"
            yield Token(kind, text, index)
            index = end


def _find_closing_quote(query: str, start: int) -> int:
    for index in range(start + 1, len(query)):
        if query[index] in CLOSING_QUOTES:
            return index
    raise QuerySyntaxError(query, start, "quote is never closed")


class Parser:
    def __init__(self, query: str) -> None:
        self.query = query
        self.tokens = list(tokenize(query))
        self.index = 0
        self.depth = 0  # nesting of NOT and parentheses, bounded so a hostile query cannot exhaust the stack

    def peek(self) -> Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def fail(self, token: Token | None, reason: str) -> QuerySyntaxError:
        return QuerySyntaxError(self.query, token.position if token else len(self.query), reason)

    def parse(self) -> Expr:
        if not self.tokens:
            raise QuerySyntaxError(self.query, 0, "the query is empty")
        expr = self.or_expr()
        token = self.peek()
        if token is not None:
            raise self.fail(token, "unexpected ')'" if token.kind == ")" else f"unexpected {token.text!r}")
        return expr

    def or_expr(self) -> Expr:
        children = [self.and_expr()]
        while (token := self.peek()) is not None and token.kind == "OR":
            self.take()
            children.append(self.and_expr(after=token))
        return children[0] if len(children) == 1 else Node("OR", children)

    def and_expr(self, after: Token | None = None) -> Expr:
        children = [self.unary(after)]
        while (token := self.peek()) is not None and token.kind not in ("OR", ")"):
            if token.kind == "AND":
                self.take()
                children.append(self.unary(after=token))
            else:
                children.append(self.unary())  # implicit AND between adjacent terms
        return children[0] if len(children) == 1 else Node("AND", children)

    def unary(self, after: Token | None = None) -> Expr:
        token = self.peek()
        self.depth += 1
        if self.depth > MAX_DEPTH and token is not None:
            raise self.fail(token, f"more than {MAX_DEPTH} nested NOTs or parentheses")
        try:
            return self._unary(token, after)
        finally:
            self.depth -= 1

    def _unary(self, token: Token | None, after: Token | None) -> Expr:
        if token is not None and token.kind == "NOT":
            self.take()
            return Node("NOT", [self.unary(after=token)])
        return self.primary(after)

    def primary(self, after: Token | None) -> Expr:
        token = self.peek()
        if token is None or token.kind in ("AND", "OR", ")"):
            if after is not None:
                raise self.fail(after, f"{after.text!r} needs a term after it")
            if token is None:
                raise self.fail(token, "expected a term")
            raise self.fail(token, f"{token.text!r} needs a term before it" if token.kind != ")"
                            else "unexpected ')'")
        self.take()
        if token.kind == "(":
            if (inner := self.peek()) is not None and inner.kind == ")":
                raise self.fail(token, "empty parentheses")
            expr = self.or_expr()
            closing = self.peek()
            if closing is None or closing.kind != ")":
                raise self.fail(token, "'(' is never closed")
            self.take()
            return expr
        return self.leaf(token)

    def leaf(self, token: Token) -> Term:
        text = token.text.strip()
        prefix = token.kind == "word" and text.endswith("*")
        bare = text.rstrip("*") if prefix else text
        if not any(char.isalnum() for char in bare):
            reason = "empty quotes" if not text else f"term {text!r} has no letters or digits"
            raise self.fail(token, reason)
        return Term(text, token.position, bare, prefix)


def parse_syntax(query: str) -> Expr:
    """Parse a boolean query into its tree; raises QuerySyntaxError (a ValueError) naming the position."""
    return Parser(query).parse()
