"""Template text -> HTML: sandboxed Jinja2 placeholders, then Markdown with the maths protected.

Values print as LaTeX by default (``{{ f }}`` inside ``\\( \\)``). The Jinja sandbox here refuses
every attribute access and method call on values, caps ``**``, ``+`` and refuses sequence
repetition and ``%`` formatting; it keeps only a whitelist of harmless filters and a capped
``range`` (no ``lipsum``, ``center``, ``indent``, ``format``...), refuses nested or unbounded
loops, macros and ``~`` when a text is compiled, and caps the rendered length, so a template
cannot reach Python, burn the CPU or fill the memory. Maths (``\\(..\\)``, ``\\[..\\]``, ``$..$``,
``$$..$$``) is cut out before Markdown sees it and put back as ``\\(..\\)``/``\\[..\\]`` for
KaTeX's auto-render, so ``a_1 * b_2`` inside maths never turns into emphasis.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

import sympy as sp
from jinja2 import StrictUndefined, nodes
from jinja2 import TemplateError as JinjaError
from jinja2.exceptions import SecurityError
from jinja2.runtime import LoopContext
from jinja2.sandbox import SandboxedEnvironment
from markdown_it import MarkdownIt

from quizengine.core.errors import TemplateError
from quizengine.core.questions.printing import latex_of, text_of

__all__ = ["TextRenderer", "latex_of", "text_of"]

_MATH = re.compile(
    r"\\\[(?P<d1>.+?)\\\]|\$\$(?P<d2>.+?)\$\$|\\\((?P<i1>.+?)\\\)|(?<![\\$\w])\$(?P<i2>[^$\n]+?)\$",
    re.S,
)
_PLACEHOLDER = "QEZ{kind}{n}ZQE"
MAX_RANGE = 1000  # items of ``range(...)`` in a text
MAX_SEQUENCE = 10_000  # characters or items that ``+`` may build
MAX_OUTPUT = 200_000  # characters one rendered text may have
_FILTERS = (  # harmless filters only: none of them can pad, repeat or format a string
    "abs", "round", "int", "float", "e", "escape", "default", "d", "length", "count", "lower",
    "upper", "capitalize", "title", "trim", "first", "last", "min", "max", "sum", "list",
    "string",
)
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")


def _num(value: Any, digits: int = 3) -> str:
    number = sp.N(value, max(1, min(int(digits), 15)))
    return f"{float(number):.{max(1, min(int(digits), 15))}g}"


def _signed(value: Any) -> str:
    text = latex_of(value)
    return f"- {text[1:].lstrip()}" if text.startswith("-") else f"+ {text}"


class _Sandbox(SandboxedEnvironment):
    """No attribute access on values (only Jinja's loop helper), bounded ``**`` and ``*``."""

    intercepted_binops = frozenset({"**", "*", "+", "%"})

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        return isinstance(obj, LoopContext) and super().is_safe_attribute(obj, attr, value)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            if abs(_as_number(right)) > 64 or abs(_as_number(left)) > 10**6:
                raise SecurityError("powers in templates are limited")
            return left**right
        sequences = (str, list, tuple)
        if operator == "+":
            if isinstance(left, sequences) and isinstance(right, sequences) \
                    and len(left) + len(right) > MAX_SEQUENCE:
                raise SecurityError(f"texts built with + are limited to {MAX_SEQUENCE}")
            return left + right
        if operator == "%":
            if isinstance(left, str):
                raise SecurityError("string formatting with % is not allowed in templates")
            return left % right
        if isinstance(left, sequences) or isinstance(right, sequences):
            raise SecurityError("repeating strings or lists is not allowed in templates")
        return left * right


def _as_number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        raise SecurityError("powers need numbers") from exc


def _range(*args: int) -> range:
    """``range`` with at most ``MAX_RANGE`` items."""
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise SecurityError(f"range() in templates is limited to {MAX_RANGE} items")
    return numbers


_ENV = _Sandbox(
    undefined=StrictUndefined,
    autoescape=False,
    finalize=latex_of,
    keep_trailing_newline=False,
    trim_blocks=False,
)
_ENV.filters = {name: _ENV.filters[name] for name in _FILTERS}
_ENV.globals = {"range": _range}


def _refuse_unbounded(tree: nodes.Template) -> None:
    """Refuse what could run long before anything renders: a loop in a loop, a loop over
    anything but a literal list or ``range(...)``, recursive loops, macros and ``~``."""
    if any(tree.find_all((nodes.Macro, nodes.CallBlock))):
        raise SecurityError("macros are not allowed in templates")
    if any(tree.find_all(nodes.Concat)):
        raise SecurityError("~ (string concatenation) is not allowed in templates")
    for loop in tree.find_all(nodes.For):
        if loop.recursive or any(loop.find_all(nodes.For)):
            raise SecurityError("loops in templates cannot be nested or recursive")
        bounded = isinstance(loop.iter, nodes.List | nodes.Tuple) or (
            isinstance(loop.iter, nodes.Call) and isinstance(loop.iter.node, nodes.Name)
            and loop.iter.node.name == "range")
        if not bounded:
            raise SecurityError("loops in templates go over a literal list or range(...)")


@lru_cache(maxsize=4096)
def _compile(source: str) -> Any:
    _refuse_unbounded(_ENV.parse(source))
    return _ENV.from_string(source)


def _render_capped(source: str, context: Mapping[str, Any]) -> str:
    """Render, stopping as soon as the text is longer than ``MAX_OUTPUT`` characters."""
    chunks: list[str] = []
    size = 0
    for chunk in _compile(source).generate(context):
        size += len(chunk)
        if size > MAX_OUTPUT:
            raise SecurityError(f"a rendered text is limited to {MAX_OUTPUT} characters")
        chunks.append(chunk)
    return "".join(chunks)


class TextRenderer:
    """Renders the text fields of one variant; figures are handed in as ready HTML."""

    def __init__(
        self,
        owner: str,
        values: Mapping[str, Any],
        figures: Mapping[str, str],
        answers: Mapping[str, Any] | None = None,
    ) -> None:
        self.owner, self.values, self.figures = owner, values, figures
        self.answers = {k: _AsLatex(v) for k, v in (answers or {}).items()}

    @staticmethod
    def check_syntax(owner: str, where: str, source: str) -> None:
        """Compile once so a Jinja syntax error fails at load time with the field named."""
        try:
            _compile(source)
        except JinjaError as exc:
            raise TemplateError(f"{owner}: {where}: template syntax: {exc}") from exc

    def markdown(self, source: str, where: str) -> str:
        """Jinja, then Markdown (block) with maths and figures protected."""
        pending: dict[str, str] = {}
        text = self._jinja(source, where, pending, code_text=True)
        return self._markdown(text, pending, inline=False)

    def inline(self, source: str, where: str) -> str:
        """Like :meth:`markdown` for one line (option labels): no surrounding ``<p>``."""
        pending: dict[str, str] = {}
        text = self._jinja(source, where, pending, code_text=True)
        return self._markdown(text, pending, inline=True)

    def plain(self, source: str, where: str) -> str:
        """Jinja only: for alt text and feedback (maths stays as written)."""
        return self._jinja(source, where, {}, code_text=False)

    def _jinja(self, source: str, where: str, pending: dict[str, str], *, code_text: bool) -> str:
        def plot(plot_id: str) -> str:
            if plot_id not in self.figures:
                raise TemplateError(f"{self.owner}: {where}: no plot with id '{plot_id}'")
            token = _PLACEHOLDER.format(kind="PLOT", n=len(pending))
            pending[token] = self.figures[plot_id]
            return token

        helpers: dict[str, Callable[..., Any] | Any] = {
            "latex": latex_of,
            "num": _num,
            "signed": _signed,
            "plot": plot,
            "answers": self.answers,
            "text": (lambda v: f"`{text_of(v)}`") if code_text else text_of,
        }
        try:
            return _render_capped(source, {**self.values, **helpers})
        except TemplateError:
            raise
        except (JinjaError, TypeError, ValueError, ArithmeticError) as exc:
            raise TemplateError(f"{self.owner}: {where}: {type(exc).__name__}: {exc}") from exc

    @staticmethod
    def _markdown(text: str, pending: dict[str, str], *, inline: bool) -> str:
        maths: dict[str, str] = {}

        def cut(match: re.Match[str]) -> str:
            token = _PLACEHOLDER.format(kind="MATH", n=len(maths))
            display = match["d1"] is not None or match["d2"] is not None
            body = next(
                g for g in (match["d1"], match["d2"], match["i1"], match["i2"]) if g is not None
            )
            escaped = html.escape(body, quote=False)
            maths[token] = f"\\[{escaped}\\]" if display else f"\\({escaped}\\)"
            return token

        protected = _MATH.sub(cut, text)
        out = _render_markdown(protected, inline)
        for token, figure in pending.items():
            out = out.replace(f"<p>{token}</p>", figure).replace(token, figure)
        for token, math in maths.items():
            out = out.replace(token, math)
        return out.strip()


@lru_cache(maxsize=8192)
def _render_markdown(text: str, inline: bool) -> str:
    """Markdown-it is pure: texts that repeat across variants (hints, fixed parts) render once."""
    return str(_MARKDOWN.renderInline(text) if inline else _MARKDOWN.render(text))


class _AsLatex:
    """A value that prints as its LaTeX (for ``answers.a`` without attribute access)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __str__(self) -> str:
        return latex_of(self.value)
