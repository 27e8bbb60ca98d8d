"""Answer checking: ``check(expected, answer, spec) -> Verdict``.

Modules: ``spec`` (AnswerSpec, Tolerance, Mistake, Verdict), ``check`` (the pipeline and the
cache), ``kinds`` (shapes: equations, inequalities, vectors, matrices, sets), ``equivalence``
(numeric-then-symbolic equality of expressions), ``evaluate`` (vectorised evaluation of SymPy
trees), ``sampling``, ``forms``, ``sigfigs``, ``numbers``, ``choice``, ``symbolic`` (the slow
tasks) and ``worker`` (the killable process pool that runs them under a deadline).
"""

from quizengine.core.checking.check import check, clear_cache
from quizengine.core.checking.spec import AnswerSpec, Mistake, Tolerance, Verdict
from quizengine.core.checking.worker import start as start_workers

__all__ = ["AnswerSpec", "Mistake", "Tolerance", "Verdict", "check", "clear_cache",
           "start_workers"]
