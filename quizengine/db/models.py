"""The tables of quizengine, as typed SQLAlchemy 2 models.

Tables are singular snake_case, foreign keys are ``<table>_id``, timestamps are UTC with callable
defaults. Every change here needs an Alembic revision in ``migrations/versions/`` (the migration
tests fail when the models and the migrated schema differ).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizengine.db.base import Base, utcnow

ROLES = ("student", "instructor", "admin")
SHOW_WHEN = ("immediately", "after_attempt", "never")
VERDICTS = ("correct", "incorrect", "invalid")


class User(Base):
    __tablename__ = "user"
    __table_args__ = (CheckConstraint("role IN ('student', 'instructor', 'admin')", name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16), default="student")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<User {self.username} ({self.role})>"


class Quiz(Base):
    """A syllabus quiz with the settings an instructor controls."""

    __tablename__ = "quiz"
    __table_args__ = (
        CheckConstraint(
            "feedback_when IN ('immediately', 'after_attempt', 'never')", name="feedback_when"
        ),
        CheckConstraint(
            "solutions_when IN ('immediately', 'after_attempt', 'never')", name="solutions_when"
        ),
    )

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    week: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(200))
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    questions_per_attempt: Mapped[int] = mapped_column(Integer, default=5)
    attempts_allowed: Mapped[int | None] = mapped_column(Integer)  # None: unlimited
    feedback_when: Mapped[str] = mapped_column(String(16), default="immediately")
    solutions_when: Mapped[str] = mapped_column(String(16), default="after_attempt")
    opens_at: Mapped[datetime | None]
    closes_at: Mapped[datetime | None]

    templates: Mapped[list[Template]] = relationship(back_populates="quiz", order_by="Template.id")


class Template(Base):
    """A question template; its TOML lives in ``template_version`` (every version kept)."""

    __tablename__ = "template"

    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    quiz_id: Mapped[str] = mapped_column(ForeignKey("quiz.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    difficulty: Mapped[int] = mapped_column(Integer, default=1)
    current_version: Mapped[int] = mapped_column(Integer)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    quiz: Mapped[Quiz] = relationship(back_populates="templates")
    versions: Mapped[list[TemplateVersion]] = relationship(
        back_populates="template", order_by="TemplateVersion.version"
    )


class TemplateVersion(Base):
    __tablename__ = "template_version"
    __table_args__ = (UniqueConstraint("template_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    template_id: Mapped[str] = mapped_column(ForeignKey("template.id"))
    version: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))  # author; None: bank import
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    template: Mapped[Template] = relationship(back_populates="versions")


class Attempt(Base):
    """One sitting of a quiz, or a learner's open practice session (``mode`` practice)."""

    __tablename__ = "attempt"
    __table_args__ = (CheckConstraint("mode IN ('quiz', 'practice')", name="mode"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    quiz_id: Mapped[str | None] = mapped_column(ForeignKey("quiz.id"), index=True)
    mode: Mapped[str] = mapped_column(String(16), default="quiz")
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    score: Mapped[float | None] = mapped_column(Float)
    max_score: Mapped[float | None] = mapped_column(Float)

    user: Mapped[User] = relationship()
    quiz: Mapped[Quiz | None] = relationship()
    questions: Mapped[list[QuestionInstance]] = relationship(
        back_populates="attempt", order_by="QuestionInstance.slot"
    )


class QuestionInstance(Base):
    """A variant served in an attempt: enough to regenerate it exactly (template version, seed)."""

    __tablename__ = "question_instance"
    __table_args__ = (
        UniqueConstraint("attempt_id", "slot"),
        ForeignKeyConstraint(
            ["template_id", "version"],
            ["template_version.template_id", "template_version.version"],
            name="fk_question_instance_template_version",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id"))
    slot: Mapped[int] = mapped_column(Integer)
    template_id: Mapped[str] = mapped_column(ForeignKey("template.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int] = mapped_column(BigInteger)
    option_order: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # What grading needs, stored when served (services/variants.grading_record); None: regenerate.
    grading: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    attempt: Mapped[Attempt] = relationship(back_populates="questions")
    submissions: Mapped[list[Submission]] = relationship(
        back_populates="question_instance", order_by="Submission.id"
    )


class Submission(Base):
    """A graded answer to a question, stored exactly once per idempotency key."""

    __tablename__ = "submission"
    __table_args__ = (UniqueConstraint("question_instance_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_instance_id: Mapped[int] = mapped_column(ForeignKey("question_instance.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(64))
    score: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    question_instance: Mapped[QuestionInstance] = relationship(back_populates="submissions")
    parts: Mapped[list[SubmissionPart]] = relationship(
        back_populates="submission", order_by="SubmissionPart.id"
    )


class SubmissionPart(Base):
    """One answer box of a submission: raw text, how it was read, verdict, score, feedback."""

    __tablename__ = "submission_part"
    __table_args__ = (
        UniqueConstraint("submission_id", "part_id"),
        CheckConstraint("verdict IN ('correct', 'incorrect', 'invalid')", name="verdict"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id"))
    part_id: Mapped[str] = mapped_column(String(40))
    raw_text: Mapped[str] = mapped_column(Text)
    reading_latex: Mapped[str] = mapped_column(Text, default="")
    verdict: Mapped[str] = mapped_column(String(16))
    code: Mapped[str] = mapped_column(String(80), default="")
    score: Mapped[float] = mapped_column(Float)
    feedback: Mapped[str] = mapped_column(Text, default="")
    seconds: Mapped[float] = mapped_column(Float, default=0.0)

    submission: Mapped[Submission] = relationship(back_populates="parts")


class SkillMastery(Base):
    __tablename__ = "skill_mastery"
    __table_args__ = (UniqueConstraint("user_id", "skill"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    skill: Mapped[str] = mapped_column(String(80))
    p_mastery: Mapped[float] = mapped_column(Float)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SkillParam(Base):
    """Bayesian knowledge tracing parameters of a skill (fitted offline, or the defaults)."""

    __tablename__ = "skill_param"

    skill: Mapped[str] = mapped_column(String(80), primary_key=True)
    p_init: Mapped[float] = mapped_column(Float)
    p_transit: Mapped[float] = mapped_column(Float)
    p_guess: Mapped[float] = mapped_column(Float)
    p_slip: Mapped[float] = mapped_column(Float)
    p_forget: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ItemRating(Base):
    """A template's Elo difficulty in logits (0 = an average item of its skills), from answers.

    No row yet means the prior from the author difficulty (``core.mastery.initial_item_rating``).
    """

    __tablename__ = "item_rating"

    template_id: Mapped[str] = mapped_column(ForeignKey("template.id"), primary_key=True)
    rating: Mapped[float] = mapped_column(Float)
    answers: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class LearnerAbility(Base):
    """A learner's Elo ability in logits: what their answers say beyond per-skill mastery."""

    __tablename__ = "learner_ability"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), primary_key=True)
    ability: Mapped[float] = mapped_column(Float, default=0.0)
    answers: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class MasteryHistory(Base):
    """One mastery estimate after one update (a graded part), for the learner's history plots."""

    __tablename__ = "mastery_history"
    __table_args__ = (Index("ix_mastery_history_user_id_skill_at", "user_id", "skill", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    skill: Mapped[str] = mapped_column(String(80))
    p_mastery: Mapped[float] = mapped_column(Float)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class PracticeItem(Base):
    """Why a practice question was served (skill, reason) and whether the learner skipped it."""

    __tablename__ = "practice_item"

    question_instance_id: Mapped[int] = mapped_column(
        ForeignKey("question_instance.id"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    skill: Mapped[str] = mapped_column(String(80))
    reason: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(16))
    predicted_success: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    skipped_at: Mapped[datetime | None]

    question_instance: Mapped[QuestionInstance] = relationship()


class AuditEvent(Base):
    """Who changed what: template versions, quiz settings, roles, deactivations."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    action: Mapped[str] = mapped_column(String(60))
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[str] = mapped_column(String(120))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LoginFailure(Base):
    """A failed login, counted per username and address to rate-limit guessing across workers."""

    __tablename__ = "login_failure"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# Children first: the order in which rows can be deleted (tests empty tables with it).
TABLES_CHILD_FIRST = [m.__table__ for m in (
    PracticeItem, SubmissionPart, Submission, QuestionInstance, Attempt, ItemRating,
    TemplateVersion, Template, Quiz, SkillMastery, SkillParam, MasteryHistory, LearnerAbility,
    AuditEvent, LoginFailure, User,
)]
