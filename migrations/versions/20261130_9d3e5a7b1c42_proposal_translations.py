"""proposal translations: a proposal's title and description in other languages
({lang: {field: value}}), and translations in the search text of topics and proposals

Revision ID: 9d3e5a7b1c42
Revises: 8b2f4c6d1e57
Create Date: 2026-11-30 06:00:00.000000
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from app.text import searchable

revision: str = '9d3e5a7b1c42'
down_revision: str | None = '8b2f4c6d1e57'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TOPICS = sa.table(
    'topics',
    sa.column('id', sa.Integer()),
    sa.column('title', sa.String()),
    sa.column('description', sa.Text()),
    sa.column('search_text', sa.Text()),
    sa.column('translations', sa.JSON()),
)


def _texts(translations: dict[str, dict[str, Any]] | None) -> list[str]:
    found: list[str] = []
    for _lang, texts in sorted((translations or {}).items()):
        found.extend(v for v in texts.values() if isinstance(v, str) and v)
    return found


def _reindex_translated_topics(*, with_translations: bool) -> None:
    """The search text of every translated topic, with or without its translations (the
    SQLite index too: rowid id * 2, as app.search numbers topics)."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(TOPICS.c.id, TOPICS.c.title, TOPICS.c.description, TOPICS.c.translations)
    ).all()
    for topic_id, title, description, translations in rows:
        if not translations:
            continue
        extra = _texts(translations) if with_translations else []
        body = searchable(title, description, *extra)
        bind.execute(TOPICS.update().where(TOPICS.c.id == topic_id).values(search_text=body))
        if bind.dialect.name == "sqlite":
            bind.execute(
                sa.text("UPDATE search_index SET body = :b WHERE rowid = :r"),
                {"b": body, "r": topic_id * 2},
            )


def upgrade() -> None:
    # Plain ADD/DROP COLUMN on both databases, as for the other translations: no batch
    # rebuild of a table that foreign keys cascade from.
    op.add_column('proposals', sa.Column('translations', sa.JSON(), nullable=True))
    _reindex_translated_topics(with_translations=True)


def downgrade() -> None:
    _reindex_translated_topics(with_translations=False)
    op.execute("ALTER TABLE proposals DROP COLUMN translations")
