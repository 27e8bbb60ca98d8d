"""Plain JSON shapes of service results (what the API returns)."""

from __future__ import annotations

from typing import Any

from quizengine.services.attempts import QuestionView
from quizengine.services.submissions import SubmissionView


def question_json(view: QuestionView) -> dict[str, Any]:
    """A question as a student may see it: ``Variant.public_dict()`` plus its id (no seed,
    expected answer or solution unless the quiz settings already show them)."""
    body: dict[str, Any] = {"question_id": view.question_id, **view.public}
    body.pop("seed", None)
    if view.solution_html is not None:
        body["solution_html"] = view.solution_html
        body["expected_latex"] = view.expected_latex
    return body


def submission_json(result: SubmissionView) -> dict[str, Any]:
    """The submit reply; verdicts and scores are withheld when the quiz shows feedback later."""
    if not result.stored:
        parts = [{"part_id": p.part_id, "verdict": "invalid", "score": 0.0,
                  "feedback": p.feedback} for p in result.parts]
        return {"stored": False, "score": None, "parts": parts}
    if not result.feedback_visible:
        parts = [{"part_id": p.part_id, "verdict": "submitted", "score": None, "feedback": ""}
                 for p in result.parts]
        return {"stored": True, "submission_id": result.submission_id, "score": None,
                "parts": parts}
    parts = [{"part_id": p.part_id, "verdict": p.verdict, "score": p.score,
              "feedback": p.feedback, "latex": p.latex} for p in result.parts]
    return {"stored": True, "submission_id": result.submission_id, "score": result.score,
            "parts": parts}
