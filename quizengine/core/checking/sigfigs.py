"""Significant figures, as STACK's NumSigFigs test marks them (read from the typed text).

Rules (option ``n`` means ``(n, n)``; checked against the STACK fixtures in the corpus):

* digit count from the text: ``0.0010`` has 2, ``10.0`` has 3, ``100`` has 1 to 3 (trailing
  zeros of an integer are ambiguous), ``1E3`` has 1, an all-zero ``0.00`` has 2, ``0`` has 1;
* ``(n, m)`` with ``m >= 1``: n must be in that range, and the answer must lie strictly within
  half a unit of the m-th figure of the expected value rounded to m figures (``9.8`` passes
  for 10 to 2 s.f., ``9.5`` does not);
* ``(n, 0)``: only the digit count; ``(n, -1)``: at least n figures, and the answer rounded to
  n figures the way a calculator does it (``floor(x*10^e + 0.5)`` in binary floats, so
  0.145 rounds to 0.14) must equal the expected value rounded to n figures.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

__all__ = ["count_sigfigs", "judge_sigfigs", "round_sig"]

_NUMBER = re.compile(
    r"^(?P<int>\d*)(?:\.(?P<frac>\d*))?"
    r"(?:[eE][+-]?\d+|(?:\*|×|·)10\^\(?[+-]?\d+\)?)?$"
)


def count_sigfigs(text: str) -> tuple[int, int] | None:
    """(fewest, most) significant figures the written number may have; None if not decimal.

    >>> count_sigfigs("0.0010"), count_sigfigs("100"), count_sigfigs("-1.38*10^-1")
    ((2, 2), (1, 3), (3, 3))
    >>> count_sigfigs("pi") is None
    True
    """
    core = re.sub(r"\s+", "", text)
    while core[:1] in "+-(" and core:
        core = core[1:-1] if core[0] == "(" and core.endswith(")") else core[1:]
        if core.startswith("(") and not core.endswith(")"):
            return None
    match = _NUMBER.match(core)
    if not match or not (match["int"] or match["frac"]):
        return None
    whole, frac = match["int"] or "", match["frac"]
    if frac is not None:
        digits = (whole + frac).lstrip("0")
        if not digits:
            return (len(frac), len(frac)) if frac else (1, 1)
        return len(digits), len(digits)
    digits = whole.lstrip("0")
    if not digits:
        return 1, 1
    return len(digits.rstrip("0")), len(digits)


def round_sig(value: Decimal, n: int) -> Decimal:
    """Round half up (away from zero) to ``n`` significant figures.

    >>> str(round_sig(Decimal("0.04985"), 3)), str(round_sig(Decimal("61250"), 3))
    ('0.0499', '6.13E+4')
    """
    if value == 0:
        return Decimal(0)
    exponent = value.adjusted() - n + 1
    return value.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_UP)


def _float_rounded(value: float, n: int) -> Decimal:
    """Round as a calculator (and Maxima) does: floor(x * 10^e + 0.5) in binary floats."""
    if value == 0 or not math.isfinite(value):
        return Decimal(0)
    exponent = n - 1 - math.floor(math.log10(abs(value)))
    return Decimal(math.floor(value * 10.0**exponent + 0.5)).scaleb(-exponent)


def judge_sigfigs(
    expected: Decimal | None, answer: Fraction, text: str, option: int | tuple[int, int]
) -> tuple[bool, str]:
    """(right?, feedback) for ``text`` (whose exact value is ``answer``) against ``expected``."""
    n, m = (option, option) if isinstance(option, int) else option
    counted = count_sigfigs(text)
    if counted is None:
        return False, "write your answer as a decimal number"
    low, high = counted
    enough = n <= low if m == -1 else low <= n <= high
    if not enough:
        return False, f"give your answer to {n} significant figures"
    if m == 0:
        return True, ""
    if expected is None:
        return False, "the expected value is missing"
    with localcontext() as ctx:
        ctx.prec = 60
        if m == -1:
            same = _float_rounded(float(answer), n) == round_sig(expected, n)
            return same, "" if same else "the value is not accurate enough"
        target = round_sig(expected, m)
        value = Decimal(answer.numerator) / Decimal(answer.denominator)
        place = target.adjusted() if target != 0 else -m
        half = Decimal(5).scaleb(place - m)
        ok = abs(value - target) < half
    return ok, "" if ok else "the value is not accurate enough (check your rounding)"
