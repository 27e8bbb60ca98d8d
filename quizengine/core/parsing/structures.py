"""The bracketed and top-level parts of the grammar: groups, vectors and matrices, sets,
``|x|``, ``√``, function application, and the answer itself (relations and their chains).

A mixin of :class:`quizengine.core.parsing.grammar.Parser`, kept apart so each module stays small.
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

__all__ = ["StructureMixin", "shape_of"]

_RELATIONS = {"=": sympy.Eq, "<": sympy.Lt, "<=": sympy.Le, ">": sympy.Gt, ">=": sympy.Ge}
_JOINS = ("and", "or")
_UP, _DOWN = frozenset({"<", "<="}), frozenset({">", ">="})


def shape_of(value: Any) -> str:
    """The ``Parsed.shape`` of a built value."""
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


class StructureMixin:
    """Methods of ``Parser`` for brackets, calls and the whole answer."""

    # -- the answer ----------------------------------------------------------------------
    def answer(self: Parser) -> Any:
        """relations joined by `and`/`or` (top level only), then the end of the text."""
        parts, joins = [self.relations()], []
        while self.peek().kind == "name" and self.peek().text in _JOINS:
            joins.append(self.advance())
            parts.append(self.relations())
        token = self.peek()
        if token.text == "," and token.kind == "op":
            raise self.top_comma(token)
        if token.kind != "end":
            raise self.unexpected(self.advance())
        return self.joined(parts, joins) if joins else parts[0]

    def relations(self: Parser) -> Any:
        """sum (relop sum)*"""
        sides, ops = [self.sum()], []
        while self.peek().kind == "op" and self.peek().text in _RELATIONS:
            ops.append(self.advance())
            sides.append(self.sum())
        return self.relation(sides, ops) if ops else sides[0]

    def joined(self: Parser, parts: list[Any], joins: list[Token]) -> Any:
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

    def top_comma(self: Parser, comma: Token) -> ParseError:
        before, after = self.peek(-1), self.peek(1)
        if before.kind == "num" and after.kind == "num" and not comma.space and not after.space:
            return ParseError(
                f"use a decimal point: write {before.source}.{after.source}, not "
                f"{before.source},{after.source} (column {column(comma.start)})",
                offset=comma.start)
        return ParseError(
            f"a list needs brackets: [a, b] for a vector, {{a, b}} for a set "
            f"(comma at column {column(comma.start)})", offset=comma.start)

    def relation(self: Parser, sides: list[Any], ops: list[Token]) -> Any:
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
        return built[0] if len(built) == 1 else sympy.And(*built, evaluate=False)

    # -- brackets ------------------------------------------------------------------------
    def expect_close(self: Parser, opener: Token, closer: str) -> None:
        token = self.peek()
        if token.kind == "op" and token.text == closer:
            self.advance()
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
        raise self.unexpected(token)

    def items(self: Parser, opener: Token, closer: str) -> list[Any]:
        """Comma-separated sums up to ``closer`` (at least one)."""
        self.enter()
        found = [self.sum()]
        while self.at(","):
            self.advance()
            found.append(self.sum())
        self.expect_close(opener, closer)
        self.leave()
        return found

    def group(self: Parser, opener: Token) -> Any:
        if self.at(")"):
            raise ParseError(f"empty brackets `()` at column {column(opener.start)}",
                             offset=opener.start)
        found = self.items(opener, ")")
        if len(found) == 1:
            return found[0]
        if not all(isinstance(f, sympy.Expr) and not isinstance(f, MatrixBase) for f in found):
            raise ParseError(f"a point `(a, b)` holds numbers or expressions (column "
                             f"{column(opener.start)})", offset=opener.start)
        self.notes.append(f"`{self.snippet(opener.start)}` read as the vector "
                          f"[{self.snippet(opener.start)[1:-1]}]")
        return sympy.ImmutableMatrix([found])

    def brackets(self: Parser, opener: Token) -> Any:
        if self.at("]"):
            raise ParseError(f"empty brackets `[]` at column {column(opener.start)}",
                             offset=opener.start)
        entries = self.items(opener, "]")
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

    def braces(self: Parser, opener: Token) -> Any:
        if self.at("}"):
            self.advance()
            return sympy.EmptySet
        entries = self.items(opener, "}")
        for entry in entries:
            if not isinstance(entry, sympy.Expr | MatrixBase | sympy.Set):
                raise ParseError("a set holds numbers, expressions or vectors",
                                 offset=opener.start)
        return sympy.FiniteSet(*entries)

    def absolute(self: Parser, bar: Token) -> Any:
        self.abs_depth += 1
        self.enter()
        inside = self.sum()
        self.leave()
        self.abs_depth -= 1
        self.expect_close(bar, "|")
        return self.call(builders.FUNCTIONS["abs"], [inside], builtin=True, offset=bar.start)

    def root(self: Parser, sign: Token) -> Any:
        bracketed = self.at("(")
        argument = self.postfix()
        after = self.peek()
        if not bracketed and (self.at("^", "**") or self.starts_factor(after)):
            self.notes.append(f"`{self.snippet(sign.start)}` takes only "
                              f"{self.snippet(sign.start + 1)} under the root: write √(…) "
                              "for more")
        return self.call(builders.FUNCTIONS["sqrt"], [argument], builtin=True,
                         offset=sign.start)

    # -- functions -----------------------------------------------------------------------
    def apply(self: Parser, callee: Callee, name: Token) -> Any:
        """A function name was read: its power (``sin^2``), then its argument(s)."""
        power = self.function_power(name) if self.at("^", "**") else None
        if self.at("("):
            args = self.items(self.advance(), ")") if not self.peek(1).text == ")" else None
            if args is None:
                raise ParseError(f"`{name.source}()` needs an argument (column "
                                 f"{column(name.start)})", offset=name.start)
        elif self.starts_factor(self.peek()) and not self.at("[", "|"):
            args = [self.bare_argument()]
        else:
            raise ParseError(f"`{name.source}` needs an argument in brackets, like "
                             f"{name.source}(x) (column {column(name.start)})", offset=name.start)
        value = self.call(callee.spec, args, builtin=callee.builtin, offset=name.start)
        explicit = self.tokens[self.pos - 1].text == ")" and power is None
        if power is not None:
            value = builders.build_power(value, power, max_digits=self.options.max_digits,
                                         offset=name.start)
        if not explicit:
            from quizengine.core.parsing.render import to_text

            self.notes.append(f"`{self.snippet(name.start)}` read as {to_text(value)}")
        return value

    def function_power(self: Parser, name: Token) -> Any:
        """``sin^2(x)`` is sin(x)^2; ``sin^-1(x)`` is refused as ambiguous."""
        self.advance()
        self.enter()
        power = self.exponent()
        self.leave()
        if power == -1:
            raise ParseError(
                f"`{name.source}^-1` is ambiguous: write a{name.source}(x) for the inverse "
                f"function or 1/{name.source}(x) for the reciprocal", offset=name.start)
        if not (isinstance(power, sympy.Integer) and power > 0):
            raise ParseError(f"write the power after the argument, like {name.source}(x)^2 "
                             f"(column {column(name.start)})", offset=name.start)
        return power

    def bare_argument(self: Parser) -> Any:
        """``sin x``: the next power-level factor; a number keeps a glued name (``sin 2x``)."""
        begin = self.pos
        argument = self.power()
        glued = self.peek()
        if self.pos == begin + 1 and self.tokens[begin].kind == "num" and not glued.space \
                and (glued.kind == "name" or glued.text == "("):
            argument = builders.build_product(
                [(argument, False, self.tokens[begin].start), (self.power(), False, glued.start)],
                max_digits=self.options.max_digits)
        return argument
