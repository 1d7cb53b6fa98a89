"""content translations: a consultation's original language, and translations of the
consultation's, its topics' and its sessions' texts ({lang: {field: value}})

Revision ID: 8b2f4c6d1e57
Revises: c4a1f0d2e8b7
Create Date: 2026-11-30 04:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '8b2f4c6d1e57'
down_revision: str | None = 'c4a1f0d2e8b7'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD/DROP COLUMN on both databases: a batch rebuild of consultations on SQLite, with
    # foreign keys on, would cascade-delete every topic, rating and seat.
    op.add_column(
        'consultations',
        sa.Column('language', sa.String(length=8), server_default='en', nullable=False),
    )
    op.add_column('consultations', sa.Column('translations', sa.JSON(), nullable=True))
    op.add_column('topics', sa.Column('translations', sa.JSON(), nullable=True))
    op.add_column('agenda_sessions', sa.Column('translations', sa.JSON(), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE agenda_sessions DROP COLUMN translations")
    op.execute("ALTER TABLE topics DROP COLUMN translations")
    op.execute("ALTER TABLE consultations DROP COLUMN translations")
    op.execute("ALTER TABLE consultations DROP COLUMN language")
