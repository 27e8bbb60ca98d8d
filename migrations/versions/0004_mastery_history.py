"""Mastery history: one row per mastery update, for each learner's per-skill history plots.

Revision ID: 0004
Revises: 0003
Create Date: 2025-02-01 00:00:02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('mastery_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('skill', sa.String(length=80), nullable=False),
    sa.Column('p_mastery', sa.Float(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'],
                            name=op.f('fk_mastery_history_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mastery_history'))
    )
    with op.batch_alter_table('mastery_history', schema=None) as batch_op:
        batch_op.create_index('ix_mastery_history_user_id_skill_at', ['user_id', 'skill', 'at'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('mastery_history', schema=None) as batch_op:
        batch_op.drop_index('ix_mastery_history_user_id_skill_at')

    op.drop_table('mastery_history')
