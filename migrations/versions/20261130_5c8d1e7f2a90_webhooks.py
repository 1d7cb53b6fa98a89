"""webhooks: endpoints registered by administrators and their deliveries (outbox messages)

Revision ID: 5c8d1e7f2a90
Revises: 700fc8e82c94
Create Date: 2026-11-30 04:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = '5c8d1e7f2a90'
down_revision: str | None = '700fc8e82c94'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'webhooks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('url', sa.String(length=2000), nullable=False),
        sa.Column('events', sa.String(length=500), nullable=False),
        sa.Column('description', sa.String(length=500), nullable=True),
        sa.Column('secret', sa.String(length=100), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['created_by'], ['accounts.id'], name=op.f('fk_webhooks_created_by_accounts'),
            ondelete='SET NULL',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_webhooks')),
    )
    with op.batch_alter_table('webhooks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_webhooks_created_by'), ['created_by'], unique=False)
    op.create_table(
        'webhook_deliveries',
        sa.Column('message_id', sa.Integer(), nullable=False),
        sa.Column('webhook_id', sa.Integer(), nullable=False),
        sa.Column('event', sa.String(length=64), nullable=False),
        sa.Column('webhook_message_id', sa.String(length=64), nullable=False),
        sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['message_id'], ['outbox_messages.id'],
            name=op.f('fk_webhook_deliveries_message_id_outbox_messages'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['webhook_id'], ['webhooks.id'],
            name=op.f('fk_webhook_deliveries_webhook_id_webhooks'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('message_id', name=op.f('pk_webhook_deliveries')),
        sa.UniqueConstraint(
            'webhook_message_id', name=op.f('uq_webhook_deliveries_webhook_message_id')
        ),
    )
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_webhook_deliveries_webhook_id_message_id'),
            ['webhook_id', 'message_id'],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_webhook_deliveries_webhook_id_message_id'))
    op.drop_table('webhook_deliveries')
    with op.batch_alter_table('webhooks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_webhooks_created_by'))
    op.drop_table('webhooks')
