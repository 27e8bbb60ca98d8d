"""LaTeX and plain text of values, exactly as the parser prints them, but cheaper.

``latex_of(v)`` is ``quizengine.core.parsing.render.to_latex(v)`` character for character (the
parser's settings are read from that module, and tests compare the two on the whole bank). What
changes is the cost: SymPy's LaTeX printer is a pure function of the subexpression and the
settings, and the values of a variant share most of their subexpressions with each other (``H``
and its entries) and with other variants (``\\sin{\\left(x \\right)}``, ``e^{x}``, small numbers),
so each printer remembers what it printed. Printing a variant's values is most of its rendering
time; this makes it about 2.5x cheaper. Only calls without printer options are remembered
(``_print_Function(f, exp=2)`` is not), and the memory is bounded.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

import sympy as sp
from sympy.printing.latex import LatexPrinter

from quizengine.core.parsing import render as parser_render

__all__ = ["latex_of", "shape_of", "text_of"]

MEMO_SIZE = 50_000  # remembered subexpressions per printer (the memo is emptied when full)


class _RememberingLatex(LatexPrinter):  # type: ignore[misc]  # SymPy is untyped
    """``LatexPrinter`` that keeps the text of every subexpression it printed without options."""

    def __init__(self, settings: dict[str, Any]) -> None:
        super().__init__(settings)
        self._memo: dict[Any, str] = {}

    def _print(self, expr: Any, **kwargs: Any) -> str:
        if kwargs or not isinstance(expr, sp.Basic):
            return str(super()._print(expr, **kwargs))
        memo = self._memo
        text = memo.get(expr)
        if text is None:
            text = str(super()._print(expr))
            if len(memo) >= MEMO_SIZE:
                memo.clear()
            memo[expr] = text
        return text


class _RememberingText(parser_render._TextPrinter):
    """The parser's plain-text printer, remembering subexpressions like ``_RememberingLatex``.

    SymPy's text printer writes a float in full only at the top (``_print_level``), so what
    is remembered is keyed by the subexpression and whether it is the top. The printer counts
    levels on itself, so each thread has its own (see ``_text_printer``).
    """

    def __init__(self) -> None:
        super().__init__({"order": None})
        self._memo: dict[tuple[Any, bool], str] = {}

    def _print(self, expr: Any, **kwargs: Any) -> str:
        if kwargs or not isinstance(expr, sp.Basic):
            return str(super()._print(expr, **kwargs))
        key = (expr, self._print_level > 0)
        text = self._memo.get(key)
        if text is None:
            text = str(super()._print(expr))
            if len(self._memo) >= MEMO_SIZE:
                self._memo.clear()
            self._memo[key] = text
        return text


_THREAD = threading.local()


def _text_printer() -> _RememberingText:
    printer = getattr(_THREAD, "text", None)
    if printer is None:
        printer = _THREAD.text = _RememberingText()
    return printer


_EXPRESSIONS = _RememberingLatex(dict(parser_render._LATEX))
_MATRICES = _RememberingLatex({"mat_str": "bmatrix", "mat_delim": "", **parser_render._LATEX})


def shape_of(value: Any) -> str:
    """The parser's shape name for a SymPy value (used to print it back)."""
    if isinstance(value, sp.MatrixBase):
        return "vector" if value.rows == 1 else "matrix"
    if isinstance(value, sp.Equality):
        return "equation"
    if isinstance(value, sp.Rel | sp.And):
        return "inequality"
    if isinstance(value, sp.Set):
        return "set"
    return "expression"


def _to_latex(value: Any) -> str:
    """``parsing.render.to_latex``: the same branches, with the remembering printers.

    Anything unusual (relations joined by and/or, a printer error, which the parser handles
    with its own fallback) is handed to the parser's function itself.
    """
    if isinstance(value, sp.And | sp.Or | sp.Tuple):
        return parser_render.to_latex(value)
    try:
        if isinstance(value, sp.MatrixBase):
            return str(_MATRICES.doprint(value))
        return str(_EXPRESSIONS.doprint(value))
    except Exception:  # noqa: BLE001  # whatever it is, the parser decides
        return parser_render.to_latex(value)


@lru_cache(maxsize=8192)
def _latex_cached(value: Any) -> str:
    return _to_latex(value)


@lru_cache(maxsize=8192)
def _text_cached(value: Any) -> str:
    """``parsing.render.to_text``, with the remembering printer (errors: the parser decides)."""
    try:
        return str(_text_printer().doprint(value)).replace("**", "^")
    except Exception:  # noqa: BLE001
        return parser_render.to_text(value)


def latex_of(value: Any) -> str:
    """LaTeX of a value; strings and Python numbers are printed as they are.

    >>> latex_of(sp.sin(sp.Symbol("x")) / 2)
    '\\\\frac{\\\\sin{\\\\left(x \\\\right)}}{2}'
    """
    if isinstance(value, sp.Basic | sp.MatrixBase):
        return _latex_cached(value)
    return str(value)


def text_of(value: Any) -> str:
    """Plain typed form of a value (``2*x*cos(x^2)``), as a student would type it."""
    if isinstance(value, sp.Basic | sp.MatrixBase):
        return _text_cached(value)
    return str(value)


def clear_memos() -> None:
    """Forget every printed subexpression (the benchmark's no-cache baseline)."""
    _EXPRESSIONS._memo.clear()
    _MATRICES._memo.clear()
    _text_printer()._memo.clear()
