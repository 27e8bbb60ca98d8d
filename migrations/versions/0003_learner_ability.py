"""Learner ability: each learner's Elo rating, the counterpart of the item ratings.

Revision ID: 0003
Revises: 0002
Create Date: 2025-02-01 00:00:01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('learner_ability',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('ability', sa.Float(), nullable=False),
    sa.Column('answers', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'],
                            name=op.f('fk_learner_ability_user_id_user')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_learner_ability'))
    )


def downgrade() -> None:
    op.drop_table('learner_ability')
