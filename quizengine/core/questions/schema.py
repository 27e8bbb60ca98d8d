"""The template schema: TOML tables -> frozen spec objects, with a clear error per field.

Only structure is checked here (types, names, ranges, required keys). Author expressions are
evaluated per variant by :mod:`quizengine.core.questions.generation`, so a wrong expression shows
up when the template is validated (``quizengine bank validate``) with the field named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from quizengine.core.questions.author import AUTHOR_FUNCTIONS, MAX_MATRIX
from quizengine.core.questions.reader import Reader

__all__ = [
    "KINDS",
    "MistakeSpec",
    "OptionSpec",
    "ParamSpec",
    "PartSpec",
    "PlotSpec",
    "SelfTestSpec",
    "TemplateSpec",
    "VerifySpec",
    "read_spec",
]

KINDS = ("expression", "equation", "inequality", "vector", "matrix", "numeric", "set", "choice")
PARAM_KINDS = ("int", "rational", "decimal", "choice", "vector", "matrix")
VERIFY_KINDS = ("derivative", "gradient", "jacobian", "hessian")
EXPECT = ("correct", "incorrect", "invalid")
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*/[a-z0-9]+(?:-[a-z0-9]+)*$")
NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
PART_RE = re.compile(r"^[A-Za-z0-9_-]+$")
RESERVED = frozenset(AUTHOR_FUNCTIONS) | frozenset(
    [
        "x",
        "y",
        "z",
        "t",
        "e",
        "E",
        "i",
        "I",
        "pi",
        "oo",
        "latex",
        "text",
        "num",
        "signed",
        "plot",
        "answers",
        "expected",
        "sin",
        "cos",
        "tan",
        "exp",
        "log",
        "ln",
        "sqrt",
        "abs",
        "sec",
        "csc",
        "cot",
        "asin",
        "acos",
        "atan",
        "sinh",
        "cosh",
        "tanh",
        "arcsin",
        "arccos",
        "arctan",
    ]
)


@dataclass(frozen=True)
class ParamSpec:
    name: str
    kind: str
    low: Any = 0
    high: Any = 0
    den: tuple[int, int] = (1, 1)
    places: int = 1
    choices: tuple[Any, ...] = ()
    shape: tuple[int, int] = (1, 1)
    exclude: tuple[Any, ...] = ()


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


@dataclass(frozen=True)
class TemplateSpec:
    id: str
    version: int
    title: str
    quiz: str
    skills: tuple[str, ...]
    difficulty: int
    notes: str
    prompt: str
    hints: tuple[str, ...]
    solution: str
    params: tuple[ParamSpec, ...]
    derived: tuple[tuple[str, str], ...]
    constraints: tuple[tuple[str, str], ...]
    plots: tuple[PlotSpec, ...]
    parts: tuple[PartSpec, ...]


def read_spec(data: dict[str, Any]) -> TemplateSpec:
    """Check a parsed TOML document and build its spec (``TemplateError`` names the field)."""
    owner = str(data["id"]) if isinstance(data.get("id"), str) else "template"
    top = Reader(data, "", owner)
    template_id = top.text("id")
    if not ID_RE.match(template_id):
        raise top.fail(
            "id", f"'{template_id}' must look like '<quiz-id>/<slug>' (lowercase, digits, '-')"
        )
    quiz = top.text("quiz")
    if template_id.split("/")[0] != quiz:
        raise top.fail("quiz", f"'{quiz}' must equal the part of the id before '/'")
    skills = top.texts("skills")
    if not skills:
        raise top.fail("skills", "must name at least one skill")
    names: set[str] = set()
    params = tuple(_param(top, name, names) for name in _table(top, "params"))
    derived = tuple((name, _expr(top, "derived", name, names)) for name in _table(top, "derived"))
    constraints = tuple(_constraints(top))
    plots = tuple(
        _plot(Reader(p, f"plots[{i}]", owner), f"plot{i + 1}")
        for i, p in enumerate(top.table_list("plots"))
    )
    if len({p.id for p in plots}) != len(plots):
        raise top.fail("plots", "plot ids must be unique")
    parts = tuple(
        _part(Reader(p, f"parts[{i}]", owner), i) for i, p in enumerate(top.table_list("parts"))
    )
    if not parts:
        raise top.fail("parts", "a template needs at least one [[parts]]")
    if len({p.id for p in parts}) != len(parts):
        raise top.fail("parts", "part ids must be unique")
    spec = TemplateSpec(
        id=template_id,
        version=top.integer("version", low=1, high=10**6),
        title=top.text("title"),
        quiz=quiz,
        skills=skills,
        difficulty=top.integer("difficulty", low=1, high=3),
        notes=top.text("notes", ""),
        prompt=top.text("prompt"),
        hints=top.texts("hints", ()),
        solution=top.text("solution", ""),
        params=params,
        derived=derived,
        constraints=constraints,
        plots=plots,
        parts=parts,
    )
    top.finish()
    return spec


def _table(top: Reader, key: str) -> Any:
    table = top.raw(key, {})
    if not isinstance(table, dict):
        raise top.fail(key, f"must be a table [{key}]")
    for name, value in table.items():
        if name in {"prompt", "hints", "solution", "notes", "title"}:
            raise top.fail(
                f"{key}.{name}",
                f"'{name}' is inside [{key}]: top-level keys must come "
                "before the first [table] header",
            )
        if key != "constraints" and key != "params" and not isinstance(value, str):
            raise top.fail(f"{key}.{name}", "must be an author expression (a string)")
    return table


def _name(top: Reader, section: str, name: str, names: set[str]) -> None:
    if not NAME_RE.match(name):
        raise top.fail(
            f"{section}.{name}", "names are letters, digits and '_', starting with a letter"
        )
    if name in RESERVED:
        raise top.fail(
            f"{section}.{name}", f"'{name}' is reserved (a variable, constant, function or helper)"
        )
    if name in names:
        raise top.fail(f"{section}.{name}", f"'{name}' is defined twice")
    names.add(name)


def _expr(top: Reader, section: str, name: str, names: set[str]) -> str:
    _name(top, section, name, names)
    value: str = top.table[section][name]
    if not value.strip():
        raise top.fail(f"{section}.{name}", "is an empty expression")
    return value


def _constraints(top: Reader) -> list[tuple[str, str]]:
    out = []
    for name, value in _table(top, "constraints").items():
        if not isinstance(value, str) or not value.strip():
            raise top.fail(f"constraints.{name}", 'must be a condition such as "a != b"')
        out.append((name, value))
    return out


def _param(top: Reader, name: str, names: set[str]) -> ParamSpec:
    _name(top, "params", name, names)
    r = Reader(top.table["params"][name], f"params.{name}", top.owner)
    kinds = [k for k in PARAM_KINDS if r.has(k)]
    if len(kinds) != 1:
        found = ", ".join(kinds) or "none"
        raise r.fail(
            "", f"needs exactly one kind key among {', '.join(PARAM_KINDS)} (found {found})"
        )
    kind = kinds[0]
    exclude = tuple(r.raw("exclude", []))
    if kind == "choice":
        choices = r.raw("choice")
        if (
            not isinstance(choices, list)
            or not choices
            or not all(
                isinstance(c, str | int | float) and not isinstance(c, bool) for c in choices
            )
        ):
            raise r.fail("choice", "must be a non-empty list of expressions or numbers")
        left = tuple(c for c in choices if c not in exclude)
        spec = ParamSpec(name, kind, choices=left)
    elif kind in ("int", "rational", "decimal"):
        low, high = r.range_of(kind, r.raw(kind), strict=False, integers=kind == "int")
        den = (
            r.range_of("den", r.raw("den"), strict=False, integers=True)
            if kind == "rational"
            else (1, 1)
        )
        if den[0] < 1:
            raise r.fail("den", "denominators must be at least 1")
        places = r.integer("places", 1, low=0, high=6) if kind == "decimal" else 1
        spec = ParamSpec(name, kind, low=low, high=high, den=den, places=places, exclude=exclude)
    else:
        shape = _shape(r, kind)
        low, high = r.range_of("entries", r.raw("entries"), strict=False, integers=True)
        spec = ParamSpec(name, kind, low=low, high=high, shape=shape, exclude=exclude)
    if kind in ("int", "vector", "matrix", "choice") and not _has_values(spec):
        raise r.fail("exclude", "excludes every value of the range")
    r.finish()
    return spec


def _shape(r: Reader, kind: str) -> tuple[int, int]:
    value = r.raw(kind)
    if kind == "vector":
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_MATRIX:
            raise r.fail("vector", f"must be a length 1..{MAX_MATRIX}")
        return (1, value)
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, int) and 1 <= v <= MAX_MATRIX for v in value)
    ):
        raise r.fail("matrix", f"must be [rows, cols], each 1..{MAX_MATRIX}")
    return (value[0], value[1])


def _has_values(spec: ParamSpec) -> bool:
    if spec.kind == "choice":
        return bool(spec.choices)
    return any(v not in spec.exclude for v in range(int(spec.low), int(spec.high) + 1))


def _plot(r: Reader, default_id: str) -> PlotSpec:
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


def _part(r: Reader, index: int) -> PartSpec:
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
        _plot(Reader(r.raw("plot"), f"{r.where}.plot", r.owner), "option")
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
