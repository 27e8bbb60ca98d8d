"""One row of the batch grading contract (``quizengine grade``), as a pure function.

A row is ``{"id", "kind", "variables", "domain", "tolerance", "teacher", "student"}`` (optional
extras: ``"forms"``, ``"allow_complex"``, ``"timeout"``); the result is ``{"id", "verdict",
"score", "feedback", "interpreted", "seconds"}``. A malformed row is answered ``invalid`` with a
message saying what is wrong; nothing here raises for bad input.
"""

from __future__ import annotations

import time
from typing import Any

from quizengine.core.checking.check import check
from quizengine.core.checking.spec import KINDS, AnswerSpec, Tolerance

__all__ = ["grade_row", "spec_from_row"]


class RowError(ValueError):
    """The row does not follow the contract."""


def grade_row(row: Any) -> dict[str, Any]:
    """Grade one decoded JSON row.

    >>> out = grade_row({"id": 1, "teacher": "2x", "student": "x+x"})
    >>> out["verdict"], out["score"]
    ('correct', 1.0)
    >>> grade_row({"id": 2, "teacher": "x"})["feedback"]
    'bad row: missing field "student"'
    """
    started = time.perf_counter()
    row_id = row.get("id") if isinstance(row, dict) else None
    try:
        spec = spec_from_row(row)
        verdict = check(row["teacher"], row["student"], spec)
        out = {"verdict": verdict.verdict, "score": verdict.score,
               "feedback": verdict.feedback, "interpreted": verdict.interpreted}
    except RowError as err:
        out = {"verdict": "invalid", "score": 0.0, "feedback": f"bad row: {err}",
               "interpreted": ""}
    return {"id": row_id, **out, "seconds": round(time.perf_counter() - started, 6)}


def spec_from_row(row: Any) -> AnswerSpec:
    """The AnswerSpec a row asks for; raises RowError on anything off-contract."""
    if not isinstance(row, dict):
        raise RowError("a row must be a JSON object")
    for name in ("teacher", "student"):
        if name not in row:
            raise RowError(f'missing field "{name}"')
        if not isinstance(row[name], str):
            raise RowError(f'"{name}" must be a string')
    kind = row.get("kind") or "expression"
    if kind not in KINDS:
        raise RowError(f'unknown kind "{kind}"')
    variables = row.get("variables")
    if variables is not None and (not isinstance(variables, list)
                                  or not all(isinstance(v, str) for v in variables)):
        raise RowError('"variables" must be a list of names')
    forms = row.get("forms") or []
    if not isinstance(forms, list) or not all(isinstance(f, str) for f in forms):
        raise RowError('"forms" must be a list of strings')
    timeout = row.get("timeout", 2.0)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
        raise RowError('"timeout" must be a positive number of seconds')
    return AnswerSpec(kind=kind, variables=tuple(variables) if variables is not None else None,
                      domain=_domain(row.get("domain")), tolerance=_tolerance(row.get("tolerance")),
                      forms=tuple(forms), allow_complex=bool(row.get("allow_complex", False)),
                      timeout=float(timeout))


def _domain(raw: Any) -> dict[str, tuple[float, float]] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise RowError('"domain" must be an object {"x": [lo, hi]}')
    out = {}
    for name, bounds in raw.items():
        if (not isinstance(bounds, list) or len(bounds) != 2
                or not all(isinstance(b, (int, float)) and not isinstance(b, bool) for b in bounds)
                or not bounds[0] < bounds[1]):
            raise RowError(f'domain of "{name}" must be [lo, hi] with lo < hi')
        out[name] = (float(bounds[0]), float(bounds[1]))
    return out


def _tolerance(raw: Any) -> Tolerance | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or not raw or set(raw) - {"rel", "abs", "sigfigs"}:
        raise RowError('"tolerance" must be {"rel": r}, {"abs": a} or {"sigfigs": n}')
    sigfigs = raw.get("sigfigs")
    if isinstance(sigfigs, list):
        sigfigs = tuple(sigfigs)
    if "sigfigs" in raw and sigfigs is None:
        raise RowError('"sigfigs" must be n or [n, m]')
    tolerance = Tolerance(rel=raw.get("rel"), abs=raw.get("abs"), sigfigs=sigfigs)
    problem = tolerance.problem()
    if problem:
        raise RowError(problem)
    return tolerance
