"""The audit trail of instructor and admin edits."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizengine.db.models import AuditEvent


def record(
    session: Session, *, user_id: int | None, action: str, target_type: str, target_id: str,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add one audit event (flushed with the change it describes)."""
    event = AuditEvent(
        user_id=user_id, action=action, target_type=target_type, target_id=str(target_id),
        detail=detail or {},
    )
    session.add(event)
    return event


def recent(session: Session, limit: int = 100) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)))
