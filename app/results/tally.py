"""The tally version: it moves with every committed ballot write, in the writing transaction,
so results cached at version V stay exact until it moves, whichever worker serves them."""

from functools import lru_cache
from typing import cast

from sqlalchemy import Insert, Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.results.models import TallyVersion


def current(session: Session, consultation_id: int) -> int:
    version = session.scalar(
        select(TallyVersion.version).where(TallyVersion.consultation_id == consultation_id)
    )
    return version or 0


@lru_cache(maxsize=2)
def _bump_statement(dialect: str) -> Insert:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    versions = cast(Table, TallyVersion.__table__)
    return insert(versions).on_conflict_do_update(
        index_elements=[versions.c.consultation_id],
        set_={"version": versions.c.version + 1},
    )


def bump(session: Session, consultation_id: int) -> None:
    """Counts one write, in the caller's transaction."""
    connection = session.connection()
    connection.execute(
        _bump_statement(connection.dialect.name), {"consultation_id": consultation_id, "version": 1}
    )
