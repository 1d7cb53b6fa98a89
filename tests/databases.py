"""Real databases for the tests: a migrated and seeded template, copied for each test.

On SQLite by default; with CONSULTA_TEST_POSTGRES_URL set, on PostgreSQL.
"""

from __future__ import annotations

import itertools
import os
import shutil
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Executable, Row, create_engine, make_url, text
from sqlalchemy.orm import Session, sessionmaker

from app import migrate
from app.config import Settings
from app.db import make_engine, make_sessionmaker, transaction
from app.seeding import load_all

PG_URL = os.environ.get("CONSULTA_TEST_POSTGRES_URL")
BACKEND = "postgresql" if PG_URL else "sqlite"
NO_PG_REASON = "CONSULTA_TEST_POSTGRES_URL is not set (CI sets it)"


def settings_for(database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": database_url,
        "secret_key": "test-secret-key",
        "argon2_time_cost": 1,
        "argon2_memory_kib": 64,
        "argon2_parallelism": 1,
        "log_level": "WARNING",
        "admin_email": None,
        "admin_password": None,
    }
    return Settings(_env_file=None, **(values | overrides))  # type: ignore[call-arg]


def pg_admin_url() -> URL:
    assert PG_URL is not None
    return make_url(PG_URL).set(drivername="postgresql+psycopg")


def pg_execute(sql: str) -> None:
    engine = create_engine(pg_admin_url(), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(sql))
    finally:
        engine.dispose()


def migrate_and_seed(url: str) -> None:
    settings = settings_for(url)
    migrate.upgrade(settings)
    engine = make_engine(url)
    try:
        with transaction(make_sessionmaker(engine), write=True) as session:
            load_all(session, settings.seed_dir)
    finally:
        engine.dispose()


@dataclass
class Databases:
    """Hands out fresh databases copied from one migrated and seeded template.

    On PostgreSQL a test's database is dropped in the background: DROP DATABASE waits for every
    server process to release the files (and, before that, for a checkpoint), up to a second on
    a busy machine, and the next test need not wait for it. Teardown waits for every drop and
    raises the first that failed.
    """

    workdir: Path
    counter: itertools.count[int]
    dropper: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(max_workers=1))
    drops: list[Future[None]] = field(default_factory=list)

    @property
    def template_name(self) -> str:
        return f"consulta_tpl_{os.getpid()}"

    def setup(self) -> None:
        if BACKEND == "sqlite":
            migrate_and_seed(f"sqlite:///{self.workdir / 'template.db'}")
        else:
            pg_execute(f"DROP DATABASE IF EXISTS {self.template_name} WITH (FORCE)")
            pg_execute(f"CREATE DATABASE {self.template_name}")
            migrate_and_seed(self.url_of(self.template_name))

    def teardown(self) -> None:
        self.dropper.shutdown(wait=True)
        for drop in self.drops:
            drop.result()
        if BACKEND == "postgresql":
            pg_execute(f"DROP DATABASE IF EXISTS {self.template_name} WITH (FORCE)")

    def url_of(self, name: str) -> str:
        return pg_admin_url().set(database=name).render_as_string(hide_password=False)

    def fresh(self) -> tuple[str, str]:
        n = next(self.counter)
        if BACKEND == "sqlite":
            path = self.workdir / f"test-{n}.db"
            shutil.copy(self.workdir / "template.db", path)
            return f"sqlite:///{path}", str(path)
        name = f"consulta_t{os.getpid()}_{n}"
        pg_execute(f"CREATE DATABASE {name} TEMPLATE {self.template_name}")
        return self.url_of(name), name

    def drop(self, handle: str) -> None:
        if BACKEND == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(handle + suffix).unlink(missing_ok=True)
        else:
            sql = f"DROP DATABASE IF EXISTS {handle} WITH (FORCE)"
            self.drops.append(self.dropper.submit(pg_execute, sql))


class Reader:
    """Reads the test's database, each call in a fresh transaction so that it sees everything
    the app has committed so far."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def scalar(self, statement: Executable) -> Any:
        with self.sessions() as session:
            return session.scalar(statement)

    def scalars(self, statement: Executable) -> list[Any]:
        with self.sessions() as session:
            return list(session.scalars(statement))

    def rows(self, statement: Executable) -> list[Row[Any]]:
        with self.sessions() as session:
            return list(session.execute(statement))

    @property
    def dialect(self) -> str:
        return self.sessions.kw["bind"].dialect.name  # type: ignore[no-any-return]

    def ddl(self, sql: str) -> None:
        """Changes the schema under the app, e.g. a trigger that makes a write fail."""
        with self.sessions() as session:
            session.execute(text(sql))
            session.commit()
