"""ratings without a separate topic_id index

The index on (consultation_id, topic_id, stakeholder_group, score) already serves the topic
foreign key's lookups; the single-column index only cost every rating write an update.

Revision ID: 3c1d2e4f5a6b
Revises: 205b6cbad9d4
Create Date: 2026-11-29 06:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = '3c1d2e4f5a6b'
down_revision: str | None = '205b6cbad9d4'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ratings_topic_id'))


def downgrade() -> None:
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ratings_topic_id'), ['topic_id'], unique=False)
