"""Item ratings: each template's Elo difficulty, updated after every graded answer.

Revision ID: 0002
Revises: 0001
Create Date: 2025-02-01 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('item_rating',
    sa.Column('template_id', sa.String(length=120), nullable=False),
    sa.Column('rating', sa.Float(), nullable=False),
    sa.Column('answers', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['template_id'], ['template.id'],
                            name=op.f('fk_item_rating_template_id_template')),
    sa.PrimaryKeyConstraint('template_id', name=op.f('pk_item_rating'))
    )


def downgrade() -> None:
    op.drop_table('item_rating')
