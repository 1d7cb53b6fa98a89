"""session origin agreement

A session created from the ranking records which scoring methods had its topic in the top at
that moment (the method agreement), beside the method, rank and score it came with.

Revision ID: 4e7b2c9d1a38
Revises: 7a3e9c1d2b4f
Create Date: 2026-11-30 00:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '4e7b2c9d1a38'
down_revision: str | None = '7a3e9c1d2b4f'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('agenda_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('origin_agreement', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('agenda_sessions', schema=None) as batch_op:
        batch_op.drop_column('origin_agreement')
