"""Independent checks of expected answers by central finite differences (plain floats).

A template's algebra could be wrong in a way its own self-tests repeat (the answer and the test
both come from the same expression). Here the expected answer of a part is compared with a
numerical derivative of the declared function (``[parts.verify]``), computed without SymPy's
``diff``. When a part declares nothing but its answer is a direct ``diff``/``gradient``/
``jacobian``/``hessian`` call, the matching check is inferred.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import sympy as sp

from quizengine.core.questions.expressions import evaluate_expression, split_arguments
from quizengine.core.questions.numeric import NotNumeric, evaluate
from quizengine.core.questions.schema import PartSpec, TemplateSpec, VerifySpec
from quizengine.core.questions.scope import Scope

__all__ = ["infer_verify", "verify_part"]

POINTS = 6
MIN_POINTS = 3
REL_TOL = 1e-4
HESSIAN_STEP = 1e-4  # about eps**(1/4): balances truncation and rounding in second differences
_CALL = re.compile(r"^\s*(diff|gradient|jacobian|hessian)\s*\((.*)\)\s*$", re.S)
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def infer_verify(spec: TemplateSpec, part: PartSpec) -> VerifySpec | None:
    """The declared check, or one inferred from ``answer = "diff(f, x)"`` (or via a name)."""
    if part.verify is not None or part.answer is None:
        return part.verify
    derived = dict(spec.derived)
    text = part.answer.strip()
    if _NAME.match(text) and text in derived:
        text = derived[text]
    match = _CALL.match(text)
    if not match:
        return None
    args = split_arguments(match.group(2))
    if len(args) != 2:
        return None
    name, (of, wrt) = match.group(1), args
    if name == "diff":
        return VerifySpec(kind="derivative", of=of, wrt=(wrt,)) if _NAME.match(wrt) else None
    names = [w.strip() for w in wrt.strip().removeprefix("[").removesuffix("]").split(",")]
    if not wrt.strip().startswith("[") or not all(_NAME.match(n) for n in names):
        return None
    return VerifySpec(kind=name, of=of, wrt=tuple(names))


def verify_part(
    check: VerifySpec,
    expected: Any,
    values: Mapping[str, Any] | Scope,
    *,
    owner: str,
    where: str,
    seed: int,
    domain: Mapping[str, tuple[float, float]] | None = None,
) -> str | None:
    """``None`` when the expected answer agrees with finite differences, else what is wrong.

    ``values`` are the variant's values, or its generation ``Scope`` (which reuses the
    per-template forms of ``of`` and ``at``). Every free variable of ``of`` and of the answer
    is sampled (not only ``wrt``), from ``verify.domain``, else ``domain`` (the part's), else
    [-2, 2].
    """

    def author(text: str, field: str) -> Any:
        if isinstance(values, Scope):
            return values.evaluate(text, where=f"{where}.{field}")
        return evaluate_expression(text, values, owner=owner, where=f"{where}.{field}")

    function = author(check.of, "verify.of")
    symbols = tuple(sp.Symbol(n) for n in check.wrt)
    try:
        points = _points(
            check, author, _free(function, expected), dict(domain or {}), where, seed, owner
        )
        reference = _ESTIMATORS[check.kind](function, symbols, points)
        noise = _rounding(check.kind, function, symbols, points)
        target = _expected_at(expected, points)
    except NotNumeric as exc:
        return f"cannot verify numerically: {exc}"
    if reference.shape != target.shape:
        return (
            f"verify {check.kind}: the expected answer has shape {target.shape[1:]}, "
            f"expected {reference.shape[1:]}"
        )
    rest = tuple(range(1, reference.ndim))
    ok = np.all(np.isfinite(reference) & np.isfinite(target), axis=rest)
    count = len(next(iter(points.values())))
    needed = 1 if count == 1 else MIN_POINTS
    if ok.sum() < needed:
        return f"verify {check.kind}: too few points where both sides are defined ({int(ok.sum())})"
    with np.errstate(invalid="ignore"):
        tolerance = _tolerance(reference, target) + noise
        wrong = ok & ~np.all(np.abs(reference - target) <= tolerance, axis=rest)
    if np.any(wrong):
        k = int(np.argmax(wrong))
        point = {str(s): round(float(points[s][k]), 4) for s in points}
        return (
            f"verify {check.kind} of {check.of}: the expected answer disagrees with "
            f"finite differences at {point}"
        )
    return None


def _tolerance(reference: np.ndarray, target: np.ndarray) -> np.ndarray:
    """``REL_TOL * (1 + largest |entry| of the row)``, per row of a matrix, per scalar otherwise.

    Absolute near 0, relative for large entries: second differences carry noise of about
    1e-8 times the size of the entries, so a near-zero entry next to large ones needs slack.
    """
    size: np.ndarray = np.fmax(np.abs(reference), np.abs(target))
    if size.ndim >= 3:  # fmax skips NaN without the warning nanmax gives on an all-NaN row
        size = np.broadcast_to(np.fmax.reduce(size, axis=-1, keepdims=True), size.shape)
    return REL_TOL * (1.0 + size)


def _rounding(
    kind: str, function: Any, symbols: tuple[sp.Symbol, ...], points: dict[sp.Symbol, Any]
) -> np.ndarray | float:
    """Rounding noise of second differences: about ``16 eps |f| / (h_i h_j)`` (0 for firsts).

    A large ``f`` with small second partials (``1e4 cosh(x) + sin(x) sin(y)``) loses digits to
    cancellation that no step size avoids; that much disagreement is not the author's error.
    """
    if kind != "hessian":
        return 0.0
    size = np.abs(_eval(function, symbols, points)[:, 0])
    steps = np.stack([_hessian_step(points[s]) for s in symbols], axis=-1)
    noise: np.ndarray = 16 * np.finfo(float).eps * size[:, None, None]
    noise = noise / (steps[:, :, None] * steps[:, None, :])
    return noise


def _hessian_step(values: np.ndarray) -> np.ndarray:
    step: np.ndarray = HESSIAN_STEP * np.maximum(1.0, np.abs(values))
    return step


def _free(*values: Any) -> list[sp.Symbol]:
    names: set[sp.Symbol] = set()
    for value in values:
        names |= getattr(value, "free_symbols", set())
    return sorted(names, key=str)


def _points(
    check: VerifySpec,
    author: Callable[[str, str], Any],
    free: list[sp.Symbol],
    fallback: dict[str, tuple[float, float]],
    where: str,
    seed: int,
    owner: str,
) -> dict[sp.Symbol, Any]:
    """Sample points: ``wrt`` first (as before), then every other free variable, then ``at``."""
    at = dict(check.at or ())
    sampled = [s for s in (*(sp.Symbol(n) for n in check.wrt), *free) if s.name not in at]
    sampled = list(dict.fromkeys(sampled))
    domain = {**fallback, **dict(check.domain or ())}
    digest = hashlib.sha256(f"{owner}:{where}:{seed}:verify".encode()).digest()
    rng = np.random.default_rng(int.from_bytes(digest[:8], "big"))
    count = POINTS if sampled else 1
    out = {s: rng.uniform(*domain.get(s.name, (-2.0, 2.0)), count) for s in sampled}
    for name, text in at.items():
        value = author(text, f"verify.at.{name}")
        out[sp.Symbol(name)] = np.broadcast_to(evaluate(value, out), (count,)).astype(float)
    return out


def _expected_at(expected: Any, points: dict[sp.Symbol, Any]) -> np.ndarray:
    count = len(next(iter(points.values())))
    items = list(expected) if isinstance(expected, sp.MatrixBase) else [expected]
    shape = expected.shape if isinstance(expected, sp.MatrixBase) else ()
    columns = [np.broadcast_to(evaluate(item, points), (count,)) for item in items]
    return np.stack(columns, axis=-1).reshape((count, *shape))


def _eval(function: Any, symbols: tuple[sp.Symbol, ...], at: dict[sp.Symbol, Any]) -> np.ndarray:
    count = len(next(iter(at.values())))
    items = list(function) if isinstance(function, sp.MatrixBase) else [function]
    return np.stack([np.broadcast_to(evaluate(item, at), (count,)) for item in items], axis=-1)


def _shifted(points: dict[sp.Symbol, Any], steps: dict[sp.Symbol, Any]) -> dict[sp.Symbol, Any]:
    return {s: points[s] + steps.get(s, 0.0) for s in points}


def _firsts(
    function: Any, symbols: tuple[sp.Symbol, ...], points: dict[sp.Symbol, Any]
) -> np.ndarray:
    """(count, m functions, n variables) central differences."""
    columns = []
    for s in symbols:
        h = 1e-5 * np.maximum(1.0, np.abs(points[s]))
        up, down = (
            _eval(function, symbols, _shifted(points, {s: h})),
            _eval(function, symbols, _shifted(points, {s: -h})),
        )
        columns.append((up - down) / (2 * h)[:, None])
    return np.stack(columns, axis=-1)


def _derivative(
    function: Any, symbols: tuple[sp.Symbol, ...], points: dict[sp.Symbol, Any]
) -> np.ndarray:
    return _firsts(function, symbols, points)[:, 0, 0]


def _gradient(
    function: Any, symbols: tuple[sp.Symbol, ...], points: dict[sp.Symbol, Any]
) -> np.ndarray:
    return _firsts(function, symbols, points)[:, 0, :][:, None, :]


def _jacobian(
    function: Any, symbols: tuple[sp.Symbol, ...], points: dict[sp.Symbol, Any]
) -> np.ndarray:
    return _firsts(function, symbols, points)


def _hessian(
    function: Any, symbols: tuple[sp.Symbol, ...], points: dict[sp.Symbol, Any]
) -> np.ndarray:
    """Second differences: f(x+hi+hj) - f(x+hi-hj) - f(x-hi+hj) + f(x-hi-hj) over 4 hi hj."""
    n = len(symbols)
    count = len(points[symbols[0]])
    out = np.empty((count, n, n))
    steps = {s: _hessian_step(points[s]) for s in symbols}
    for i, a in enumerate(symbols):
        for j, b in enumerate(symbols[i:], start=i):
            total = np.zeros(count)
            for sa, sb, sign in ((1, 1, 1), (1, -1, -1), (-1, 1, -1), (-1, -1, 1)):
                shift: dict[sp.Symbol, Any] = {a: sa * steps[a]}
                shift[b] = shift.get(b, 0.0) + sb * steps[b]
                total = total + sign * _eval(function, symbols, _shifted(points, shift))[:, 0]
            out[:, i, j] = out[:, j, i] = total / (4 * steps[a] * steps[b])
    return out


_ESTIMATORS: dict[str, Callable[[Any, tuple[sp.Symbol, ...], dict[sp.Symbol, Any]], np.ndarray]] = {
    "derivative": _derivative,
    "gradient": _gradient,
    "jacobian": _jacobian,
    "hessian": _hessian,
}
