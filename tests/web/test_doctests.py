"""Run the doctests of web-side modules (pytest's doctest collection covers only the core)."""

import doctest

import pytest

from quizengine.services import variants
from quizengine.web import security


@pytest.mark.parametrize("module", [variants, security])
def test_doctests(module):
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
