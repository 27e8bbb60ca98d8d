"""Template schema, parts: ``[[parts]]`` with their options, mistakes, tests and ``verify``,
and ``[[plots]]`` (also used inline by plot options).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from quizengine.core.questions.reader import Reader
from quizengine.core.questions.schema_params import NAME_RE

__all__ = [
    "KINDS",
    "MistakeSpec",
    "OptionSpec",
    "PartSpec",
    "PlotSpec",
    "SelfTestSpec",
    "VerifySpec",
    "read_part",
    "read_plot",
]

KINDS = ("expression", "equation", "inequality", "vector", "matrix", "numeric", "set", "choice")
VERIFY_KINDS = ("derivative", "gradient", "jacobian", "hessian")
EXPECT = ("correct", "incorrect", "invalid")
PART_RE = re.compile(r"^[A-Za-z0-9_-]+$")


@dataclass(frozen=True)
class PlotSpec:
    id: str
    functions: tuple[str, ...]
    labels: tuple[str, ...]
    x: tuple[float, float]
    y: tuple[float, float] | None
    variable: str
    alt: str | None


@dataclass(frozen=True)
class MistakeSpec:
    answer: str
    feedback: str
    code: str


@dataclass(frozen=True)
class SelfTestSpec:
    answer: str | None
    text: str | None
    expect: str
    code: str | None
    score: float | None


@dataclass(frozen=True)
class VerifySpec:
    kind: str
    of: str
    wrt: tuple[str, ...]
    at: tuple[tuple[str, str], ...] | None = None
    domain: tuple[tuple[str, tuple[float, float]], ...] | None = None


@dataclass(frozen=True)
class OptionSpec:
    expr: str | None
    text: str | None
    plot: PlotSpec | None
    correct: bool | str
    feedback: str


@dataclass(frozen=True)
class PartSpec:
    id: str
    kind: str
    prompt: str
    answer: str | None
    weight: float
    variables: tuple[str, ...] | None
    domain: tuple[tuple[str, tuple[float, float]], ...] | None
    tolerance: tuple[tuple[str, Any], ...] | None
    forms: tuple[str, ...]
    forbidden: tuple[str, ...]
    allow_complex: bool
    allow_zero: bool
    timeout: float
    shuffle: bool
    options: tuple[OptionSpec, ...]
    mistakes: tuple[MistakeSpec, ...]
    tests: tuple[SelfTestSpec, ...]
    verify: VerifySpec | None


def read_plot(r: Reader, default_id: str) -> PlotSpec:
    functions = r.texts("functions")
    if not functions:
        raise r.fail("functions", "needs at least one function")
    labels = r.texts("labels", ())
    if labels and len(labels) != len(functions):
        raise r.fail("labels", f"has {len(labels)} labels for {len(functions)} functions")
    spec = PlotSpec(
        id=r.text("id", default_id),
        functions=functions,
        labels=labels,
        x=r.pair("x"),
        y=r.pair("y", None),
        variable=r.text("variable", "x"),
        alt=r.text("alt", None),
    )
    r.finish()
    return spec


def read_part(r: Reader, index: int) -> PartSpec:
    part_id = r.text("id")
    if not PART_RE.match(part_id):
        raise r.fail("id", "part ids are letters, digits, '-' and '_'")
    kind = r.text("kind")
    if kind not in KINDS:
        raise r.fail("kind", f"unknown kind '{kind}' (expected one of {', '.join(KINDS)})")
    options = tuple(
        _option(Reader(o, f"{r.where}.options[{i}]", r.owner))
        for i, o in enumerate(r.table_list("options"))
    )
    answer = r.text("answer", None)
    if kind == "choice":
        if len(options) < 2:
            raise r.fail("options", "a choice part needs at least two [[parts.options]]")
        if answer is not None:
            raise r.fail("answer", "choice parts mark options with correct = ... instead")
    elif answer is None:
        raise r.fail("answer", "is required (an author expression for the expected answer)")
    elif options:
        raise r.fail("options", f"only choice parts have options (this part is '{kind}')")
    weight = r.number("weight", 1)
    if not weight > 0:
        raise r.fail("weight", "must be positive")
    part = PartSpec(
        id=part_id,
        kind=kind,
        prompt=r.text("prompt", ""),
        answer=answer,
        weight=float(weight),
        variables=r.texts("variables", None),
        domain=_domain(r, "domain"),
        tolerance=_tolerance(r),
        forms=r.texts("forms", ()),
        forbidden=r.texts("forbidden", ()),
        allow_complex=r.boolean("allow_complex", False),
        allow_zero=r.boolean("allow_zero", False),
        timeout=float(r.number("timeout", 2.0)),
        shuffle=r.boolean("shuffle", True),
        options=options,
        mistakes=tuple(
            _mistake(Reader(m, f"{r.where}.mistakes[{i}]", r.owner), i)
            for i, m in enumerate(r.table_list("mistakes"))
        ),
        tests=tuple(
            _selftest(Reader(t, f"{r.where}.tests[{i}]", r.owner))
            for i, t in enumerate(r.table_list("tests"))
        ),
        verify=_verify(Reader(r.raw("verify"), f"{r.where}.verify", r.owner))
        if r.has("verify")
        else None,
    )
    if part.timeout <= 0:
        raise r.fail("timeout", "must be positive")
    r.finish()
    return part


def _domain(r: Reader, key: str) -> tuple[tuple[str, tuple[float, float]], ...] | None:
    table = r.raw(key, None)
    if table is None:
        return None
    if not isinstance(table, dict) or not table:
        raise r.fail(key, "must be a table such as { x = [-2, 2] }")
    return tuple(
        (name, r.range_of(f"{key}.{name}", bounds, strict=True)) for name, bounds in table.items()
    )


def _tolerance(r: Reader) -> tuple[tuple[str, Any], ...] | None:
    table = r.raw("tolerance", None)
    if table is None:
        return None
    if not isinstance(table, dict) or not table or not set(table) <= {"rel", "abs", "sigfigs"}:
        raise r.fail("tolerance", "must be { rel = 1e-3 }, { abs = 0.01 } or { sigfigs = 3 }")
    for key, value in table.items():
        ok = isinstance(value, int | float) and not isinstance(value, bool) and value >= 0
        if key == "sigfigs":
            ok = (isinstance(value, int) and value >= 1) or (
                isinstance(value, list)
                and len(value) == 2
                and all(isinstance(v, int) for v in value)
            )
        if not ok:
            raise r.fail(f"tolerance.{key}", f"invalid value {value!r}")
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in table.items()))


def _option(r: Reader) -> OptionSpec:
    shown = [k for k in ("expr", "text", "plot") if r.has(k)]
    if len(shown) != 1:
        raise r.fail("", "an option needs exactly one of expr, text or plot")
    correct = r.raw("correct", False)
    if not isinstance(correct, bool | str):
        raise r.fail("correct", "must be true, false or a condition string")
    plot = (
        read_plot(Reader(r.raw("plot"), f"{r.where}.plot", r.owner), "option")
        if r.has("plot")
        else None
    )
    spec = OptionSpec(
        expr=r.text("expr", None),
        text=r.text("text", None),
        plot=plot,
        correct=correct,
        feedback=r.text("feedback", ""),
    )
    r.finish()
    return spec


def _mistake(r: Reader, index: int) -> MistakeSpec:
    spec = MistakeSpec(
        answer=r.text("answer"), feedback=r.text("feedback"), code=r.text("code", f"m{index + 1}")
    )
    if not PART_RE.match(spec.code):
        raise r.fail("code", "codes are letters, digits, '-' and '_'")
    r.finish()
    return spec


def _selftest(r: Reader) -> SelfTestSpec:
    if r.has("answer") == r.has("text"):
        raise r.fail("", "a test needs exactly one of answer (author expression) or text (literal)")
    expect = r.text("expect")
    if expect not in EXPECT:
        raise r.fail("expect", f"must be one of {', '.join(EXPECT)}, got '{expect}'")
    score = r.number("score", None)
    spec = SelfTestSpec(
        answer=r.text("answer", None),
        text=r.text("text", None),
        expect=expect,
        code=r.text("code", None),
        score=None if score is None else float(score),
    )
    r.finish()
    return spec


def _verify(r: Reader) -> VerifySpec:
    kind = r.text("kind")
    if kind not in VERIFY_KINDS:
        raise r.fail(
            "kind", f"unknown verify kind '{kind}' (expected one of {', '.join(VERIFY_KINDS)})"
        )
    wrt = r.raw("wrt")
    names = (wrt,) if isinstance(wrt, str) else tuple(wrt) if isinstance(wrt, list) else ()
    if not names or not all(isinstance(n, str) and NAME_RE.match(n) for n in names):
        raise r.fail("wrt", "must be a variable name or a list of names")
    if kind == "derivative" and len(names) != 1:
        raise r.fail("wrt", "a derivative is taken with respect to one variable")
    at = r.raw("at", None)
    if at is not None and (
        not isinstance(at, dict)
        or set(at) != set(names)
        or not all(isinstance(v, str) for v in at.values())
    ):
        raise r.fail("at", "must give an author expression for each variable in wrt")
    spec = VerifySpec(
        kind=kind,
        of=r.text("of"),
        wrt=names,
        at=None if at is None else tuple(at.items()),
        domain=_domain(r, "domain"),
    )
    r.finish()
    return spec
