"""The models and the migrations agree, and the migrations run both ways, on both databases."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.orm import Session

from app import migrate, search
from app.consultations.models import Consultation, Topic
from app.db import make_engine
from app.models import Base
from app.search import is_search_object
from tests.databases import NO_PG_REASON, PG_URL, pg_admin_url, pg_execute, settings_for


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    if PG_URL is None:
        pytest.skip(NO_PG_REASON)
    name = f"consulta_migrations_{os.getpid()}"
    pg_execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    pg_execute(f"CREATE DATABASE {name}")
    yield pg_admin_url().set(database=name).render_as_string(hide_password=False)
    pg_execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    return not is_search_object(name)


def _diff(url: str) -> list[object]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            opts = {"compare_type": True, "include_name": include_name}
            context = MigrationContext.configure(connection, opts=opts)
            return list(compare_metadata(context, Base.metadata))
    finally:
        engine.dispose()


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        names = set(inspect(engine).get_table_names()) - {"alembic_version"}
        return {name for name in names if not is_search_object(name)}
    finally:
        engine.dispose()


def test_models_and_migrations_agree(empty_database: str) -> None:
    migrate.upgrade(settings_for(empty_database))
    assert _diff(empty_database) == []


def test_upgrade_downgrade_upgrade(empty_database: str) -> None:
    settings = settings_for(empty_database)
    migrate.upgrade(settings)
    assert _tables(empty_database) == set(Base.metadata.tables)
    migrate.downgrade(settings, "base")
    assert _tables(empty_database) == set()
    migrate.upgrade(settings)
    assert _tables(empty_database) == set(Base.metadata.tables)
    engine = make_engine(empty_database)
    try:
        assert migrate.current_revision(engine) == migrate.head_revision(settings)
    finally:
        engine.dispose()


def _similar_titles(url: str, query: str) -> list[str]:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            consultation_id = session.execute(text("SELECT id FROM consultations")).scalar_one()
            hits = search.similar(session, consultation_id=consultation_id, query=query)
            return [hit.title for hit in hits]
    finally:
        engine.dispose()


def test_the_proposal_translations_migration_reindexes_translated_topics(
    empty_database: str,
) -> None:
    """Topics translated before the search looked at translations are found by them once
    migrated, and no longer after a downgrade."""
    settings = settings_for(empty_database)
    migrate.upgrade(settings)
    engine = make_engine(empty_database)
    try:
        with Session(engine) as session, session.begin():
            consultation = Consultation(slug="f-1", title="F", forum="F", edition="1")
            session.add(consultation)
            session.flush()
            topic = Topic(consultation_id=consultation.id, title="Privacy", position=0)
            topic.translations = {"pt": {"title": "Privacidade"}}
            session.add(topic)
    finally:
        engine.dispose()
    assert _similar_titles(empty_database, "privacidade") == ["Privacy"]
    migrate.downgrade(settings, "8b2f4c6d1e57")
    assert _similar_titles(empty_database, "privacidade") == []
    assert _similar_titles(empty_database, "privacy") == ["Privacy"]
    migrate.upgrade(settings)
    assert _similar_titles(empty_database, "privacidade") == ["Privacy"]
