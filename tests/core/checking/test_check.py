"""``check()`` end to end on student text: every kind, forms, mistakes, tolerance, cache."""

from __future__ import annotations

import importlib

import pytest
import sympy as sp

from quizengine.core.checking import AnswerSpec, Mistake, Tolerance, Verdict, check, clear_cache

check_impl = importlib.import_module("quizengine.core.checking.check")

pytestmark = pytest.mark.usefixtures("needs_parser")
x = sp.Symbol("x")


@pytest.mark.parametrize(
    ("expected", "answer", "verdict"),
    [
        ("2*x*cos(x^2)", "2x cos(x^2)", "correct"),
        ("(x+1)^2", "x^2 + 2x + 1", "correct"),
        ("e^x", "2.71828^x", "incorrect"),
        ("1/3", "0.3333", "incorrect"),
        ("(0.8-1)^2", "0.04", "correct"),
        ("sqrt(x^2)", "x", "incorrect"),
        ("sin(pi*x)", "0", "incorrect"),
        ("1/x", "x^(-1)", "correct"),
        (sp.sin(x) ** 2, "1 - cos(x)^2", "correct"),
        ("x^2", "x^", "invalid"),
        ("x^2", "", "invalid"),
        ("x^2", "y^2", "invalid"),  # y is not a variable of this question
        ("exp(72)", "1 + exp(72)", "incorrect"),  # beyond float64: settled with more digits
        ("sqrt(x-3)*sqrt(x-5)", "sqrt((x-3)*(x-5))", "incorrect"),  # different natural domains
        ("(x^2-1)/(x-1)", "x+1", "correct"),
        ("0", "round(0.5)", "correct"),  # Maxima's round: half to even
        ("2", "round(2.5)", "correct"),
        ("round(x) + 1", "1 + round(x)", "correct"),
        ("(x-4*a)^6000", "(4*a-x)^6000", "correct"),
        ("(x-4*a)^6000", "(4*a-x)^6000 + 1", "incorrect"),
    ],
)
def test_expressions(expected: object, answer: str, verdict: str) -> None:
    assert check(expected, answer).verdict == verdict


def test_invalid_answer_has_message_caret_and_code() -> None:
    v = check("x^2", "(x+1")
    assert v.verdict == "invalid" and v.score == 0.0 and v.code not in ("correct", "incorrect")
    assert v.feedback and v.interpreted == ""


def test_domain_decides_sqrt_of_square() -> None:
    spec = AnswerSpec(domain={"x": (0, 5)})
    assert check("sqrt(x^2)", "x", spec).verdict == "correct"


@pytest.mark.parametrize(
    ("expected", "answer", "verdict"),
    [
        ("y = 2x + 1", "2x - y + 1 = 0", "correct"),
        ("y = 2x + 1", "y = 2x - 1", "incorrect"),
        ("x = 2", "(x-2)^2 = 0", "incorrect"),
        ("x = 1", "1", "incorrect"),
        # Disjunctions: the solution set of e1 or e2 is that of (l1-r1)(l2-r2) = 0.
        ("x = 1 or x = 2", "x = 2 or x = 1", "correct"),
        ("x = 1 or x = 2", "x^2 - 3x + 2 = 0", "correct"),
        ("x^2 = 2", "x = sqrt(2) or x = -sqrt(2)", "correct"),
        ("x = 1 or x = 2", "x = 1 or x = 1 or x = 2", "correct"),  # a repeat says nothing new
        ("x = 1 or y = 2", "y = 2 or x = 1", "correct"),
        ("x = 1 or x = 2", "x = 1", "incorrect"),
        ("x = 1 or x = 2", "x = 1 or x = 3", "incorrect"),
        ("x = 1 or x = 2", "(x-1)^2 = 0 or x = 2", "incorrect"),  # multiplicity, as for x = 2
        ("(x-y)*(x+y) = 0", "abs(x) = abs(y)", "correct"),
    ],
)
def test_equations(expected: str, answer: str, verdict: str) -> None:
    assert check(expected, answer, AnswerSpec(kind="equation")).verdict == verdict


@pytest.mark.parametrize(
    ("expected", "answer", "verdict"),
    [("x > 1", "1 < x", "correct"), ("x > 1", "x >= 1", "incorrect"),
     ("abs(x) <= 3", "x^2 <= 9", "correct")],
)
def test_inequalities(expected: str, answer: str, verdict: str) -> None:
    assert check(expected, answer, AnswerSpec(kind="inequality")).verdict == verdict


def test_vectors_and_matrices() -> None:
    assert check("[1, 2x]", "[1, x+x]", AnswerSpec(kind="vector")).verdict == "correct"
    assert check("[1, 2]", "[[1], [2]]", AnswerSpec(kind="vector")).verdict == "correct"
    col = AnswerSpec(kind="vector", forms=("row",))
    assert check("[1, 2]", "[[1], [2]]", col).verdict == "incorrect"
    short = check("[1, 2, 3]", "[1, 2]", AnswerSpec(kind="vector"))
    assert (short.verdict, short.code) == ("incorrect", "shape")
    m = check("[[1,2],[3,4]]", "[[1,0],[0,4]]", AnswerSpec(kind="matrix"))
    assert (m.verdict, m.score, m.feedback) == ("incorrect", 0.5,
                                                "entries (1,2) and (2,1) are not right")
    shape = check("[[1,2],[3,4]]", "[[1,2,3],[3,4,5]]", AnswerSpec(kind="matrix"))
    assert shape.feedback == "expected a 2×2 matrix, you gave 2×3"


