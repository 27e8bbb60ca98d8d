"""quizengine: an adaptive exercise and quiz engine for multivariate calculus."""

__version__ = "0.1.0"
