"""The public surface of quizengine.core.questions, and FORMAT.md's example matching its file."""

from __future__ import annotations

import re
from pathlib import Path

import quizengine.core.questions as questions

ROOT = Path(__file__).resolve().parents[3]


def test_all_is_exactly_the_public_surface() -> None:
    public = {name for name in dir(questions) if not name.startswith("_")}
    modules = {name for name in public if type(getattr(questions, name)).__name__ == "module"}
    assert set(questions.__all__) == public - modules
    assert {
        "Template",
        "Variant",
        "VariantPart",
        "Choice",
        "Plot",
        "load_template_text",
        "load_bank",
        "generate",
        "grade_part",
        "validate_template",
        "count_distinct_variants",
    } <= set(questions.__all__)


def test_format_full_example_is_the_example_file() -> None:
    text = (ROOT / "question_bank" / "FORMAT.md").read_text()
    match = re.search(
        r"`question_bank/week1/w1-chain-rule/(.+?\.toml)`:\n\n```toml\n(.*?)```", text, re.S
    )
    assert match is not None
    assert (
        ROOT / "question_bank" / "week1" / "w1-chain-rule" / match.group(1)
    ).read_text() == match.group(2)