def test_sets() -> None:
    assert check("{1, 2}", "{2, 1}", AnswerSpec(kind="set")).verdict == "correct"
    assert check("{1, 2}", "{2, 1, 2}", AnswerSpec(kind="set")).verdict == "correct"
    part = check("{1, 2, 3}", "{1, 2, 4}", AnswerSpec(kind="set"))
    assert part.verdict == "incorrect" and part.score == pytest.approx(2 / 3)


@pytest.mark.parametrize(
    ("expected", "answer", "tolerance", "verdict"),
    [
        ("pi", "3.14", Tolerance(rel=0.001), "correct"),
        ("pi", "3.14", Tolerance(abs=0.001), "incorrect"),
        ("pi", "3.142", Tolerance(sigfigs=4), "correct"),
        ("pi", "3.141", Tolerance(sigfigs=4), "incorrect"),
        ("10", "9.8", Tolerance(sigfigs=2), "correct"),
        ("3.1415927", "3.143", Tolerance(sigfigs=(4, 3)), "correct"),
        ("1/7", "0.14285", Tolerance(sigfigs=(4, -1)), "correct"),
        ("0", "0.0010", Tolerance(sigfigs=(2, 0)), "correct"),
        ("pi", "pi", Tolerance(sigfigs=4), "incorrect"),
    ],
)
def test_numeric(expected: str, answer: str, tolerance: Tolerance, verdict: str) -> None:
    spec = AnswerSpec(kind="numeric", tolerance=tolerance)
    assert check(expected, answer, spec).verdict == verdict


def test_bad_spec_is_invalid_not_an_exception() -> None:
    v = check("1", "1", AnswerSpec(kind="numeric", tolerance=Tolerance(sigfigs=(1, 2, 3))))  # type: ignore[arg-type]
    assert (v.verdict, v.code) == ("invalid", "spec")
    assert check("1/0", "1").code == "spec"


@pytest.mark.parametrize(
    ("form", "answer", "code"),
    [("expanded", "x^2 + 2x + 1", "correct"), ("expanded", "(x+1)^2", "form:expanded"),
     ("factored", "(x+1)^2", "correct"), ("factored", "x^2 + 2x + 1", "form:factored")],
)
def test_forms(form: str, answer: str, code: str) -> None:
    v = check("(x+1)^2", answer, AnswerSpec(forms=(form,)))
    assert v.code == code
    if code != "correct":
        assert v.verdict == "incorrect" and v.score == 0 and "equivalent, but not" in v.feedback


def test_mistakes_give_targeted_feedback() -> None:
    spec = AnswerSpec(mistakes=(Mistake("cos(x^2)", "use the chain rule", "chain"),))
    v = check("2*x*cos(x^2)", "cos(x^2)", spec)
    assert (v.verdict, v.feedback, v.code) == ("incorrect", "use the chain rule", "mistake:chain")
    assert check("2*x*cos(x^2)", "sin(x^2)", spec).code == "incorrect"


def test_choice() -> None:
    spec = AnswerSpec(kind="choice", choices=("a", "b", "c"))
    assert check("b", "b", spec).verdict == "correct"
    assert check("a,c", "c, a", spec).verdict == "correct"
    assert check("b", "a", spec).verdict == "incorrect"
    assert check("b", "z", spec).verdict == "invalid"


def test_timeout_is_invalid_never_incorrect() -> None:
    from quizengine.core.checking import start_workers

    start_workers()
    slow = sp.Integral(sp.exp(-(x**2)) * sp.sin(x) ** 7 * sp.log(x) / (1 + x**4), x)
    v = check(slow, "0", AnswerSpec(variables=("x",), timeout=0.05))
    assert (v.verdict, v.code, v.score) == ("invalid", "timeout", 0.0)
    assert "not marked wrong" in v.feedback


def test_cache_returns_the_same_verdict_and_can_be_cleared(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_cache()
    first = check("x^2 + 1", "1 + x^2")
    calls: list[object] = []
    monkeypatch.setattr(check_impl, "_check", lambda *a: calls.append(a))
    assert check("x^2 + 1", "1 + x^2") is first and not calls
    monkeypatch.undo()
    clear_cache()
    assert check("x^2 + 1", "1 + x^2") == first


def test_verdict_to_dict_round_trip() -> None:
    d = check("x", "x").to_dict()
    assert d["verdict"] == "correct" and Verdict(**{**d, "notes": tuple(d["notes"])}).score == 1.0


def test_wrong_disjunction_earns_the_share_of_matching_equations() -> None:
    v = check("x = 1 or x = 2", "x = 1 or x = 3", AnswerSpec(kind="equation"))
    assert (v.verdict, v.score, v.code) == ("incorrect", 0.5, "equation")
    assert "missing" in v.feedback


@pytest.mark.parametrize(
    ("expected", "answer", "verdict", "score"),
    [
        ("[1, 2 < x]", "[1, x > 2]", "correct", 1.0),  # an inequality entry as an inequality
        ("[1, x > 2]", "[1, x >= 2]", "incorrect", 0.5),
        ("[1, 2, [2-x < 0, {1, 2}]]", "[1, 2, [2-x < 0, {1, 2, 2, 2, 1, 3}]]", "incorrect", 2 / 3),
        ("[1, x > 2]", "[1, x > 2, 3]", "incorrect", 0.0),
        ("{4 < x, 1}", "{1, x > 4}", "correct", 1.0),
        ("1 = 2", "[]", "incorrect", 0.0),  # the empty list is not an equation: a type mismatch
        ("[]", "[]", "correct", 1.0),
    ],
)
def test_lists_and_relations_in_sets(expected: str, answer: str, verdict: str,
                                     score: float) -> None:
    v = check(expected, answer)
    assert (v.verdict, v.score) == (verdict, pytest.approx(score))
