"""Student and author text -> SymPy, without eval.

``parse(text, options)`` tokenizes (``tokens``), parses with a hand-written precedence grammar
(``grammar``, ``structures``) that builds SymPy objects only through a whitelist (``builders``,
``names``), under size limits checked before SymPy computes anything (``limits``), and returns a
``Parsed`` whose ``latex``/``text`` (``render``) show how the answer was read. Errors are the
``InputError`` subclasses of ``quizengine.core.errors``, each with an ``offset``.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import sympy

from quizengine.core.errors import LimitError, ParseError
from quizengine.core.lru import LRU
from quizengine.core.parsing.grammar import Parser
from quizengine.core.parsing.magnitude import is_nonreal_composite
from quizengine.core.parsing.options import FunctionSpec, Parsed, ParseOptions
from quizengine.core.parsing.render import clear_memos
from quizengine.core.parsing.structures import answer, shape_of
from quizengine.core.parsing.tokens import tokenize

__all__ = ["FunctionSpec", "ParseOptions", "Parsed", "clear_readings", "parse"]

_DEFAULT = ParseOptions()
_UNDEFINED = (sympy.zoo, sympy.nan)
_NOTE_LENGTH = 200


def parse(text: str, options: ParseOptions | None = None) -> Parsed:
    """Read one answer; raise an ``InputError`` subclass (with ``offset``) when it can't be read.

    Implicit products have the precedence of ``*`` and ``/``, left to right; decimals are exact;
    ``log`` is the natural log; every interpretation beyond the literal text is in ``notes``.

    >>> parse("2x cos(x^2)").text
    '2*x*cos(x^2)'
    >>> parse("1/2x").value
    x/2
    >>> parse("1/2x").notes
    ('`1/2x` read as (1/2)*x; write 1/(2x) if you meant that',)
    >>> parse("0.1 + e^x").value
    exp(x) + 1/10
    >>> parse("sin^2(x)").notes
    ('`sin^2(x)` read as sin(x)^2',)
    >>> parse("[[1, 2], [3, 4]]").shape
    'matrix'
    >>> parse("x^2 + y^2 = 1").shape
    'equation'
    >>> parse("xy", ParseOptions(variables=frozenset({"x", "y"}))).value
    x*y
    >>> parse("In(x)", ParseOptions(variables=frozenset({"x"})))
    Traceback (most recent call last):
    ...
    quizengine.core.errors.UnknownNameError: unknown name `In` at column 1: did you mean `ln`?
    >>> try:
    ...     parse("2*(x+1")
    ... except ParseError as error:
    ...     print(error.offset, error)
    2 missing `)` to close the `(` at column 3
    """
    opts = _DEFAULT if options is None else options
    key = _cache_key(text, opts)
    cached = _readings.get(key) if key is not None else None
    if cached is not None:
        return cached
    parsed = _parse(text, opts)
    if key is not None:
        _readings.put(key, parsed)
    return parsed


# Readings are immutable and render their LaTeX and text once, so the same answer read again in
# this process (its preview, then its submission and check) costs a lookup. Bounded.
READINGS_CACHED = 4096
_readings: LRU[Parsed] = LRU(READINGS_CACHED)


def clear_readings() -> None:
    """Forget cached readings and printed subexpressions (benchmarks that measure real parsing)."""
    _readings.clear()
    clear_memos()


def _cache_key(text: Any, opts: ParseOptions) -> tuple[Any, ...] | None:
    """The cache key of a student answer; None (not cached) for the author language, whose
    options carry functions and values, and for what is not short text."""
    if opts.extra_functions or opts.constants or not isinstance(text, str) or len(text) > 2000:
        return None
    return (text, *(getattr(opts, name) for name in _KEYED_OPTIONS))


_KEYED_OPTIONS = tuple(f.name for f in dataclasses.fields(ParseOptions)
                       if f.name not in ("extra_functions", "constants"))


def _parse(text: str, opts: ParseOptions) -> Parsed:
    if not isinstance(text, str):
        raise ParseError("the answer must be text", offset=None)
    if len(text) > opts.max_length:
        raise LimitError(f"the answer is longer than {opts.max_length} characters",
                         offset=opts.max_length)
    if not text.strip():
        raise ParseError("empty answer", offset=0)
    e_is_name = "e" in opts.constants or (opts.variables is not None and "e" in opts.variables)
    tokens = tokenize(text, max_depth=opts.max_depth, max_nodes=opts.max_nodes,
                      e_is_name=e_is_name)
    parser = Parser(text, tokens, opts)
    try:
        value = answer(parser)
    except RecursionError as error:  # belt and braces: depth limits should make this unreachable
        raise LimitError("the answer is nested too deeply", offset=None) from error
    if isinstance(value, sympy.Basic) and value.has(*_UNDEFINED):
        raise ParseError("the answer is undefined here (a division by zero?)", offset=None,
                         code="undefined")
    if not opts.allow_complex and isinstance(value, sympy.Basic) and (
            value.has(sympy.I) or is_nonreal_composite(value)):
        raise ParseError("the answer is not a real number (a root of a negative number?); "
                         "complex numbers are not expected here", offset=None, code="complex")
    notes = (note if len(note) <= _NOTE_LENGTH else note[:_NOTE_LENGTH - 1] + "…"
             for note in dict.fromkeys(parser.notes))
    return Parsed(value, shape_of(value), notes=tuple(notes))

