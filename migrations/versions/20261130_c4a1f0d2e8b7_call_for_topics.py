"""call for topics: the proposals state, proposals and their supports, where topics come from,
the similar-text search (FTS5 on SQLite, GIN tsvector indexes on PostgreSQL)

Revision ID: c4a1f0d2e8b7
Revises: 5c8d1e7f2a90
Create Date: 2026-11-30 04:00:00

On SQLite nothing is rebuilt: a batch "move and copy" of consultations or topics would drop
the old table, and with foreign keys on (as Consulta always runs) its implicit DELETE would
cascade to every topic, rating and seat. The state's CHECK constraint is widened in place
instead (the SQLite documentation's own procedure for changes that leave the stored rows
valid: writable_schema, then a new schema_version), and the new columns come with ALTER
TABLE ADD COLUMN, their constraints inline.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db
from app.text import searchable

revision: str = 'c4a1f0d2e8b7'
down_revision: str | None = '5c8d1e7f2a90'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_STATES = "state IN ('draft', 'open', 'closed', 'finalized')"
NEW_STATES = "state IN ('draft', 'proposals', 'open', 'closed', 'finalized')"
MAX_CHECK = "max_proposals_per_participant >= 1"


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _sqlite_swap_check(old: str, new: str) -> None:
    bind = op.get_bind()
    sql = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'consultations'"
    ).scalar_one()
    if old not in sql:
        raise RuntimeError(f"consultations has no CHECK ({old}) to change")
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.execute(
        sa.text(
            "UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = 'consultations'"
        ),
        {"sql": sql.replace(old, new)},
    )
    bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def upgrade() -> None:
    bind = op.get_bind()
    if _sqlite():
        _sqlite_swap_check(OLD_STATES, NEW_STATES)
        op.execute(
            "ALTER TABLE consultations ADD COLUMN max_proposals_per_participant INTEGER "
            "NOT NULL DEFAULT 3 CONSTRAINT ck_consultations_max_proposals "
            f"CHECK ({MAX_CHECK})"
        )
        op.execute("ALTER TABLE topics ADD COLUMN copied_from_id INTEGER")
        op.execute("ALTER TABLE topics ADD COLUMN search_text TEXT NOT NULL DEFAULT ''")
    else:
        op.drop_constraint(op.f('ck_consultations_state'), 'consultations', type_='check')
        op.create_check_constraint(op.f('ck_consultations_state'), 'consultations', NEW_STATES)
        op.add_column(
            'consultations',
            sa.Column(
                'max_proposals_per_participant', sa.Integer(), server_default='3', nullable=False
            ),
        )
        op.create_check_constraint(op.f('ck_consultations_max_proposals'), 'consultations', MAX_CHECK)
        op.add_column('topics', sa.Column('copied_from_id', sa.Integer(), nullable=True))
        op.add_column(
            'topics', sa.Column('search_text', sa.Text(), server_default='', nullable=False)
        )
    op.create_table(
        'proposals',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('consultation_id', sa.Integer(), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('topic_id', sa.Integer(), nullable=True),
        sa.Column('merged_into_proposal_id', sa.Integer(), nullable=True),
        sa.Column('merged_into_topic_id', sa.Integer(), nullable=True),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('search_text', sa.Text(), nullable=False),
        sa.Column('decided_at', app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', app.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('submitted', 'accepted', 'rejected', 'merged')",
            name=op.f('ck_proposals_status'),
        ),
        sa.CheckConstraint(
            'merged_into_proposal_id IS NULL OR merged_into_topic_id IS NULL',
            name=op.f('ck_proposals_one_target'),
        ),
        sa.CheckConstraint(
            'merged_into_proposal_id IS NULL OR merged_into_proposal_id <> id',
            name=op.f('ck_proposals_not_itself'),
        ),
        sa.ForeignKeyConstraint(
            ['account_id'], ['accounts.id'],
            name=op.f('fk_proposals_account_id_accounts'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['consultation_id'], ['consultations.id'],
            name=op.f('fk_proposals_consultation_id_consultations'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['merged_into_proposal_id'], ['proposals.id'],
            name=op.f('fk_proposals_merged_into_proposal_id_proposals'), ondelete='SET NULL',
        ),
        sa.ForeignKeyConstraint(
            ['merged_into_topic_id'], ['topics.id'],
            name=op.f('fk_proposals_merged_into_topic_id_topics'), ondelete='SET NULL',
        ),
        sa.ForeignKeyConstraint(
            ['topic_id'], ['topics.id'],
            name=op.f('fk_proposals_topic_id_topics'), ondelete='SET NULL',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_proposals')),
    )
    op.create_index(op.f('ix_proposals_account_id'), 'proposals', ['account_id'])
    op.create_index(op.f('ix_proposals_consultation_id'), 'proposals', ['consultation_id'])
    op.create_table(
        'proposal_supports',
        sa.Column('proposal_id', sa.Integer(), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('carried_from_id', sa.Integer(), nullable=True),
        sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['account_id'], ['accounts.id'],
            name=op.f('fk_proposal_supports_account_id_accounts'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['carried_from_id'], ['proposals.id'],
            name=op.f('fk_proposal_supports_carried_from_id_proposals'), ondelete='SET NULL',
        ),
        sa.ForeignKeyConstraint(
            ['proposal_id'], ['proposals.id'],
            name=op.f('fk_proposal_supports_proposal_id_proposals'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('proposal_id', 'account_id', name=op.f('pk_proposal_supports')),
    )
    op.create_index(
        op.f('ix_proposal_supports_account_id'), 'proposal_supports', ['account_id']
    )
    # The search text of the topics there are, then the search indexes.
    topics = sa.table(
        'topics',
        sa.column('id', sa.Integer()),
        sa.column('title', sa.String()),
        sa.column('description', sa.Text()),
        sa.column('search_text', sa.Text()),
    )
    for topic_id, title, description in bind.execute(
        sa.select(topics.c.id, topics.c.title, topics.c.description)
    ).all():
        bind.execute(
            topics.update()
            .where(topics.c.id == topic_id)
            .values(search_text=searchable(title, description))
        )
    if _sqlite():
        op.execute(
            "CREATE VIRTUAL TABLE search_index USING fts5("
            "consultation_id UNINDEXED, body, tokenize = 'unicode61 remove_diacritics 2')"
        )
        op.execute(
            "INSERT INTO search_index (rowid, consultation_id, body) "
            "SELECT id * 2, consultation_id, search_text FROM topics"
        )
    else:
        op.execute(
            "CREATE INDEX ix_topics_search ON topics "
            "USING gin (to_tsvector('simple', search_text))"
        )
        op.execute(
            "CREATE INDEX ix_proposals_search ON proposals "
            "USING gin (to_tsvector('simple', search_text))"
        )


def downgrade() -> None:
    if _sqlite():
        op.execute("DROP TABLE search_index")
    else:
        op.execute("DROP INDEX ix_proposals_search")
        op.execute("DROP INDEX ix_topics_search")
    op.drop_index(op.f('ix_proposal_supports_account_id'), table_name='proposal_supports')
    op.drop_table('proposal_supports')
    op.drop_index(op.f('ix_proposals_consultation_id'), table_name='proposals')
    op.drop_index(op.f('ix_proposals_account_id'), table_name='proposals')
    op.drop_table('proposals')
    # A consultation in its call for topics goes back to draft.
    op.execute("UPDATE consultations SET state = 'draft' WHERE state = 'proposals'")
    if _sqlite():
        op.execute("ALTER TABLE topics DROP COLUMN search_text")
        op.execute("ALTER TABLE topics DROP COLUMN copied_from_id")
        op.execute("ALTER TABLE consultations DROP COLUMN max_proposals_per_participant")
        _sqlite_swap_check(NEW_STATES, OLD_STATES)
    else:
        op.drop_column('topics', 'search_text')
        op.drop_column('topics', 'copied_from_id')
        op.drop_constraint(op.f('ck_consultations_max_proposals'), 'consultations', type_='check')
        op.drop_column('consultations', 'max_proposals_per_participant')
        op.drop_constraint(op.f('ck_consultations_state'), 'consultations', type_='check')
        op.create_check_constraint(op.f('ck_consultations_state'), 'consultations', OLD_STATES)
