"""server secrets: the generated secret shared by every worker and restart

Revision ID: 7a1c9e2b4d60
Revises: 3c1d2e4f5a6b
Create Date: 2026-11-30 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = '7a1c9e2b4d60'
down_revision: str | None = '3c1d2e4f5a6b'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'server_secrets',
        sa.Column('name', sa.String(length=50), nullable=False),
        sa.Column('value', sa.Text(), nullable=False),
        sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_server_secrets')),
    )


def downgrade() -> None:
    op.drop_table('server_secrets')
