"""The public surface of quizengine.core.parsing is exactly what docs/interfaces.md promises."""

from __future__ import annotations

import dataclasses

import sympy

import quizengine.core.parsing as parsing
from quizengine.core.parsing import FunctionSpec, Parsed, ParseOptions, parse


def test_exported_members() -> None:
    assert sorted(parsing.__all__) == ["FunctionSpec", "ParseOptions", "Parsed", "clear_readings",
                                       "parse"]
    for name in parsing.__all__:
        assert getattr(parsing, name).__module__.startswith("quizengine.core.parsing")


def test_options_fields_and_defaults() -> None:
    fields = {f.name: f for f in dataclasses.fields(ParseOptions)}
    for name in ("variables", "allow_complex", "forbidden_functions", "extra_functions",
                 "constants", "max_length", "max_depth", "max_nodes"):
        assert name in fields
    options = ParseOptions()
    assert options.variables is None and options.allow_complex is False
    assert options.max_length == 1000 and options.max_depth == 50 and options.max_nodes == 2000
    assert dict(options.extra_functions) == {} and dict(options.constants) == {}


def test_parsed_has_the_promised_fields() -> None:
    parsed = parse("x^2")
    assert (parsed.value, parsed.shape, parsed.notes) == (sympy.Symbol("x") ** 2, "expression", ())
    assert parsed.latex == "x^{2}" and parsed.text == "x^2"
    given = Parsed(value=sympy.Integer(1), shape="expression", latex="1", text="1", notes=("n",))
    assert (given.latex, given.text, given.notes) == ("1", "1", ("n",))


def test_function_spec_arity() -> None:
    spec = FunctionSpec("f", (1, 3), lambda *args: sympy.Add(*args))
    assert spec.accepts(1) and spec.accepts(3) and not spec.accepts(4)
    assert FunctionSpec("g", 1, sympy.sin).arity_text() == "1 argument"


def test_a_reading_is_kept_for_the_same_text_and_options() -> None:
    parsing.clear_readings()
    options = parsing.ParseOptions(variables=frozenset({"x"}))
    first = parsing.parse("2x cos(x^2)", options)
    assert parsing.parse("2x cos(x^2)", options) is first
    assert parsing.parse("2x cos(x^2)") is not first  # other options, another reading
    assert parsing.parse("2x cos(x^2)", parsing.ParseOptions(variables=frozenset({"x"}),
                                                            max_nesting=2)) is not first


def test_author_options_are_never_cached() -> None:
    options = parsing.ParseOptions(constants={"a": 2})
    assert parsing.parse("a x", options) is not parsing.parse("a x", options)
