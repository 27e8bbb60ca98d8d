"""The skill graph of SYLLABUS.md as data: which skills must be mastered before which.

``SKILLS`` lists the syllabus skills in syllabus order (the order the course teaches them).
``PREREQUISITES`` maps every skill to its direct prerequisites; ``EDGE_NOTES`` says why each edge
exists (one entry per edge, checked by the tests). Only direct edges are written down; transitive
ones follow (e.g. hessian needs partial-derivative through jacobian-matrix and jacobian).

The edges and why:

- function-graphs -> derivative-graphs: the slope graph of f is read off the graph of f.
- derivative-graphs -> first-principles: rise over run on a graph is the limit definition's start.
- derivative-graphs -> taylor-graphs: matching approximations means comparing slopes and curvature.
- power-rule -> special-derivatives: e^x, sin, cos, 1/x are differentiated beside polynomials.
- special-derivatives -> product-rule, chain-rule: the factors and links are those functions.
- product-rule, chain-rule -> quotient-rule: the course writes u/v as u * v^-1 (chain rule).
- product-rule, chain-rule -> partial-derivative: a partial derivative is single-variable rules
  applied with the other variables held fixed.
- partial-derivative, chain-rule -> total-derivative: df/dt adds the partials along a path.
- partial-derivative -> jacobian: the Jacobian row is the vector of partial derivatives.
- jacobian -> jacobian-matrix -> hessian -> stationary-points: each builds on the previous one
  (a matrix of rows, the Jacobian of the gradient, classification by the Hessian).
- total-derivative, jacobian -> multivariate-chain-rule: df/dt = ∂f/∂x · dx/dt as Jacobian products.
- function-graphs -> nn-forward: activations (σ, tanh) are functions evaluated layer by layer.
- multivariate-chain-rule, nn-forward -> nn-backprop: backpropagation is the multivariate chain
  rule through a forward pass.
- power-rule, special-derivatives -> taylor-1d: coefficients are repeated derivatives of x^n,
  e^x, cos x, ln(1+x).
- taylor-1d -> taylor-error, taylor-2d, linearisation: truncation order and the 2D series extend
  the 1D series; a linearisation is its first-order truncation.
- jacobian, hessian -> taylor-2d: the 2D series uses the gradient and the Hessian.
- jacobian -> linearisation: the linear term is the Jacobian. Linearisation does *not* wait for
  taylor-2d: it is the first-order part only, so asking for the Hessian first would hold learners
  back. Both come after taylor-1d, so the syllabus order stays a topological order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

__all__ = [
    "EDGE_NOTES",
    "PREREQUISITES",
    "SKILLS",
    "SKILL_TITLES",
    "prerequisites_closure",
    "topological_order",
    "validate_graph",
]

SKILLS: tuple[str, ...] = (
    "function-graphs", "derivative-graphs", "power-rule", "special-derivatives",
    "first-principles", "product-rule", "chain-rule", "quotient-rule",
    "partial-derivative", "total-derivative", "jacobian", "jacobian-matrix", "hessian",
    "stationary-points", "multivariate-chain-rule", "nn-forward", "nn-backprop",
    "taylor-graphs", "taylor-1d", "taylor-error", "taylor-2d", "linearisation",
)  # fmt: skip

SKILL_TITLES: dict[str, str] = {
    "function-graphs": "function graphs", "derivative-graphs": "derivative graphs",
    "power-rule": "power rule", "special-derivatives": "special derivatives",
    "first-principles": "first principles", "product-rule": "product rule",
    "chain-rule": "chain rule", "quotient-rule": "quotient rule",
    "partial-derivative": "partial derivatives", "total-derivative": "total derivative",
    "jacobian": "Jacobian", "jacobian-matrix": "Jacobian matrices", "hessian": "Hessian",
    "stationary-points": "stationary points", "multivariate-chain-rule": "multivariate chain rule",
    "nn-forward": "neural network forward pass", "nn-backprop": "backpropagation",
    "taylor-graphs": "Taylor approximation graphs", "taylor-1d": "Taylor series",
    "taylor-error": "Taylor truncation error", "taylor-2d": "2D Taylor series",
    "linearisation": "linearisation",
}  # fmt: skip
"""How a skill is named in the reasons and reports shown to learners."""

_SAME_FUNCTIONS = "the factors and links are the special functions"
EDGE_NOTES: dict[tuple[str, str], str] = {
    ("function-graphs", "derivative-graphs"): "the slope graph of f is read off the graph of f",
    ("derivative-graphs", "first-principles"): "rise over run starts the limit definition",
    ("derivative-graphs", "taylor-graphs"): "matching approximations compares slope, curvature",
    ("power-rule", "special-derivatives"): "special functions are differentiated beside x^n",
    ("special-derivatives", "product-rule"): _SAME_FUNCTIONS,
    ("special-derivatives", "chain-rule"): _SAME_FUNCTIONS,
    ("product-rule", "quotient-rule"): "the course writes a quotient as u * v^-1",
    ("chain-rule", "quotient-rule"): "v^-1 is differentiated by the chain rule",
    ("product-rule", "partial-derivative"): "partials apply single-variable rules",
    ("chain-rule", "partial-derivative"): "partials apply single-variable rules",
    ("partial-derivative", "total-derivative"): "df/dt adds partials along a path",
    ("chain-rule", "total-derivative"): "each path term is a chain-rule product",
    ("partial-derivative", "jacobian"): "the Jacobian row is the vector of partials",
    ("jacobian", "jacobian-matrix"): "a Jacobian matrix stacks Jacobian rows",
    ("jacobian-matrix", "hessian"): "the Hessian is the Jacobian of the gradient",
    ("hessian", "stationary-points"): "stationary points are classified by the Hessian",
    ("total-derivative", "multivariate-chain-rule"): "the chain rule generalises df/dt",
    ("jacobian", "multivariate-chain-rule"): "the chain is a product of Jacobians",
    ("function-graphs", "nn-forward"): "activations are functions evaluated layer by layer",
    ("multivariate-chain-rule", "nn-backprop"): "backprop is the chain rule through the net",
    ("nn-forward", "nn-backprop"): "backprop runs through a forward pass",
    ("power-rule", "taylor-1d"): "coefficients are repeated derivatives of x^n",
    ("special-derivatives", "taylor-1d"): "Maclaurin series of e^x, cos x, ln(1+x)",
    ("taylor-1d", "taylor-error"): "the error is the first dropped term",
    ("taylor-1d", "taylor-2d"): "the 2D series extends the 1D series",
    ("jacobian", "taylor-2d"): "the first-order term is the gradient",
    ("hessian", "taylor-2d"): "the second-order term is the Hessian",
    ("taylor-1d", "linearisation"): "a linearisation is the first-order truncation",
    ("jacobian", "linearisation"): "the linear term is the Jacobian",
}


def _build_prerequisites() -> dict[str, tuple[str, ...]]:
    needs: dict[str, list[str]] = {skill: [] for skill in SKILLS}
    for before, after in EDGE_NOTES:
        needs[after].append(before)
    return {skill: tuple(sorted(pre, key=SKILLS.index)) for skill, pre in needs.items()}


PREREQUISITES: dict[str, tuple[str, ...]] = _build_prerequisites()
"""skill -> its direct prerequisites (in syllabus order); built from ``EDGE_NOTES``."""


def validate_graph(graph: Mapping[str, Iterable[str]]) -> None:
    """Raise ``ValueError`` when a prerequisite is not itself a skill or the graph has a cycle.

    >>> validate_graph({"a": (), "b": ("a",)})
    >>> validate_graph({"a": ("b",), "b": ("a",)})
    Traceback (most recent call last):
    ...
    ValueError: skill graph has a cycle through: a, b
    """
    for skill, pres in graph.items():
        missing = [p for p in pres if p not in graph]
        if missing:
            raise ValueError(f"{skill} needs unknown skills: {', '.join(missing)}")
    topological_order(graph)


def topological_order(graph: Mapping[str, Iterable[str]]) -> tuple[str, ...]:
    """Every skill after its prerequisites; ties keep the graph's own (syllabus) order.

    >>> topological_order({"b": ("a",), "a": (), "c": ()})
    ('a', 'b', 'c')
    """
    remaining = {skill: set(pres) for skill, pres in graph.items()}
    order: list[str] = []
    while remaining:
        ready = [s for s, pres in remaining.items() if not pres & remaining.keys()]
        if not ready:
            raise ValueError(f"skill graph has a cycle through: {', '.join(sorted(remaining))}")
        nxt = ready[0]
        order.append(nxt)
        del remaining[nxt]
    return tuple(order)


def prerequisites_closure(skill: str, graph: Mapping[str, Iterable[str]]) -> frozenset[str]:
    """All skills needed before ``skill``, directly or through other skills."""
    seen: set[str] = set()
    stack = list(graph.get(skill, ()))
    while stack:
        pre = stack.pop()
        if pre not in seen:
            seen.add(pre)
            stack.extend(graph.get(pre, ()))
    return frozenset(seen)
