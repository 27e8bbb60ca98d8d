"""Checking tests that read text need the parser; skip them until it exists."""

from __future__ import annotations

import pytest


@pytest.fixture
def needs_parser() -> None:
    parsing = pytest.importorskip("quizengine.core.parsing")
    if not hasattr(parsing, "parse"):
        pytest.skip("quizengine.core.parsing.parse is not available yet")
