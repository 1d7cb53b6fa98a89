"""Synthetic datasets for the benchmarks: P participants x T topics, loaded as fast as each
database allows (one executemany transaction on SQLite, COPY on PostgreSQL)."""

import secrets
import time

from sqlalchemy import Engine, select, text

from app.db import make_sessionmaker, transaction
from app.demo import synthetic_ratings
from app.models import Consultation, TallyVersion, Topic


def create_consultation(engine: Engine, slug: str, topics: int) -> tuple[int, list[int]]:
    with transaction(make_sessionmaker(engine), write=True) as session:
        consultation = Consultation(
            slug=slug,
            title=f"Benchmark {slug}",
            forum="BENCH",
            edition=slug,
            state="closed",
            description="Synthetic data for benchmarks.",
        )
        session.add(consultation)
        session.flush()
        ids = []
        for i in range(topics):
            topic = Topic(consultation_id=consultation.id, title=f"Topic {i:02d}", position=i)
            session.add(topic)
            session.flush()
            ids.append(topic.id)
        session.add(TallyVersion(consultation_id=consultation.id, version=1))
        return consultation.id, ids


def load(engine: Engine, slug: str, participants: int, topics: int, seed: int = 0) -> int:
    """Creates a closed consultation with synthetic ratings; returns the number of ratings."""
    return load_timed(engine, slug, participants, topics, seed)[0]


def load_timed(
    engine: Engine, slug: str, participants: int, topics: int, seed: int = 0
) -> tuple[int, float]:
    """As `load`, and the seconds spent in the database load alone (not making the data)."""
    consultation_id, topic_ids = create_consultation(engine, slug, topics)
    with engine.begin() as connection:
        first = connection.execute(text("SELECT coalesce(max(id), 0) FROM participants")).scalar()
        assert first is not None
    groups: dict[int, str] = {}
    rows: list[tuple[int, int, int, str, int]] = []
    for p, group, t, score in synthetic_ratings(participants, topics, seed):
        groups[p] = group
        rows.append((first + 1 + p, topic_ids[t], consultation_id, group, score))
    people = [
        (first + 1 + p, consultation_id, group, secrets.token_hex(16))
        for p, group in groups.items()
    ]
    started = time.perf_counter()
    if engine.dialect.name == "postgresql":
        _copy(engine, people, rows)
    else:
        _executemany(engine, people, rows)
    seconds = time.perf_counter() - started
    if engine.dialect.name == "postgresql":
        # Untimed: what autovacuum does to freshly loaded tables in steady state (statistics for
        # the planner, a visibility map for index-only scans). Without it the first queries'
        # times swing by a third from run to run.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE participants, ratings"))
    return len(rows), seconds


def _executemany(
    engine: Engine,
    people: list[tuple[int, int, str, str]],
    rows: list[tuple[int, int, int, str, int]],
) -> None:
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("BEGIN")
        cursor.executemany(
            "INSERT INTO participants (id, consultation_id, stakeholder_group, ballot_key, "
            "ballot_writes, created_at) VALUES (?, ?, ?, ?, 1, CURRENT_TIMESTAMP)",
            people,
        )
        cursor.executemany(
            "INSERT INTO ratings (participant_id, topic_id, consultation_id, stakeholder_group, "
            "score, updated_at) VALUES (?, ?, ?, ?, ?, CURRENT_TIMESTAMP)",
            rows,
        )
        cursor.execute("COMMIT")
    finally:
        raw.close()


def _copy(
    engine: Engine,
    people: list[tuple[int, int, str, str]],
    rows: list[tuple[int, int, int, str, int]],
) -> None:
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        with cursor.copy(
            "COPY participants (id, consultation_id, stakeholder_group, ballot_key, ballot_writes,"
            " created_at) FROM STDIN"
        ) as copy:
            for person in people:
                copy.write_row((*person, 1, "now"))
        with cursor.copy(
            "COPY ratings (participant_id, topic_id, consultation_id, stakeholder_group, score,"
            " updated_at) FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row((*row, "now"))
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('participants', 'id'), "
            "(SELECT max(id) FROM participants))"
        )
        raw.commit()
    finally:
        raw.close()


def consultation_id(engine: Engine, slug: str) -> int:
    with make_sessionmaker(engine)() as session:
        found = session.scalar(select(Consultation.id).where(Consultation.slug == slug))
        assert found is not None
        return found
