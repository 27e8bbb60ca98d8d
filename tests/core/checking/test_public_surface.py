"""The package's public names (docs/interfaces.md) and their hashability."""

from __future__ import annotations

import quizengine.core.checking as checking
from quizengine.core.checking import AnswerSpec, Mistake, Tolerance


def test_exports() -> None:
    assert {"check", "AnswerSpec", "Verdict", "Mistake", "Tolerance"} <= set(checking.__all__)
    for name in checking.__all__:
        assert hasattr(checking, name)


def test_spec_is_hashable_even_from_mutable_input() -> None:
    spec = AnswerSpec(variables=["x"], domain={"x": [0, 5]}, forms=["expanded"],  # type: ignore[arg-type]
                      tolerance=Tolerance(sigfigs=[3, 2]),  # type: ignore[arg-type]
                      mistakes=[Mistake("x", "no")])  # type: ignore[arg-type]
    same = AnswerSpec(variables=("x",), domain={"x": (0.0, 5.0)}, forms=("expanded",),
                      tolerance=Tolerance(sigfigs=(3, 2)), mistakes=(Mistake("x", "no"),))
    assert hash(spec) == hash(same) and spec == same
    assert spec.domain is not None and spec.domain["x"] == (0.0, 5.0)
