"""Practice items: why each practice question was served, and whether it was skipped.

Revision ID: 0005
Revises: 0004
Create Date: 2025-02-01 00:00:03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('practice_item',
    sa.Column('question_instance_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('skill', sa.String(length=80), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('predicted_success', sa.Float(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('skipped_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['question_instance_id'], ['question_instance.id'],
                            name=op.f('fk_practice_item_question_instance_id_question_instance')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'],
                            name=op.f('fk_practice_item_user_id_user')),
    sa.PrimaryKeyConstraint('question_instance_id', name=op.f('pk_practice_item'))
    )
    with op.batch_alter_table('practice_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practice_item_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('practice_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practice_item_user_id'))

    op.drop_table('practice_item')
