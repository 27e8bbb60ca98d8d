"""What a name in the text means: a declared variable, a constant, a function, a product of
declared names (``xy`` -> x*y), or nothing, in which case the error suggests a near miss.

Order of precedence: question constants, author functions, declared variables, the built-in
functions, built-in constants (``pi``, ``e``, ``oo``; ``i`` only with ``allow_complex``).
A declared variable therefore shadows ``e`` or ``sigma``.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Any

import sympy

from quizengine.core.errors import ForbiddenError, ParseError, UnknownNameError
from quizengine.core.parsing.builders import CONSTANTS, FUNCTIONS, UNAVAILABLE
from quizengine.core.parsing.options import FunctionSpec, ParseOptions
from quizengine.core.parsing.tokens import column
from quizengine.core.parsing.unevaluated import log_unevaluated

__all__ = ["Callee", "GREEK", "NameTable", "Piece"]

GREEK = frozenset({
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
    "lambda", "mu", "nu", "xi", "omicron", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi",
    "psi", "omega",
})
RESERVED = frozenset({"and", "or", "not", "xor", "implies", "if", "else", "for", "while",
                      "import", "from", "def", "class", "return", "is", "None", "True",
                      "False", "true", "false"})
_SIGMOID = FUNCTIONS["sigmoid"]
_BY_LENGTH = sorted(FUNCTIONS, key=len, reverse=True)


@dataclass(frozen=True)
class Callee:
    """A function name waiting for its argument(s)."""

    spec: FunctionSpec
    builtin: bool
    typed: str  # as the student wrote it (arcsin, ln, σ)


Piece = Any  # a SymPy value or a Callee


class NameTable:
    """Resolves names for one parse under one ``ParseOptions``."""

    def __init__(self, options: ParseOptions) -> None:
        self.options = options
        self.declared = options.variables
        self.notes: list[str] = []

    def resolve(self, name: str, *, call: bool, offset: int) -> list[Piece]:
        """The pieces ``name`` stands for (usually one); notes go to ``self.notes``."""
        known = self._known(name, call=call, offset=offset)
        if known is not None:
            return [known]
        hint = _function_hint(name, self.declared)
        if hint is not None:  # Sin, In, sinx: the student meant a function; never a symbol
            raise UnknownNameError(
                f"unknown name `{name}` at column {column(offset)}: did you mean `{hint}`?",
                offset=offset)
        if self.declared is None:
            return self._free(name, call=call, offset=offset)
        pieces = self._split(name, call=call)
        if pieces is None or len(pieces) < 2 or not any(
                isinstance(p, str) and p in (self.declared or ()) for p in pieces):
            raise self._unknown(name, offset, what="function" if call and len(name) > 1
                                else "name")
        shown = "*".join(p.typed if isinstance(p, Callee) else str(p) for p in pieces)
        self.notes.append(f"`{name}` read as {shown}")
        return [self._known(p, call=False, offset=offset) if isinstance(p, str) else p
                for p in pieces]

    def _known(self, name: str, *, call: bool, offset: int) -> Piece | None:
        options = self.options
        if name in RESERVED:
            raise ParseError(f"`{name}` is not part of a formula (column {column(offset)})",
                             offset=offset)
        if name.startswith("_") or "__" in name:
            raise ForbiddenError(f"names starting with `_` are not allowed: `{name}`",
                                 offset=offset)
        if name in options.constants:
            return _as_sympy(options.constants[name])
        if name in options.extra_functions:
            self._check_allowed(name, name, offset)
            return Callee(options.extra_functions[name], builtin=False, typed=name)
        if self.declared is not None and name in self.declared:
            return sympy.Symbol(name)
        if name in FUNCTIONS:
            self._check_allowed(name, FUNCTIONS[name].name, offset)
            return Callee(FUNCTIONS[name], builtin=True, typed=name)
        if name.startswith("log_") and len(name) > 4 and call:
            return self._log_base(name, offset)
        if name == "sigma" and call:
            self._check_allowed(name, "sigmoid", offset)
            self.notes.append("σ(…) read as the logistic sigmoid 1/(1 + e^(-x))")
            return Callee(_SIGMOID, builtin=True, typed="σ")
        if name in CONSTANTS:
            return CONSTANTS[name]
        if name == "i" and options.allow_complex:
            return sympy.I
        if name in UNAVAILABLE or name in options.forbidden_functions:
            self._check_allowed(name, name, offset)
            raise UnknownNameError(
                f"`{name}` is not available in answers: give the result itself", offset=offset)
        return None

    def _log_base(self, name: str, offset: int) -> Callee:
        """``log_2(x)``, ``log_b(x)``: a logarithm with its base as a subscript."""
        self._check_allowed(name, "log", offset)
        text = name[4:]
        if text.isdigit():
            base: Any = sympy.Integer(int(text[:6]))
        else:
            pieces = self.resolve(text, call=False, offset=offset + 4)
            if len(pieces) != 1 or isinstance(pieces[0], Callee):
                raise UnknownNameError(f"cannot read the base of `{name}`", offset=offset)
            base = pieces[0]
        if base in (0, 1):
            raise ParseError(f"a logarithm needs a base other than {base}", offset=offset)
        self.notes.append(f"`{name}(…)` read as the logarithm to base {text}")
        spec = FunctionSpec("log", 1, lambda x: sympy.log(x, base),
                            unevaluated=lambda x: log_unevaluated(x, base))
        return Callee(spec, builtin=True, typed=name)

    def _check_allowed(self, typed: str, canonical: str, offset: int) -> None:
        forbidden = self.options.forbidden_functions
        if typed in forbidden or canonical in forbidden:
            raise ForbiddenError(f"`{typed}` may not be used in this question", offset=offset)

    def _free(self, name: str, *, call: bool, offset: int) -> list[Piece]:
        """No declared variables: a name is one symbol (``xsin(x)`` still splits off ``sin``)."""
        if call and len(name) > 1 and name not in GREEK and name.lower() not in GREEK:
            split = _trailing_function(name)
            if split is None:
                raise self._unknown(name, offset, what="function")
            prefix, function = split
            self.notes.append(f"`{name}(` read as {prefix}*{function}(")
            head = self.resolve(prefix, call=False, offset=offset)
            tail = self._known(function, call=True, offset=offset + len(prefix))
            return [*head, tail]
        if len(name) > 1 and name.isalpha() and name not in GREEK \
                and name.lower() not in GREEK:
            self.notes.append(
                f"`{name}` read as one name; write {'*'.join(name)} for a product")
        return [sympy.Symbol(name)]

    def _split(self, name: str, *, call: bool) -> list[Any] | None:
        """Fewest pieces from declared names and constants (a function may end the name)."""
        words = set(self.declared or ()) | set(self.options.constants) | {"pi", "e"}
        if self.options.allow_complex:
            words.add("i")
        cuts = _fewest_pieces(name, frozenset(words))
        if call:
            split = _trailing_function(name)
            if split is not None and split[0]:
                head = _fewest_pieces(split[0], frozenset(words))
                if head is not None:
                    return [*head, Callee(FUNCTIONS[split[1]], True, split[1])]
        return cuts

    def _unknown(self, name: str, offset: int, what: str = "name") -> UnknownNameError:
        candidates = set(FUNCTIONS) | {"pi", "e"} | set(self.declared or ())
        matches = difflib.get_close_matches(name, sorted(candidates), n=1, cutoff=0.66)
        message = f"unknown {what} `{name}` at column {column(offset)}"
        if matches:
            message += f": did you mean `{matches[0]}`?"
        if self.declared:
            message += f" (this question uses {', '.join(sorted(self.declared))})"
        return UnknownNameError(message, offset=offset)


def _as_sympy(value: Any) -> Any:
    """Template parameters may arrive as Python numbers: make them exact SymPy numbers."""
    if isinstance(value, bool):
        raise TypeError("a constant cannot be a bool")
    if isinstance(value, int):
        return sympy.Integer(value)
    if isinstance(value, Fraction):
        return sympy.Rational(value.numerator, value.denominator)
    if isinstance(value, float):
        return sympy.Rational(*value.as_integer_ratio()).limit_denominator(10**12)
    return value


def _fewest_pieces(name: str, words: frozenset[str]) -> list[Any] | None:
    """Split ``name`` into the fewest ``words`` (dynamic programming with back-pointers)."""
    count: list[int | None] = [0] + [None] * len(name)
    back = [0] * (len(name) + 1)
    longest = max(map(len, words), default=0)
    for end in range(1, len(name) + 1):
        for start in range(max(0, end - longest), end):
            before = count[start]
            if before is not None and name[start:end] in words:
                current = count[end]
                if current is None or before + 1 < current:
                    count[end], back[end] = before + 1, start
    if count[len(name)] is None:
        return None
    pieces, end = [], len(name)
    while end > 0:
        pieces.append(name[back[end]:end])
        end = back[end]
    return pieces[::-1]


@lru_cache(maxsize=4096)
def _trailing_function(name: str) -> tuple[str, str] | None:
    """``xsin`` -> ("x", "sin"): a name ending in a function name after a letter prefix."""
    for function in _BY_LENGTH:
        if len(name) > len(function) and name.endswith(function):
            prefix = name[: -len(function)]
            if prefix.isalpha():
                return prefix, function
    return None


@lru_cache(maxsize=4096)
def _function_hint(name: str, declared: frozenset[str] | None) -> str | None:
    """The function a mistyped name most likely meant, or None."""
    if declared is not None and name.lower() in {d.lower() for d in declared}:
        return next(d for d in sorted(declared) if d.lower() == name.lower())
    if len(name) < 2:
        return None
    for guess in (name.lower(), name.replace("I", "l").lower()):
        if guess in FUNCTIONS and guess != name:
            return guess
    for function in _BY_LENGTH:
        rest = name[len(function):]
        if name.startswith(function) and rest.isalpha() and rest not in FUNCTIONS and (
                (declared is not None and all(c in declared for c in rest))
                or (declared is None and len(rest) <= 2)):
            return f"{function}({rest})"
    return None
