"""The 19 quizzes of SYLLABUS.md as data: (id, week, title, skills)."""

from __future__ import annotations

SYLLABUS_QUIZZES: tuple[tuple[str, int, str, tuple[str, ...]], ...] = (
    ("w1-matching-functions-visually", 1, "Matching functions visually", ("function-graphs",)),
    ("w1-matching-derivative-graphs", 1,
     "Matching the graph of a function to the graph of its derivative", ("derivative-graphs",)),
    ("w1-differentiate-functions", 1, "Let's differentiate some functions",
     ("power-rule", "special-derivatives", "first-principles")),
    ("w1-product-rule", 1, "Practicing the product rule", ("product-rule",)),
    ("w1-chain-rule", 1, "Practicing the chain rule", ("chain-rule",)),
    ("w1-unleashing-the-toolbox", 1, "Unleashing the toolbox",
     ("product-rule", "chain-rule", "quotient-rule")),
    ("w2-partial-differentiation", 2, "Practicing partial differentiation",
     ("partial-derivative", "total-derivative")),
    ("w2-calculating-the-jacobian", 2, "Calculating the Jacobian", ("jacobian",)),
    ("w2-bigger-jacobians", 2, "Bigger Jacobians!", ("jacobian-matrix",)),
    ("w2-calculating-hessians", 2, "Calculating Hessians", ("hessian", "stationary-points")),
    ("w2-assessment-jacobians-hessians", 2, "Assessment: Jacobians and Hessians",
     ("jacobian", "jacobian-matrix", "hessian")),
    ("w3-multivariate-chain-rule", 3, "Multivariate chain rule exercise",
     ("multivariate-chain-rule",)),
    ("w3-simple-neural-networks", 3, "Simple Artificial Neural Networks", ("nn-forward",)),
    ("w3-training-neural-networks", 3, "Training Neural Networks", ("nn-backprop",)),
    ("w4-matching-approximations", 4, "Matching functions and approximations", ("taylor-graphs",)),
    ("w4-applying-taylor-series", 4, "Applying the Taylor series", ("taylor-1d",)),
    ("w4-taylor-special-cases", 4, "Taylor series – Special cases", ("taylor-1d", "taylor-error")),
    ("w4-2d-taylor-series", 4, "2D Taylor series", ("taylor-2d", "linearisation")),
    ("w4-taylor-assessment", 4, "Taylor Series Assessment",
     ("taylor-1d", "taylor-error", "taylor-2d")),
)

WEEK_TITLES = {
    1: "What is calculus?",
    2: "Multivariate calculus",
    3: "Multivariate chain rule and its applications",
    4: "Taylor series and linearisation",
}
