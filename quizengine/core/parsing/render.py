"""How a reading is shown back: LaTeX for the "we read your answer as" preview, plain text with
``^`` for notes and logs. Both print what was *built*, so the student sees SymPy's reading, not an
echo of their own text.

SymPy's printers are pure functions of the subexpression and the settings, and readings share
most of their subexpressions (``\\sin{\\left(x \\right)}``, ``e^{x}``, small numbers), so the
printers here remember what they printed (bounded; one set per thread, as SymPy's printers count
their nesting level on themselves).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import sympy
from sympy.matrices import MatrixBase
from sympy.printing.latex import LatexPrinter
from sympy.printing.str import StrPrinter

__all__ = ["clear_memos", "to_latex", "to_text"]

_REL_TEXT = {"==": "=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
_REL_LATEX = {"==": "=", "<": "<", "<=": r"\leq", ">": ">", ">=": r"\geq"}


class _TextPrinter(StrPrinter):  # type: ignore[misc]  # SymPy is untyped
    """``sstr`` with e, i, abs(), [a, b] vectors, {a, b} sets and `x = y` equations."""

    def _print_Exp1(self, expr: Any) -> str:
        return "e"

    def _print_ImaginaryUnit(self, expr: Any) -> str:
        return "i"

    def _print_Abs(self, expr: Any) -> str:
        return f"abs({self._print(expr.args[0])})"

    def _print_MatrixBase(self, expr: Any) -> str:
        rows = ["[" + ", ".join(self._print(v) for v in expr.row(i)) + "]"
                for i in range(expr.rows)]
        return rows[0] if expr.rows == 1 else "[" + ", ".join(rows) + "]"

    _print_ImmutableDenseMatrix = _print_MatrixBase
    _print_MutableDenseMatrix = _print_MatrixBase

    def _print_FiniteSet(self, expr: Any) -> str:
        return "{" + ", ".join(self._print(item) for item in expr.args) + "}"

    def _print_EmptySet(self, expr: Any) -> str:
        return "{}"

    def _print_Tuple(self, expr: Any) -> str:
        return "[" + ", ".join(self._print(item) for item in expr.args) + "]"

    def _print_Relational(self, expr: Any) -> str:
        op = _REL_TEXT.get(expr.rel_op, expr.rel_op)
        return f"{self._print(expr.lhs)} {op} {self._print(expr.rhs)}"

    def _print_And(self, expr: Any) -> str:
        return _chain(expr, self._print, _REL_TEXT) or " and ".join(map(self._print, expr.args))

    def _print_Or(self, expr: Any) -> str:
        return " or ".join(map(self._print, expr.args))


MEMO_SIZE = 50_000  # remembered subexpressions per printer (the memo is emptied when full)


class _Remembering:
    """Mixin for a SymPy printer: keep the text of every subexpression printed without options
    (bounded: the memo is emptied when full)."""

    memo: dict[Any, str]

    def _memo_key(self, expr: Any) -> Any:
        return expr

    def _print(self, expr: Any, **kwargs: Any) -> str:
        printer: Any = super()
        if kwargs or not isinstance(expr, sympy.Basic):
            return str(printer._print(expr, **kwargs))
        key = self._memo_key(expr)
        text = self.memo.get(key)
        if text is None:
            text = str(printer._print(expr))
            if len(self.memo) >= MEMO_SIZE:
                self.memo.clear()
            self.memo[key] = text
        return text


class _RememberingLatex(_Remembering, LatexPrinter):  # type: ignore[misc]  # SymPy is untyped
    def __init__(self, settings: dict[str, Any]) -> None:
        super().__init__(settings)
        self.memo = {}


class _RememberingText(_Remembering, _TextPrinter):
    """SymPy writes a float in full only at the top (``_print_level``): the key says whether."""

    def __init__(self, settings: dict[str, Any]) -> None:
        super().__init__(settings)
        self.memo = {}

    def _memo_key(self, expr: Any) -> Any:
        return (expr, self._print_level > 0)


_UNORDERED = _TextPrinter({"order": "none"})
_LATEX = {"ln_notation": True, "inv_trig_style": "full"}  # \ln, \arcsin (never sin^{-1})


@dataclass(frozen=True)
class _Printers:
    text: _RememberingText
    latex: _RememberingLatex
    matrix: _RememberingLatex


_THREAD = threading.local()


def _printers() -> _Printers:
    printers: _Printers | None = getattr(_THREAD, "printers", None)
    if printers is None:
        printers = _THREAD.printers = _Printers(
            _RememberingText({"order": None}), _RememberingLatex(dict(_LATEX)),
            _RememberingLatex({"mat_str": "bmatrix", "mat_delim": "", **_LATEX}))
    return printers


def clear_memos() -> None:
    """Forget the subexpressions this thread's printers remember (benchmarks, tests)."""
    printers = _printers()
    for printer in (printers.text, printers.latex, printers.matrix):
        printer.memo.clear()

