"""Malformed templates fail to load with a TemplateError that names the field."""

from __future__ import annotations

import pytest

from quizengine.core.errors import TemplateError
from quizengine.core.questions import load_template_text
from quizengine.core.questions.schema_params import RESERVED, reserved_names_markdown

from .helpers import BANK, MINIMAL, replace

CASES = [
    # (description, old, new, words the message must contain)
    ("not TOML", "version = 1", "version = = 1", ["not valid TOML"]),
    ("missing id", 'id = "w1-chain-rule/minimal"\n', "", ["id", "required"]),
    ("bad id", '"w1-chain-rule/minimal"', '"Chain Rule"', ["id", "<quiz-id>/<slug>"]),
    ("quiz differs from id", 'quiz = "w1-chain-rule"', 'quiz = "w2-other"', ["quiz", "before '/'"]),
    ("version not int", "version = 1", 'version = "1"', ["version", "whole number"]),
    ("version zero", "version = 1", "version = 0", ["version", "between"]),
    (
        "difficulty out of range",
        "difficulty = 1",
        "difficulty = 4",
        ["difficulty", "between 1 and 3"],
    ),
    ("skills empty", 'skills = ["chain-rule"]', "skills = []", ["skills", "at least one"]),
    (
        "skills not strings",
        'skills = ["chain-rule"]',
        "skills = [1]",
        ["skills", "list of strings"],
    ),
    ("title missing", 'title = "Minimal"\n', "", ["title", "required"]),
    (
        "prompt missing",
        "prompt = '''Differentiate \\(f(x) = {{ f }}\\).'''\n",
        "",
        ["prompt", "required"],
    ),
    (
        "unknown top key",
        "difficulty = 1",
        'difficulty = 1\ncolour = "red"',
        ["colour", "unknown key"],
    ),
    ("param without kind", "a = { int = [2, 9] }", "a = { low = 2 }", ["params.a", "one kind key"]),
    (
        "param two kinds",
        "a = { int = [2, 9] }",
        "a = { int = [2, 9], decimal = [0, 1] }",
        ["params.a", "exactly one"],
    ),
    (
        "param bad range",
        "a = { int = [2, 9] }",
        "a = { int = [9, 2] }",
        ["params.a.int", "empty range"],
    ),
    (
        "param range not ints",
        "a = { int = [2, 9] }",
        "a = { int = [2, 9.5] }",
        ["params.a.int", "whole numbers"],
    ),
    (
        "everything excluded",
        "a = { int = [2, 9] }",
        "a = { int = [2, 2], exclude = [2] }",
        ["params.a.exclude", "every value"],
    ),
    (
        "reserved param name",
        "a = { int = [2, 9] }",
        "x = { int = [2, 9] }",
        ["params.x", "reserved"],
    ),
    (
        "function name as param",
        "a = { int = [2, 9] }",
        "diff = { int = [2, 9] }",
        ["params.diff", "reserved"],
    ),
    ("bad param name", "a = { int = [2, 9] }", '"2a" = { int = [2, 9] }', ["params.2a", "letters"]),
    ("duplicate name", 'fp = "diff(f, x)"', 'a = "diff(f, x)"', ["derived.a", "twice"]),
    ("derived not a string", 'fp = "diff(f, x)"', "fp = 3", ["derived.fp", "author expression"]),
    (
        "matrix too big",
        "a = { int = [2, 9] }",
        "a = { matrix = [5, 5], entries = [0, 3] }",
        ["params.a.matrix", "each 1..4"],
    ),
    (
        "unknown part kind",
        'kind = "expression"',
        'kind = "expresion"',
        ["parts[0].kind", "unknown kind 'expresion'"],
    ),
    ("part without answer", 'answer = "fp"\n', "", ["parts[0].answer", "required"]),
    (
        "bad part weight",
        'answer = "fp"',
        'answer = "fp"\nweight = 0',
        ["parts[0].weight", "positive"],
    ),
    (
        "bad tolerance",
        'answer = "fp"',
        'answer = "fp"\ntolerance = { rel = "big" }',
        ["parts[0].tolerance.rel"],
    ),
    (
        "tolerance unknown key",
        'answer = "fp"',
        'answer = "fp"\ntolerance = { near = 1 }',
        ["parts[0].tolerance"],
    ),
    (
        "bad domain",
        'answer = "fp"',
        'answer = "fp"\ndomain = { x = [2, 1] }',
        ["parts[0].domain.x", "empty range"],
    ),
    (
        "test without answer or text",
        'answer = "expected"\nexpect',
        "expect",
        ["parts[0].tests[0]", "exactly one"],
    ),
    (
        "bad expect",
        'expect = "correct"',
        'expect = "right"',
        ["parts[0].tests[0].expect", "correct, incorrect, invalid"],
    ),
    (
        "mistake without feedback",
        "feedback = 'Multiply by \\({{ a }}\\).'\n",
        "",
        ["parts[0].mistakes[0].feedback", "required"],
    ),
    (
        "unknown part key",
        'variables = ["x"]',
        'variables = ["x"]\nvariable = ["x"]',
        ["parts[0].variable", "unknown key"],
    ),
    (
        "choice with one option",
        'kind = "expression"\nanswer = "fp"',
        'kind = "choice"\n[[parts.options]]\nexpr = "1"\ncorrect = true\n'
        '[[parts]]\nid="b"\nkind="expression"\nanswer = "fp"',
        ["parts[0].options", "at least two"],
    ),
    (
        "options on non-choice",
        'expect = "correct"\n',
        'expect = "correct"\n[[parts.options]]\nexpr = "1"\n',
        ["parts[0].options", "only choice parts"],
    ),
    (
        "verify bad kind",
        'answer = "fp"',
        'answer = "fp"\nverify = { kind = "integral", of = "f", wrt = "x" }',
        ["parts[0].verify.kind", "unknown verify kind"],
    ),
    (
        "verify at missing var",
        'answer = "fp"',
        'answer = "fp"\nverify = { kind = "derivative", of = "f", wrt = "x", at = { y = "1" } }',
        ["parts[0].verify.at"],
    ),
    ("jinja syntax", "{{ f }}\\).'''", "{{ f \\).'''", ["prompt", "template syntax"]),
    (
        "plot without x",
        "[[parts]]",
        '[[plots]]\nfunctions = ["f"]\n\n[[parts]]',
        ["plots[0].x", "required"],
    ),
    (
        "solution inside a table",
        "[derived]",
        "[derived]\nsolution = 'late'",
        ["derived.solution", "before the first [table]"],
    ),
]


