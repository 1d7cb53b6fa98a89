"""consultation closes_at; one-time setup tokens for the first administrator

Revision ID: 7a4e2c9d1b30
Revises: 4e7b2c9d1a38
Create Date: 2026-11-30 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = '7a4e2c9d1b30'
down_revision: str | None = '4e7b2c9d1a38'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('consultations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closes_at', app.db.UTCDateTime(timezone=True), nullable=True))
    op.create_table(
        'setup_tokens',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_setup_tokens')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_setup_tokens_token_hash')),
    )


def downgrade() -> None:
    op.drop_table('setup_tokens')
    with op.batch_alter_table('consultations', schema=None) as batch_op:
        batch_op.drop_column('closes_at')
