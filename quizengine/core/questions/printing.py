"""LaTeX and plain text of template values: exactly the parser's rendering
(``parsing.render``, whose printers remember subexpressions), cached per value, since the
values of a template's variants recur.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import sympy as sp

from quizengine.core.parsing import render as parser_render

__all__ = ["clear_memos", "latex_of", "text_of"]


@lru_cache(maxsize=8192)
def _latex_cached(value: Any) -> str:
    return parser_render.to_latex(value)


@lru_cache(maxsize=8192)
def _text_cached(value: Any) -> str:
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
    """Forget every printed value and subexpression (the benchmark's no-cache baseline)."""
    _latex_cached.cache_clear()
    _text_cached.cache_clear()
    parser_render.clear_memos()
