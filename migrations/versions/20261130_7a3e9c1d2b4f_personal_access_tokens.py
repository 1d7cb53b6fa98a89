"""personal access tokens: a name and scopes on access tokens

Revision ID: 7a3e9c1d2b4f
Revises: 7a1c9e2b4d60
Create Date: 2026-11-30 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '7a3e9c1d2b4f'
down_revision: str | None = '7a1c9e2b4d60'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('access_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('scopes', sa.String(length=100), nullable=True))
        batch_op.create_check_constraint(
            batch_op.f('ck_access_tokens_personal'), '(name IS NULL) = (scopes IS NULL)'
        )


def downgrade() -> None:
    with op.batch_alter_table('access_tokens', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_access_tokens_personal'), type_='check')
        batch_op.drop_column('scopes')
        batch_op.drop_column('name')
