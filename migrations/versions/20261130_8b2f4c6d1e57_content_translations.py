"""content translations: a consultation's original language, and translations of the
consultation's, its topics' and its sessions' texts ({lang: {field: value}})

Revision ID: 8b2f4c6d1e57
Revises: 700fc8e82c94
Create Date: 2026-11-30 04:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '8b2f4c6d1e57'
down_revision: str | None = '700fc8e82c94'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('consultations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), server_default='en', nullable=False))
        batch_op.add_column(sa.Column('translations', sa.JSON(), nullable=True))
    with op.batch_alter_table('topics', schema=None) as batch_op:
        batch_op.add_column(sa.Column('translations', sa.JSON(), nullable=True))
    with op.batch_alter_table('agenda_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('translations', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('agenda_sessions', schema=None) as batch_op:
        batch_op.drop_column('translations')
    with op.batch_alter_table('topics', schema=None) as batch_op:
        batch_op.drop_column('translations')
    with op.batch_alter_table('consultations', schema=None) as batch_op:
        batch_op.drop_column('translations')
        batch_op.drop_column('language')
