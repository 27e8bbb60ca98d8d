"""Server-side graphs as deterministic SVG (matplotlib's SVG backend, never pyplot).

The same variant always gives byte-identical SVG: ``svg.hashsalt`` is fixed per plot, text stays
text (``svg.fonttype = 'none'``) and the date is left out of the metadata. Rendering costs
milliseconds, so finished SVG is kept in an LRU cache keyed by (template id, version, seed, plot
index) together with the plotted data itself, so an edited template can never be served a stale
picture. matplotlib's rcParams are global: a lock serialises rendering between threads.
"""

from __future__ import annotations

import html
import io
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

from quizengine.core.questions.numeric import NotNumeric, evaluate

__all__ = ["Plot", "PlotData", "default_alt", "figure_html", "render_svg", "sample_curves"]

SAMPLES = 301
_COLOURS = ("#1f5fa8", "#c2410c", "#15803d", "#7e22ce")
_LOCK = threading.Lock()
_CACHE: OrderedDict[tuple[Any, ...], str] = OrderedDict()
_CACHE_SIZE = 1024


@dataclass(frozen=True)
class Plot:
    """One finished graph: the SVG document and its alt text (both public)."""

    svg: str
    alt: str

    def to_dict(self) -> dict[str, str]:
        return {"svg": self.svg, "alt": self.alt}


@dataclass(frozen=True)
class PlotData:
    """What one plot shows for one variant: curves as SymPy expressions in ``variable``."""

    functions: tuple[sp.Expr, ...]
    labels: tuple[str, ...]
    x: tuple[float, float]
    y: tuple[float, float] | None
    variable: sp.Symbol


def sample_curves(data: PlotData) -> tuple[np.ndarray, list[np.ndarray]]:
    """x samples and one y array per function (NaN where undefined)."""
    xs = np.linspace(data.x[0], data.x[1], SAMPLES)
    curves = []
    for fn in data.functions:
        ys = np.broadcast_to(evaluate(fn, {data.variable: xs}), xs.shape).astype(float)
        curves.append(ys)
    return xs, curves


def _y_range(data: PlotData, curves: list[np.ndarray]) -> tuple[float, float]:
    if data.y is not None:
        return data.y
    finite = np.concatenate([c[np.isfinite(c)] for c in curves] or [np.zeros(1)])
    if finite.size == 0:
        return (-1.0, 1.0)
    low, high = np.percentile(finite, [2, 98])
    low, high = min(float(low), 0.0), max(float(high), 0.0)
    pad = 0.1 * (high - low) or 1.0
    return (low - pad, high + pad)


def _clip(ys: np.ndarray, low: float, high: float) -> np.ndarray:
    """Hide points far outside the window so poles don't draw vertical lines."""
    span = high - low
    out = np.array(ys, dtype=float)
    out[(out < low - span) | (out > high + span)] = np.nan
    jumps = np.abs(np.diff(out)) > span
    out[1:][jumps] = np.nan
    return out


def render_svg(data: PlotData, *, key: tuple[Any, ...], alt: str) -> str:
    """The SVG for ``data``, from the cache when this (key, data) was drawn before."""
    cache_key = (*key, data, alt)
    with _LOCK:
        if cache_key in _CACHE:
            _CACHE.move_to_end(cache_key)
            return _CACHE[cache_key]
        svg = _draw(data, salt=":".join(str(k) for k in key), alt=alt)
        _CACHE[cache_key] = svg
        if len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
        return svg


def _draw(data: PlotData, *, salt: str, alt: str) -> str:
    import matplotlib
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    xs, curves = sample_curves(data)
    low, high = _y_range(data, curves)
    with matplotlib.rc_context({"svg.hashsalt": salt, "svg.fonttype": "none", "font.size": 9}):
        fig = Figure(figsize=(4.0, 3.0), dpi=72)
        FigureCanvasSVG(fig)
        ax = fig.add_subplot()
        # Tick objects are most of matplotlib's drawing time: five per axis read well enough.
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
        ax.yaxis.set_major_locator(MaxNLocator(nbins=5))
        ax.axhline(0, color="#666666", linewidth=0.8)
        ax.axvline(0, color="#666666", linewidth=0.8)
        for i, ys in enumerate(curves):
            label = data.labels[i] if i < len(data.labels) else None
            ax.plot(
                xs,
                _clip(ys, low, high),
                color=_COLOURS[i % len(_COLOURS)],
                linewidth=2,
                label=label,
            )
        ax.set_xlim(*data.x)
        ax.set_ylim(low, high)
        ax.grid(True, linewidth=0.4, alpha=0.6)
        ax.set_xlabel(str(data.variable))
        if data.labels:
            ax.legend(loc="best", frameon=False)
        fig.subplots_adjust(left=0.12, right=0.97, bottom=0.13, top=0.97)
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    return _accessible(buffer.getvalue(), alt)


def _accessible(svg: str, alt: str) -> str:
    """Drop the XML prologue (the SVG is inlined in HTML) and add role, label and <title>."""
    start = svg.index("<svg")
    body = svg[start:]
    end = body.index(">")
    label = html.escape(alt, quote=True)
    return f'{body[:end]} role="img" aria-label="{label}"><title>{label}</title>{body[end + 1 :]}'


def default_alt(data: PlotData) -> str:
    """A neutral description with sampled values (never the formula, which may be the answer)."""
    try:
        xs = np.linspace(data.x[0], data.x[1], 5)
        samples = [
            np.broadcast_to(evaluate(fn, {data.variable: xs}), xs.shape) for fn in data.functions
        ]
    except NotNumeric:
        samples = []
    parts = []
    for i, ys in enumerate(samples):
        points = ", ".join(f"y({_fmt(x)}) = {_fmt(y)}" for x, y in zip(xs, ys, strict=True))
        name = data.labels[i] if i < len(data.labels) else f"curve {i + 1}"
        parts.append(f"{name}: {points}" if len(samples) > 1 else points)
    where = f"Graph for {data.variable} from {_fmt(data.x[0])} to {_fmt(data.x[1])}"
    return f"{where}; " + "; ".join(parts) if parts else where


def _fmt(value: float) -> str:
    return "undefined" if not np.isfinite(value) else f"{float(value) + 0.0:.3g}"


def figure_html(svg: str | None, alt: str) -> str:
    """The figure as HTML; without SVG (``plots=False``) a placeholder carrying the alt text."""
    label = html.escape(alt, quote=True)
    if svg is None:
        return f'<figure class="qe-plot" role="img" aria-label="{label}"></figure>'
    return f'<figure class="qe-plot">{svg}</figure>'