# SymPy orders a sum's terms by their numeric values. The parser keeps every number within
# 10^±3000, so that evaluation is cheap; should it still fail, the terms keep SymPy's own order.
_ORDER_ERRORS = (ArithmeticError, ValueError, TypeError)


def _chain(expr: Any, show: Any, ops: dict[str, str]) -> str | None:
    """``1 < x < 3`` from And(1 < x, x < 3) when the relations link up, else None."""
    rels = list(expr.args)
    if not all(isinstance(r, sympy.core.relational.Relational) for r in rels):
        return None
    rights = {r.rhs for r in rels}
    heads = [r for r in rels if r.lhs not in rights]
    if len(heads) != 1:
        return None
    ordered, current = [heads[0]], heads[0]
    while len(ordered) < len(rels):
        following = [r for r in rels if r.lhs == current.rhs and r not in ordered]
        if not following:
            return None
        current = following[0]
        ordered.append(current)
    parts = [show(ordered[0].lhs)]
    for rel in ordered:
        parts += [ops.get(rel.rel_op, rel.rel_op), show(rel.rhs)]
    return " ".join(parts)


def to_text(value: Any) -> str:
    """Plain reading with ``^`` for powers.

    >>> x = sympy.Symbol("x")
    >>> to_text(2 * x * sympy.cos(x**2))
    '2*x*cos(x^2)'
    """
    try:
        text = _printers().text.doprint(value)
    except _ORDER_ERRORS:
        text = _UNORDERED.doprint(value)
    return str(text).replace("**", "^")


def to_latex(value: Any) -> str:
    """LaTeX of a reading: ``\\ln`` for log, matrices in ``bmatrix``, chains kept as chains.

    >>> to_latex(sympy.ImmutableMatrix([[1, 2]]))
    '\\\\begin{bmatrix}1 & 2\\\\end{bmatrix}'
    """
    try:
        return _latex(value, None)
    except _ORDER_ERRORS:
        return _latex(value, "none")


def _latex(value: Any, order: str | None) -> str:
    def inner(item: Any) -> str:
        return _latex(item, order)

    if isinstance(value, sympy.And):
        chained = _chain(value, inner, _REL_LATEX)
        return chained or r" \text{ and } ".join(map(inner, value.args))
    if isinstance(value, sympy.Or):
        return r" \text{ or } ".join(map(inner, value.args))
    if isinstance(value, sympy.Tuple):
        inside = ", ".join(map(inner, value.args))
        return r"\left[ " + inside + (" " if inside else "") + r"\right]"
    if order is None:  # SymPy's own term order, printed by the remembering printers
        printers = _printers()
        return str((printers.matrix if isinstance(value, MatrixBase) else printers.latex)
                   .doprint(value))
    if isinstance(value, MatrixBase):
        return str(sympy.latex(value, mat_str="bmatrix", mat_delim="", order=order, **_LATEX))
    return str(sympy.latex(value, order=order, **_LATEX))
