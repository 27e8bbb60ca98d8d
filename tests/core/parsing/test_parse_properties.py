"""Properties: any text either parses or raises an InputError subclass; nothing else escapes."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizengine.core.errors import InputError
from quizengine.core.parsing import Parsed, ParseOptions, parse

TOKENS = [
    "x", "y", "xy", "e", "pi", "π", "i", "2", "0.5", "1e3", "10", "9", ".", ",", "+", "-", "−",
    "*", "**", "/", "^", "!", "=", "<", "<=", ">=", "(", ")", "[", "]", "{", "}", "|", "√", "²",
    "⁻¹", "×", "sin", "ln", "log", "log_2", "sqrt", "exp", "σ", "In", "Sin", "abs", "and", "or",
    " ", "  ", "'", ";", "_", "__", "diff", "factorial", "matrix", "a[2]", "%e", "∅", "θ", "lg",
]
SETTINGS = settings(max_examples=300, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
OPTIONS = [None, ParseOptions(variables=frozenset({"x", "y"})),
           ParseOptions(allow_complex=True, forbidden_functions=frozenset({"sin"}))]


def read(text: str, options: ParseOptions | None) -> Parsed | None:
    """Parse, and when it works make sure the reading can be rendered too."""
    try:
        parsed = parse(text, options)
    except InputError as error:
        assert error.message
        assert error.offset is None or 0 <= error.offset <= len(text)
        return None
    assert parsed.shape in {"expression", "equation", "inequality", "vector", "matrix", "set"}
    assert isinstance(parsed.latex, str) and isinstance(parsed.text, str)
    return parsed


@SETTINGS
@given(st.text(max_size=60), st.sampled_from(OPTIONS))
def test_random_text_never_escapes_the_error_tree(text: str,
                                                  options: ParseOptions | None) -> None:
    read(text, options)


@SETTINGS
@given(st.lists(st.sampled_from(TOKENS), max_size=25), st.sampled_from(OPTIONS))
def test_token_soup_never_escapes_the_error_tree(tokens: list[str],
                                                 options: ParseOptions | None) -> None:
    read("".join(tokens), options)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=-10**6, max_value=10**6), st.integers(min_value=0, max_value=9999))
def test_decimals_are_exact_rationals(whole: int, thousandths: int) -> None:
    text = f"{whole}.{thousandths:04d}"
    parsed = parse(text)
    sign = -1 if text.startswith("-") else 1
    assert parsed.value * 10_000 == sign * (abs(whole) * 10_000 + thousandths)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["", "2", "0.5"]),
       st.lists(st.sampled_from(["x", "y", "(x+1)", "sin(x)", "x^2", "e^x"]), min_size=1,
                max_size=6))
def test_juxtaposition_multiplies_like_a_star(number: str, factors: list[str]) -> None:
    """A space multiplies (a number first; two numbers side by side are refused on purpose)."""
    factors = [number, *factors] if number else factors
    assert parse(" ".join(factors)).value == parse("*".join(factors)).value
