"""Template authoring cannot run code, reach Python objects, or hang the server.

Each case is a minimal TOML template (question_bank/FORMAT.md) whose derived values, answers,
params, constraints, plots or text try an escape (``__import__``, attribute access, dunders,
``eval``), a huge computation, or a Jinja sandbox escape. It must be refused (``TemplateError``
at load or generation, and failure messages from ``validate_template``) or render harmlessly.

Every case runs in a child process under a CPU-time limit (CPU seconds do not stretch on a
busy machine as wall time does) and an address-space limit: a hang or a memory bomb kills the
child and fails the test instead of freezing or swapping the suite. That is a correctness
bound, not a timing assertion: a refusal costs about one CPU second, import included.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CPU_SECONDS = 10
MEMORY_BYTES = 1536 * 2 ** 20
SENTINEL = Path(tempfile.gettempdir()) / "pwned_qe_author_language"

RUNNER = f"""
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_BYTES}, {MEMORY_BYTES}))
from quizengine.core.errors import TemplateError
from quizengine.core.questions import generate, load_template_text, validate_template

def one(source):
    out = {{}}
    try:
        template = load_template_text(source)
        try:
            variant = generate(template, 0)
            out["text"] = " ".join([variant.prompt_html, variant.solution_html, *variant.hints,
                                    *(p.prompt_html for p in variant.parts),
                                    *(str(p.expected) for p in variant.parts)])
        except TemplateError as exc:
            out["refused"] = exc.message
        out["failures"] = validate_template(template, seeds=2)
    except TemplateError as exc:
        out["refused"] = exc.message
    except BaseException as exc:  # what escaped the template machinery is the finding
        out["crash"] = type(exc).__name__ + ": " + str(exc)[:300]
    return out

for source in json.load(sys.stdin):
    used = resource.getrusage(resource.RUSAGE_SELF)
    limit = int(used.ru_utime + used.ru_stime) + {CPU_SECONDS}
    hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
    resource.setrlimit(resource.RLIMIT_CPU, (limit, hard))  # this case's budget (SIGXCPU)
    print(json.dumps(one(source)), flush=True)
"""


HEADER = """id = "w1-chain-rule/security-probe"
version = 1
title = "security probe"
quiz = "w1-chain-rule"
skills = ["chain-rule"]
difficulty = 1
prompt = {prompt}
hints = [{hint}]
solution = {solution}

[params]
a = {{ int = [2, 40] }}
{params}
[derived]
f = "a*x^2"
{derived}
[constraints]
{constraints}
"""
PART = """
[[parts]]
id = "a"
kind = "expression"
answer = {answer}
variables = ["x"]
{extra}
"""


def template(*, prompt: str = r"Differentiate \({{ f }}\).", hint: str = "Use the power rule.",
             solution: str = r"\({{ fp }}\)", params: str = "", derived: str = "",
             constraints: str = "", answer: str = "fp", extra: str = "",
             tail: str = "") -> str:
    """A valid template (fp = diff(f, x)) with one field replaced by an attack."""
    quoted = {k: json.dumps(v) for k, v in
              (("prompt", prompt), ("hint", hint), ("solution", solution), ("answer", answer))}
    head = HEADER.format(prompt=quoted["prompt"], hint=quoted["hint"],
                         solution=quoted["solution"], params=params,
                         derived='fp = "diff(f, x)"\n' + derived, constraints=constraints)
    return head + PART.format(answer=quoted["answer"], extra=extra) + tail


def run_all(sources: list[str]) -> list[dict[str, Any]]:
    """Load, generate seed 0 and validate each source in a limited child (one child for the
    lot; a case that is killed is reported as such and the child restarts after it)."""
    reports: list[dict[str, Any]] = []
    while len(reports) < len(sources):
        todo = sources[len(reports):]
        proc = subprocess.run([sys.executable, "-c", RUNNER], input=json.dumps(todo),
                              capture_output=True, text=True, timeout=900, cwd=ROOT, check=False)
        reports += [json.loads(line) for line in proc.stdout.splitlines()
                    if line.startswith("{")][:len(todo)]
        if proc.returncode != 0 and len(reports) < len(sources):
            reports.append({"killed": f"exit {proc.returncode}: over {CPU_SECONDS} CPU seconds "
                                      f"or {MEMORY_BYTES >> 20} MB? {proc.stderr[-300:]}"})
    return reports


def run(source: str) -> dict[str, Any]:
    return run_all([source])[0]


def failures_of(cases: list[tuple[str, str]], field: str | None) -> list[str]:
    """Run every (name, source) case; the names and reports of those not refused/harmless."""
    bad = []
    for (name, _), report in zip(cases, run_all([source for _, source in cases]), strict=True):
        try:
            assert_refused_or_harmless(report, field or name)
        except AssertionError:
            bad.append(f"{name}: {report}")
    return bad


LEAKS = ("<class", "<module", "<function", "<built-in", "<bound", " object at 0x", "__",
         "subclasses", "globals", "environ", "SECRET")


def assert_refused_or_harmless(report: dict[str, Any], field: str) -> None:
    """Refused with a message naming ``field`` (at load, or at generation and validation),
    or generated with nothing of Python's internals in the text."""
    assert "killed" not in report and "crash" not in report, report
    if "refused" in report:
        assert field in report["refused"], report
        if "failures" in report:  # refused at generation: validation must say so too
            assert report["failures"], report
            assert all(field in f or "distinct variants" in f for f in report["failures"]), \
                report
    else:
        assert not any(leak in report["text"] for leak in LEAKS), report
    assert not SENTINEL.exists()


