"""Question templates: TOML schema, author language, deterministic variants, plots, self-tests.

>>> from quizengine.core.questions import load_template_text, generate  # doctest: +SKIP

Public surface (see docs/interfaces.md and question_bank/FORMAT.md):
``load_template_text``, ``load_bank`` -> ``Template``; ``generate(template, seed)`` -> ``Variant``
(with ``VariantPart``, ``Choice``, ``Plot``); ``grade_part``; ``validate_template``,
``count_distinct_variants``; ``AUTHOR_FUNCTIONS`` (the author whitelist for the parser).
"""

from quizengine.core.questions.author import AUTHOR_FUNCTIONS
from quizengine.core.questions.generation import generate
from quizengine.core.questions.loader import load_bank, load_template_text
from quizengine.core.questions.model import Choice, Template, Variant, VariantPart
from quizengine.core.questions.plots import Plot
from quizengine.core.questions.selftest import (
    count_distinct_variants,
    grade_part,
    validate_template,
)

__all__ = [
    "AUTHOR_FUNCTIONS",
    "Choice",
    "Plot",
    "Template",
    "Variant",
    "VariantPart",
    "count_distinct_variants",
    "generate",
    "grade_part",
    "load_bank",
    "load_template_text",
    "validate_template",
]
