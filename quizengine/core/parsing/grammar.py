"""The grammar: a hand-written precedence parser that builds SymPy objects as it goes.

Levels, loosest first (each a method below)::

    answer   := sum (relop sum)*                      = < <= > >= (chains go one way)
    sum      := product (("+" | "-") product)*        built as one flat Add
    product  := unary (("*" | "/" | <juxtaposed>) ...)*   implicit product = same level as * and /
    unary    := ("-" | "+") unary | power             so -x^2 is -(x^2)
    power    := postfix ("^" exponent)?               right-associative; exponent may be signed
    postfix  := primary "!"*
    primary  := number | name [call] | ( sum ) | [ items ] | { items } | |sum| | √ postfix

Left to right at the product level: ``1/2x`` is (1/2)*x. A function's argument is either in
brackets, or (with a note) the next power-level factor: ``sin x^2`` is sin(x^2), ``sin x y`` is
sin(x)*y, and a number glued to a name or bracket stays with it: ``sin 2x`` is sin(2x).
Every recursion passes through ``_enter`` so nesting is bounded (no RecursionError).
"""

from __future__ import annotations

from typing import Any

import sympy

from quizengine.core.errors import LimitError, ParseError
from quizengine.core.parsing import builders, structures
from quizengine.core.parsing.names import Callee, NameTable
from quizengine.core.parsing.options import ParseOptions
from quizengine.core.parsing.tokens import Token, column

__all__ = ["Parser"]

_FACTORIAL = builders.FUNCTIONS["factorial"]
_ABS = builders.FUNCTIONS["abs"]
_SQRT = builders.FUNCTIONS["sqrt"]
_OPENERS = {"(": structures.group, "[": structures.brackets, "{": structures.braces,
            "|": structures.absolute, "√": structures.root}


