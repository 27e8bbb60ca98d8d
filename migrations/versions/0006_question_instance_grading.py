"""Question instances keep what grading needs (expected answers as text, specs, weights), so that
validate and submit need not regenerate the variant.

Revision ID: 0006
Revises: 0005
Create Date: 2025-02-01 00:00:04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('question_instance', schema=None) as batch_op:
        batch_op.add_column(sa.Column('grading', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('question_instance', schema=None) as batch_op:
        batch_op.drop_column('grading')
