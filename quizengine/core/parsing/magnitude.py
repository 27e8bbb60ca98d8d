"""Magnitude guards: every number the parser builds lies within 10^±max_digits (or is 0).

Why: SymPy evaluates numerically whenever it asks itself a question (is ``cosh(y)`` positive?
which term of a sum prints first?), and mpmath's cost grows with the *size of the exponent*:
``exp(y)`` needs ``y`` to about ``log2|y|`` bits. For ``y`` up to 10^3000 that is ten thousand
bits, milliseconds; for ``y = cosh(cosh(812687))`` it is more bits than there are atoms, and
``cosh(cosh(cosh(812687)))`` never finished. ``check_power`` bounds exact numbers; this module
bounds the rest, with the values of :mod:`.numeric` (each node evaluated once), in two steps:

* before a function that can grow exponentially (``exp``, ``sinh``, ``cosh``, ..., a power with
  an irrational part, ``factorial``, ``binomial``, ``sin`` of a complex number) is built, the
  size of its value is computed from its numeric arguments, and the function is refused when
  the value would lie beyond the bound, or when the argument's value cannot be known (terms
  cancelling past the working precision). SymPy itself turns ``exp(k*log(2x))`` into
  ``(2x)^k``, so that shape goes through ``check_power`` too;
* after a numeric value is built (a sum, a product, a call), it is refused outside the bound:
  ``exp(4000)*exp(4000)`` is ``exp(8000)``.
"""

from __future__ import annotations

import math
from typing import Any

import sympy
from sympy.matrices import MatrixBase

from quizengine.core.errors import LimitError
from quizengine.core.parsing.limits import check_power, nesting
from quizengine.core.parsing.numeric import ln_abs, numeric_value

__all__ = ["check_call_magnitude", "check_power_magnitude", "check_value", "is_nonreal_composite"]

_LN10 = math.log(10)
_REAL_TOLERANCE = 2.0 ** -90  # an imaginary part this small (relative) is rounding
_NON_FINITE = (sympy.oo, -sympy.oo, sympy.zoo, sympy.nan)
# name -> (the part of the argument z that grows f: 0 real, 1 imaginary; +1: |f(z)| ~ e^|part|,
# -1: |f(z)| ~ e^-|part|; 0: exp, which is e^Re(z) itself).
_GROWTH = {"exp": (0, 0), "sinh": (0, 1), "cosh": (0, 1), "sech": (0, -1), "csch": (0, -1),
           "sin": (1, 1), "cos": (1, 1), "sec": (1, -1), "csc": (1, -1)}


def _refuse(what: str, ln_size: float, max_digits: int, offset: int | None) -> LimitError:
    """The refusal of a value of size e^ln_size."""
    where = f"closer to 0 than 10^-{max_digits}" if ln_size < 0 \
        else f"larger than 10^{max_digits}"
    return LimitError(f"{what} would be {where}", offset=offset)


def check_value(value: Any, max_digits: int, offset: int | None) -> None:
    """Refuse a built numeric value outside 10^±max_digits (exact rationals: ``check_number``).

    >>> check_value(sympy.exp(8000), 3000, 0)
    Traceback (most recent call last):
    ...
    quizengine.core.errors.LimitError: a number would be larger than 10^3000
    >>> check_value(sympy.pi / 4, 3000, 0)
    """
    if not isinstance(value, sympy.Expr) or isinstance(value, MatrixBase) or value.is_Atom:
        return
    number = numeric_value(value)  # None: not a number, or not knowable (then nothing grows)
    if number is not None:
        size = ln_abs(number)
        if abs(size) > max_digits * _LN10 and size != -math.inf:
            raise _refuse("a number", size, max_digits, offset)


def _known(argument: Any, offset: int | None) -> Any:
    """The value of a numeric argument a function may grow; None for an infinity (SymPy's
    own business). An argument whose value cannot be known may not grow."""
    number = numeric_value(argument)
    if number is None and not argument.has(*_NON_FINITE):
        raise LimitError("a number too large or too intricate to evaluate", offset=offset)
    return number


def _exp_shapes(argument: Any, max_digits: int, offset: int | None) -> None:
    """``exp(k*log(u))`` is built as ``u^k`` (SymPy's exp.eval, term by term): size it so."""
    for term in sympy.Add.make_args(argument):
        if term.is_number or not isinstance(term, sympy.Mul):
            continue
        logs = [f for f in term.args if isinstance(f, sympy.log)]
        if len(logs) != 1:
            continue
        exponent = sympy.Mul(*[f for f in term.args if f is not logs[0]])
        if exponent.is_number:
            check_power(logs[0].args[0], exponent, max_digits, offset)
            check_power_magnitude(logs[0].args[0], exponent, max_digits, offset)


