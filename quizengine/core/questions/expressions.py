"""Evaluating author text: expressions through the student parser, conditions on top of it.

Expressions go to :func:`quizengine.core.parsing.parse` with the author whitelist and the values
computed so far as constants; nothing is evaluated as Python. Conditions (``a != b and det(J) > 0``)
are split here at ``or``/``and`` and one comparison operator, because the student grammar has no
``!=``; each side is then an ordinary expression. Every failure becomes a ``TemplateError`` that
names the template and the field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

import sympy as sp

from quizengine.core.errors import ParseError, QuizengineError, TemplateError
from quizengine.core.parsing import ParseOptions, parse
from quizengine.core.questions.author import AUTHOR_FUNCTIONS
from quizengine.core.questions.numeric import as_float, same_value

__all__ = [
    "SYMPY_FAILURES",
    "evaluate_condition",
    "evaluate_expression",
    "evaluate_symbolic",
    "split_arguments",
    "split_condition",
]

SYMPY_FAILURES = (
    TypeError,
    ValueError,
    AttributeError,
    NotImplementedError,
    IndexError,
    sp.PolynomialError,
    RecursionError,
)
_OPERATORS = ("!=", "==", "<=", ">=", "<", ">", "=")
_WORD = re.compile(r"\s+(and|or)\s+")
_UNDEFINED_CODES = frozenset({"undefined", "complex"})  # a non-real value: redrawn


def evaluate_expression(text: str, constants: Mapping[str, Any], *, owner: str, where: str) -> Any:
    """The SymPy value of an author expression; ``nan`` when it divides by zero.

    Results are memoised on the text and the values of the constants whose names occur in it
    (a superset of what the parser can look up), so the ~10 expressions of a template are
    parsed and built once per distinct combination of parameter values, not once per variant.
    """
    bound = tuple((name, value) for name, value in constants.items() if name in text)
    try:
        return _evaluate(text, bound)
    except QuizengineError as exc:
        raise TemplateError(
            f'{owner}: {where}: {exc.message} (in "{text}")', code="template_expression"
        ) from exc
    except SYMPY_FAILURES as exc:
        raise TemplateError(
            f'{owner}: {where}: cannot compute "{text}": {exc}', code="template_expression"
        ) from exc


@lru_cache(maxsize=16384)
def _evaluate(text: str, bound: tuple[tuple[str, Any], ...]) -> Any:
    return evaluate_symbolic(text, bound)


def evaluate_symbolic(text: str, bound: tuple[tuple[str, Any], ...] | Mapping[str, Any]) -> Any:
    """Parse and build ``text`` with these names bound (uncached; errors propagate as raised).

    Used directly for the per-template forms (:mod:`quizengine.core.questions.scope`), where
    the bound values hold placeholders instead of numbers.
    """
    constants = bound if isinstance(bound, Mapping) else dict(bound)
    options = ParseOptions(extra_functions=AUTHOR_FUNCTIONS, constants=constants, max_length=4000)
    try:
        return parse(text, options).value
    except ZeroDivisionError:
        return sp.nan
    except ParseError as exc:
        # The parser refuses values holding zoo/nan; for a template that is a degenerate draw
        # (e.g. 1/(a - b) with a = b), which generation redraws, not a broken template.
        if exc.code in _UNDEFINED_CODES:
            return sp.nan
        raise


def split_arguments(text: str) -> list[str]:
    """Split at commas that are not inside brackets: ``"f, [x, y]"`` -> ``["f", "[x, y]"]``."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    parts.append(text[start:].strip())
    return parts


@lru_cache(maxsize=2048)
def split_condition(text: str) -> tuple[tuple[tuple[str, str, str], ...], ...]:
    """``"a != b and c < 2 or d"`` -> ((("a","!=","b"), ("c","<","2")), (("d","!=","0"),)).

    >>> split_condition("p != 0 or q > 1")
    ((('p', '!=', '0'),), (('q', '>', '1'),))
    """
    clauses: list[list[tuple[str, str, str]]] = [[]]
    for piece, joiner in _pieces(text):
        clauses[-1].append(_comparison(piece, text))
        if joiner == "or":
            clauses.append([])
    return tuple(tuple(c) for c in clauses)


def _pieces(text: str) -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = []
    depth, start, i = 0, 0, 0
    while i < len(text):
        char = text[i]
        depth += (char in "([{") - (char in ")]}")
        match = _WORD.match(text, i) if depth == 0 and char.isspace() else None
        if match:
            out.append((text[start:i].strip(), match.group(1)))
            start = i = match.end()
            continue
        i += 1
    out.append((text[start:].strip(), None))
    if any(not piece for piece, _ in out):
        raise TemplateError(f"condition \"{text}\": empty comparison next to 'and'/'or'")
    return out


def _comparison(piece: str, whole: str) -> tuple[str, str, str]:
    depth = 0
    for i, char in enumerate(piece):
        depth += (char in "([{") - (char in ")]}")
        if depth:
            continue
        for op in _OPERATORS:
            if piece.startswith(op, i):
                left, right = piece[:i].strip(), piece[i + len(op) :].strip()
                if not left or not right or any(o in right for o in _OPERATORS):
                    raise TemplateError(
                        f'condition "{whole}": write one comparison per clause, joined by and/or'
                    )
                return (left, "==" if op == "=" else op, right)
    return (piece, "!=", "0")


def evaluate_condition(
    text: str,
    constants: Mapping[str, Any],
    *,
    owner: str,
    where: str,
    evaluate: Callable[[str], Any] | None = None,
) -> bool:
    """Whether a condition holds for these values (undefined sides count as not holding).

    ``evaluate`` computes one side from its text (default: :func:`evaluate_expression` with
    ``constants``); generation passes its scope's evaluator, which reuses per-template forms.
    """
    try:
        clauses = split_condition(text)
    except TemplateError as exc:
        raise TemplateError(f"{owner}: {where}: {exc.message}") from exc
    if evaluate is None:

        def evaluate(side: str) -> Any:
            return evaluate_expression(side, constants, owner=owner, where=where)

    return any(all(_holds(c, evaluate, owner, where) for c in clause) for clause in clauses)


def _holds(
    comparison: tuple[str, str, str], evaluate: Callable[[str], Any], owner: str, where: str
) -> bool:
    left_text, op, right_text = comparison
    left = evaluate(left_text)
    right = evaluate(right_text)
    if op in ("==", "!="):
        if isinstance(right, sp.Integer) and right == 0 and isinstance(left, sp.MatrixBase):
            right = sp.zeros(*left.shape)
        return same_value(left, right) == (op == "==")
    a, b = _number(left, left_text, owner, where), _number(right, right_text, owner, where)
    if a != a or b != b:  # NaN: undefined, so the condition does not hold
        return False
    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]


def _number(value: Any, text: str, owner: str, where: str) -> float:
    if not (isinstance(value, sp.Expr) and not value.free_symbols):
        raise TemplateError(
            f'{owner}: {where}: "{text}" must be a number to be compared with < or >'
        )
    return as_float(value)