@pytest.mark.parametrize(("old", "new", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_malformed_template_names_the_field(old: str, new: str, words: list[str]) -> None:
    with pytest.raises(TemplateError) as caught:
        load_template_text(replace(MINIMAL, old, new))
    for word in words:
        assert word in caught.value.message, caught.value.message


def test_minimal_template_loads() -> None:
    template = load_template_text(MINIMAL)
    assert (template.id, template.version, template.quiz, template.skills, template.difficulty) == (
        "w1-chain-rule/minimal",
        1,
        "w1-chain-rule",
        ("chain-rule",),
        1,
    )
    assert template.summary()["title"] == "Minimal"
    assert template.source == MINIMAL


def test_template_without_parts() -> None:
    text = MINIMAL[: MINIMAL.index("[[parts]]")]
    with pytest.raises(TemplateError, match="parts: a template needs at least one"):
        load_template_text(text)


def test_format_md_lists_every_reserved_name() -> None:
    # the block in FORMAT.md is generated from RESERVED; paste reserved_names_markdown() to update
    text = (BANK / "FORMAT.md").read_text(encoding="utf-8")
    block = text.split("<!-- reserved-names:")[1].split("<!-- /reserved-names -->")[0]
    assert block.split("-->\n", 1)[1].strip() == reserved_names_markdown()
    for name in RESERVED:
        assert f"`{name}`" in block, name
        params = replace(MINIMAL, "a = { int = [2, 9] }", f"{name} = {{ int = [2, 9] }}")
        with pytest.raises(TemplateError, match=f"params.{name}: '{name}' is reserved"):
            load_template_text(params)