def _check_growth(name: str, argument: Any, max_digits: int, offset: int | None) -> None:
    """exp-like functions: the part of the argument that grows must stay below the bound."""
    if name == "exp":
        _exp_shapes(argument, max_digits, offset)
    if not argument.is_number:
        return
    number = _known(argument, offset)
    if number is None:
        return
    part, sign = _GROWTH[name]
    grows = float(number.real if part == 0 else number.imag)
    if abs(grows) > max_digits * _LN10:
        raise _refuse(f"`{name}` of this number", sign * abs(grows) if sign else grows,
                      max_digits, offset)


def _check_gamma(name: str, args: Any, max_factorial: int, offset: int | None) -> None:
    """``factorial``/``binomial`` of numbers: |n| <= max_factorial (the factorial of a negative
    integer is left to SymPy, which reads it as undefined)."""
    for argument in args:
        if not argument.is_number or (name == "factorial" and argument.is_Integer
                                      and argument < 0):
            continue
        number = _known(argument, offset)
        if number is not None and abs(number) > max_factorial:
            raise LimitError(f"`{name}` is limited to numbers up to {max_factorial} in size",
                             offset=offset)


def check_call_magnitude(name: str, args: Any, limits: tuple[int, int],
                         offset: int | None) -> None:
    """Size guards for a built-in function of ``args`` before SymPy evaluates it."""
    max_digits, max_factorial = limits
    if name in _GROWTH:
        _check_growth(name, args[0], max_digits, offset)
    elif name == "sigmoid":  # 1/(1 + exp(-x))
        _check_growth("exp", -args[0], max_digits, offset)
    elif name in ("factorial", "binomial"):
        _check_gamma(name, args, max_factorial, offset)
    elif name == "root" and len(args) == 2 and args[1] != 0:
        check_power_magnitude(args[0], sympy.Integer(1) / args[1], max_digits, offset)


def _numeric_part(base: Any) -> Any:
    """What SymPy raises to a power itself: a number, or a product's numeric factors."""
    if base.is_number:
        return base
    if isinstance(base, sympy.Mul):
        numeric = [f for f in base.args if f.is_number]
        return sympy.Mul(*numeric) if numeric else None
    return None


def check_power_magnitude(base: Any, exponent: Any, max_digits: int,
                          offset: int | None) -> None:
    """Refuse ``base ^ exponent`` whose numeric part would lie beyond 10^±max_digits.

    |b^e| = exp(Re(e)·ln|b| - Im(e)·arg(b)). Exact rational powers are ``check_power``'s
    (run it first); ``e^y`` is ``exp(y)``.

    >>> check_power_magnitude(sympy.pi, sympy.Integer(10**4), 3000, 0)
    Traceback (most recent call last):
    ...
    quizengine.core.errors.LimitError: a power would be larger than 10^3000
    >>> check_power_magnitude(sympy.Integer(2), sympy.sqrt(2) * 1000, 3000, 0)
    """
    if base == sympy.E:
        _check_growth("exp", exponent, max_digits, offset)
        return
    numeric = _numeric_part(base)
    if numeric is None or not exponent.is_number or (numeric.is_Rational
                                                     and exponent.is_Rational):
        return
    number, power = _known(numeric, offset), _known(exponent, offset)
    if number is None or power is None or not number:
        return  # an infinity, or 0^e: SymPy decides (0, or undefined)
    ln_b, angle = ln_abs(number), math.atan2(float(number.imag), float(number.real))
    re_e, im_e = float(power.real), float(power.imag)
    size = (re_e * ln_b if ln_b and re_e else 0.0) - (im_e * angle if angle and im_e else 0.0)
    if math.isnan(size) or abs(size) > max_digits * _LN10:
        raise _refuse("a power", size, max_digits, offset)


def is_nonreal_composite(value: Any) -> bool:
    """Whether ``value`` holds a square root or logarithm, built unevaluated, of a number that
    makes it non-real (``sqrt(-sqrt(2))``, ``log(-exp(2))``).

    SymPy shows those with ``I`` when it evaluates them (``sqrt(-2)`` is ``sqrt(2)*I``), which
    ``parse`` refuses when complex numbers are not expected; built unevaluated they have no
    ``I`` to see, so their value decides. Like SymPy, nothing else counts: ``asin(sqrt(5))``
    and ``(-sqrt(2))^(1/3)`` stay non-real numbers without ``I``, and a real number holding
    one (``abs(sqrt(-sqrt(2)))``) is real.

    >>> is_nonreal_composite(sympy.sqrt(-sympy.sqrt(2), evaluate=False))
    True
    >>> is_nonreal_composite(sympy.Abs(sympy.sqrt(-sympy.sqrt(2), evaluate=False)))
    False
    """
    if not isinstance(value, sympy.Basic):
        return False
    if isinstance(value, sympy.Expr) and not isinstance(value, MatrixBase) and value.is_number:
        if nesting(value) < 2:
            return False  # evaluated by SymPy: an I would show
        number = numeric_value(value)
        if number is None or abs(number.imag) <= abs(number) * _REAL_TOLERANCE:
            return False
        if isinstance(value, sympy.log) or (isinstance(value, sympy.Pow)
                                            and value.exp.is_Rational and value.exp.q == 2):
            return True
    return any(is_nonreal_composite(arg) for arg in value.args)
