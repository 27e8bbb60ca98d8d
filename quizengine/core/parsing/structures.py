"""The bracketed and top-level parts of the grammar: groups, vectors and matrices, lists, sets,
``|x|``, ``√``, function application, and the answer itself (relations and their chains).

An entry of ``[...]`` or ``{...}`` may be a relation (``{x > 4, 1}``, ``[1, x = 2 or x = 3]``).
A bracket list of numbers and expressions is a vector (or a matrix); one holding a relation, a set
or another such list is a *list*, a ``sympy.Tuple`` with shape "list", and so is ``[]``.

Functions taking the :class:`quizengine.core.parsing.grammar.Parser` as first argument, kept apart
so each module stays small.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sympy
from sympy.matrices import MatrixBase

from quizengine.core.errors import ParseError
from quizengine.core.parsing import builders
from quizengine.core.parsing.tokens import Token, column

if TYPE_CHECKING:
    from quizengine.core.parsing.grammar import Parser
    from quizengine.core.parsing.names import Callee

__all__ = ["answer", "apply", "shape_of"]

_RELATIONS = {"=": sympy.Eq, "<": sympy.Lt, "<=": sympy.Le, ">": sympy.Gt, ">=": sympy.Ge}
_JOINS = ("and", "or")
_UP, _DOWN = frozenset({"<", "<="}), frozenset({">", ">="})


def shape_of(value: Any) -> str:
    """The ``Parsed.shape`` of a built value."""
    if isinstance(value, sympy.Tuple):
        return "list"
    if isinstance(value, MatrixBase):
        return "vector" if value.rows == 1 else "matrix"
    if isinstance(value, sympy.Set):
        return "set"
    if isinstance(value, sympy.Equality):
        return "equation"
    if isinstance(value, sympy.Or) and all(isinstance(a, sympy.Equality) for a in value.args):
        return "equation"
    if isinstance(value, sympy.core.relational.Relational | sympy.And | sympy.Or):
        return "inequality"
    return "expression"


# -- the answer ----------------------------------------------------------------------
def answer(parser: Parser) -> Any:
    """a statement, then the end of the text."""
    value = statement(parser)
    token = parser.peek()
    if token.text == "," and token.kind == "op":
        raise top_comma(parser, token)
    if token.kind != "end":
        raise parser.unexpected(parser.advance())
    return value


def statement(parser: Parser) -> Any:
    """relations joined by `and`/`or` (the whole answer, or one entry of a list or set)."""
    parts, joins = [relations(parser)], []
    while parser.peek().kind == "name" and parser.peek().text in _JOINS:
        joins.append(parser.advance())
        parts.append(relations(parser))
    return joined(parser, parts, joins) if joins else parts[0]


def relations(parser: Parser) -> Any:
    """sum (relop sum)*"""
    sides, ops = [parser.sum()], []
    while parser.peek().kind == "op" and parser.peek().text in _RELATIONS:
        ops.append(parser.advance())
        sides.append(parser.sum())
    return relation(parser, sides, ops) if ops else sides[0]


def joined(parser: Parser, parts: list[Any], joins: list[Token]) -> Any:
    """``x = 1 or x = 2``; `and` binds tighter than `or`."""
    for part, join in zip(parts, [joins[0], *joins], strict=True):
        if not isinstance(part, sympy.core.relational.Relational | sympy.And):
            raise ParseError(f"`{join.text}` joins equations or inequalities, like "
                             f"x = 1 or x = 2 (column {column(join.start)})",
                             offset=join.start)
    groups, current = [], [parts[0]]
    for join, part in zip(joins, parts[1:], strict=True):
        if join.text == "and":
            current.append(part)
        else:
            groups.append(current)
            current = [part]
    groups.append(current)
    ands = [g[0] if len(g) == 1 else sympy.And(*g, evaluate=False) for g in groups]
    return ands[0] if len(ands) == 1 else sympy.Or(*ands, evaluate=False)


def top_comma(parser: Parser, comma: Token) -> ParseError:
    before, after = parser.peek(-1), parser.peek(1)
    if before.kind == "num" and after.kind == "num" and not comma.space and not after.space:
        return ParseError(
            f"use a decimal point: write {before.source}.{after.source}, not "
            f"{before.source},{after.source} (column {column(comma.start)})",
            offset=comma.start)
    return ParseError(
        f"a list needs brackets: [a, b] for a vector, {{a, b}} for a set "
        f"(comma at column {column(comma.start)})", offset=comma.start)


def relation(parser: Parser, sides: list[Any], ops: list[Token]) -> Any:
    for side, op in zip(sides, [ops[0], *ops], strict=True):
        if not isinstance(side, sympy.Expr) or isinstance(side, MatrixBase):
            raise ParseError(f"`{op.source}` needs a number or expression on each side "
                             f"(column {column(op.start)})", offset=op.start)
    kinds = {op.text for op in ops}
    if "=" in kinds and len(ops) > 1:
        raise ParseError(f"one `=` or one chain of inequalities per answer (column "
                         f"{column(ops[1].start)})", offset=ops[1].start)
    if kinds & _UP and kinds & _DOWN:
        raise ParseError("an inequality chain goes one way, like 1 < x <= 3", offset=ops[0].start)
    built = []
    for left, op, right in zip(sides, ops, sides[1:], strict=False):
        try:
            built.append(_RELATIONS[op.text](left, right, evaluate=False))
        except builders.SYMPY_ERRORS as error:
            raise ParseError(f"cannot compare these with `{op.source}`",
                             offset=op.start) from error
    if len(built) == 1:
        return built[0]
    try:  # And() sorts its arguments, which compares them: an undefined side cannot be compared
        return sympy.And(*built, evaluate=False)
    except builders.SYMPY_ERRORS as error:
        raise ParseError(f"cannot compare these with `{ops[0].source}`: a side is undefined",
                         offset=ops[0].start) from error


# -- brackets ------------------------------------------------------------------------
def expect_close(parser: Parser, opener: Token, closer: str) -> None:
    token = parser.peek()
    if token.kind == "op" and token.text == closer:
        parser.advance()
        return
    where = f"the `{opener.source}` at column {column(opener.start)}"
    if token.kind == "end":
        raise ParseError(f"missing `{closer}` to close {where}", offset=opener.start)
    if token.kind == "op" and token.text in (")", "]", "}", "|"):
        raise ParseError(f"`{token.source}` at column {column(token.start)} does not match "
                         f"{where}", offset=token.start)
    if token.kind == "op" and token.text == ",":
        raise ParseError(f"unexpected `,` at column {column(token.start)} inside {where}",
                         offset=token.start)
    raise parser.unexpected(token)


def items(parser: Parser, opener: Token, closer: str, *, statements: bool = False) -> list[Any]:
    """Comma-separated sums (or ``statements``: relations allowed) up to ``closer``."""
    parser.enter()
    found = [statement(parser) if statements else parser.sum()]
    while parser.at(","):
        parser.advance()
        found.append(statement(parser) if statements else parser.sum())
    expect_close(parser, opener, closer)
    parser.leave()
    return found


def group(parser: Parser, opener: Token) -> Any:
    if parser.at(")"):
        raise ParseError(f"empty brackets `()` at column {column(opener.start)}",
                         offset=opener.start)
    found = items(parser, opener, ")")
    if len(found) == 1:
        return found[0]
    if not all(isinstance(f, sympy.Expr) and not isinstance(f, MatrixBase) for f in found):
        raise ParseError(f"a point `(a, b)` holds numbers or expressions (column "
                         f"{column(opener.start)})", offset=opener.start)
    parser.notes.append(f"`{parser.snippet(opener.start)}` read as the vector "
                      f"[{parser.snippet(opener.start)[1:-1]}]")
    return sympy.ImmutableMatrix([found])


def brackets(parser: Parser, opener: Token) -> Any:
    if parser.at("]"):
        parser.advance()
        return sympy.Tuple()  # the empty list
    entries = items(parser, opener, "]", statements=True)
    if not all(isinstance(e, sympy.Expr | MatrixBase) for e in entries):
        return sympy.Tuple(*entries)  # holds a relation, a set or a list: a list
    rows = [e for e in entries if isinstance(e, MatrixBase)]
    if not rows:
        for entry in entries:
            if not isinstance(entry, sympy.Expr):
                raise ParseError("a vector holds numbers or expressions", offset=opener.start)
        return sympy.ImmutableMatrix([entries])
    if len(rows) != len(entries) or any(row.rows != 1 for row in rows):
        raise ParseError("a matrix is written [[a, b], [c, d]]: every entry a row in "
                         f"brackets (column {column(opener.start)})", offset=opener.start)
    lengths = [row.cols for row in rows]
    if len(set(lengths)) > 1:
        raise ParseError(f"every row of a matrix needs the same number of entries (rows "
                         f"have {', '.join(map(str, lengths))})", offset=opener.start)
    return sympy.ImmutableMatrix([list(row) for row in rows])


def braces(parser: Parser, opener: Token) -> Any:
    if parser.at("}"):
        parser.advance()
        return sympy.EmptySet
    entries = items(parser, opener, "}", statements=True)
    for entry in entries:
        if not isinstance(entry, sympy.Expr | MatrixBase | sympy.Set | sympy.Tuple
                          | sympy.core.relational.Relational | sympy.And | sympy.Or):
            raise ParseError("a set holds numbers, expressions, relations, vectors or lists",
                             offset=opener.start)
    return sympy.FiniteSet(*entries)


def absolute(parser: Parser, bar: Token) -> Any:
    parser.abs_depth += 1
    parser.enter()
    inside = parser.sum()
    parser.leave()
    parser.abs_depth -= 1
    expect_close(parser, bar, "|")
    return parser.call(builders.FUNCTIONS["abs"], [inside], builtin=True, offset=bar.start)


def root(parser: Parser, sign: Token) -> Any:
    bracketed = parser.at("(")
    argument = parser.postfix()
    after = parser.peek()
    if not bracketed and (parser.at("^", "**") or parser.starts_factor(after)):
        parser.notes.append(f"`{parser.snippet(sign.start)}` takes only "
                            f"{parser.snippet(sign.start + 1)} under the root: write √(…) "
                            "for more")
    return parser.call(builders.FUNCTIONS["sqrt"], [argument], builtin=True, offset=sign.start)


# -- functions -----------------------------------------------------------------------
def apply(parser: Parser, callee: Callee, name: Token) -> Any:
    """A function name was read: its power (``sin^2``), then its argument(s)."""
    power = function_power(parser, name) if parser.at("^", "**") else None
    bracketed = parser.at("(")
    if bracketed:
        args = items(parser, parser.advance(), ")") if parser.peek(1).text != ")" else None
        if args is None:
            raise ParseError(f"`{name.source}()` needs an argument (column "
                             f"{column(name.start)})", offset=name.start)
    elif parser.starts_factor(parser.peek()) and not parser.at("[", "|"):
        args = [bare_argument(parser)]
    else:
        raise ParseError(f"`{name.source}` needs an argument in brackets, like "
                         f"{name.source}(x) (column {column(name.start)})", offset=name.start)
    value = parser.call(callee.spec, args, builtin=callee.builtin, offset=name.start)
    if power is not None:
        value = builders.build_power(value, power, max_digits=parser.options.max_digits,
                                     max_nesting=parser.options.max_nesting, offset=name.start)
    if power is not None or not bracketed:
        from quizengine.core.parsing.render import to_text

        parser.notes.append(f"`{parser.snippet(name.start)}` read as {to_text(value)}")
    return value


def function_power(parser: Parser, name: Token) -> Any:
    """``sin^2(x)`` is sin(x)^2; ``sin^-1(x)`` is refused as ambiguous."""
    parser.advance()
    parser.enter()
    power = parser.exponent()
    parser.leave()
    if power == -1:
        inverse = (f"a{name.source}(x) for the inverse function or "
                   if f"a{name.source}" in builders.FUNCTIONS else "")
        raise ParseError(f"`{name.source}^-1` is ambiguous: write {inverse}1/{name.source}(x) "
                         "for the reciprocal", offset=name.start)
    if not (isinstance(power, sympy.Integer) and power > 0):
        raise ParseError(f"write the power after the argument, like {name.source}(x)^2 "
                         f"(column {column(name.start)})", offset=name.start)
    return power


def bare_argument(parser: Parser) -> Any:
    """``sin x``: the next power-level factor; a number keeps a glued name (``sin 2x``)."""
    begin = parser.pos
    argument = parser.power()
    glued = parser.peek()
    if parser.pos == begin + 1 and parser.tokens[begin].kind == "num" and not glued.space \
            and (glued.kind == "name" or glued.text == "("):
        argument = builders.build_product(
            [(argument, False, parser.tokens[begin].start), (parser.power(), False, glued.start)],
            max_digits=parser.options.max_digits)
    return argument