class Parser:
    """Parses one token list under one set of options; ``notes`` collects interpretations."""

    def __init__(self, text: str, tokens: list[Token], options: ParseOptions) -> None:
        self.text = text
        self.tokens = tokens
        self.pos = 0
        self.options = options
        self.names = NameTable(options)
        self.notes = self.names.notes
        self.depth = 0
        self.abs_depth = 0
        self.glued_power_end = -1  # end of an `e^2` directly followed by a factor

    # -- token helpers -------------------------------------------------------------------
    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.pos + ahead, len(self.tokens) - 1)]

    def advance(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def at(self, *ops: str) -> bool:
        token = self.tokens[self.pos]
        return token.kind == "op" and token.text in ops

    def snippet(self, start: int) -> str:
        """The original text from offset ``start`` to the end of the last consumed token."""
        return self.text[start:self.tokens[self.pos - 1].end]

    def enter(self) -> None:
        self.depth += 1
        if self.depth > self.options.max_depth:
            raise LimitError(f"the answer is nested more than {self.options.max_depth} deep",
                             offset=self.peek().start)

    def leave(self) -> None:
        self.depth -= 1

    def starts_factor(self, token: Token) -> bool:
        """Whether ``token`` can begin a factor of an implicit product."""
        if token.kind == "num":
            return True
        if token.kind == "name":
            return token.text not in ("and", "or")
        if token.kind != "op":
            return False
        return token.text in ("(", "[", "√") or (token.text == "|" and self.abs_depth == 0)

    # -- levels --------------------------------------------------------------------------
    def sum(self) -> Any:
        self.enter()
        start = self.peek().start
        terms = [self.product()]
        while self.at("+", "-"):
            op = self.advance()
            term = self.product()
            terms.append(builders.negate(term, op.start) if op.text == "-" else term)
        self.leave()
        if len(terms) == 1:
            return terms[0]
        return builders.build_sum(terms, max_digits=self.options.max_digits, offset=start)

    def product(self) -> Any:
        factors: list[tuple[Any, bool, int]] = []
        spans: list[tuple[int, int, bool]] = []  # start, end, "was one number literal"
        token, divide, implicit, offset = self.peek(), False, False, self.peek().start
        while True:
            begin = self.pos
            if implicit:
                self._before_implicit(token, spans)
            value = self.power() if implicit else self.unary()
            factors.append((value, divide, offset))
            first, last = self.tokens[begin], self.tokens[self.pos - 1]
            spans.append((first.start, last.end, self.pos == begin + 1 and first.kind == "num"))
            if implicit and len(factors) >= 3 and factors[-2][1]:
                self._note_division(spans)
            if implicit and spans[-2][1] == self.glued_power_end:
                self._note_glued_power(spans)
            token = self.peek()
            if self.at("*", "/"):
                self.advance()
                divide, implicit, offset = token.text == "/", False, token.start
            elif self.starts_factor(token):
                divide, implicit, offset = False, True, token.start
            else:
                break
        if len(factors) == 1:
            return factors[0][0]
        return builders.build_product(factors, max_digits=self.options.max_digits)

    def _before_implicit(self, token: Token, spans: list[tuple[int, int, bool]]) -> None:
        """Refuse ``12 3``; note ``x(x+1)`` read as a product."""
        previous = self.peek(-1)
        if spans[-1][2] and token.kind == "num":
            raise ParseError(
                f"two numbers side by side at column {column(token.start)}: "
                f"write {previous.source}*{token.source} or join them",
                offset=token.start)
        if token.text == "[" and previous.kind == "name" and not token.space:
            raise ParseError(f"`{previous.source}[` is not read: write {previous.source}_1 for a "
                             f"subscript (column {column(token.start)})", offset=token.start)
        if token.text == "(" and previous.kind == "name" and not token.space:
            self.notes.append(f"`{previous.source}(…)` read as {previous.source}*(…): "
                              f"`{previous.source}` is not a function here")

    def _note_division(self, spans: list[tuple[int, int, bool]]) -> None:
        """``a/bc`` is (a/b)*c: say so, and how to write a/(bc)."""
        (n0, n1, _), (d0, _, _), (r0, r1, _) = spans[-3:]
        numerator, whole, lower = self.text[n0:n1], self.text[n0:r1], self.text[d0:r1]
        reading = f"({self.text[n0:spans[-2][1]]})*{self.text[r0:r1]}"
        self.notes.append(f"`{whole}` read as {reading}; write {numerator}/({lower}) if you "
                          "meant that")

    def _note_glued_power(self, spans: list[tuple[int, int, bool]]) -> None:
        """``e^2x`` is e^2*x: say so, and how to put 2x in the exponent."""
        (p0, p1, _), (r0, r1, _) = spans[-2:]
        power, rest = self.text[p0:p1], self.text[r0:r1]
        base, _, exponent = power.partition("^") if "^" in power else power.partition("**")
        self.notes.append(f"`{self.text[p0:r1]}` read as ({power})*{rest}; write "
                          f"{base}^({exponent}{rest}) to put {exponent}{rest} in the exponent")

    def unary(self) -> Any:
        if self.at("-", "+"):
            op = self.advance()
            self.enter()
            operand = self.unary()
            self.leave()
            return builders.negate(operand, op.start) if op.text == "-" else operand
        return self.power()

    def power(self) -> Any:
        base_token = self.peek()
        return self.power_tail(self.postfix(), base_token)

    def power_tail(self, base: Any, base_token: Token) -> Any:
        """``^ exponent`` after a base that was already read (if there is one)."""
        if not self.at("^", "**"):
            return base
        op = self.advance()
        self.enter()
        first = self.peek()
        exponent = self.exponent()
        self.leave()
        after = self.peek()
        if base_token.text == "e" and base_token.kind == "name" and first.text != "(" \
                and self.starts_factor(after) and not after.space:
            self.glued_power_end = self.tokens[self.pos - 1].end  # noted by product()
        return builders.build_power(base, exponent, max_digits=self.options.max_digits,
                                    max_nesting=self.options.max_nesting, offset=op.start)

    def exponent(self) -> Any:
        if self.at("-", "+"):
            op = self.advance()
            self.enter()
            operand = self.exponent()
            self.leave()
            return builders.negate(operand, op.start) if op.text == "-" else operand
        return self.power()

    def postfix(self) -> Any:
        return self.postfix_tail(self.primary())

    def postfix_tail(self, value: Any) -> Any:
        while self.at("!"):
            bang = self.advance()
            if self.at("!"):
                raise ParseError(f"`!!` is not supported (column {column(bang.start)})",
                                 offset=bang.start)
            value = self.call(_FACTORIAL, [value], builtin=True, offset=bang.start)
        return value

    def primary(self) -> Any:
        token = self.advance()
        if token.kind == "num":
            return self.number(token)
        if token.kind == "name":
            return self.name(token)
        if token.kind == "op":
            opener = _OPENERS.get(token.text)
            if opener is not None:
                return opener(self, token)
        raise self.unexpected(token)

    # -- leaves --------------------------------------------------------------------------
    def number(self, token: Token) -> Any:
        text = token.text
        if len(text) > self.options.max_number_length:
            raise LimitError(f"a number longer than {self.options.max_number_length} characters",
                             offset=token.start)
        mantissa, exponent = text, ""
        for mark in "eE":
            if mark in text:
                mantissa, _, exponent = text.partition(mark)
        whole, _, fraction = mantissa.partition(".")
        value: Any = sympy.Rational(int(whole or "0") * 10 ** len(fraction) + int(fraction or "0"),
                                    10 ** len(fraction))
        if exponent:
            power = int(exponent)
            if abs(power) > self.options.max_digits:
                raise LimitError(f"a number with more than {self.options.max_digits} digits",
                                 offset=token.start)
            value = value * sympy.Rational(10) ** power
            if "e" in text and "." not in mantissa:
                self.notes.append(f"`{text}` read as {mantissa}×10^{power} (scientific "
                                  f"notation); write {mantissa}*e{exponent[0]}... for Euler's e")
        return value

    def name(self, token: Token) -> Any:
        text = token.text
        if self.at("[") and not self.peek().space and self.peek(1).kind in ("num", "name") \
                and self.peek(2).text == "]" and text not in builders.FUNCTIONS:
            index = self.peek(1)
            self.pos += 3
            self.notes.append(f"`{self.snippet(token.start)}` read as {text}_{index.text}")
            text = f"{text}_{index.text}"
        call = self.at("(")
        pieces = self.names.resolve(text, call=call, offset=token.start)
        values: list[Any] = list(pieces)
        if isinstance(values[-1], Callee):
            values[-1] = structures.apply(self, values[-1], token)
        if len(values) == 1:
            return values[0]
        # `xy^2` is x*(y^2): a power or factorial binds to the last piece only.
        values[-1] = self.power_tail(self.postfix_tail(values[-1]), token)
        return builders.build_product([(v, False, token.start) for v in values],
                                      max_digits=self.options.max_digits)

    def unexpected(self, token: Token) -> ParseError:
        if token.kind == "end":
            if self.pos <= 1:
                return ParseError("empty answer", offset=0)
            before = self.tokens[self.pos - 2]
            return ParseError(f"the answer ends too early after `{before.source}` "
                              f"(column {column(before.start)})", offset=token.start)
        if token.text in (")", "]", "}"):
            return ParseError(f"`{token.source}` at column {column(token.start)} has no "
                              "matching opening bracket", offset=token.start)
        return ParseError(f"unexpected `{token.source}` at column {column(token.start)}",
                          offset=token.start)

    def call(self, spec: Any, args: list[Any], *, builtin: bool, offset: int) -> Any:
        return builders.build_call(spec, args, builtin=builtin, offset=offset, limits=(
            self.options.max_digits, self.options.max_factorial, self.options.max_nesting))