def test_the_probe_template_itself_is_valid() -> None:
    """The control: without an attack the template loads, generates and validates cleanly."""
    report = run(template())
    assert report == {"text": report.get("text"), "failures": []}, report
    assert "x^{2}" in report["text"]


EXPRESSION_ATTACKS = [
    f"__import__('os').system('touch {SENTINEL}')",
    "__import__(os)",
    "x.__class__",
    "f.func",
    "f.subs(x, 1)",
    "__class__",
    "__builtins__",
    "eval(x)",
    "exec(x)",
    "getattr(f, x)",
    "globals()",
    "lambda x: x",
    "open(x)",
    "sympify(x)",
    "S(x)",
    "lambdify(x, f)",
    "Symbol(x)",
    "diff(x^2, x, 1000)",
    "factorial(10^9)",
    "9^9^9",
    "series(f, x, 0, 1000)",
    "taylor(f, x, 0, 1000)",
    "coeff(f, x, 10^9)",
    "N(pi, 10^6)",
    "det(" + str([[i * 10 + j for j in range(10)] for i in range(10)]).replace(" ", "") + ")",
    "inverse(" + str([[int(i == j) for j in range(10)] for i in range(10)]) + ")",
]


def test_derived_values_are_refused() -> None:
    cases = [(attack, template(derived=f"g = {json.dumps(attack)}", answer="g"))
             for attack in EXPRESSION_ATTACKS]
    assert failures_of(cases, "derived.g") == []


FIELD_CASES = [  # (the field named in the failure message, the template)
    ("parts.a.answer", template(answer="x.__class__")),
    ("params.c", template(params='c = { choice = ["x", "__import__(os)"] }')),
    ("constraints.bad", template(constraints='bad = "eval(x) != 0"')),
    ("mistakes[0].answer", template(
        tail='\n[[parts.mistakes]]\nanswer = "f.func"\nfeedback = "no"\n')),
    ("tests[0].answer", template(
        tail='\n[[parts.tests]]\nanswer = "getattr(f, x)"\nexpect = "incorrect"\n')),
    ("verify.of", template(
        tail='\n[parts.verify]\nkind = "derivative"\nof = "x.__class__"\nwrt = "x"\n')),
    ("plots[0].functions[0]", template(prompt=r'{{ plot("p") }}', tail=(
        '\n[[plots]]\nid = "p"\nfunctions = ["__import__(os)"]\nx = [-1, 1]\n'))),
]


