"""Hostile input is refused with an InputError, and nothing in it runs.

No timing asserts here (speed lives in bench/); the bounds are on correctness: the right error
class, and no other exception (RecursionError, MemoryError, ValueError from huge integers).
"""

from __future__ import annotations

import builtins

import pytest

from quizengine.core.errors import ForbiddenError, InputError, LimitError, ParseError
from quizengine.core.parsing import ParseOptions, parse

ROOMY = ParseOptions(max_length=1_000_000, max_nodes=1_000_000)

HOSTILE: list[tuple[str, ParseOptions | None, type[InputError]]] = [
    ("9^9^9^9", None, LimitError),
    ("10^(10^10)", None, LimitError),
    ("2^(2^20)", None, LimitError),
    ("factorial(10^9)", None, LimitError),
    ("(10^9)!", None, LimitError),
    ("(1000!)!", None, LimitError),
    ("1000!^1000!", None, LimitError),
    ("binomial(10^6, 5*10^5)", None, LimitError),
    ("(2x)^(10^10)", None, LimitError),
    ("(10x)^6000", None, LimitError),  # the 10^6000 SymPy would power out of the product
    ("(x+2)^10001", None, LimitError),  # past the symbolic allowance: the estimate applies
    ("sqrt(2)^(10^10)", None, LimitError),
    ("root(2, 1/10^10)", None, LimitError),
    ("sqrt(10^999+1)", None, LimitError),
    ("(10^999+1)^(1/3)", None, LimitError),
    ("10^2999*10^2999", None, LimitError),
    ("1/10^2000 + 1/(10^2000+1)", None, LimitError),
    ("1e99999", None, LimitError),
    ("9" * 200, None, LimitError),
    ("+".join(["x"] * 100_000), None, LimitError),
    ("(" * 5000 + "x" + ")" * 5000, None, LimitError),
    ("(" * 5000 + "x" + ")" * 5000, ROOMY, LimitError),
    ("[" * 5000 + "x" + "]" * 5000, ROOMY, LimitError),
    ("-" * 5000 + "x", ROOMY, LimitError),
    ("x^" * 3000 + "x", ROOMY, LimitError),
    ("sin(" * 60 + "x" + ")" * 60, None, LimitError),
    ("|" * 999, None, LimitError),
    ("2^-" * 300 + "1", None, LimitError),
    ("__import__('os')", None, ParseError),
    ("__import__", None, ForbiddenError),
    ("x.__class__", None, ParseError),
    ("().__class__", None, ParseError),
    ("lambda x: x", None, ParseError),
    ("'x'", None, ParseError),
    ('"x"', None, ParseError),
    ("`x`", None, ParseError),
    ("x; y", None, ParseError),
    ("x.y", None, ParseError),
    ("eval(x)", None, InputError),
    ("exec(x)", None, InputError),
    ("open(x)", None, InputError),
    ("getattr(x, y)", None, InputError),
    ("import os", None, ParseError),
    ("x\x00", None, ParseError),
]


@pytest.mark.parametrize(("text", "options", "error"), HOSTILE)
def test_hostile_input_is_refused(text: str, options: ParseOptions | None,
                                  error: type[InputError]) -> None:
    with pytest.raises(error):
        parse(text, options)


def test_nothing_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """The parser never reaches eval/exec/__import__ for any hostile text."""
    for text, options, _ in HOSTILE:  # first let SymPy finish its own lazy imports
        with pytest.raises(InputError):
            parse(text, options)
    calls: list[str] = []
    real_import = builtins.__import__

    def spy(name: str, *args: object, **kwargs: object) -> object:
        if name in ("os", "subprocess"):
            calls.append(name)
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "eval", lambda *a, **k: calls.append("eval"))
    monkeypatch.setattr(builtins, "exec", lambda *a, **k: calls.append("exec"))
    monkeypatch.setattr(builtins, "__import__", spy)
    for text, options, _ in HOSTILE:
        with pytest.raises(InputError):
            parse(text, options)
    assert calls == []


SAFE_BUT_BIG = ["exp(6900)", "(x+1)^1000", "1000!", "cos(10^2000*pi/3)", "x^(10^10)"]


@pytest.mark.parametrize("text", SAFE_BUT_BIG)
def test_large_but_harmless_answers_are_read(text: str) -> None:
    assert parse(text).text
