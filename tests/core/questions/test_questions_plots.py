"""Plots: deterministic SVG with alt text, drawn without pyplot, cached per variant."""

from __future__ import annotations

import subprocess
import sys

import sympy as sp

from quizengine.core.questions import generate
from quizengine.core.questions.plots import PlotData, _draw, default_alt, render_svg

from .helpers import BANK, bank_template

GRAPH_ID = "w1-chain-rule/which-graph-is-derivative"
GRAPH_FILE = BANK / "week1" / "w1-chain-rule" / "which-graph-is-derivative.toml"
x = sp.Symbol("x")


def test_variant_plots_are_deterministic_svg_with_alt_text() -> None:
    template = bank_template(GRAPH_ID)
    first, again = generate(template, 2), generate(template, 2)
    assert len(first.plots) == 5  # the prompt's graph and four options
    assert [p.svg for p in first.plots] == [p.svg for p in again.plots]
    for plot in first.plots:
        assert plot.svg.startswith("<svg") and plot.svg.rstrip().endswith("</svg>")
        assert "<title>" in plot.svg and 'role="img"' in plot.svg and plot.alt
        assert "<dc:date>" not in plot.svg and "<?xml" not in plot.svg
    assert first.plots[0].svg in first.prompt_html
    labels = [c.label_html for c in first.part("a").choices]
    assert all(label.startswith('<figure class="qe-plot">') for label in labels)
    assert generate(template, 3).plots[1].svg != first.plots[1].svg


def test_svg_is_identical_when_redrawn_without_the_cache() -> None:
    data = PlotData(
        functions=(sp.sin(x), 1 / x), labels=("sin", "1/x"), x=(-3.0, 3.0), y=None, variable=x
    )
    assert _draw(data, salt="k", alt="a") == _draw(data, salt="k", alt="a")
    assert render_svg(data, key=("t", 1, 0, 0), alt="a") is render_svg(
        data, key=("t", 1, 0, 0), alt="a"
    )


def test_default_alt_describes_without_the_formula() -> None:
    data = PlotData(functions=(x**2,), labels=(), x=(-2.0, 2.0), y=None, variable=x)
    alt = default_alt(data)
    assert (
        alt.startswith("Graph for x from -2 to 2")
        and "y(-2) = 4" in alt
        and "x^2" not in alt
        and "x**2" not in alt
    )


def test_plots_without_pyplot() -> None:
    code = (
        "import sys\nfrom pathlib import Path\n"
        "from quizengine.core.questions import generate, load_template_text\n"
        f"generate(load_template_text(Path({str(GRAPH_FILE)!r}).read_text()), 0)\n"
        "print('matplotlib.pyplot' in sys.modules, 'matplotlib' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["False", "True"]


def test_without_plots_figures_keep_their_alt_text() -> None:
    variant = generate(bank_template(GRAPH_ID), 2, plots=False)
    assert variant.plots == ()
    assert '<figure class="qe-plot" role="img" aria-label="Graph of f(x) = ' in variant.prompt_html
