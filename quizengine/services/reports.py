"""Grade reports (per student and quiz) and the per-submission audit export, as CSV or XLSX.

Scores are percentages of an attempt's maximum; only finished attempts have a score, but every
attempt counts towards ``attempts`` and ``last_activity``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizengine.db.models import Attempt, QuestionInstance, Submission, SubmissionPart, User

GRADE_COLUMNS = ("username", "quiz_id", "best", "latest", "mean", "attempts", "last_activity")
SUBMISSION_COLUMNS = (
    "submission_id", "created_at", "username", "attempt_id", "quiz_id", "question_id",
    "template_id", "template_version", "idempotency_key", "part_id", "answer", "reading",
    "verdict", "code", "part_score", "submission_score",
)
FORMATS = ("csv", "xlsx")


def grade_rows(session: Session, *, quiz_id: str | None = None) -> list[dict[str, Any]]:
    """One row per (student, quiz) with at least one attempt, sorted by username then quiz."""
    query = (select(Attempt, User.username).join(User, Attempt.user_id == User.id)
             .where(Attempt.mode == "quiz", User.role == "student"))
    if quiz_id is not None:
        query = query.where(Attempt.quiz_id == quiz_id)
    grouped: dict[tuple[str, str], list[Attempt]] = {}
    for attempt, username in session.execute(query.order_by(Attempt.id)):
        grouped.setdefault((username, attempt.quiz_id or ""), []).append(attempt)
    return [_grade_row(username, quiz, attempts)
            for (username, quiz), attempts in sorted(grouped.items())]


def _grade_row(username: str, quiz_id: str, attempts: list[Attempt]) -> dict[str, Any]:
    scores = [_percent(a) for a in attempts if a.finished_at is not None and a.max_score]
    last = max((a.finished_at or a.started_at) for a in attempts)
    return {
        "username": username, "quiz_id": quiz_id,
        "best": max(scores) if scores else None,
        "latest": scores[-1] if scores else None,
        "mean": round(sum(scores) / len(scores), 2) if scores else None,
        "attempts": len(attempts),
        "last_activity": last.isoformat(timespec="seconds"),
    }


def _percent(attempt: Attempt) -> float:
    return round(100.0 * (attempt.score or 0.0) / (attempt.max_score or 1.0), 2)


def submission_rows(session: Session, *, quiz_id: str | None = None) -> list[dict[str, Any]]:
    """Every stored part of every submission, oldest first (the audit export)."""
    query = (select(SubmissionPart, Submission, QuestionInstance, Attempt, User.username)
             .join(Submission, SubmissionPart.submission_id == Submission.id)
             .join(QuestionInstance, Submission.question_instance_id == QuestionInstance.id)
             .join(Attempt, QuestionInstance.attempt_id == Attempt.id)
             .join(User, Submission.user_id == User.id))
    if quiz_id is not None:
        query = query.where(Attempt.quiz_id == quiz_id)
    rows = []
    for part, sub, instance, attempt, username in session.execute(
            query.order_by(Submission.id, SubmissionPart.id)):
        rows.append({
            "submission_id": sub.id, "created_at": sub.created_at.isoformat(timespec="seconds"),
            "username": username, "attempt_id": attempt.id, "quiz_id": attempt.quiz_id or "",
            "question_id": instance.id, "template_id": instance.template_id,
            "template_version": instance.version, "idempotency_key": sub.idempotency_key,
            "part_id": part.part_id, "answer": part.raw_text, "reading": part.reading_latex,
            "verdict": part.verdict, "code": part.code, "part_score": part.score,
            "submission_score": sub.score,
        })
    return rows


def to_csv(rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> bytes:
    """CSV bytes (UTF-8). Cells that a spreadsheet would run as a formula are prefixed with '."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return buffer.getvalue().encode("utf-8")


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_xlsx(rows: Iterable[dict[str, Any]], columns: Sequence[str], *, title: str) -> bytes:
    """An XLSX workbook (openpyxl) with one sheet and a header row."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(list(columns))
    for row in rows:
        sheet.append([_cell(row.get(c)) for c in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export(rows: list[dict[str, Any]], columns: Sequence[str], *, fmt: str, title: str) -> bytes:
    if fmt == "csv":
        return to_csv(rows, columns)
    if fmt == "xlsx":
        return to_xlsx(rows, columns, title=title)
    raise ValueError(f"format must be one of {FORMATS}, not {fmt!r}")


MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
