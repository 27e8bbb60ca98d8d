"""Seeds and variants: which question a student sees, regenerated from (template version, seed).

Seeds are HMAC-SHA256(server secret, "attempt_id:slot"): a public bank does not let anyone
precompute a student's variant, and the same attempt always shows the same questions.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from sqlalchemy.orm import Session

from quizengine.core import parsing, questions
from quizengine.core.checking import AnswerSpec, Mistake, Tolerance
from quizengine.core.errors import QuizengineError
from quizengine.core.lru import LRU
from quizengine.core.questions.render import text_of
from quizengine.db.models import Attempt
from quizengine.services import catalog

SEED_BITS = 48  # fits a BIGINT everywhere and any RNG seed


def derive_seed(secret: str, *parts: object) -> int:
    """A seed from the server secret and ``parts`` (e.g. attempt id and slot).

    >>> derive_seed("k", 1, 0) == derive_seed("k", 1, 0) != derive_seed("k", 1, 1)
    True
    """
    message = ":".join(str(p) for p in parts).encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return int.from_bytes(digest[: SEED_BITS // 8], "big")


CACHE_SIZE = 512  # variants per process


class _VariantCache:
    """Generated variants per process, least recently used first out (``core.lru.LRU``).

    A variant with plots is a superset of the one without (same parts, options and expected
    answers; only the figures differ), so a request without plots is served from a cached variant
    with plots: starting an attempt generates each variant once, with the plots its page shows.
    """

    def __init__(self, size: int) -> None:
        self.entries: LRU[Any] = LRU(size)

    def get(self, source: str, seed: int, plots: bool) -> Any:
        for with_plots in (True,) if plots else (True, False):
            found = self.entries.get((source, seed, with_plots))
            if found is not None:
                return found
        variant = questions.generate(catalog.template_from_source(source), seed, plots=plots)
        self.entries.put((source, seed, plots), variant)
        return variant

    def clear(self) -> None:
        self.entries.clear()


_cache = _VariantCache(CACHE_SIZE)


class Served(Protocol):
    """A served question as far as its variant goes (a ``QuestionInstance`` or a lighter row)."""

    @property
    def template_id(self) -> str: ...
    @property
    def version(self) -> int: ...
    @property
    def seed(self) -> int: ...


class Graded(Served, Protocol):
    """A served question with its stored grading record."""

    @property
    def grading(self) -> dict[str, Any] | None: ...


def variant_of(session: Session, instance: Served, *, plots: bool = True) -> Any:
    """The exact variant served as ``instance`` (same template version, same seed); with
    ``plots=False`` the figures may be missing (grading, option order) or present (cached)."""
    return _cache.get(_source(session, instance.template_id, instance.version), instance.seed,
                      plots)


def _source(session: Session, template_id: str, version: int) -> str:
    """The source of a stored version, read once per session (versions never change)."""
    sources: dict[tuple[str, int], str] = session.info.setdefault("template_sources", {})
    key = (template_id, version)
    if key not in sources:
        sources[key] = catalog.get_version(session, template_id, version).source
    return sources[key]


def preview_variant(session: Session, template_id: str, *, seed: int,
                    version: int | None = None) -> Any:
    """Any template at any seed (instructors' preview)."""
    return _cache.get(catalog.get_version(session, template_id, version).source, seed, True)


def option_order(variant: Any) -> dict[str, list[str]]:
    """The shuffled choice ids per part, stored so a later bank change cannot reorder them."""
    return {part.part_id: [c.id for c in part.choices] for part in variant.parts if part.choices}


@dataclass(frozen=True)
class Visibility:
    """What a student may see of a question now, following the quiz settings."""

    feedback: bool
    solution: bool


def visibility(attempt: Attempt, *, submitted: bool) -> Visibility:
    """Feedback and solution rules for ``attempt`` (see :func:`visibility_rules`)."""
    quiz = attempt.quiz
    return visibility_rules(mode=attempt.mode, feedback_when=quiz.feedback_when if quiz else None,
                            solutions_when=quiz.solutions_when if quiz else None,
                            finished=attempt.finished_at is not None, submitted=submitted)


def visibility_rules(*, mode: str, feedback_when: str | None, solutions_when: str | None,
                     finished: bool, submitted: bool) -> Visibility:
    """Practice (or an attempt without a quiz) shows both after a submission; quizzes follow
    ``feedback_when`` / ``solutions_when`` (immediately | after_attempt | never)."""
    if mode == "practice" or feedback_when is None or solutions_when is None:
        return Visibility(feedback=True, solution=submitted)
    return Visibility(
        feedback=_shown(feedback_when, finished=finished, submitted=True),
        solution=_shown(solutions_when, finished=finished, submitted=submitted),
    )


def _shown(when: str, *, finished: bool, submitted: bool) -> bool:
    if when == "immediately":
        return submitted or finished
    if when == "after_attempt":
        return finished
    return False


# --- What grading needs, stored with the instance ------------------------------------------------
#
# Regenerating a variant costs ~45 ms (SymPy), in every worker process that has not cached it.
# When a question is served we store, per part, the expected answer and the mistakes as the plain
# text the parser reads back, and the answer spec's fields; validate and submit rebuild the
# ``AnswerSpec`` from that. A part is stored only when its rebuild is *exactly* the generated one
# (same type, structurally equal value and spec); any other part (floats, names the parser reads
# differently, over-long values) is marked ``regenerate`` and graded from the regenerated variant.

GRADING_FORMAT = 1
_READ_BACK_LENGTH = 20_000  # expected answers are author values, longer than a student's answer


@dataclass(frozen=True)
class GradingPart:
    """One part as grading sees it: what ``check`` takes, the weight and the option ids."""

    part_id: str
    kind: str
    weight: float
    expected: Any
    spec: AnswerSpec
    choices: tuple[str, ...] = ()


def grading_part_of(part: Any) -> GradingPart:
    """The grading view of a generated ``VariantPart``."""
    return GradingPart(part.part_id, part.kind, float(part.weight), part.expected, part.spec,
                       tuple(c.id for c in part.choices))


def grading_record(variant: Any) -> dict[str, Any]:
    """The JSON stored as ``QuestionInstance.grading`` for ``variant`` (see above)."""
    return {"format": GRADING_FORMAT, "parts": [_part_record(p) for p in variant.parts]}


def grading_parts(session: Session, instance: Graded) -> tuple[GradingPart, ...]:
    """The parts of ``instance`` for grading, from its stored record; the variant is regenerated
    only for instances without one, or for parts the record could not hold exactly."""
    record = instance.grading
    if not record or record.get("format") != GRADING_FORMAT:
        return tuple(grading_part_of(p) for p in variant_of(session, instance, plots=False).parts)
    parts = [_rebuilt(json.dumps(r, sort_keys=True)) for r in record["parts"]]
    if all(p is not None for p in parts):
        return tuple(p for p in parts if p is not None)
    variant = variant_of(session, instance, plots=False)
    return tuple(p if p is not None else grading_part_of(variant.part(r["part_id"]))
                 for p, r in zip(parts, record["parts"], strict=True))


def _part_record(part: Any) -> dict[str, Any]:
    base = {"part_id": part.part_id, "kind": part.kind, "weight": float(part.weight),
            "choices": [c.id for c in part.choices]}
    try:
        record = {**base, "expected": _value_record(part.expected), "spec": _spec_record(part.spec)}
        exact = _same(_rebuild(record), grading_part_of(part))
    except (QuizengineError, TypeError, ValueError, AttributeError):
        exact = False
    return record if exact else {**base, "regenerate": True}


def _same(a: GradingPart, b: GradingPart) -> bool:
    return a == b and type(a.expected) is type(b.expected) and all(
        type(m.answer) is type(n.answer) for m, n in zip(a.spec.mistakes, b.spec.mistakes,
                                                         strict=True))


def _value_record(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        return {"str": value}
    names = sorted(str(s) for s in getattr(value, "free_symbols", ()))
    return {"math": text_of(value), "names": names}


def _spec_record(spec: AnswerSpec) -> dict[str, Any]:
    tolerance = spec.tolerance
    return {
        "variables": None if spec.variables is None else list(spec.variables),
        "domain": None if spec.domain is None else {
            k: [float(lo), float(hi)] for k, (lo, hi) in spec.domain.items()},
        "tolerance": None if tolerance is None else {
            "rel": tolerance.rel, "abs": tolerance.abs, "sigfigs": tolerance.sigfigs},
        "forms": list(spec.forms),
        "mistakes": [{"answer": _value_record(m.answer), "feedback": m.feedback, "code": m.code}
                     for m in spec.mistakes],
        "forbidden_functions": sorted(spec.forbidden_functions),
        "allow_complex": spec.allow_complex,
        "choices": list(spec.choices),
        "timeout": spec.timeout,
    }


@lru_cache(maxsize=4096)
def _rebuilt(record_json: str) -> GradingPart | None:
    """A stored part rebuilt (cached per process: records never change), None: regenerate."""
    record = json.loads(record_json)
    return None if record.get("regenerate") else _rebuild(record)


def _rebuild(record: dict[str, Any]) -> GradingPart:
    spec = record["spec"]
    complex_ok = bool(spec["allow_complex"])
    tolerance = spec["tolerance"]
    answer_spec = AnswerSpec(
        kind=record["kind"],
        variables=None if spec["variables"] is None else tuple(spec["variables"]),
        domain=None if spec["domain"] is None else {
            k: (lo, hi) for k, (lo, hi) in spec["domain"].items()},
        tolerance=None if tolerance is None else Tolerance(**tolerance),
        forms=tuple(spec["forms"]),
        mistakes=tuple(Mistake(answer=_read_back(m["answer"], complex_ok),
                               feedback=m["feedback"], code=m["code"])
                       for m in spec["mistakes"]),
        forbidden_functions=frozenset(spec["forbidden_functions"]),
        allow_complex=complex_ok,
        choices=tuple(spec["choices"]),
        timeout=spec["timeout"],
    )
    return GradingPart(record["part_id"], record["kind"], record["weight"],
                       _read_back(record["expected"], complex_ok), answer_spec,
                       tuple(record["choices"]))


def _read_back(value: dict[str, Any], allow_complex: bool) -> Any:
    """A stored value: text as it was, or maths read by the safe parser with exactly the names
    it had (so ``e`` is a symbol only where it was one)."""
    if "str" in value:
        return value["str"]
    options = parsing.ParseOptions(variables=frozenset(value["names"]),
                                   allow_complex=allow_complex, max_length=_READ_BACK_LENGTH)
    return parsing.parse(value["math"], options).value
