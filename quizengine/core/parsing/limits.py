"""Size guards run *before* SymPy evaluates something whose cost grows with the numbers in it.

SymPy evaluates eagerly: ``Pow(9, 9**9)`` computes a 370-million-digit integer, ``(2*x)**(10**9)``
distributes the power onto the 2, and a root of a large integer is factored (a square root of a
10,000-digit integer ran for ten minutes in our measurements; of an 800-digit one, 0.2 s). So:

* an exact number may hold at most ``max_digits`` digits (default 3000: below Python's 4300-digit
  ``int``-to-text limit, so every value can still be printed, and above ``1000!``);
* a power with a numeric exponent is estimated as ``|exponent| * log10(largest number in the base)``
  digits before it is built; a base with variables counts only the numbers SymPy would raise to
  the power (the numeric factors of a product) when the exponent is an integer up to
  ``SYMBOLIC_EXPONENT``: ``(x-4a)^6000`` stays unevaluated and costs nothing to build;
* a fractional power applies only to numbers of at most ``ROOT_DIGITS`` digits;
* ``n!`` needs ``n <= max_factorial``;
* functions (and roots) nest at most ``max_nesting`` deep: SymPy's own evaluation of a nested
  function repeats the work of the levels below it (``log(log(...(2)))`` of depth ten took a
  second, of depth twelve five; ``sinh`` over ``sqrt(log(y))`` grows fourfold per level).

Sizes of numbers that are not exact (``exp(8000)``, ``pi^10000``) are :mod:`.magnitude`'s.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import sympy

from quizengine.core.errors import LimitError

__all__ = ["ROOT_DIGITS", "SYMBOLIC_EXPONENT", "check_combination", "check_factorial",
           "check_nesting", "check_number", "check_power", "digits_of_int", "nesting"]

ROOT_DIGITS = 60
SYMBOLIC_EXPONENT = 10_000
_LOG10_2 = math.log10(2)


def digits_of_int(value: int) -> int:
    """Decimal digits of ``|value|``, estimated from the bit length (never prints the number)."""
    return int(abs(value).bit_length() * _LOG10_2) + 1


def _rational_digits(number: sympy.Rational) -> int:
    return max(digits_of_int(int(number.p)), digits_of_int(int(number.q)))


def check_number(value: Any, max_digits: int, offset: int | None) -> None:
    """Refuse a built value whose leading exact number is longer than ``max_digits`` digits.

    SymPy gathers the numbers of a sum or product in its first argument, so looking there
    (and at the value itself) finds every number that arithmetic can make grow.
    """
    number = value
    if isinstance(value, sympy.Add | sympy.Mul) and value.args:
        number = value.args[0]
    if isinstance(number, sympy.Rational) and _rational_digits(number) > max_digits:
        raise LimitError(f"a number with more than {max_digits} digits", offset=offset)


def check_combination(values: Any, max_digits: int, offset: int | None, *,
                      product: bool) -> None:
    """Refuse a sum or product whose exact result could exceed ``max_digits`` digits.

    Checked before SymPy combines the numbers (a product of two 3000-digit numbers, or a common
    denominator, is longer than either). Bounds: a product has at most the summed digits of its
    numerators (and of its denominators); a sum at most the longest numerator plus the summed
    digits of the denominators, plus one.
    """
    numerators: list[int] = []
    denominators = 0
    for value in values:
        number = value.args[0] if isinstance(value, sympy.Add | sympy.Mul) and value.args \
            else value
        if isinstance(number, sympy.Rational):
            numerators.append(digits_of_int(int(number.p)))
            if number.q != 1:
                denominators += digits_of_int(int(number.q))
    if not numerators:
        return
    longest = sum(numerators) if product else max(numerators) + 1
    bound = max(longest, denominators) if product else longest + denominators
    if bound > max_digits:
        raise LimitError(f"numbers with more than {max_digits} digits", offset=offset)


def _largest_log10(base: Any) -> float:
    """log10 of the largest numerator or denominator among the exact numbers in ``base``."""
    best = 0.0
    for atom in base.atoms(sympy.Rational):
        for part in (int(atom.p), int(atom.q)):
            if abs(part) > 1:
                best = max(best, math.log10(abs(part)))  # exact for ints of any size
    return best


def check_power(base: Any, exponent: Any, max_digits: int, offset: int | None) -> None:
    """Refuse ``base ^ exponent`` when SymPy would build a huge or slow number.

    >>> check_power(sympy.Integer(2), sympy.Integer(100), 3000, 0)
    >>> check_power(sympy.Integer(9), sympy.Integer(9**9), 3000, 0)
    Traceback (most recent call last):
    ...
    quizengine.core.errors.LimitError: a power whose value would have about 369693100 digits
    >>> x = sympy.Symbol("x")
    >>> check_power(x - 4, sympy.Integer(6000), 3000, 0)
    >>> check_power(10 * x, sympy.Integer(6000), 3000, 0)
    Traceback (most recent call last):
    ...
    quizengine.core.errors.LimitError: a power whose value would have about 6000 digits
    """
    if not isinstance(exponent, sympy.Rational) or not isinstance(base, sympy.Basic) \
            or base.is_Symbol:
        return
    if base.free_symbols and exponent.is_Integer and abs(exponent) <= SYMBOLIC_EXPONENT:
        # Only a product's numeric factors are powered out: (2x)^n is 2^n*x^n, (x+2)^n stays.
        numeric = [f for f in base.args if f.is_number] if isinstance(base, sympy.Mul) else []
        base = sympy.Mul(*numeric)
    size = _largest_log10(base)
    if size == 0.0:
        return
    if exponent.q != 1 and size > ROOT_DIGITS:
        raise LimitError(
            f"a root of a number with more than {ROOT_DIGITS} digits", offset=offset)
    # Compare in logarithms: the exponent itself may have thousands of digits.
    log_exponent = math.log10(max(abs(int(exponent.p)), 1)) - math.log10(int(exponent.q))
    if log_exponent + math.log10(size) > math.log10(max_digits):
        log_digits = log_exponent + math.log10(size)
        estimate = f"{10 ** log_digits:.0f}" if log_digits < 15 else f"10^{int(log_digits)}"
        raise LimitError(f"a power whose value would have about {estimate} digits", offset=offset)


def check_factorial(argument: Any, max_factorial: int, offset: int | None) -> None:
    """Refuse ``n!`` for an exact number ``n`` above ``max_factorial``."""
    if isinstance(argument, sympy.Rational) and argument > max_factorial:
        raise LimitError(f"factorials are limited to n <= {max_factorial}", offset=offset)


@lru_cache(maxsize=4096)
def nesting(value: Any) -> int:
    """How deep functions and roots nest in ``value``.

    >>> x = sympy.Symbol("x")
    >>> nesting(sympy.sin(sympy.sqrt(x)) + x**2), nesting(sympy.Integer(2))
    (2, 0)
    """
    if not isinstance(value, sympy.Basic) or not value.args:
        return 0
    inner = max(nesting(arg) for arg in value.args)
    own = isinstance(value, sympy.Function) or (isinstance(value, sympy.Pow)
                                                and not value.exp.is_Integer)
    return inner + own


def check_nesting(args: Any, max_nesting: int, offset: int | None) -> None:
    """Refuse a function (or root) of ``args`` that would nest more than ``max_nesting`` deep."""
    if max(map(nesting, args), default=0) >= max_nesting:
        raise LimitError(f"functions nested more than {max_nesting} deep", offset=offset)
