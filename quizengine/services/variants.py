"""Seeds and variants: which question a student sees, regenerated from (template version, seed).

Seeds are HMAC-SHA256(server secret, "attempt_id:slot"): a public bank does not let anyone
precompute a student's variant, and the same attempt always shows the same questions.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy.orm import Session

from quizengine.core import questions
from quizengine.db.models import Attempt, QuestionInstance
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


@lru_cache(maxsize=512)
def _variant(source: str, seed: int, plots: bool) -> Any:
    return questions.generate(catalog.template_from_source(source), seed, plots=plots)


def variant_of(session: Session, instance: QuestionInstance, *, plots: bool = True) -> Any:
    """The exact variant served as ``instance`` (same template version, same seed)."""
    version = catalog.get_version(session, instance.template_id, instance.version)
    return _variant(version.source, instance.seed, plots)


def preview_variant(session: Session, template_id: str, *, seed: int,
                    version: int | None = None) -> Any:
    """Any template at any seed (instructors' preview)."""
    return _variant(catalog.get_version(session, template_id, version).source, seed, True)


def option_order(variant: Any) -> dict[str, list[str]]:
    """The shuffled choice ids per part, stored so a later bank change cannot reorder them."""
    return {part.part_id: [c.id for c in part.choices] for part in variant.parts if part.choices}


@dataclass(frozen=True)
class Visibility:
    """What a student may see of a question now, following the quiz settings."""

    feedback: bool
    solution: bool


def visibility(attempt: Attempt, *, submitted: bool) -> Visibility:
    """Feedback and solution rules: practice shows both after a submission; quizzes follow
    ``feedback_when`` / ``solutions_when`` (immediately | after_attempt | never)."""
    finished = attempt.finished_at is not None
    if attempt.mode == "practice" or attempt.quiz is None:
        return Visibility(feedback=True, solution=submitted)
    return Visibility(
        feedback=_shown(attempt.quiz.feedback_when, finished=finished, submitted=True),
        solution=_shown(attempt.quiz.solutions_when, finished=finished, submitted=submitted),
    )


def _shown(when: str, *, finished: bool, submitted: bool) -> bool:
    if when == "immediately":
        return submitted or finished
    if when == "after_attempt":
        return finished
    return False
