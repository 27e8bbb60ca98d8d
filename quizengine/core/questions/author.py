"""The author expression language: the student grammar plus a whitelist of bounded builders.

Template authors compute derived values with ``diff``, ``hessian``, ``series``, ... These are
``FunctionSpec`` builders handed to :func:`quizengine.core.parsing.parse` through
``ParseOptions(extra_functions=AUTHOR_FUNCTIONS)``; nothing here evaluates text. Each builder
checks its arguments and refuses work that could hang a server (``diff(f, x, 1000)``, a 9×9
determinant, ``factorial(10^9)``) with a ``LimitError``. A value that is undefined in one variant
(the inverse of a singular matrix) comes back as ``nan`` so that generation redraws the variant
instead of failing the template.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sympy as sp

from quizengine.core.errors import InputError, LimitError
from quizengine.core.parsing import FunctionSpec
from quizengine.core.questions.bounds import expandable as _expandable
from quizengine.core.questions.bounds import factorable as _factorable

__all__ = [
    "AUTHOR_FUNCTIONS",
    "MAX_DIFF_ORDER",
    "MAX_MATRIX",
    "MAX_SERIES_ORDER",
    "Placeholder",
]

MAX_DIFF_ORDER = 5
MAX_SERIES_ORDER = 10
MAX_MATRIX = 4
MAX_FACTORIAL = 50
MAX_DIGITS = 30
MAX_COEFF = 20

Matrix = sp.ImmutableMatrix


class Placeholder(sp.Dummy):  # type: ignore[misc]  # SymPy is untyped
    """Stands for a numeric template param while a text is evaluated once for all variants.

    It is a SymPy symbol, but never a variable: the builders refuse it where a variable name
    or an order is expected (``diff(f, x, n)`` with ``n`` a param), so such texts fall back to
    evaluation with the numbers (see :mod:`quizengine.core.questions.scope`).
    """


def _bad(name: str, why: str) -> InputError:
    return InputError(f"{name}: {why}", code="author_argument")


def _is_matrix(value: Any) -> bool:
    return isinstance(value, sp.MatrixBase)


def _scalar(name: str, value: Any) -> sp.Expr:
    if not isinstance(value, sp.Expr):
        raise _bad(name, "expects an expression, not a vector or matrix")
    return value


def _symbol(name: str, value: Any) -> sp.Symbol:
    if not isinstance(value, sp.Symbol) or isinstance(value, Placeholder):
        raise _bad(name, f"expects a variable name, got {value}")
    return value


def _small_int(name: str, value: Any, low: int, high: int) -> int:
    if not isinstance(value, sp.Integer | int):
        raise _bad(name, f"expects a whole number, got {value}")
    number = int(value)
    if not low <= number <= high:
        raise LimitError(f"{name}: {number} is outside the allowed range {low}..{high}")
    return number


def _checked_matrix(name: str, value: Any) -> sp.ImmutableMatrix:
    if not _is_matrix(value):
        raise _bad(name, "expects a vector or matrix")
    rows, cols = value.shape
    if rows > MAX_MATRIX or cols > MAX_MATRIX:
        raise LimitError(f"{name}: matrices are limited to {MAX_MATRIX}×{MAX_MATRIX}")
    return Matrix(value)


def _square(name: str, value: Any) -> sp.ImmutableMatrix:
    matrix = _checked_matrix(name, value)
    if matrix.rows != matrix.cols:
        raise _bad(name, f"expects a square matrix, got {matrix.rows}×{matrix.cols}")
    return matrix


def _entries(name: str, value: Any) -> list[Any]:
    """The entries of a vector (row or column), or a single value as a one-entry list."""
    if not _is_matrix(value):
        return [value]
    if min(value.shape) != 1:
        raise _bad(name, "expects a vector, got a matrix")
    return list(value)


def _variables(name: str, value: Any) -> list[sp.Symbol]:
    names = [_symbol(name, item) for item in _entries(name, value)]
    if len(names) > MAX_MATRIX:
        raise LimitError(f"{name}: at most {MAX_MATRIX} variables")
    return names


def _elementwise(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def build(value: Any) -> Any:
        if _is_matrix(value):
            return Matrix(value.applyfunc(fn))
        return fn(value)

    return build


# --- calculus ---------------------------------------------------------------------------------


def _diff(f: Any, *spec: Any) -> Any:
    """``diff(f, x)``, ``diff(f, x, n)``, ``diff(f, x, y)``: total order at most 5."""
    if not spec:
        raise _bad("diff", "needs a variable: diff(f, x)")
    orders: list[Any] = []
    total = 0
    for item in spec:
        if isinstance(item, sp.Symbol) and not isinstance(item, Placeholder):
            orders.append(item)
            total += 1
        elif orders and isinstance(item, sp.Integer | int):
            count = _small_int("diff", item, 0, MAX_DIFF_ORDER)
            total += count - 1
            orders.append(count)
        else:
            raise _bad("diff", f"expects variables and orders, got {item}")
        if total > MAX_DIFF_ORDER:
            raise LimitError(f"diff: derivatives of order at most {MAX_DIFF_ORDER}")
    result = sp.diff(f, *orders)
    return Matrix(result) if _is_matrix(result) else result


def _integrate(f: Any, x: Any, *bounds: Any) -> Any:
    var = _symbol("integrate", x)
    _scalar("integrate", f)
    if len(bounds) == 1:
        raise _bad("integrate", "give both bounds: integrate(f, x, a, b)")
    if bounds:
        return sp.integrate(f, (var, bounds[0], bounds[1]))
    return sp.integrate(f, var)


def _pairs(name: str, old: Any, new: Any) -> dict[Any, Any]:
    olds, news = _entries(name, old), _entries(name, new)
    if len(olds) != len(news):
        raise _bad(name, f"{len(olds)} variables but {len(news)} values")
    return {_symbol(name, o): n for o, n in zip(olds, news, strict=True)}


def _subs(f: Any, old: Any, new: Any) -> Any:
    result = f.xreplace(_pairs("subs", old, new))
    return Matrix(result) if _is_matrix(result) else result


def _eval_at(f: Any, old: Any, new: Any) -> Any:
    result = f.xreplace(_pairs("eval_at", old, new))
    return Matrix(result) if _is_matrix(result) else result


def _series(f: Any, x: Any, a: Any, n: Any) -> Any:
    order = _small_int("series", n, 1, MAX_SERIES_ORDER)
    return sp.series(_scalar("series", f), _symbol("series", x), a, order).removeO()


def _taylor(f: Any, x: Any, a: Any, n: Any) -> Any:
    order = _small_int("taylor", n, 0, MAX_SERIES_ORDER)
    var, expr = _symbol("taylor", x), _scalar("taylor", f)
    derivatives = _derivatives(expr, var, order)
    terms = [
        d.xreplace({var: a}) / sp.factorial(k) * (var - a) ** k for k, d in enumerate(derivatives)
    ]
    return sp.Add(*terms)


_CHAINS: dict[tuple[Any, Any], tuple[Any, ...]] = {}


def _derivatives(expr: Any, var: Any, order: int) -> tuple[Any, ...]:
    """``expr`` and its first ``order`` derivatives, each ``sp.diff`` of the one before.

    Remembered per (expression, variable): a template often expands the same function to two
    orders (``taylor(f, x, 0, n + 1) - taylor(f, x, 0, n)``), and a chain is a pure function of
    its expression. Chains are replaced, never changed in place, so threads can share them.
    """
    chain = _CHAINS.get((expr, var), (expr,))
    if len(chain) <= order:
        grown = list(chain)
        while len(grown) <= order:
            grown.append(sp.diff(grown[-1], var))
        chain = tuple(grown)
        if len(_CHAINS) >= 2048:
            _CHAINS.clear()
        _CHAINS[(expr, var)] = chain
    return chain[: order + 1]


def _coeff(p: Any, x: Any, k: Any) -> Any:
    power = _small_int("coeff", k, 0, MAX_COEFF)
    expr = _expandable("coeff", _scalar("coeff", p))
    return sp.expand(expr).coeff(_symbol("coeff", x), power)


def _limit(f: Any, x: Any, a: Any) -> Any:
    return sp.limit(_scalar("limit", f), _symbol("limit", x), a)


def _gradient(f: Any, names: Any) -> Any:
    expr, variables = _scalar("gradient", f), _variables("gradient", names)
    return Matrix([[sp.diff(expr, v) for v in variables]])


def _jacobian(f: Any, names: Any) -> Any:
    variables = _variables("jacobian", names)
    functions = _entries("jacobian", f)
    if len(functions) > MAX_MATRIX:
        raise LimitError(f"jacobian: at most {MAX_MATRIX} functions")
    return Matrix([[sp.diff(_scalar("jacobian", g), v) for v in variables] for g in functions])


def _hessian(f: Any, names: Any) -> Any:
    expr, variables = _scalar("hessian", f), _variables("hessian", names)
    firsts = [sp.diff(expr, v) for v in variables]
    return Matrix([[sp.diff(d, v) for v in variables] for d in firsts])


# --- algebra ----------------------------------------------------------------------------------


def _rewrite(name: str, fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def build(value: Any) -> Any:
        if _is_matrix(value):
            return Matrix(_checked_matrix(name, value).applyfunc(fn))
        return fn(value)

    return build


def _apart(f: Any, x: Any) -> Any:
    return sp.apart(_scalar("apart", f), _symbol("apart", x))


def _numer(f: Any) -> Any:
    return sp.fraction(sp.together(_scalar("numer", f)))[0]


def _denom(f: Any) -> Any:
    return sp.fraction(sp.together(_scalar("denom", f)))[1]


def _rational(p: Any, q: Any) -> Any:
    if not (isinstance(p, sp.Integer) and isinstance(q, sp.Integer)):
        raise _bad("Rational", "expects two whole numbers")
    return sp.nan if q == 0 else sp.Rational(p, q)


def _numeric(value: Any, digits: Any = 15) -> Any:
    precision = _small_int("N", digits, 1, MAX_DIGITS)
    if _is_matrix(value):
        return Matrix(value.applyfunc(lambda v: sp.N(v, precision)))
    return sp.N(value, precision)


def _extreme(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def build(*values: Any) -> Any:
        for value in values:
            if not (isinstance(value, sp.Expr) and value.is_number):
                raise _bad(name, "compares numbers only")
        return fn(*values)

    return build


def _factorial(n: Any) -> Any:
    return sp.factorial(_small_int("factorial", n, 0, MAX_FACTORIAL))


def _binomial(n: Any, k: Any) -> Any:
    return sp.binomial(
        _small_int("binomial", n, 0, MAX_FACTORIAL), _small_int("binomial", k, 0, MAX_FACTORIAL)
    )


# --- matrices ---------------------------------------------------------------------------------


def _column(v: Any) -> Any:
    return Matrix(_entries("column", _checked_matrix("column", v)))


def _det(m: Any) -> Any:
    return _square("det", m).det(method="berkowitz")


def _inverse(m: Any) -> Any:
    matrix = _square("inverse", m)
    if matrix.det(method="berkowitz") == 0:
        return Matrix(matrix.rows, matrix.cols, [sp.nan] * (matrix.rows * matrix.cols))
    return Matrix(matrix.inv())


def _matmul(a: Any, b: Any) -> Any:
    left, right = _checked_matrix("matmul", a), _checked_matrix("matmul", b)
    if left.cols != right.rows:
        raise _bad(
            "matmul", f"cannot multiply {left.rows}×{left.cols} by {right.rows}×{right.cols}"
        )
    return Matrix(left * right)


def _entry(m: Any, i: Any, j: Any = None) -> Any:
    matrix = _checked_matrix("entry", m)
    if j is None:
        items = _entries("entry", matrix)
        return items[_small_int("entry", i, 1, len(items)) - 1]
    row = _small_int("entry", i, 1, matrix.rows)
    return matrix[row - 1, _small_int("entry", j, 1, matrix.cols) - 1]


def _dot(u: Any, v: Any) -> Any:
    left, right = (
        _entries("dot", _checked_matrix("dot", u)),
        _entries("dot", _checked_matrix("dot", v)),
    )
    if len(left) != len(right):
        raise _bad("dot", f"vectors of lengths {len(left)} and {len(right)}")
    return sp.Add(*[a * b for a, b in zip(left, right, strict=True)])


def _norm(v: Any) -> Any:
    return sp.sqrt(sp.Add(*[a**2 for a in _entries("norm", _checked_matrix("norm", v))]))


def _sigmoid(z: Any) -> Any:
    return 1 / (1 + sp.exp(-z))


def _spec(name: str, arity: int | tuple[int, int], build: Callable[..., Any]) -> FunctionSpec:
    return FunctionSpec(name=name, arity=arity, build=build)


_TABLE: list[tuple[str, int | tuple[int, int], Callable[..., Any]]] = [
    ("diff", (2, 6), _diff),
    ("integrate", (2, 4), _integrate),
    ("subs", 3, _subs),
    ("eval_at", 3, _eval_at),
    ("evaluate", 3, _eval_at),
    ("series", 4, _series),
    ("taylor", 4, _taylor),
    ("coeff", 3, _coeff),
    ("limit", 3, _limit),
    ("expand", 1, lambda f: _rewrite("expand", sp.expand)(_expandable("expand", f))),
    ("factor", 1, lambda f: _rewrite("factor", sp.factor)(_factorable("factor", f))),
    ("simplify", 1, _rewrite("simplify", sp.simplify)),
    ("together", 1, _rewrite("together", sp.together)),
    ("cancel", 1, _rewrite("cancel", sp.cancel)),
    ("apart", 2, _apart),
    ("numer", 1, _numer),
    ("denom", 1, _denom),
    ("Matrix", 1, lambda m: _checked_matrix("Matrix", m)),
    ("matrix", 1, lambda m: _checked_matrix("matrix", m)),
    ("column", 1, _column),
    ("transpose", 1, lambda m: Matrix(_checked_matrix("transpose", m).T)),
    ("det", 1, _det),
    ("inverse", 1, _inverse),
    ("trace", 1, lambda m: _square("trace", m).trace()),
    ("matmul", 2, _matmul),
    ("entry", (2, 3), _entry),
    ("dot", 2, _dot),
    ("norm", 1, _norm),
    ("gradient", 2, _gradient),
    ("jacobian", 2, _jacobian),
    ("hessian", 2, _hessian),
    ("sigmoid", 1, _elementwise(_sigmoid)),
    ("apply_sigmoid", 1, _elementwise(_sigmoid)),
    ("apply_tanh", 1, _elementwise(sp.tanh)),
    ("N", (1, 2), _numeric),
    ("numeric", (1, 2), _numeric),
    ("Rational", 2, _rational),
    ("max", (1, 8), _extreme("max", sp.Max)),
    ("min", (1, 8), _extreme("min", sp.Min)),
    ("factorial", 1, _factorial),
    ("binomial", 2, _binomial),
]

AUTHOR_FUNCTIONS: dict[str, FunctionSpec] = {
    name: _spec(name, arity, fn) for name, arity, fn in _TABLE
}
