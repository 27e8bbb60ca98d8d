"""Text rendering: LaTeX placeholders, Markdown with protected maths, and a locked-down sandbox."""

from __future__ import annotations

import pytest
import sympy as sp

from quizengine.core.errors import TemplateError
from quizengine.core.questions.render import TextRenderer

x = sp.Symbol("x")
VALUES = {"f": sp.sin(x) ** 2, "b": sp.Integer(-3), "n": sp.Integer(4)}


def md(source: str) -> str:
    return TextRenderer("t", VALUES, {"g": "<figure>G</figure>"}).markdown(source, "prompt")


@pytest.mark.parametrize(
    ("source", "html"),
    [
        (r"Let \(f = {{ f }}\).", r"<p>Let \(f = \sin^{2}{\left(x \right)}\).</p>"),
        (r"\(a_1 * b_2 * c_3\) and *em*", r"<p>\(a_1 * b_2 * c_3\) and <em>em</em></p>"),
        (r"$x^2_1 * y_2 * z$", r"<p>\(x^2_1 * y_2 * z\)</p>"),
        ("$$x_1 * y_2$$", r"<p>\[x_1 * y_2\]</p>"),
        (r"\[ a < b \]", r"<p>\[ a &lt; b \]</p>"),
        ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
        (r"\(x^{ {{ n }} }\) and \(x^{ {{ n - 1 }} }\)", r"<p>\(x^{ 4 }\) and \(x^{ 3 }\)</p>"),
        (r"\(2x {{ signed(b) }}\)", r"<p>\(2x - 3\)</p>"),
        ("type {{ text(f) }}", "<p>type <code>sin(x)^2</code></p>"),
        ("{% if b < 0 %}negative{% else %}positive{% endif %}", "<p>negative</p>"),
        ('{{ plot("g") }}', "<figure>G</figure>"),
        ("| a | b |\n|---|---|\n| 1 | 2 |", "<table>"),
    ],
)
def test_markdown(source: str, html: str) -> None:
    assert html in md(source)


def test_plain_and_inline() -> None:
    renderer = TextRenderer("t", VALUES, {})
    assert renderer.plain("y = {{ text(f) }}", "alt") == "y = sin(x)^2"
    assert renderer.inline("a **saddle** \\({{ n }}\\)", "o") == "a <strong>saddle</strong> \\(4\\)"


def test_answers_are_available_to_solutions() -> None:
    renderer = TextRenderer("t", VALUES, {}, answers={"a": sp.Integer(7)})
    assert renderer.markdown(r"\({{ answers.a }}\)", "solution") == r"<p>\(7\)</p>"


@pytest.mark.parametrize(
    "source",
    [
        "{{ f.__class__ }}",
        "{{ f.subs(x, 1) }}",
        "{{ ''.__class__.__mro__ }}",
        "{{ 10 ** 10 ** 10 }}",
        "{{ 'a' * 100000000 }}",
        "{{ unknown_name }}",
        '{{ plot("missing") }}',
        "{{ cycler.__init__.__globals__ }}",
    ],
)
def test_sandbox_refuses(source: str) -> None:
    with pytest.raises(TemplateError) as caught:
        md(source)
    assert caught.value.message.startswith("t: prompt:")