def test_every_expression_field_is_refused_at_validation() -> None:
    """Params, constraints, mistakes, self-tests, verification and plots use the same language;
    some are evaluated only by validation (a choice entry only in the seeds that draw it)."""
    bad = []
    for (field, _), report in zip(FIELD_CASES, run_all([s for _, s in FIELD_CASES]), strict=True):
        messages = [report.get("refused", ""), *report.get("failures", [])]
        if "killed" in report or "crash" in report or not any(field in m for m in messages) \
                or any(leak in report.get("text", "") for leak in LEAKS):
            bad.append(f"{field}: {report}")
    assert bad == []
    assert not SENTINEL.exists()


JINJA_ATTACKS = [
    "{{ ''.__class__.__mro__ }}",
    "{{ cycler.__init__.__globals__ }}",
    "{% for c in [].__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
    "{{ config }}",
    "{{ config.items() }}",
    "{{ self }}",
    "{{ self.__init__.__globals__ }}",
    "{{ request.application }}",
    "{{ lipsum.__globals__['os'] }}",
    "{{ joiner.__init__.__globals__ }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ a.__class__ }}",
    "{{ a|attr('__class__') }}",
    "{{ f.func }}",
    "{{ f.subs(x, 1) }}",
    "{{ range.__self__ }}",
    "{{ 9**9**9 }}",
    "{{ 'x' * 10**9 }}",
    "{{ range(10**9)|list }}",
    "{{ '%s'|format(a.__class__) }}",
    "{{ ''.join }}",
    "{% set x = namespace() %}{% set x.y = a.__class__ %}{{ x.y }}",
    "{% include '/etc/passwd' %}",
    "{% import 'os' as os %}",
    "{% extends '/etc/passwd' %}",
]


def test_jinja_prompt_is_refused_or_harmless() -> None:
    assert failures_of([(a, template(prompt=a)) for a in JINJA_ATTACKS], "prompt") == []


def test_jinja_hints_and_solution_are_refused() -> None:
    cases = [(f"{where}: {attack}", template(**{where: attack}))
             for attack in ("{{ fp.__class__ }}", "{{ cycler.__init__.__globals__ }}")
             for where in ("hint", "solution")]
    reports = run_all([source for _, source in cases])
    assert [r for r in reports if "refused" not in r or "killed" in r or "crash" in r] == []


UNBOUNDED = [
    pytest.param('g = "expand((x+1)^100000)"', "derived.g", id="expand (x+1)^100000"),
    pytest.param('g = "factor(x^1000000 - 1)"', "derived.g", id="factor x^1000000-1"),
    pytest.param('g = "coeff((x+1)^100000, x, 3)"', "derived.g", id="coeff (x+1)^100000"),
]


@pytest.mark.parametrize("derived, field", UNBOUNDED)
def test_huge_symbolic_work_is_refused(derived: str, field: str) -> None:
    assert_refused_or_harmless(run(template(derived=derived, answer="g")), field)


JINJA_BOMBS = [
    pytest.param("{{ lipsum(100000) }}", id="lipsum"),
    pytest.param("{{ 'x'|center(2000000000) }}", id="center"),
    pytest.param("{{ 'x\ny'|indent(2000000000) }}", id="indent"),
    pytest.param("{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}"
                 "{% endfor %}", id="nested loops"),
    pytest.param("{% set s = 'aaaaaaaaaaaaaaaa' %}" + "{% set s = s ~ s %}" * 32
                 + "{{ s|length }}", id="string doubling"),
    pytest.param("{% set s = 'aaaaaaaaaaaaaaaa' %}" + "{% set s = s + s %}" * 32
                 + "{{ s|length }}", id="+ doubling"),
    pytest.param("{% set s = 'aaaaaaaaaaaaaaaa' %}" + "{% set s = '%s%s' % (s, s) %}" * 32
                 + "{{ s|length }}", id="% doubling"),
    pytest.param("{{ ([0] * 10**8)|length }}", id="list repetition"),
    pytest.param("{% macro m() %}{{ m() }}{{ m() }}{% endmacro %}{{ m() }}", id="macro"),
]


@pytest.mark.parametrize("attack", JINJA_BOMBS)
def test_jinja_resource_bombs_are_refused(attack: str) -> None:
    assert_refused_or_harmless(run(template(prompt=attack)), "prompt")
