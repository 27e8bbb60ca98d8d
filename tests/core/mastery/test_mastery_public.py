"""The public surface of quizengine.core.mastery: names, frozen values, pure imports."""

import dataclasses
import json
import subprocess
import sys

import pytest

import quizengine.core.mastery as mastery


def test_all_names_exist_and_are_sorted_uniquely():
    assert len(set(mastery.__all__)) == len(mastery.__all__)
    for name in mastery.__all__:
        assert hasattr(mastery, name), name


@pytest.mark.parametrize(
    "cls", [mastery.BKTParams, mastery.SkillState, mastery.Choice, mastery.Item,
            mastery.EloRating, mastery.EloRatings, mastery.ReportRow],
)
def test_results_are_frozen_dataclasses(cls):
    assert dataclasses.is_dataclass(cls) and cls.__dataclass_params__.frozen


def test_mastery_imports_only_stdlib_and_numpy():
    code = (
        "import sys, json, quizengine.core.mastery\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(json.loads(out.stdout))
    assert not loaded & {"sympy", "flask", "sqlalchemy", "scipy", "pandas"}
